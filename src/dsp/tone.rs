//! Tone stage: tilt, low/high shelves and four bells as a cascade of biquads (TDF-II, f64 state),
//! with parameters smoothed on a fixed 32-frame grid of absolute positions.

use super::biquad::{BiquadState, Coefs};
use super::params::ChainParams;
use super::smoother::Smoother;

/// Frames between coefficient updates. Updates happen at absolute frame positions that are
/// multiples of this, so the output does not depend on how the stream is cut into blocks.
pub const SUB_BLOCK_FRAMES: usize = 32;
/// Time the tone parameters take to glide to a new setting, in seconds.
pub const TONE_SMOOTH_S: f64 = 0.030;
/// RBJ shelf slope S used by both shelves (gentle, no overshoot).
pub const SHELF_SLOPE: f64 = 0.7;

const N_SECTIONS: usize = 9;
const N_PARAMS: usize = 18;
// Parameter slots: 0 tilt_db, 1 log2 pivot, 2 log2 low-shelf f, 3 low-shelf dB, 4 log2 high-shelf f,
// 5 high-shelf dB, then per bell b: 6+3b log2 f, 7+3b dB, 8+3b log2 q.

/// Parameter targets (log2 for frequencies and Q so glides are even in octaves).
fn targets(p: &ChainParams) -> [f64; N_PARAMS] {
    let mut t = [0.0; N_PARAMS];
    t[0] = finite_or(p.tilt_db, 0.0).clamp(-6.0, 6.0);
    t[1] = finite_or(p.tilt_pivot_hz, 1000.0)
        .clamp(100.0, 5000.0)
        .log2();
    t[2] = finite_or(p.low_shelf_freq_hz, 100.0)
        .clamp(20.0, 1000.0)
        .log2();
    t[3] = finite_or(p.low_shelf_gain_db, 0.0).clamp(-12.0, 12.0);
    t[4] = finite_or(p.high_shelf_freq_hz, 8000.0)
        .clamp(1000.0, 20000.0)
        .log2();
    t[5] = finite_or(p.high_shelf_gain_db, 0.0).clamp(-12.0, 12.0);
    for (b, bell) in p.bells.iter().enumerate() {
        t[6 + 3 * b] = finite_or(bell.freq_hz, 1000.0).clamp(20.0, 20000.0).log2();
        t[7 + 3 * b] = if bell.enabled {
            finite_or(bell.gain_db, 0.0).clamp(-12.0, 12.0)
        } else {
            0.0
        };
        t[8 + 3 * b] = finite_or(bell.q, 1.0).clamp(0.3, 10.0).log2();
    }
    t
}

pub(crate) fn finite_or(x: f64, default: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        default
    }
}

/// Index of the parameter slot holding the gain of section `s` (a section with 0 dB is bypassed).
fn gain_slot(s: usize) -> usize {
    match s {
        0..=2 => 0,
        3 => 3,
        4 => 5,
        b => 7 + 3 * (b - 5),
    }
}

/// Parameter slots section `s` depends on.
fn slots(s: usize) -> [usize; 3] {
    match s {
        0..=2 => [0, 1, 1],
        3 => [2, 3, 3],
        4 => [4, 5, 5],
        b => {
            let i = 6 + 3 * (b - 5);
            [i, i + 1, i + 2]
        }
    }
}

fn design(s: usize, v: &[f64; N_PARAMS], fs: f64) -> Coefs {
    match s {
        0..=2 => {
            // Spaced by 4x on the bilinear-warped axis, so the digital response is exactly 0 dB
            // at the pivot and antisymmetric around it in warped frequency.
            let pivot = v[1].exp2().min(0.45 * fs);
            let k = (std::f64::consts::PI * pivot / fs).tan() * 4f64.powi(s as i32 - 1);
            Coefs::first_order_tilt_warped(k, v[0] / 3.0)
        }
        3 => Coefs::low_shelf(v[2].exp2(), v[3], SHELF_SLOPE, fs),
        4 => Coefs::high_shelf(v[4].exp2(), v[5], SHELF_SLOPE, fs),
        b => {
            let i = 6 + 3 * (b - 5);
            Coefs::peaking(v[i].exp2(), v[i + 1], v[i + 2].exp2(), fs)
        }
    }
}

/// The settled sections for `p` at `fs` (`None` = bypassed). Pure, allocation-free.
pub(crate) fn sections_for(p: &ChainParams, fs: f64) -> [Option<Coefs>; N_SECTIONS] {
    let v = targets(p);
    let mut out = [None; N_SECTIONS];
    for (s, o) in out.iter_mut().enumerate() {
        if v[gain_slot(s)] != 0.0 {
            *o = Some(design(s, &v, fs));
        }
    }
    out
}

/// The running tone stage. `process` is real-time safe; construct with [`ToneStage::new`].
#[derive(Debug, Clone)]
pub struct ToneStage {
    fs: f64,
    params: [Smoother; N_PARAMS],
    coefs: [Coefs; N_SECTIONS],
    active: [bool; N_SECTIONS],
    state: [[BiquadState; 2]; N_SECTIONS],
    grid_phase: usize,
}

