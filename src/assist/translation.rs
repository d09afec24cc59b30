//! The translation preview: what each delivery platform's normalisation will do to each exported
//! track, from the loudness plan's expectations or from the tracks as rendered.
use super::headroom::{plan_headroom, HeadroomProposal, RenderedHeadroom};
use super::platforms::{platform_gain_db, Platform};
use super::*;

/// `proposal` with its loudness plan and translation preview made again from each track rendered
/// under the plan (`rendered[i]`, as [`crate::render::toned`] renders it with the moves the
/// proposal would write; missing or `None`: estimated from the source's peaks). The user's choice
/// of accepting the plan is kept. `project` and `tracks` are those the proposal was made from.
pub fn with_rendered_headroom(
    proposal: &AlbumProposal,
    project: &Project,
    tracks: &[Option<TrackAnalysis>],
    rendered: &[Option<RenderedHeadroom>],
) -> AlbumProposal {
    let mut headroom = plan_headroom(project, tracks, proposal.headroom.max_spread_lu, rendered);
    headroom.accepted = proposal.headroom.accepted;
    AlbumProposal {
        translation: translation_of(&headroom),
        headroom,
        ..proposal.clone()
    }
}

/// What each platform will do to each track as the plan expects it to be exported.
pub(super) fn translation_of(headroom: &HeadroomProposal) -> Vec<TrackTranslation> {
    headroom
        .tracks
        .iter()
        .map(|h| track_translation(h.number, h.expected_lufs, h.expected_true_peak_dbtp))
        .collect()
}

/// What each platform will do to each track rendered as `rendered[i]` (album order; `None`: not
/// rendered, no figures): the preview when the export keeps the project's own loudness settings.
pub fn translation_of_rendered(rendered: &[Option<RenderedHeadroom>]) -> Vec<TrackTranslation> {
    rendered
        .iter()
        .enumerate()
        .map(|(i, r)| {
            track_translation(
                i + 1,
                r.and_then(|r| r.lufs),
                r.and_then(|r| r.true_peak_dbtp),
            )
        })
        .collect()
}

/// One exported track's fate on every platform.
fn track_translation(number: usize, lufs: Option<f64>, tp_dbtp: Option<f64>) -> TrackTranslation {
    TrackTranslation {
        number,
        exported_lufs: lufs,
        exported_true_peak_dbtp: tp_dbtp,
        platforms: Platform::ALL
            .iter()
            .map(|&p| {
                let (gain_db, reason) = platform_gain_db(p, lufs, tp_dbtp);
                PlatformGain {
                    platform: p,
                    gain_db,
                    reason,
                }
            })
            .collect(),
    }
}
