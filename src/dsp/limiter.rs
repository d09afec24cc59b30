//! Look-ahead true-peak limiter.
//!
//! Gain computer, per frame: required gain `g_req = min(1, threshold / true_peak)` from the
//! oversampled detector ([`TruePeakDetector`]); a sliding minimum over the attack window plus
//! a neighbourhood of ±`NEIGHBOUR_FRAMES` plus the hold time; a one-pole release (instant attack);
//! then two cascaded moving averages (lengths `W1`, `W2` ≈ 1 ms each) that turn every gain drop into a
//! smooth S-shaped ramp. Because each averaged value comes from inside the sliding-minimum window,
//! the gain applied to any frame within ±`NEIGHBOUR_FRAMES` of a peak is at most that peak's `g_req`:
//! neither samples nor inter-sample peaks pass the threshold. The hold (longer than half a period of
//! 40 Hz) keeps the gain from rippling at the signal frequency, so bass is not wave-shaped.
//!
//! Cost: while nothing is being limited (envelope, both averages and the sliding minimum all at
//! exactly 1) a frame whose reading is at or below the threshold takes a short path that computes
//! the very same output (the delayed sample) and state, and the detector skips the interpolation
//! of windows too quiet to reach the threshold. The offline renderer can also hand in the
//! detector's readings of the unscaled signal ([`Limiter::process_with_readings`]), computed once
//! per track instead of once per loudness iteration.

use super::oversample::TruePeakDetector;
use super::params::LimiterCharacter;
use super::units::{db_to_gain, gain_to_db};

/// Samples on each side of a detected peak that get at most its gain (covers the interpolation
/// kernel's main lobes, so a gain that changes near a peak cannot lift the inter-sample peak).
pub const NEIGHBOUR_FRAMES: usize = 8;
/// Safety margin in dB: the limiter aims this far below the ceiling, to absorb the detector's
/// residual error and f32 rounding. Applied output never exceeds the ceiling on samples (a final
/// clamp at the ceiling guards against anything left, and is not expected to engage).
pub const SAFETY_MARGIN_DB: f64 = 0.02;
/// Length of each of the two moving averages that shape the attack, in seconds.
pub const ATTACK_SMOOTH_S: f64 = 0.001;

/// Gain-reduction figures in dB (positive = reduction).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GainReduction {
    /// Reduction at the last processed frame, dB.
    pub current_db: f64,
    /// Largest reduction since reset, dB.
    pub max_db: f64,
    /// Mean reduction over all frames since reset, dB.
    pub mean_db: f64,
}

/// The limiter. Allocates in [`Limiter::new`]; `process`, `set_params` and `reset` are real-time safe.
#[derive(Debug, Clone)]
pub struct Limiter {
    fs: f64,
    detector: TruePeakDetector,
    w1: usize,
    w2: usize,
    base_window: usize,
    window: usize,
    delay: [Vec<f32>; 2],
    delay_pos: usize,
    dq_idx: Vec<u64>,
    dq_val: Vec<f32>,
    dq_head: usize,
    dq_len: usize,
    frame: u64,
    release_coef: f64,
    env: f64,
    box1: Vec<f64>,
    box2: Vec<f64>,
    sum1: f64,
    sum2: f64,
    box_pos1: usize,
    box_pos2: usize,
    threshold: f32,
    ceiling: f32,
    enabled: bool,
    gain: f64,
    min_gain: f64,
    gr_sum_db: f64,
    /// Product of the gains (< 1) not yet added to `gr_sum_db`: one logarithm per many frames
    /// instead of one per limited frame (flushed long before it could underflow).
    gr_product: f64,
    frames_counted: u64,
    /// Consecutive exact 1.0 values written into `box1` / `box2` (saturating).
    ones1: usize,
    ones2: usize,
    /// Nothing is being limited: the sliding minimum holds one 1.0, the envelope is 1.0 and both
    /// averages hold only 1.0 with exact sums, so a frame that needs no reduction has gain 1.0.
    idle: bool,
    /// Tests turn the idle short path off to compare it with the full one.
    #[cfg(test)]
    full_path_only: bool,
}