impl ToneStage {
    /// A neutral tone stage for `sample_rate_hz`. Real-time safe (no allocation).
    pub fn new(sample_rate_hz: f64) -> Self {
        let tick_rate = sample_rate_hz / SUB_BLOCK_FRAMES as f64;
        let v = targets(&ChainParams::default());
        let params = v.map(|x| Smoother::new(x, TONE_SMOOTH_S, tick_rate));
        let mut t = Self {
            fs: sample_rate_hz,
            params,
            coefs: [Coefs::IDENTITY; N_SECTIONS],
            active: [false; N_SECTIONS],
            state: [[BiquadState::default(); 2]; N_SECTIONS],
            grid_phase: 0,
        };
        t.snap();
        t
    }

    /// Sets new targets; with `snap` they apply at once (no glide). Real-time safe.
    pub fn set_params(&mut self, p: &ChainParams, snap: bool) {
        for (sm, t) in self.params.iter_mut().zip(targets(p)) {
            sm.set_target(t);
        }
        if snap {
            self.snap();
        }
    }

    fn snap(&mut self) {
        for sm in &mut self.params {
            sm.snap_to_target();
        }
        let v = self.values();
        for s in 0..N_SECTIONS {
            self.coefs[s] = design(s, &v, self.fs);
            let on = v[gain_slot(s)] != 0.0;
            if !on {
                self.state[s] = Default::default();
            }
            self.active[s] = on;
        }
    }

    fn values(&self) -> [f64; N_PARAMS] {
        std::array::from_fn(|i| self.params[i].value())
    }

    /// Clears filter state and the grid phase, and settles every glide. Real-time safe.
    pub fn reset(&mut self) {
        self.state = [[BiquadState::default(); 2]; N_SECTIONS];
        self.grid_phase = 0;
        self.snap();
    }

    fn grid_update(&mut self) {
        let moving: [bool; N_PARAMS] = std::array::from_fn(|i| self.params[i].is_moving());
        if !moving.iter().any(|&m| m) {
            return;
        }
        for sm in &mut self.params {
            sm.tick();
        }
        let v = self.values();
        for s in 0..N_SECTIONS {
            if slots(s).iter().any(|&i| moving[i]) {
                let g = gain_slot(s);
                let on = v[g] != 0.0 || self.params[g].is_moving();
                if on {
                    self.coefs[s] = design(s, &v, self.fs);
                } else {
                    self.state[s] = Default::default();
                }
                self.active[s] = on;
            }
        }
    }

    /// Filters the planar block in place. Real-time safe.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut start = 0;
        while start < n {
            if self.grid_phase == 0 {
                self.grid_update();
            }
            let len = (SUB_BLOCK_FRAMES - self.grid_phase).min(n - start);
            if self.active.iter().any(|&a| a) {
                for i in start..start + len {
                    let (mut l, mut r) = (left[i] as f64, right[i] as f64);
                    for s in 0..N_SECTIONS {
                        if self.active[s] {
                            let c = &self.coefs[s];
                            l = self.state[s][0].tick(c, l);
                            r = self.state[s][1].tick(c, r);
                        }
                    }
                    left[i] = l as f32;
                    right[i] = r as f32;
                }
            }
            self.grid_phase = (self.grid_phase + len) % SUB_BLOCK_FRAMES;
            start += len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilt_definition_holds() {
        for fs in [44_100.0, 48_000.0, 96_000.0] {
            let p = ChainParams {
                tilt_db: 6.0,
                ..Default::default()
            };
            assert!(
                p.tone_response_db(1000.0, fs).abs() < 1e-9,
                "0 dB at the pivot"
            );
            let span = p.tone_response_db(20_000.0, fs) - p.tone_response_db(20.0, fs);
            eprintln!("tilt 6 dB at {fs} Hz: 20 kHz - 20 Hz = {span:.3} dB");
            assert!(span > 0.985 * 6.0 && span < 6.0, "{fs}: span {span}");
            let mut prev = f64::NEG_INFINITY;
            let mut f = 10.0;
            while f < 0.45 * fs {
                let r = p.tone_response_db(f, fs);
                assert!(r > prev, "monotone");
                prev = r;
                f *= 1.05;
            }
        }
    }

    #[test]
    fn neutral_stage_is_bit_exact() {
        let mut t = ToneStage::new(48_000.0);
        let mut l: Vec<f32> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5)
            .collect();
        let mut r = l.clone();
        let (l0, r0) = (l.clone(), r.clone());
        t.process(&mut l, &mut r);
        assert_eq!(l, l0);
        assert_eq!(r, r0);
    }

    #[test]
    fn disabled_bell_ramps_out_then_bypasses() {
        let mut t = ToneStage::new(48_000.0);
        let mut p = ChainParams::default();
        p.bells[0] = crate::dsp::Bell {
            enabled: true,
            freq_hz: 500.0,
            gain_db: 6.0,
            q: 1.0,
        };
        t.set_params(&p, true);
        assert!(t.active[5]);
        p.bells[0].enabled = false;
        t.set_params(&p, false);
        let mut l = vec![0.0f32; 48_000 / 10];
        let mut r = l.clone();
        t.process(&mut l, &mut r);
        assert!(!t.active[5], "bypassed once its gain reached 0 dB");
    }
}
