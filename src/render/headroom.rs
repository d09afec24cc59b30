//! The headroom half of an offline render, tried at several gains over one pass of everything
//! before it.
//!
//! Every stage before the headroom gain (match EQ, trim, tone, stereo) is linear and time-invariant
//! for a render's fixed settings, so the chain's output at any gain is `limit(g · pre)` with the
//! same `pre` for every gain. [`Headroom`] runs those stages once, then each
//! [`Headroom::render`] costs a multiply and the limiter's gain computer. The true-peak detector's
//! readings of `pre` are computed only where a gain could make them reach the limiter's threshold,
//! once, and scaled for each gain (the detector is linear). The result equals
//! [`super::track::run_chain`] with the same parameters to within f32 rounding (a test checks it).

use crate::dsp::chain::headroom_gain_factor;
use crate::dsp::limiter::Limiter;
use crate::dsp::oversample::{TruePeakDetector, TAPS_PER_PHASE};
use crate::dsp::{Chain, ChainParams, GainReduction, MatchKernel};
use crate::media::AudioBuffer;

/// Frames per block of the readings cache: a block is either read or known to be too quiet.
const READ_BLOCK_FRAMES: usize = 64;

/// One track's gain-independent render, ready to be limited at any gain. Allocates.
pub struct Headroom {
    /// What the chain's gain stage receives, from the chain's first frame (latency included).
    pre: [Vec<f32>; 2],
    /// The limited output at the last gain rendered (same layout as `pre`).
    work: [Vec<f32>; 2],
    frames: usize,
    latency_frames: usize,
    sample_rate_hz: u32,
    limiter: Limiter,
    detector: TruePeakDetector,
    /// Detector readings of `pre` (0.0 where not read: those blocks were too quiet so far).
    readings: Vec<f32>,
    /// Per block: the largest |sample| of `pre` in the windows the block's readings cover.
    block_max: Vec<f32>,
    block_read: Vec<bool>,
}

impl Headroom {
    /// Runs the stages before the gain over `input` with `params` (whose `gain_db` is ignored) and
    /// the match `kernel`, exactly as `run_chain` feeds them.
    pub fn new(input: &AudioBuffer, params: &ChainParams, kernel: Option<&MatchKernel>) -> Self {
        let rate_hz = input.sample_rate_hz as f64;
        let mut chain = Chain::new();
        chain.prepare(rate_hz, super::track::BLOCK_FRAMES);
        chain.set_params(params);
        if let Some(k) = kernel {
            let _ = chain.swap_match_kernel(k.clone());
        }
        chain.reset();
        let latency_frames = chain.latency_frames();
        let frames = input.frames();
        let total = frames + latency_frames;
        let mut pre = [vec![0.0f32; total], vec![0.0f32; total]];
        pre[0][..frames].copy_from_slice(&input.channels[0]);
        pre[1][..frames].copy_from_slice(&input.channels[1]);
        let [left, right] = &mut pre;
        for (l, r) in left
            .chunks_mut(super::track::BLOCK_FRAMES)
            .zip(right.chunks_mut(super::track::BLOCK_FRAMES))
        {
            chain.process_before_gain(l, r);
        }
        let mut limiter = Limiter::new(rate_hz);
        limiter.set_params(
            params.ceiling_dbtp,
            params.limiter_enabled,
            params.limiter_character,
        );
        // A block's readings cover windows reaching TAPS_PER_PHASE - 1 frames back: into the
        // previous block, never further.
        const { assert!(TAPS_PER_PHASE <= READ_BLOCK_FRAMES) };
        let own_max: Vec<f32> = left
            .chunks(READ_BLOCK_FRAMES)
            .zip(right.chunks(READ_BLOCK_FRAMES))
            .map(|(l, r)| l.iter().chain(r).fold(0.0f32, |m, x| m.max(x.abs())))
            .collect();
        let block_max = (0..own_max.len())
            .map(|b| own_max[b].max(if b > 0 { own_max[b - 1] } else { 0.0 }))
            .collect();
        Self {
            work: [Vec::new(), Vec::new()],
            frames,
            latency_frames,
            sample_rate_hz: input.sample_rate_hz,
            limiter,
            detector: TruePeakDetector::new(rate_hz),
            readings: vec![0.0; total],
            block_read: vec![false; own_max.len()],
            block_max,
            pre,
        }
    }

    /// Limits the track at `gain_db` (as `ChainParams::gain_db`); the result is in
    /// [`Headroom::output`]. Returns the limiter's gain reduction over the whole render.
    pub fn render(&mut self, gain_db: f64) -> GainReduction {
        let g = headroom_gain_factor(gain_db);
        let threshold = self.limiter.threshold_linear();
        if threshold.is_finite() {
            self.read_blocks_reaching(threshold / (g * self.detector.bound_gain()));
        }
        for (w, p) in self.work.iter_mut().zip(&self.pre) {
            w.clear();
            w.extend(p.iter().map(|x| x * g));
        }
        self.limiter.reset();
        let [l, r] = &mut self.work;
        self.limiter.process_with_readings(l, r, &self.readings, g);
        self.limiter.gain_reduction()
    }

    /// True peak − integrated loudness of what the gain stage receives (the track after its moves,
    /// before gain and limiter), dB; `None` for silence or less than one gating block.
    pub fn unity_plr_db(&self) -> Option<f64> {
        let rate_hz = self.sample_rate_hz;
        let range = self.latency_frames..self.latency_frames + self.frames;
        let [l, r] = &self.pre;
        let (l, r) = (&l[range.clone()], &r[range]);
        let mut meter = crate::analysis::true_peak::TruePeakMeter::new(rate_hz);
        meter.push(l, r);
        let peak = meter.peak_linear();
        let lufs = super::loudness::integrated_lufs_after_gap(0, l, r, rate_hz)?;
        (peak > 0.0).then(|| 20.0 * peak.log10() - lufs)
    }

