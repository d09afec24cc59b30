//! The per-track mastering chain: match EQ → trim → tone → stereo → headroom gain → true-peak limiter.
//!
//! Why the match EQ comes first: it is the only stage with a long delay (its linear-phase FIR), and
//! every stage before the limiter is linear and time-invariant for fixed settings, so their order does
//! not change the result. With the FIR in front, a live change of trim, tone, width, gain or ceiling
//! reaches the output after the limiter's few milliseconds of look-ahead, not after the FIR's ~130 ms.

use super::limiter::{GainReduction, Limiter};
use super::match_eq::{MatchKernel, MatchStage};
use super::params::ChainParams;
use super::smoother::Smoother;
use super::stereo::StereoStage;
use super::tone::{finite_or, ToneStage};
use super::units::db_to_gain;

/// Glide time of input trim and headroom gain, in seconds.
pub const GAIN_SMOOTH_S: f64 = 0.050;
/// Input samples are limited to ±this (about +60 dBFS) after non-finite values are replaced by 0,
/// so one bad sample can neither poison filter state nor overflow it.
pub const INPUT_LIMIT: f32 = 1000.0;

/// A smoothed linear gain, bypassed (bit-exact) while settled at exactly 1.
#[derive(Debug, Clone)]
struct GainStage {
    gain: Smoother,
}

impl GainStage {
    fn new(fs: f64) -> Self {
        Self {
            gain: Smoother::new(1.0, GAIN_SMOOTH_S, fs),
        }
    }

    fn set_db(&mut self, db: f64, snap: bool) {
        // `headroom_gain_factor` mirrors this for the offline renderer.
        self.gain
            .set_target(db_to_gain(finite_or(db, 0.0).clamp(-24.0, 24.0)));
        if snap {
            self.gain.snap_to_target();
        }
    }

    fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        if !self.gain.is_moving() {
            let g = self.gain.value();
            if g != 1.0 {
                let g = g as f32;
                left.iter_mut().for_each(|x| *x *= g);
                right.iter_mut().for_each(|x| *x *= g);
            }
            return;
        }
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let g = self.gain.tick() as f32;
            *l *= g;
            *r *= g;
        }
    }
}

struct Stages {
    trim: GainStage,
    tone: ToneStage,
    matcher: MatchStage,
    stereo: StereoStage,
    gain: GainStage,
    limiter: Limiter,
}

/// One track's mastering chain (stereo, planar `f32`). `new` and `prepare` allocate; `process`,
/// `reset`, `set_params`, `swap_match_kernel` and the getters are real-time safe (no allocation,
/// locking or panics). Output is independent of how the stream is cut into blocks.
pub struct Chain {
    params: ChainParams,
    sample_rate_hz: f64,
    max_block_frames: usize,
    fresh: bool,
    stages: Option<Stages>,
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

impl Chain {
    /// An unprepared chain (passes audio through unchanged until [`Chain::prepare`]). No allocation.
    pub fn new() -> Self {
        Self {
            params: ChainParams::default(),
            sample_rate_hz: 0.0,
            max_block_frames: 0,
            fresh: true,
            stages: None,
        }
    }

    /// Allocates everything for `sample_rate_hz` (8 kHz..=384 kHz) and blocks of up to
    /// `max_block_frames`, keeps the current params and match kernel only if the rate is unchanged,
    /// and resets. NOT real-time safe.
    pub fn prepare(&mut self, sample_rate_hz: f64, max_block_frames: usize) {
        let fs = finite_or(sample_rate_hz, 48_000.0).clamp(8_000.0, 384_000.0);
        let mut stages = Stages {
            trim: GainStage::new(fs),
            tone: ToneStage::new(fs),
            matcher: MatchStage::new(fs),
            stereo: StereoStage::new(fs),
            gain: GainStage::new(fs),
            limiter: Limiter::new(fs),
        };
        if let Some(old) = self.stages.as_mut() {
            if self.sample_rate_hz == fs {
                let k = old.matcher.swap_kernel(MatchKernel::off());
                if let Ok(k) = k {
                    let _ = stages.matcher.swap_kernel(k);
                }
            }
        }
        self.stages = Some(stages);
        self.sample_rate_hz = fs;
        self.max_block_frames = max_block_frames;
        let p = self.params;
        self.fresh = true;
        self.set_params(&p);
        self.reset();
    }

    /// Clears all audio state (delay lines, filters, limiter envelope, statistics) and settles every
    /// parameter glide at its target. Real-time safe.
    pub fn reset(&mut self) {
        if let Some(s) = self.stages.as_mut() {
            s.tone.reset();
            s.matcher.reset();
            s.stereo.reset();
            s.limiter.reset();
            s.trim.gain.snap_to_target();
            s.gain.gain.snap_to_target();
        }
        self.fresh = true;
    }