impl Limiter {
    /// A limiter for `sample_rate_hz` (ceiling -1 dBTP, enabled, balanced). Allocates.
    pub fn new(sample_rate_hz: f64) -> Self {
        let detector = TruePeakDetector::new(sample_rate_hz);
        let w = ((ATTACK_SMOOTH_S * sample_rate_hz).round() as usize).max(2);
        let base_window = 2 * w - 1 + 2 * NEIGHBOUR_FRAMES;
        let audio_delay = detector.delay_frames() + 2 * w - 2 + NEIGHBOUR_FRAMES;
        let (max_hold_ms, _) = LimiterCharacter::Transparent.hold_release_ms();
        let cap = base_window + (max_hold_ms * 1e-3 * sample_rate_hz).ceil() as usize + 1;
        let mut l = Self {
            fs: sample_rate_hz,
            detector,
            w1: w,
            w2: w,
            base_window,
            window: base_window,
            delay: [vec![0.0; audio_delay], vec![0.0; audio_delay]],
            delay_pos: 0,
            dq_idx: vec![0; cap],
            dq_val: vec![0.0; cap],
            dq_head: 0,
            dq_len: 0,
            frame: 0,
            release_coef: 0.0,
            env: 1.0,
            box1: vec![1.0; w],
            box2: vec![1.0; w],
            sum1: w as f64,
            sum2: w as f64,
            box_pos1: 0,
            box_pos2: 0,
            threshold: 1.0,
            ceiling: 1.0,
            enabled: true,
            gain: 1.0,
            min_gain: 1.0,
            gr_sum_db: 0.0,
            gr_product: 1.0,
            frames_counted: 0,
            ones1: w,
            ones2: w,
            idle: false,
            #[cfg(test)]
            full_path_only: false,
        };
        l.set_params(-1.0, true, LimiterCharacter::Balanced);
        l
    }

    /// Latency in frames (detector delay + attack window + neighbourhood): 118 at 44.1 kHz, 126 at
    /// 48 kHz, 222 at 96 kHz. Pure.
    pub fn latency_frames(&self) -> usize {
        self.delay[0].len()
    }

    /// Sets the ceiling (dBTP, clamped to -20..=0), whether gain is reduced, and the release
    /// character. Changes pass through the gain smoothing, so they never click. Real-time safe.
    pub fn set_params(&mut self, ceiling_dbtp: f64, enabled: bool, character: LimiterCharacter) {
        let c = if ceiling_dbtp.is_finite() {
            ceiling_dbtp.clamp(-20.0, 0.0)
        } else {
            -1.0
        };
        self.ceiling = db_to_gain(c) as f32;
        self.threshold = db_to_gain(c - SAFETY_MARGIN_DB) as f32;
        self.enabled = enabled;
        let (hold_ms, release_ms) = character.hold_release_ms();
        let hold = (hold_ms * 1e-3 * self.fs).round() as usize;
        self.window = (self.base_window + hold).min(self.dq_idx.len() - 1);
        self.release_coef = (-1.0 / (release_ms * 1e-3 * self.fs)).exp();
    }

    /// The level a detector reading must pass to cause gain reduction (linear; infinite while
    /// disabled): the ceiling less [`SAFETY_MARGIN_DB`]. Real-time safe.
    pub fn threshold_linear(&self) -> f32 {
        if self.enabled {
            self.threshold
        } else {
            f32::INFINITY
        }
    }

    /// Clears the delay line, envelope and statistics. Real-time safe.
    pub fn reset(&mut self) {
        self.detector.reset();
        self.delay[0].fill(0.0);
        self.delay[1].fill(0.0);
        self.delay_pos = 0;
        self.dq_head = 0;
        self.dq_len = 0;
        self.frame = 0;
        self.env = 1.0;
        self.box1.fill(1.0);
        self.box2.fill(1.0);
        self.sum1 = self.w1 as f64;
        self.sum2 = self.w2 as f64;
        self.box_pos1 = 0;
        self.box_pos2 = 0;
        self.gain = 1.0;
        self.min_gain = 1.0;
        self.gr_sum_db = 0.0;
        self.gr_product = 1.0;
        self.frames_counted = 0;
        self.ones1 = self.w1;
        self.ones2 = self.w2;
        // The sliding minimum is empty, not holding a 1.0: the first frame takes the full path.
        self.idle = false;
    }

    /// Gain reduction since the last reset. Real-time safe.
    pub fn gain_reduction(&self) -> GainReduction {
        GainReduction {
            current_db: -gain_to_db(self.gain),
            max_db: -gain_to_db(self.min_gain),
            mean_db: if self.frames_counted == 0 {
                0.0
            } else {
                (self.gr_sum_db - gain_to_db(self.gr_product)) / self.frames_counted as f64
            },
        }
    }

