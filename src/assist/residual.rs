//! The match curve for what the broad moves leave: the residual deviation smoothed over an octave
//! (as the measured match curve is, so it follows balance, not detail) and bounded like every
//! other move, stored in the project as proposed.
//!
//! **Why the level is free.** Loudness normalisation after the chain removes any constant offset,
//! so a curve of +4 dB at the top and −1 dB at the bottom does the same as +2.5/−2.5. The bound is
//! therefore spent on the shape: the offset that leaves the least deviation is searched before
//! clipping at ±bound, instead of clipping the raw curve around 0 dB.

use super::fit::centered_rms;
use crate::dsp::MatchKernel;
use crate::project::CurvePoint;
use crate::render::params::{match_fade, smooth_triangle};

/// Step of the offset search, dB.
const OFFSET_STEP_DB: f64 = 0.05;
/// Corrections of the stored points toward what the FIR realises.
const REALISE_PASSES: usize = 3;
/// Offsets whose deviation left differs by less than this are equally good, dB.
const EQUAL_WITHIN_DB: f64 = 0.01;

/// A bounded, smoothed curve for `residual_db` (target − track after the broad moves, per band of
/// `bands_hz`; smoothed with a triangle of ±`half_span` bands, 3 = one octave across), fitted
/// where `mask` is set: the gain per band (dB) and the points to store
/// (one per band, within ±`max_db`, 0.01 dB steps rounded toward zero so the bound holds, faded to
/// 0 outside 30 Hz–16 kHz as the measured match curve is).
///
/// With `realise_at_hz`, the points are corrected (a few passes) so that the FIR the chain designs
/// from them at that rate comes as close as it can to the curve, and the gain returned is what that
/// FIR really applies ([`MatchKernel::realised_db`]); without, the gain is the curve as drawn. Pure.
pub fn residual_curve(
    bands_hz: &[f64],
    residual_db: &[f64],
    mask: &[bool],
    max_db: f64,
    half_span: usize,
    realise_at_hz: Option<f64>,
) -> (Vec<f64>, Vec<CurvePoint>) {
    let bound = max_db.abs();
    // Only the fitted bands feed the smoothing: above 16 kHz a codec's cut-off reads as tens of dB
    // "missing", which would otherwise drag the top octave to the bound.
    let smoothed = smooth_triangle(residual_db, half_span, |j| {
        mask[j] && residual_db[j].is_finite()
    });
    let fade: Vec<f64> = bands_hz.iter().map(|&f| match_fade(f)).collect();
    let shaped = |offset: f64| -> Vec<f64> {
        smoothed
            .iter()
            .zip(&fade)
            .map(|(g, w)| {
                let g = ((g - offset).clamp(-bound, bound) * 100.0).trunc() / 100.0;
                g * w
            })
            .collect()
    };
    let left = |curve: &[f64]| -> f64 {
        let e: Vec<f64> = residual_db.iter().zip(curve).map(|(r, c)| r - c).collect();
        centered_rms(&e, mask)
    };
    let (lo, hi) = smoothed
        .iter()
        .zip(mask)
        .filter(|(_, &m)| m)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (g, _)| {
            (lo.min(*g), hi.max(*g))
        });
    // The best offset lies between (top − bound) and (bottom + bound) when the span exceeds the
    // bound's width, else anywhere that clips nothing; search the range that covers both cases.
    let (from, to) = if lo.is_finite() {
        ((hi - bound).min(lo + bound), (hi - bound).max(lo + bound))
    } else {
        (0.0, 0.0)
    };
    let steps = ((to - from) / OFFSET_STEP_DB).ceil().max(0.0) as usize;
    // Offsets that clip nothing leave the same deviation (to the 0.01 dB rounding); of those, the
    // one nearest the middle of the range keeps the curve smallest.
    let middle = if lo.is_finite() { 0.5 * (lo + hi) } else { 0.0 };
    let tried: Vec<(f64, f64)> = (0..=steps)
        .map(|k| from + k as f64 * OFFSET_STEP_DB)
        .map(|c| (left(&shaped(c)), c))
        .collect();
    let best = tried.iter().map(|t| t.0).fold(f64::INFINITY, f64::min);
    let offset = tried
        .iter()
        .filter(|t| t.0 <= best + EQUAL_WITHIN_DB)
        .min_by(|a, b| (a.1 - middle).abs().total_cmp(&(b.1 - middle).abs()))
        .map_or(0.0, |t| t.1);
    let goal = shaped(offset);
    let (stored, applied) = match realise_at_hz {
        Some(rate_hz) => realise(bands_hz, &goal, mask, bound, rate_hz),
        None => (goal.clone(), goal),
    };
    let points = bands_hz
        .iter()
        .zip(&stored)
        .map(|(&freq_hz, &gain_db)| CurvePoint { freq_hz, gain_db })
        .collect();
    (applied, points)
}

