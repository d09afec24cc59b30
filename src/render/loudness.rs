//! Integrated loudness (ITU-R BS.1770-4) for the render's gain search: the same filter, blocks and
//! gates as the `ebur128` crate (a port of libebur128), which the export still uses to measure the
//! written files, in one tight pass.
//!
//! Why not `ebur128` itself: the gain search measures every try, and its K-weighting plus
//! per-block re-summing cost about 1 ms per second of audio; this costs about a quarter. It keeps
//! ebur128's conventions: 100 ms steps of `(rate + 5) / 10` frames, 400 ms blocks from 400 ms on,
//! only whole steps, blocks below -70 LUFS dropped, then the -10 LU relative gate. A test checks
//! it agrees with ebur128 within 1e-6 LU.

use std::f64::consts::PI;

/// Absolute gate, LUFS.
const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// Relative gate, LU below the loudness of the blocks above the absolute gate.
const RELATIVE_GATE_LU: f64 = -10.0;

/// A transposed-direct-form-II biquad in f64, `a0 = 1`.
#[derive(Clone, Copy)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    s: [f64; 2],
}

impl Biquad {
    #[inline]
    fn tick(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.s[0];
        self.s[0] = self.b[1] * x - self.a[0] * y + self.s[1];
        self.s[1] = self.b[2] * x - self.a[1] * y;
        y
    }
}

/// The K-weighting filter's two stages at `rate_hz`, from libebur128's analogue parameters.
fn k_weighting(rate_hz: f64) -> [Biquad; 2] {
    let (f0, gain_db, q) = (1681.974450955533, 3.999843853973347, 0.7071752369554196);
    let k = (PI * f0 / rate_hz).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.4996667741545416);
    let a0 = 1.0 + k / q + k * k;
    let shelf = Biquad {
        b: [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        s: [0.0; 2],
    };
    let (f0, q) = (38.13547087602444, 0.5003270373238773);
    let k = (PI * f0 / rate_hz).tan();
    let a0 = 1.0 + k / q + k * k;
    let highpass = Biquad {
        b: [1.0, -2.0, 1.0],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        s: [0.0; 2],
    };
    [shelf, highpass]
}

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
    let [mut l1, mut l2] = k_weighting(rate_hz as f64);
    let [mut r1, mut r2] = k_weighting(rate_hz as f64);
    let whole = steps.len() * step;
    for (pos, (l, r)) in (gap_frames..whole).zip(left.iter().zip(right)) {
        let yl = l2.tick(l1.tick(*l as f64));
        let yr = r2.tick(r1.tick(*r as f64));
        steps[pos / step] += yl * yl + yr * yr;
    }
    let gate = 10f64.powf((ABSOLUTE_GATE_LUFS + 0.691) / 10.0);
    let block_frames = (4 * step) as f64;
    let blocks: Vec<f64> = steps
        .windows(4)
        .map(|w| (w[0] + w[1] + w[2] + w[3]) / block_frames)
        .filter(|&e| e >= gate)
        .collect();
    if blocks.is_empty() {
        return None;
    }
    let relative =
        blocks.iter().sum::<f64>() / blocks.len() as f64 * 10f64.powf(RELATIVE_GATE_LU / 10.0);
    let (sum, count) = blocks
        .iter()
        .filter(|&&e| e >= relative)
        .fold((0.0, 0usize), |(s, n), e| (s + e, n + 1));
    (count > 0)
        .then(|| 10.0 * (sum / count as f64).log10() - 0.691)
        .filter(|l| l.is_finite())
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