    #[inline]
    fn sliding_min(&mut self, g: f32) -> f32 {
        let cap = self.dq_idx.len();
        let wrap = |i: usize| if i >= cap { i - cap } else { i };
        while self.dq_len > 0 {
            let back = wrap(self.dq_head + self.dq_len - 1);
            if self.dq_val[back] >= g {
                self.dq_len -= 1;
            } else {
                break;
            }
        }
        let slot = wrap(self.dq_head + self.dq_len);
        self.dq_idx[slot] = self.frame;
        self.dq_val[slot] = g;
        self.dq_len += 1;
        while self.dq_idx[self.dq_head] + self.window as u64 <= self.frame {
            self.dq_head = wrap(self.dq_head + 1);
            self.dq_len -= 1;
        }
        self.dq_val[self.dq_head]
    }

    #[inline]
    fn box_filter(ring: &mut [f64], sum: &mut f64, pos: &mut usize, x: f64) -> f64 {
        *sum += x - ring[*pos];
        ring[*pos] = x;
        *pos += 1;
        if *pos == ring.len() {
            *pos = 0;
            // Re-sum once per cycle so rounding never accumulates (and all-ones gives exactly 1).
            *sum = ring.iter().sum();
        }
        (*sum / ring.len() as f64).min(1.0)
    }