    /// Sets new parameter targets; each glides to its target (tone 30 ms, gains/width/match 50 ms),
    /// except right after `prepare`/`reset`, where they apply at once. Real-time safe.
    pub fn set_params(&mut self, params: &ChainParams) {
        self.params = *params;
        let snap = self.fresh;
        if let Some(s) = self.stages.as_mut() {
            let p = params;
            s.trim.set_db(p.input_trim_db, snap);
            s.tone.set_params(p, snap);
            s.matcher.set_amount(p.match_amount, snap);
            s.stereo.set_params(p.width, p.mono_bass_hz, snap);
            s.gain.set_db(p.gain_db, snap);
            s.limiter
                .set_params(p.ceiling_dbtp, p.limiter_enabled, p.limiter_character);
        }
    }

    /// The parameters last set. Real-time safe.
    pub fn params(&self) -> &ChainParams {
        &self.params
    }

    /// Sample rate the chain is prepared for, in Hz (0 before `prepare`). Real-time safe.
    pub fn sample_rate_hz(&self) -> f64 {
        self.sample_rate_hz
    }

    /// Largest block passed to `prepare`, in frames (larger blocks are processed correctly too). Real-time safe.
    pub fn max_block_frames(&self) -> usize {
        self.max_block_frames
    }

    /// Total latency in frames (match EQ + limiter look-ahead), constant for a sample rate whatever
    /// the parameters: 6261 at 44.1 kHz, 6269 at 48 kHz, 12509 at 96 kHz. The offline renderer
    /// drops this many leading frames; the live engine accepts it. Real-time safe.
    pub fn latency_frames(&self) -> usize {
        self.stages.as_ref().map_or(0, |s| {
            s.matcher.latency_frames() + s.limiter.latency_frames()
        })
    }

    /// Limiter gain reduction since the last reset, in dB. Real-time safe.
    pub fn gain_reduction(&self) -> GainReduction {
        self.stages
            .as_ref()
            .map_or(GainReduction::default(), |s| s.limiter.gain_reduction())
    }

    /// Installs a match kernel designed off the audio thread by [`MatchKernel::design`] and returns the
    /// previous one (drop it elsewhere); `Err` gives the kernel back if it was designed for another
    /// sample rate or the chain is unprepared. Crossfades old → new over one hop (~43 ms), no click.
    /// Real-time safe.
    pub fn swap_match_kernel(&mut self, kernel: MatchKernel) -> Result<MatchKernel, MatchKernel> {
        match self.stages.as_mut() {
            Some(s) => s.matcher.swap_kernel(kernel),
            None => Err(kernel),
        }
    }

    /// Designs and installs a match curve (`gains_db[i]` at `centres_hz[i]`, see
    /// [`MatchKernel::design`]). NOT real-time safe (allocates and frees): for offline use; the live
    /// engine designs with `MatchKernel::design` on another thread and calls `swap_match_kernel`.
    pub fn set_match_curve(&mut self, gains_db: &[f64], centres_hz: &[f64]) {
        if self.stages.is_some() {
            let k = MatchKernel::design(gains_db, centres_hz, self.sample_rate_hz);
            let _ = self.swap_match_kernel(k);
        }
    }

    /// Processes a planar stereo block in place (lengths should match; only the common length is
    /// processed). Non-finite input samples are replaced by 0 and inputs are limited to
    /// ±[`INPUT_LIMIT`], so NaN/inf can never poison filter state. Real-time safe.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let (left, right) = (&mut left[..n], &mut right[..n]);
        self.process_before_gain(left, right);
        if let Some(s) = self.stages.as_mut() {
            s.gain.process(left, right);
            s.limiter.process(left, right);
        }
    }

    /// Runs only the stages before the headroom gain (sanitising, match EQ, trim, tone, stereo),
    /// delayed by [`Chain::before_gain_latency_frames`]. They are linear and time-invariant for
    /// settled parameters, so the offline renderer runs them once per track and then tries several
    /// gains: multiplying by [`headroom_gain_factor`] and limiting with a [`Limiter`] set like this
    /// chain's gives what `process` gives. Real-time safe.
    pub fn process_before_gain(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let (left, right) = (&mut left[..n], &mut right[..n]);
        let Some(s) = self.stages.as_mut() else {
            return;
        };
        self.fresh = false;
        for x in left.iter_mut().chain(right.iter_mut()) {
            if !x.is_finite() {
                *x = 0.0;
            }
            *x = x.clamp(-INPUT_LIMIT, INPUT_LIMIT);
        }
        s.matcher.process(left, right);
        s.trim.process(left, right);
        s.tone.process(left, right);
        s.stereo.process(left, right);
    }

    /// Latency of the stages before the headroom gain (the match EQ's), in frames: 6143 at
    /// 44.1/48 kHz, 12287 at 88.2/96 kHz. Real-time safe.
    pub fn before_gain_latency_frames(&self) -> usize {
        self.stages
            .as_ref()
            .map_or(0, |s| s.matcher.latency_frames())
    }
}

/// The factor by which the settled headroom gain stage multiplies samples for `gain_db` (clamped
/// to ±24 dB, non-finite = 0 dB), exactly as `Chain::process` applies it. Pure.
pub fn headroom_gain_factor(gain_db: f64) -> f32 {
    db_to_gain(finite_or(gain_db, 0.0).clamp(-24.0, 24.0)) as f32
}