/// Points whose FIR at `rate_hz` comes closest to `goal_db` on the masked bands (the FIR cannot
/// follow fast turns below ~100 Hz; pushing the points a little further there makes up part of
/// it, within ±`bound`): (points, what the FIR applies), dB per band.
fn realise(
    bands_hz: &[f64],
    goal_db: &[f64],
    mask: &[bool],
    bound: f64,
    rate_hz: f64,
) -> (Vec<f64>, Vec<f64>) {
    let mut points = goal_db.to_vec();
    let mut applied = MatchKernel::design(&points, bands_hz, rate_hz).realised_db(bands_hz);
    for _ in 0..REALISE_PASSES {
        for b in (0..points.len()).filter(|&b| mask[b]) {
            let pushed = points[b] + (goal_db[b] - applied[b]);
            points[b] = (pushed.clamp(-bound, bound) * 100.0).trunc() / 100.0;
        }
        applied = MatchKernel::design(&points, bands_hz, rate_hz).realised_db(bands_hz);
    }
    (points, applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::spectrum::band_centers_hz;

    fn setup() -> (Vec<f64>, Vec<bool>) {
        let bands = band_centers_hz();
        let mask = bands
            .iter()
            .map(|&f| (40.0..=16000.0).contains(&f))
            .collect();
        (bands, mask)
    }

    #[test]
    fn a_broad_residual_within_the_bound_is_followed() {
        let (bands, mask) = setup();
        // A 2-octave-wide bump of +2 dB around 250 Hz, on a +5 dB level (the level is free).
        let residual: Vec<f64> = bands
            .iter()
            .map(|&f| 5.0 + 2.0 * (-((f / 250.0).log2() / 1.0).powi(2)).exp())
            .collect();
        let (curve, points) = residual_curve(&bands, &residual, &mask, 3.0, 3, None);
        assert_eq!(points.len(), bands.len());
        let before = centered_rms(&residual, &mask);
        let e: Vec<f64> = residual.iter().zip(&curve).map(|(r, c)| r - c).collect();
        let after = centered_rms(&e, &mask);
        assert!(after < 0.25 * before, "{before} → {after}");
        // The level is not spent: the curve is centred on the bump's range (about ±1 dB), not
        // clipped at +3 dB everywhere.
        let peak = curve
            .iter()
            .zip(&mask)
            .filter(|(_, &m)| m)
            .fold(0.0f64, |a, (c, _)| a.max(c.abs()));
        assert!(peak < 1.1, "{peak}");
    }

    #[test]
    fn a_narrow_residual_becomes_a_feature_as_wide_as_the_narrowest_band_allows() {
        let (bands, mask) = setup();
        // One 1/6-octave band 2 dB up at 1 kHz: the narrowest residual there is.
        let residual: Vec<f64> = bands
            .iter()
            .map(|&f| if (f - 1000.0).abs() < 1.0 { 2.0 } else { 0.0 })
            .collect();
        // Octaves between the curve's half-height points (relative to its floor), counting the
        // bands at or above half height (each 1/6 octave).
        let width_oct = |half_span: usize| -> f64 {
            let (curve, _) = residual_curve(&bands, &residual, &mask, 3.0, half_span, None);
            let lo = curve.iter().cloned().fold(f64::INFINITY, f64::min);
            let hi = curve.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let above = curve.iter().filter(|&&c| c - lo >= 0.5 * (hi - lo)).count();
            above as f64 / 6.0
        };
        let default = width_oct(crate::assist::curve_half_span_bands(0.5));
        let strict = width_oct(crate::assist::curve_half_span_bands(1.0));
        // A triangle of ±3 bands is 5 bands (5/6 octave) at half height, one of ±6 is 7.
        assert_eq!((default * 6.0).round(), 5.0, "{default} octaves");
        assert_eq!((strict * 6.0).round(), 7.0, "{strict} octaves");
    }

    #[test]
    fn the_bound_holds_and_is_spent_on_the_shape() {
        let (bands, mask) = setup();
        // 10 dB too little treble against too much bass: far past ±3 dB.
        let residual: Vec<f64> = bands
            .iter()
            .map(|&f| 10.0 * ((f / 1000.0).log2() / 4.0).clamp(-1.0, 1.0))
            .collect();
        let (curve, points) = residual_curve(&bands, &residual, &mask, 3.0, 3, None);
        for (p, c) in points.iter().zip(&curve) {
            assert!(p.gain_db.abs() <= 3.0, "{p:?}");
            assert_eq!(p.gain_db, *c);
        }
        // Both ends use the whole bound: −3 dB at the bottom, +3 dB at the top.
        let at = |hz: f64| curve[bands.iter().position(|&f| f >= hz).unwrap()];
        assert!(
            at(60.0) < -2.9 && at(12000.0) > 2.9,
            "{} {}",
            at(60.0),
            at(12000.0)
        );
        // Outside 30 Hz–16 kHz the curve fades out, as the measured match curve does.
        assert!(at(20000.0).abs() < 0.7 * 3.0, "{}", at(20000.0));
    }

    #[test]
    fn realised_points_make_the_fir_closer_to_the_curve_and_keep_the_bound() {
        let (bands, mask) = setup();
        // Swings of ±4 dB an octave apart below 200 Hz, a gentle tilt above: the FIR at 44.1 kHz
        // cannot follow the low swings exactly.
        let residual: Vec<f64> = bands
            .iter()
            .map(|&f| {
                if f < 200.0 {
                    4.0 * (std::f64::consts::PI * (f / 40.0).log2()).cos()
                } else {
                    (f / 1000.0).log2() * 0.5
                }
            })
            .collect();
        let (drawn, _) = residual_curve(&bands, &residual, &mask, 3.0, 3, None);
        let (applied, points) = residual_curve(&bands, &residual, &mask, 3.0, 3, Some(44_100.0));
        let plain = MatchKernel::design(&drawn, &bands, 44_100.0).realised_db(&bands);
        let error = |got: &[f64]| {
            let e: Vec<f64> = got.iter().zip(&drawn).map(|(g, d)| g - d).collect();
            centered_rms(&e, &mask)
        };
        assert!(
            error(&applied) < 0.8 * error(&plain),
            "{} vs {}",
            error(&applied),
            error(&plain)
        );
        // What is returned is what the FIR of the stored points applies, and it stays in bounds.
        let stored: Vec<f64> = points.iter().map(|p| p.gain_db).collect();
        let again = MatchKernel::design(&stored, &bands, 44_100.0).realised_db(&bands);
        for (a, b) in applied.iter().zip(&again) {
            assert!((a - b).abs() < 1e-9);
        }
        assert!(stored.iter().all(|g| g.abs() <= 3.0));
        let peak = applied.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        assert!(peak <= 3.0 + 0.1, "{peak}");
    }

    #[test]
    fn detail_narrower_than_an_octave_is_not_followed() {
        let (bands, mask) = setup();
        // Alternate ±2 dB from one 1/6-octave band to the next.
        let residual: Vec<f64> = (0..bands.len())
            .map(|i| if i % 2 == 0 { 2.0 } else { -2.0 })
            .collect();
        let (curve, _) = residual_curve(&bands, &residual, &mask, 3.0, 3, None);
        let peak = curve
            .iter()
            .zip(&mask)
            .filter(|(_, &m)| m)
            .fold(0.0f64, |a, (c, _)| a.max(c.abs()));
        assert!(peak < 0.5, "the curve stays smooth: {peak}");
    }
}
