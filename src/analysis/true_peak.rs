//! True peak as BS.1770 meters read it, exactly as the `ebur128` crate (libebur128's filter) does,
//! but only where the reading can still rise.
//!
//! The meter interpolates every sample 4x (2x from 96 kHz, not at all from 192 kHz) with a 48-tap
//! Hann-windowed sinc and keeps the largest |value|. Nearly all of a track sits far enough below
//! its loudest peak that no interpolation around it can reach that peak: the interpolated value is
//! at most the filter's L1 norm times the largest |sample| under it. So a frame is interpolated
//! only when a sample within the filter's reach is above `max so far / L1`. The readings that are
//! computed use the meter's coefficients in its own order of summation, so the result is the
//! crate's, bit for bit (a test holds it to that), at a fraction of the cost on real music.

use std::f64::consts::PI;

/// Length of the meter's filter over all phases, as in libebur128.
const TAPS: usize = 48;
/// Most taps per phase (at 2x).
const MAX_TAPS_PER_PHASE: usize = TAPS / 2;

/// Streaming stereo true-peak meter. Construction allocates; `push` does not.
#[derive(Debug, Clone)]
pub struct TruePeakMeter {
    /// Oversampling factor: 4, 2, or 1 (sample peak only).
    factor: usize,
    /// Taps per phase, `TAPS / factor`.
    taps: usize,
    /// `filter[a][b]`: weight of the sample `a` frames back for output phase `b` (libebur128's
    /// layout), `a < taps`, `b < factor`.
    filter: Vec<[f32; 4]>,
    /// The last `taps` samples per channel, newest first in `[pos..pos + taps]` (written twice so
    /// the window is always contiguous).
    hist: [[f32; 2 * MAX_TAPS_PER_PHASE]; 2],
    pos: usize,
    /// Frames left whose window holds a sample loud enough to matter.
    hot: usize,
    /// Largest reading so far (both channels), and the filter's gain bound.
    peak: f32,
    bound: f32,
}

impl TruePeakMeter {
    /// A meter for stereo audio at `sample_rate_hz` (any rate: the factor follows libebur128).
    pub fn new(sample_rate_hz: u32) -> TruePeakMeter {
        let factor = crate::dsp::oversample::meter_oversampling_factor(sample_rate_hz as f64);
        // At 1x the meter reads sample peaks: one tap of weight 1.
        let taps = if factor > 1 { TAPS / factor } else { 1 };
        let mut filter = vec![[0.0f32; 4]; taps];
        if factor > 1 {
            for (a, row) in filter.iter_mut().enumerate() {
                for (b, c) in row.iter_mut().enumerate().take(factor) {
                    let j = (a * factor + b) as f64;
                    let w = 0.5 * (1.0 - (2.0 * PI * j / TAPS as f64).cos());
                    let m = j - TAPS as f64 / 2.0;
                    *c = if m.abs() > 0.000001 {
                        w * (m * PI / factor as f64).sin() / (m * PI / factor as f64)
                    } else {
                        w
                    } as f32;
                }
            }
        } else {
            filter[0][0] = 1.0;
        }
        let l1 = (0..factor)
            .map(|b| filter.iter().map(|r| r[b].abs() as f64).sum::<f64>())
            .fold(1.0, f64::max);
        TruePeakMeter {
            factor,
            taps,
            filter,
            hist: [[0.0; 2 * MAX_TAPS_PER_PHASE]; 2],
            pos: 0,
            hot: 0,
            peak: 0.0,
            // f32 rounding of a 24-term sum stays far inside 1e-4 of the exact value.
            bound: (l1 * (1.0 + 1e-4)) as f32,
        }
    }

