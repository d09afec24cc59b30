//! The album's loudness plan: which integrated loudness each track is rendered to.

use crate::project::{AlbumSettings, LoudnessMode};

/// One track's planned loudness.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackTarget {
    /// Target integrated loudness after mastering, LUFS; `None` when the track has no loudness (silence).
    pub target_lufs: Option<f64>,
    /// The offset from the album target it keeps, LU (0 in track mode, ≤ 0 in album mode before nudges).
    pub offset_lu: f64,
}

/// Plans each track's target.
///
/// Track mode: every track at the target (plus the user's nudge). Album mode: the loudest track at
/// the album target (`album_loudest_lufs` of the preset if any, else the target) and every other track
/// keeps its loudness offset from the source mix, scaled down proportionally when the spread exceeds
/// `album_spread_lu` so the order of loudness is kept; the user's per-track nudge (LU) is added last.
pub fn plan_loudness(
    settings: &AlbumSettings,
    album_loudest_lufs: Option<f64>,
    source_lufs: &[Option<f64>],
    nudge_lu: &[f64],
) -> Vec<TrackTarget> {
    let loudest = source_lufs
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let quietest = source_lufs
        .iter()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let spread = if loudest.is_finite() {
        loudest - quietest
    } else {
        0.0
    };
    let scale = match settings.album_spread_lu {
        Some(max) if spread > max && spread > 0.0 => max.max(0.0) / spread,
        _ => 1.0,
    };
    source_lufs
        .iter()
        .enumerate()
        .map(|(i, source)| {
            let nudge = nudge_lu.get(i).copied().unwrap_or(0.0);
            let Some(source) = source else {
                return TrackTarget {
                    target_lufs: None,
                    offset_lu: 0.0,
                };
            };
            let (base, offset) = match settings.loudness_mode {
                LoudnessMode::Track => (settings.target_lufs, 0.0),
                LoudnessMode::Album => (
                    album_loudest_lufs.unwrap_or(settings.target_lufs),
                    (source - loudest) * scale,
                ),
            };
            TrackTarget {
                target_lufs: Some(base + offset + nudge),
                offset_lu: offset,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(mode: LoudnessMode, spread: Option<f64>) -> AlbumSettings {
        AlbumSettings {
            loudness_mode: mode,
            album_spread_lu: spread,
            target_lufs: -14.0,
            ..AlbumSettings::default()
        }
    }

    fn targets(plan: &[TrackTarget]) -> Vec<Option<f64>> {
        plan.iter().map(|t| t.target_lufs).collect()
    }

    #[test]
    fn track_mode_puts_every_track_at_the_target() {
        let plan = plan_loudness(
            &settings(LoudnessMode::Track, None),
            None,
            &[Some(-9.0), Some(-20.0), None],
            &[0.0, 1.0],
        );
        assert_eq!(targets(&plan), vec![Some(-14.0), Some(-13.0), None]);
    }

    #[test]
    fn album_mode_keeps_offsets_from_the_loudest() {
        let plan = plan_loudness(
            &settings(LoudnessMode::Album, None),
            None,
            &[Some(-10.0), Some(-19.0), Some(-13.0)],
            &[],
        );
        assert_eq!(targets(&plan), vec![Some(-14.0), Some(-23.0), Some(-17.0)]);
    }

    #[test]
    fn album_spread_narrows_offsets_keeping_their_order() {
        let plan = plan_loudness(
            &settings(LoudnessMode::Album, Some(6.0)),
            None,
            &[Some(-10.0), Some(-22.0), Some(-13.0)],
            &[0.0, 0.0, -0.5],
        );
        let t = targets(&plan);
        assert!(
            (t[1].unwrap() - -20.0).abs() < 1e-9,
            "12 LU spread narrowed to 6: {t:?}"
        );
        assert!(
            (t[2].unwrap() - (-14.0 - 1.5 - 0.5)).abs() < 1e-9,
            "3 LU offset halved, then nudged: {t:?}"
        );
    }

    #[test]
    fn aes_loudest_track_sits_at_its_own_target() {
        let s = AlbumSettings {
            target_lufs: -16.0,
            ..settings(LoudnessMode::Album, None)
        };
        let plan = plan_loudness(&s, Some(-14.0), &[Some(-10.0), Some(-12.0)], &[]);
        assert_eq!(targets(&plan), vec![Some(-14.0), Some(-16.0)]);
    }
}
