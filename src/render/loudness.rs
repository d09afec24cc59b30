//! Integrated loudness (ITU-R BS.1770-4) for the render's gain search: the same filter, blocks and
//! gates as the `ebur128` crate (a port of libebur128), which the export still uses to measure the
//! written files, in one tight pass.
//!
//! Why not `ebur128` itself: the gain search measures every try, and its K-weighting plus
//! per-block re-summing cost about 1 ms per second of audio; this costs about a quarter. It keeps
//! ebur128's conventions: 100 ms steps of `(rate + 5) / 10` frames, 400 ms blocks from 400 ms on,
//! only whole steps, blocks below -70 LUFS dropped, then the -10 LU relative gate. A test checks
//! it agrees with ebur128 within 1e-6 LU.

use crate::analysis::kweight::KFilter;
use crate::analysis::loudness::integrated_from_steps;

/// Integrated loudness of `gap_frames` of digital silence followed by `left`/`right` at
/// `rate_hz`, LUFS; `None` when no 400 ms block is above the gates (silence, too short).
pub fn integrated_lufs_after_gap(
    gap_frames: usize,
    left: &[f32],
    right: &[f32],
    rate_hz: u32,
) -> Option<f64> {
    if rate_hz == 0 {
        return None;
    }
    let step = ((rate_hz as usize + 5) / 10).max(1);
    let frames = gap_frames + left.len().min(right.len());
    // Energy (sum of squares over both channels) per whole 100 ms step. Silence filters to
    // silence, so the gap only shifts where the steps fall.
    let mut steps = vec![0.0f64; frames / step];
    let (mut kl, mut kr) = (KFilter::new(rate_hz as f64), KFilter::new(rate_hz as f64));
    let whole = steps.len() * step;
    for (pos, (l, r)) in (gap_frames..whole).zip(left.iter().zip(right)) {
        let yl = kl.tick(*l as f64);
        let yr = kr.tick(*r as f64);
        steps[pos / step] += yl * yl + yr * yr;
    }
    integrated_from_steps(&steps, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(gap: usize, l: &[f32], r: &[f32], rate: u32) -> Option<f64> {
        let mut m = ebur128::EbuR128::new(2, rate, ebur128::Mode::I).unwrap();
        let zeros = vec![0.0f32; gap];
        m.add_frames_planar_f32(&[&zeros, &zeros]).unwrap();
        m.add_frames_planar_f32(&[l, r]).unwrap();
        m.loudness_global().ok().filter(|v| v.is_finite())
    }

    #[test]
    fn agrees_with_ebur128() {
        let mut s: u32 = 3;
        let mut noise = move || {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        for rate in [44_100u32, 48_000, 96_000] {
            let n = rate as usize * 7 + 1234;
            // Loud, quiet (relative gate), very quiet (absolute gate) and silent stretches.
            let (l, r): (Vec<f32>, Vec<f32>) = (0..n)
                .map(|i| {
                    let t = i as f32 / rate as f32;
                    let env = [0.5, 0.05, 0.0001, 0.0, 0.3, 0.8, 0.02][(t as usize) % 7];
                    let bass = (2.0 * std::f32::consts::PI * 50.0 * t).sin();
                    (env * (noise() + 0.5 * bass), env * (0.5 * noise() + bass))
                })
                .unzip();
            for gap in [0, 1, rate as usize / 3 + 17] {
                let want = reference(gap, &l, &r, rate).unwrap();
                let got = integrated_lufs_after_gap(gap, &l, &r, rate).unwrap();
                assert!(
                    (got - want).abs() < 1e-6,
                    "{rate} Hz, gap {gap}: {got} vs {want}"
                );
            }
        }
        let silence = vec![0.0f32; 48_000];
        assert_eq!(
            integrated_lufs_after_gap(0, &silence, &silence, 48_000),
            None
        );
        assert_eq!(
            integrated_lufs_after_gap(0, &[0.5; 100], &[0.5; 100], 48_000),
            None
        );
    }
}