    /// Feeds planar stereo samples (both slices the same length).
    pub fn push(&mut self, left: &[f32], right: &[f32]) {
        let taps = self.taps;
        for (&l, &r) in left.iter().zip(right) {
            // Newest first: step back one place, write at `pos` and `pos + taps`.
            self.pos = if self.pos == 0 {
                taps - 1
            } else {
                self.pos - 1
            };
            let p = self.pos;
            self.hist[0][p] = l;
            self.hist[0][p + taps] = l;
            self.hist[1][p] = r;
            self.hist[1][p + taps] = r;
            if l.abs().max(r.abs()) * self.bound > self.peak {
                self.hot = taps;
            }
            if self.hot == 0 {
                continue;
            }
            self.hot -= 1;
            for ch in 0..2 {
                let window = &self.hist[ch][p..p + taps];
                let mut out = [0.0f32; 4];
                for (x, c) in window.iter().zip(&self.filter) {
                    for b in 0..4 {
                        out[b] += x * c[b];
                    }
                }
                for o in &out[..self.factor] {
                    self.peak = self.peak.max(o.abs());
                }
            }
        }
    }

    /// Largest true peak over both channels so far, linear (1.0 = 0 dBTP).
    pub fn peak_linear(&self) -> f64 {
        self.peak as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_reading(rate: u32, l: &[f32], r: &[f32]) -> f64 {
        let mut m = ebur128::EbuR128::new(2, rate, ebur128::Mode::TRUE_PEAK).unwrap();
        m.add_frames_planar_f32(&[l, r]).unwrap();
        (0..2).map(|c| m.true_peak(c).unwrap()).fold(0.0, f64::max)
    }

    /// Music-like test audio: filtered noise under a swell, with loud bright bursts.
    fn program(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
        let mut s = seed | 1;
        let mut rnd = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f32 / (1u64 << 53) as f32 * 2.0 - 1.0
        };
        let (mut a, mut b) = (0.0f32, 0.0f32);
        (0..n)
            .map(|i| {
                a = 0.3 * rnd() + 0.7 * a;
                b = 0.9 * rnd() + 0.1 * b;
                let swell = 0.3 + 0.25 * (i as f32 * 0.0007).sin();
                let burst = if (i / 3000) % 5 == 2 { 0.5 * b } else { 0.0 };
                let t = i as f32;
                (
                    swell * a + burst,
                    swell * (0.8 * a + 0.2 * (t * 0.31).sin()) - burst,
                )
            })
            .unzip()
    }

    #[test]
    fn reads_exactly_what_the_ebur128_crate_reads() {
        for rate in [44_100, 48_000, 88_200, 96_000, 192_000] {
            for seed in [1, 2, 3] {
                let (l, r) = program(60_000, seed);
                let mut meter = TruePeakMeter::new(rate);
                // Uneven chunks: the stream's history carries across pushes.
                let mut at = 0;
                for chunk in [1, 7, 4410, 333, 20_000].iter().cycle() {
                    let end = (at + chunk).min(l.len());
                    meter.push(&l[at..end], &r[at..end]);
                    at = end;
                    if at == l.len() {
                        break;
                    }
                }
                let sample_peak = l.iter().chain(&r).fold(0.0f32, |m, x| m.max(x.abs())) as f64;
                let expected = crate_reading(rate, &l, &r).max(sample_peak);
                assert_eq!(
                    meter.peak_linear().max(sample_peak),
                    expected,
                    "{rate} Hz, seed {seed}"
                );
                if rate < 192_000 {
                    assert!(
                        expected > sample_peak,
                        "{rate} Hz: an inter-sample peak is read"
                    );
                }
            }
        }
    }

    #[test]
    fn skips_most_of_a_track_below_its_loudest_peak() {
        // Counting readings is internal; the cost shows as frames never interpolated. A quiet
        // stretch after a loud click reads nothing new and costs no interpolation.
        let mut meter = TruePeakMeter::new(48_000);
        let mut l = vec![0.0f32; 10_000];
        l[100] = 0.9;
        let r: Vec<f32> = (0..10_000).map(|i| 0.05 * (i as f32 * 0.2).sin()).collect();
        meter.push(&l, &r);
        let click = 0.9f32 as f64;
        assert!(meter.peak_linear() >= click, "{}", meter.peak_linear());
        assert_eq!(meter.hot, 0, "quiet frames leave nothing to interpolate");
        assert_eq!(
            meter.peak_linear(),
            crate_reading(48_000, &l, &r).max(click)
        );
    }
}
