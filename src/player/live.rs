//! Live edits while a track plays. A nudge must be heard at once, but the exact gain to target
//! needs a render of the whole track (seconds). So the new settings go to the engine at once with
//! the gain corrected by a prediction from the track's long-term spectrum, and a background
//! re-solve (`prepare`) replaces that prediction with the export's exact gain a moment later.

use crate::analysis::kweight::k_weight_power;
use crate::analysis::SpectralBalance;
use crate::dsp::ChainParams;

/// Sample rate the responses are evaluated at: the audible range is far below Nyquist at any
/// playback rate, so the prediction does not depend on the device.
const RESPONSE_RATE_HZ: f64 = 48_000.0;

/// The chain's linear response per band of `spectrum`'s grid, dB: input trim, tone sections and
/// the match curve (`match_curve_db` at 100 %, on the same grid) at the params' amount.
pub fn response_db(
    params: &ChainParams,
    match_curve_db: Option<&[f64]>,
    bands_hz: &[f64],
) -> Vec<f64> {
    bands_hz
        .iter()
        .enumerate()
        .map(|(b, &f)| {
            let matched = match_curve_db
                .and_then(|c| c.get(b))
                .map_or(0.0, |&c| params.match_response_db(c));
            params.input_trim_db + params.tone_response_db(f, RESPONSE_RATE_HZ) + matched
        })
        .collect()
}

/// Predicted change of integrated loudness, dB, when a track's chain goes from `old` to `new`:
/// the K-weighted power of each band of the long-term spectrum (mid and side), scaled by each
/// chain's response and stereo width. Exact for a stationary signal; gating and the limiter make
/// real tracks differ by a few tenths, which the background re-solve corrects.
pub fn predicted_loudness_change_db(
    spectrum: &SpectralBalance,
    old: (&ChainParams, Option<&[f64]>),
    new: (&ChainParams, Option<&[f64]>),
) -> f64 {
    let bands = &spectrum.bands_hz;
    let power = |params: &ChainParams, curve: Option<&[f64]>| -> f64 {
        let response = response_db(params, curve, bands);
        let side_gain = params.width * params.width;
        bands
            .iter()
            .enumerate()
            .map(|(b, &f)| {
                let mid = db_to_power(spectrum.mid_db.get(b).copied());
                // Below the mono-bass corner the side is removed.
                let side = if f < params.mono_bass_hz {
                    0.0
                } else {
                    db_to_power(spectrum.side_db.get(b).copied()) * side_gain
                };
                (mid + side) * db_to_power(Some(response[b])) * k_weight_power(f, RESPONSE_RATE_HZ)
            })
            .sum()
    };
    let (before, after) = (power(old.0, old.1), power(new.0, new.1));
    if before > 0.0 && after > 0.0 {
        10.0 * (after / before).log10()
    } else {
        0.0
    }
}

fn db_to_power(db: Option<f64>) -> f64 {
    db.filter(|d| d.is_finite())
        .map_or(0.0, |d| 10f64.powf(d / 10.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::spectrum::band_centers_hz;

    fn pink() -> SpectralBalance {
        let bands_hz = band_centers_hz();
        let mid_db = bands_hz.iter().map(|_| -10.0).collect();
        let side_db = bands_hz.iter().map(|_| -20.0).collect();
        SpectralBalance {
            bands_hz,
            mid_db,
            side_db,
        }
    }

    #[test]
    fn a_broadband_trim_predicts_exactly_its_own_gain() {
        let neutral = ChainParams::default();
        let trimmed = ChainParams {
            input_trim_db: 2.5,
            ..neutral
        };
        let change = predicted_loudness_change_db(&pink(), (&neutral, None), (&trimmed, None));
        assert!((change - 2.5).abs() < 1e-9, "{change}");
    }

    #[test]
    fn a_treble_boost_raises_loudness_less_than_its_gain_and_a_cut_lowers_it() {
        let neutral = ChainParams::default();
        let bright = ChainParams {
            high_shelf_gain_db: 6.0,
            high_shelf_freq_hz: 8000.0,
            ..neutral
        };
        let up = predicted_loudness_change_db(&pink(), (&neutral, None), (&bright, None));
        assert!(up > 0.3 && up < 6.0, "{up}");
        let down = predicted_loudness_change_db(&pink(), (&bright, None), (&neutral, None));
        assert!((up + down).abs() < 1e-9, "symmetric: {up} {down}");
    }

    #[test]
    fn width_changes_loudness_by_the_side_power() {
        let neutral = ChainParams::default();
        let mono = ChainParams {
            width: 0.0,
            ..neutral
        };
        // Side is 10 dB under mid in every band: removing it loses 10·log10(1.1) dB.
        let change = predicted_loudness_change_db(&pink(), (&neutral, None), (&mono, None));
        assert!((change + 10.0 * 1.1f64.log10()).abs() < 1e-9, "{change}");
    }

    #[test]
    fn the_match_curve_counts_at_its_amount() {
        let spectrum = pink();
        let curve = vec![3.0; spectrum.bands_hz.len()];
        let off = ChainParams::default();
        let full = ChainParams {
            match_amount: 1.0,
            ..off
        };
        let change =
            predicted_loudness_change_db(&spectrum, (&off, Some(&curve)), (&full, Some(&curve)));
        assert!((change - 3.0).abs() < 1e-9, "{change}");
    }
}
