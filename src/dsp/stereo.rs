//! Stereo stage: width (side gain) and mono bass (Linkwitz-Riley 4th-order high-pass on the side,
//! with the matching all-pass on the mid so mid and side stay in phase above the crossover).

use super::biquad::{BiquadState, Coefs};
use super::smoother::Smoother;
use super::tone::{finite_or, SUB_BLOCK_FRAMES};
use std::f64::consts::FRAC_1_SQRT_2;

/// Glide time of width and of switching mono bass on/off, in seconds.
pub const STEREO_SMOOTH_S: f64 = 0.050;

/// The running stereo stage. `process` is real-time safe.
#[derive(Debug, Clone)]
pub struct StereoStage {
    fs: f64,
    width: Smoother,
    mix: Smoother,
    log2_freq: Smoother,
    hp: Coefs,
    ap: Coefs,
    side_hp: [BiquadState; 2],
    mid_ap: BiquadState,
    grid_phase: usize,
}

impl StereoStage {
    /// A neutral stage (width 1, mono bass off). Real-time safe.
    pub fn new(sample_rate_hz: f64) -> Self {
        let tick = sample_rate_hz / SUB_BLOCK_FRAMES as f64;
        let mut s = Self {
            fs: sample_rate_hz,
            width: Smoother::new(1.0, STEREO_SMOOTH_S, sample_rate_hz),
            mix: Smoother::new(0.0, STEREO_SMOOTH_S, sample_rate_hz),
            log2_freq: Smoother::new(100f64.log2(), STEREO_SMOOTH_S, tick),
            hp: Coefs::IDENTITY,
            ap: Coefs::IDENTITY,
            side_hp: Default::default(),
            mid_ap: Default::default(),
            grid_phase: 0,
        };
        s.design();
        s
    }

    fn design(&mut self) {
        let f = self.log2_freq.value().exp2();
        // LR4 = two Butterworth (Q = 1/√2) high-passes; LR4 low + high = the 2nd-order all-pass with Q = 1/√2.
        self.hp = Coefs::highpass(f, FRAC_1_SQRT_2, self.fs);
        self.ap = Coefs::allpass(f, FRAC_1_SQRT_2, self.fs);
    }

    /// Sets width (0..=2) and mono-bass frequency (0 = off, else 20..=500 Hz); `snap` skips the glide. Real-time safe.
    pub fn set_params(&mut self, width: f64, mono_bass_hz: f64, snap: bool) {
        self.width.set_target(finite_or(width, 1.0).clamp(0.0, 2.0));
        let mb = finite_or(mono_bass_hz, 0.0);
        if mb > 0.0 {
            self.log2_freq.set_target(mb.clamp(20.0, 500.0).log2());
            self.mix.set_target(1.0);
        } else {
            self.mix.set_target(0.0);
        }
        if snap {
            self.width.snap_to_target();
            self.mix.snap_to_target();
            self.log2_freq.snap_to_target();
            self.design();
            if self.mix.value() == 0.0 {
                self.clear_filters();
            }
        }
    }

    fn clear_filters(&mut self) {
        self.side_hp = Default::default();
        self.mid_ap = Default::default();
    }

    /// Clears filter state and settles glides. Real-time safe.
    pub fn reset(&mut self) {
        self.width.snap_to_target();
        self.mix.snap_to_target();
        self.log2_freq.snap_to_target();
        self.design();
        self.clear_filters();
        self.grid_phase = 0;
    }

    /// Processes the planar block in place. Real-time safe.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut start = 0;
        while start < n {
            if self.grid_phase == 0 && self.log2_freq.is_moving() {
                self.log2_freq.tick();
                self.design();
            }
            let len = (SUB_BLOCK_FRAMES - self.grid_phase).min(n - start);
            self.run(
                &mut left[start..start + len],
                &mut right[start..start + len],
            );
            self.grid_phase = (self.grid_phase + len) % SUB_BLOCK_FRAMES;
            start += len;
        }
    }

    fn run(&mut self, left: &mut [f32], right: &mut [f32]) {
        let width_idle = !self.width.is_moving() && self.width.value() == 1.0;
        let mix_idle = !self.mix.is_moving() && self.mix.value() == 0.0;
        if width_idle && mix_idle {
            return;
        }
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let w = self.width.tick();
            let m = self.mix.tick();
            let mut mid = 0.5 * (*l as f64 + *r as f64);
            let mut side = 0.5 * (*l as f64 - *r as f64);
            if m > 0.0 || self.mix.is_moving() {
                let s_hp = self.side_hp[0].tick(&self.hp, side);
                let s_hp = self.side_hp[1].tick(&self.hp, s_hp);
                let m_ap = self.mid_ap.tick(&self.ap, mid);
                side += m * (s_hp - side);
                mid += m * (m_ap - mid);
            }
            side *= w;
            *l = (mid + side) as f32;
            *r = (mid - side) as f32;
        }
        if !self.mix.is_moving() && self.mix.value() == 0.0 {
            self.clear_filters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn run_sine(st: &mut StereoStage, f: f64, fs: f64, l_amp: f64, r_amp: f64) -> (f64, f64) {
        let n = fs as usize;
        let mut l: Vec<f32> = (0..n)
            .map(|i| (l_amp * (2.0 * PI * f * i as f64 / fs).sin()) as f32)
            .collect();
        let mut r: Vec<f32> = (0..n)
            .map(|i| (r_amp * (2.0 * PI * f * i as f64 / fs).sin()) as f32)
            .collect();
        st.process(&mut l, &mut r);
        // Amplitude from RMS over the settled second half (whole periods for the test frequencies).
        let pk = |v: &[f32]| {
            let e: f64 = v[n / 2..].iter().map(|&x| (x as f64).powi(2)).sum();
            (2.0 * e / (n - n / 2) as f64).sqrt()
        };
        (pk(&l), pk(&r))
    }

    #[test]
    fn width_zero_is_mono_and_two_doubles_side() {
        let fs = 48_000.0;
        let mut st = StereoStage::new(fs);
        st.set_params(0.0, 0.0, true);
        let (l, r) = run_sine(&mut st, 1000.0, fs, 1.0, 0.0);
        assert!((l - 0.5).abs() < 1e-4 && (r - 0.5).abs() < 1e-4);
        st.set_params(2.0, 0.0, true);
        // Pure side (L = -R) doubled.
        let (l, _) = run_sine(&mut st, 1000.0, fs, 0.25, -0.25);
        assert!((l - 0.5).abs() < 1e-4, "{l}");
    }

    #[test]
    fn mono_bass_removes_low_side_only() {
        let fs = 48_000.0;
        let mut st = StereoStage::new(fs);
        st.set_params(1.0, 120.0, true);
        // Side at 30 Hz: LR4 at 120 Hz attenuates by ~48 dB (2 octaves × 24 dB).
        let (l, _) = run_sine(&mut st, 30.0, fs, 1.0, -1.0);
        assert!(l < 0.01, "{l}");
        // Mid at 30 Hz passes (all-pass keeps magnitude).
        let (l, r) = run_sine(&mut st, 30.0, fs, 1.0, 1.0);
        assert!((l - 1.0).abs() < 2e-3 && (r - 1.0).abs() < 2e-3, "{l} {r}");
        // Side at 2 kHz passes.
        let (l, _) = run_sine(&mut st, 2000.0, fs, 1.0, -1.0);
        assert!((l - 1.0).abs() < 2e-3, "{l}");
    }
}