    /// The last render, time-aligned with the input (latency removed), `[left, right]`.
    pub fn output(&mut self) -> [&mut [f32]; 2] {
        let range = self.latency_frames..self.latency_frames + self.frames;
        let [l, r] = &mut self.work;
        [&mut l[range.clone()], &mut r[range]]
    }

    /// The last render with `gap_frames` of silence before it, as the file's audio. Reuses the
    /// render's memory rather than copying it.
    pub fn into_output(self, gap_frames: usize, sample_rate_hz: u32) -> AudioBuffer {
        let (latency, frames) = (self.latency_frames, self.frames);
        let channels = self.work.map(|mut ch| {
            ch.truncate(latency + frames);
            if gap_frames <= latency {
                ch.drain(..latency - gap_frames);
                ch[..gap_frames].fill(0.0);
            } else {
                ch.drain(..latency);
                ch.splice(0..0, std::iter::repeat_n(0.0, gap_frames));
            }
            ch
        });
        AudioBuffer {
            sample_rate_hz,
            channels,
        }
    }

    /// Reads every block whose samples exceed `level` and that is not read yet: below it, no
    /// reading can reach the threshold at this gain.
    fn read_blocks_reaching(&mut self, level: f32) {
        let blocks = self.block_max.len();
        let mut b = 0;
        while b < blocks {
            if self.block_read[b] || self.block_max[b] <= level {
                b += 1;
                continue;
            }
            // A run of consecutive blocks to read: one call, one warm-up window.
            let start = b;
            while b < blocks && !self.block_read[b] && self.block_max[b] > level {
                self.block_read[b] = true;
                b += 1;
            }
            let range = start * READ_BLOCK_FRAMES..(b * READ_BLOCK_FRAMES).min(self.readings.len());
            let [l, r] = &self.pre;
            self.detector
                .readings(l, r, range.clone(), &mut self.readings[range]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::{Bell, LimiterCharacter};
    use crate::render::track::run_chain;

    fn music(frames: usize, rate: u32) -> AudioBuffer {
        let mut s: u32 = 7;
        let mut noise = move || {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        let (mut l, mut r) = (Vec::new(), Vec::new());
        for n in 0..frames {
            let t = n as f32 / rate as f32;
            // Beats every 0.4 s over a bass line and noise, a quiet middle and a silent end.
            let beat = (-((t % 0.4) * 30.0)).exp();
            let env = if (4.0..6.0).contains(&t) { 0.05 } else { 1.0 };
            let env = if t > 8.0 { 0.0 } else { env };
            let bass = (2.0 * std::f32::consts::PI * 55.0 * t).sin();
            l.push(env * (0.3 * bass + 0.6 * beat * noise() + 0.1 * noise()));
            r.push(env * (0.3 * bass + 0.5 * beat * noise() + 0.1 * noise()));
        }
        AudioBuffer {
            sample_rate_hz: rate,
            channels: [l, r],
        }
    }

    #[test]
    fn every_gain_matches_the_reference_chain() {
        for rate in [44_100, 96_000] {
            let input = music(rate as usize * 9, rate);
            let mut busy = ChainParams {
                input_trim_db: -1.5,
                tilt_db: 1.0,
                low_shelf_gain_db: 2.0,
                high_shelf_gain_db: -1.0,
                match_amount: 0.7,
                width: 1.3,
                mono_bass_hz: 120.0,
                ceiling_dbtp: -1.0,
                limiter_character: LimiterCharacter::Fast,
                ..ChainParams::default()
            };
            busy.bells[0] = Bell {
                enabled: true,
                freq_hz: 400.0,
                gain_db: -2.0,
                q: 1.0,
            };
            let kernel = MatchKernel::design(
                &[2.0, -1.0, 1.0, 0.0, 2.0],
                &[50.0, 200.0, 1000.0, 4000.0, 12000.0],
                rate as f64,
            );
            let neutral = ChainParams::default();
            for (params, kernel) in [(busy, Some(&kernel)), (neutral, None)] {
                let mut head = Headroom::new(&input, &params, kernel);
                // Rising, falling and rising again: readings read at one gain serve the others.
                for gain_db in [0.0, 9.0, 3.0, 14.0, -6.0] {
                    let gr = head.render(gain_db);
                    let (want, want_gr) =
                        run_chain(&input, &ChainParams { gain_db, ..params }, kernel);
                    let got = head.output();
                    let mut worst = 0.0f32;
                    for (g, w) in got.iter().zip(&want.channels) {
                        assert_eq!(g.len(), w.len());
                        for (a, b) in g.iter().zip(w) {
                            worst = worst.max((a - b).abs());
                        }
                    }
                    assert!(worst <= 1e-6, "{rate} Hz, {gain_db} dB: differs by {worst}");
                    assert!(
                        (gr.max_db - want_gr.max_db).abs() < 1e-4,
                        "{gr:?} {want_gr:?}"
                    );
                    assert!((gr.mean_db - want_gr.mean_db).abs() < 1e-4);
                    if gain_db == 14.0 {
                        assert!(gr.max_db > 3.0, "the limiter works hard here: {gr:?}");
                    }
                }
            }
        }
    }
}