    /// Limits the planar block in place (output delayed by `latency_frames`). Real-time safe.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        // Readings at or below the threshold all mean "no reduction", so the detector may skip them.
        let level = self.threshold_linear();
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let peak = self.detector.push_above(*l, *r, level);
            (*l, *r) = self.step(peak, *l, *r);
        }
    }

    /// As [`process`](Self::process), but with the detector's readings given: `readings[i]` is
    /// what [`TruePeakDetector::readings`] returns for this block's frame `i` of the signal before
    /// it was multiplied by `scale` (a reading of 0.0 stands for any reading that cannot reach the
    /// threshold). The detector is linear, so `scale · reading` is the reading of the scaled block
    /// to within f32 rounding (about 1e-7 relative). For the offline renderer, which tries several
    /// gains on the same audio. Real-time safe.
    pub fn process_with_readings(
        &mut self,
        left: &mut [f32],
        right: &mut [f32],
        readings: &[f32],
        scale: f32,
    ) {
        for ((l, r), reading) in left.iter_mut().zip(right.iter_mut()).zip(readings) {
            (*l, *r) = self.step(scale * reading, *l, *r);
        }
    }

    /// One frame of the gain computer, delay line and gain, given the detector's reading.
    #[inline]
    fn step(&mut self, peak: f32, l: f32, r: f32) -> (f32, f32) {
        let req = if self.enabled && peak > self.threshold {
            self.threshold / peak
        } else {
            1.0
        };
        #[cfg(test)]
        let idle = self.idle && !self.full_path_only;
        #[cfg(not(test))]
        let idle = self.idle;
        if idle && req == 1.0 {
            return self.idle_step(l, r);
        }
        let held = self.sliding_min(req) as f64;
        self.frame += 1;
        if held <= self.env {
            self.env = held;
        } else {
            self.env = held - (held - self.env) * self.release_coef;
            if held - self.env < 1e-6 {
                self.env = held;
            }
        }
        let b1 = Self::box_filter(&mut self.box1, &mut self.sum1, &mut self.box_pos1, self.env);
        let g = Self::box_filter(&mut self.box2, &mut self.sum2, &mut self.box_pos2, b1);
        self.ones1 = if self.env == 1.0 {
            self.ones1.saturating_add(1)
        } else {
            0
        };
        self.ones2 = if b1 == 1.0 {
            self.ones2.saturating_add(1)
        } else {
            0
        };
        self.idle = held == 1.0
            && self.env == 1.0
            && self.ones1 >= self.w1
            && self.ones2 >= self.w2
            && self.sum1 == self.w1 as f64
            && self.sum2 == self.w2 as f64;
        let (mut ol, mut or) = self.delay(l, r);
        if g < 1.0 {
            ol *= g as f32;
            or *= g as f32;
            self.gr_product *= g;
            if self.gr_product < 1e-200 {
                self.gr_sum_db -= gain_to_db(self.gr_product);
                self.gr_product = 1.0;
            }
            self.min_gain = self.min_gain.min(g);
        }
        self.gain = g;
        self.frames_counted += 1;
        self.clamp(ol, or)
    }

    /// The full step's result while idle and nothing needs reducing: pushing 1.0 leaves one 1.0 in
    /// the sliding minimum, the envelope stays 1.0, each average adds 1.0 - 1.0 to an exact sum (its
    /// re-sum at the wrap gives the same), so the gain is exactly 1.0 and the output is the delayed
    /// sample.
    #[inline]
    fn idle_step(&mut self, l: f32, r: f32) -> (f32, f32) {
        self.dq_idx[self.dq_head] = self.frame;
        self.frame += 1;
        self.box_pos1 = if self.box_pos1 + 1 == self.w1 {
            0
        } else {
            self.box_pos1 + 1
        };
        self.box_pos2 = if self.box_pos2 + 1 == self.w2 {
            0
        } else {
            self.box_pos2 + 1
        };
        self.frames_counted += 1;
        let (ol, or) = self.delay(l, r);
        self.clamp(ol, or)
    }

    /// Writes a frame into the look-ahead delay line and returns the frame leaving it.
    #[inline]
    fn delay(&mut self, l: f32, r: f32) -> (f32, f32) {
        let p = self.delay_pos;
        let out = (self.delay[0][p], self.delay[1][p]);
        self.delay[0][p] = l;
        self.delay[1][p] = r;
        self.delay_pos = if p + 1 == self.delay[0].len() {
            0
        } else {
            p + 1
        };
        out
    }

    /// Identity for every sample at or below the ceiling (so neutral stays bit-exact).
    #[inline]
    fn clamp(&self, l: f32, r: f32) -> (f32, f32) {
        if self.enabled {
            let c = self.ceiling;
            (l.clamp(-c, c), r.clamp(-c, c))
        } else {
            (l, r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_figures_and_exact_unity_gain_below_ceiling() {
        for (fs, lat) in [(44_100.0, 118), (48_000.0, 126), (96_000.0, 222)] {
            let mut l = Limiter::new(fs);
            assert_eq!(l.latency_frames(), lat);
            let mut a: Vec<f32> = (0..5000).map(|i| 0.85 * (i as f32 * 0.01).sin()).collect();
            let mut b = a.clone();
            let x = a.clone();
            l.process(&mut a, &mut b);
            assert_eq!(&a[lat..], &x[..5000 - lat]);
            assert_eq!(l.gain_reduction().max_db, 0.0);
        }
    }

    #[test]
    fn gain_recovers_exactly_to_unity_after_release() {
        let fs = 48_000.0;
        let mut l = Limiter::new(fs);
        l.set_params(-1.0, true, LimiterCharacter::Fast);
        let mut a: Vec<f32> = (0..48_000)
            .map(|i| if i < 2000 { 2.0 } else { 0.1 } * (i as f32 * 0.05).sin())
            .collect();
        let mut b = a.clone();
        l.process(&mut a, &mut b);
        assert!(l.gain_reduction().max_db > 6.0);
        assert_eq!(
            l.gain_reduction().current_db,
            0.0,
            "release lands exactly on 1.0"
        );
    }

    #[test]
    fn short_paths_give_the_same_samples_and_figures() {
        for character in [LimiterCharacter::Fast, LimiterCharacter::Transparent] {
            let fs = 44_100.0;
            // Loud bursts (limited), quiet stretches (idle) and silence, in odd-sized blocks.
            let n = 60_000;
            let src: Vec<(f32, f32)> = (0..n)
                .map(|i| {
                    let env = [1.6, 0.3, 0.0, 0.9, 2.5][(i / 4_321) % 5];
                    let x = env * (i as f32 * 0.05).sin();
                    (x, env * (i as f32 * 0.31).cos())
                })
                .collect();
            let run = |mode: u8| {
                let mut lim = Limiter::new(fs);
                lim.set_params(-1.0, true, character);
                lim.full_path_only = mode == 0;
                let (mut a, mut b): (Vec<f32>, Vec<f32>) = src.iter().copied().unzip();
                if mode == 2 {
                    let mut readings = vec![0.0; n];
                    lim.detector.readings(&a, &b, 0..n, &mut readings);
                    lim.process_with_readings(&mut a, &mut b, &readings, 1.0);
                } else {
                    for (ca, cb) in a.chunks_mut(777).zip(b.chunks_mut(777)) {
                        lim.process(ca, cb);
                    }
                }
                (a, b, lim.gain_reduction(), lim.frame)
            };
            let reference = run(0);
            assert!(reference.2.max_db > 6.0);
            assert_eq!(run(1), reference, "idle path and skipped detection");
            assert_eq!(run(2), reference, "readings handed in");
        }
    }
}
