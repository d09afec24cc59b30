//! Second-order IIR sections: RBJ Audio EQ Cookbook designs (Robert Bristow-Johnson) and a
//! bilinear first-order tilt, run in transposed direct form II with `f64` state.

use std::f64::consts::PI;

/// Normalised biquad coefficients (`a0 = 1`): `H(z) = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²)`.
/// Designing is pure and real-time safe (a few trig calls, no allocation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefs {
    /// Feed-forward coefficient of z⁰.
    pub b0: f64,
    /// Feed-forward coefficient of z⁻¹.
    pub b1: f64,
    /// Feed-forward coefficient of z⁻².
    pub b2: f64,
    /// Feedback coefficient of z⁻¹ (sign as in the RBJ cookbook denominator).
    pub a1: f64,
    /// Feedback coefficient of z⁻².
    pub a2: f64,
}

/// Keeps a design frequency inside (1 Hz, 0.49·fs) so the bilinear transform stays defined.
fn clamp_freq(freq_hz: f64, sample_rate_hz: f64) -> f64 {
    freq_hz.clamp(1.0, 0.49 * sample_rate_hz)
}

impl Coefs {
    /// The identity filter (output = input).
    pub const IDENTITY: Coefs = Coefs {
        b0: 1.0,
        b1: 0.0,
        b2: 0.0,
        a1: 0.0,
        a2: 0.0,
    };

    fn normalised(b0: f64, b1: f64, b2: f64, a0: f64, a1: f64, a2: f64) -> Coefs {
        Coefs {
            b0: b0 / a0,
            b1: b1 / a0,
            b2: b2 / a0,
            a1: a1 / a0,
            a2: a2 / a0,
        }
    }

    /// RBJ cookbook "peakingEQ": bell of `gain_db` at `freq_hz` with quality `q`. Real-time safe.
    pub fn peaking(freq_hz: f64, gain_db: f64, q: f64, sample_rate_hz: f64) -> Coefs {
        let a = 10f64.powf(gain_db / 40.0);
        let w0 = 2.0 * PI * clamp_freq(freq_hz, sample_rate_hz) / sample_rate_hz;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q.max(0.05));
        Self::normalised(
            1.0 + alpha * a,
            -2.0 * cos,
            1.0 - alpha * a,
            1.0 + alpha / a,
            -2.0 * cos,
            1.0 - alpha / a,
        )
    }

    /// The `alpha` of the RBJ shelves for shelf slope `s` (1 = steepest without overshoot).
    fn shelf_alpha(a: f64, sin: f64, s: f64) -> f64 {
        sin / 2.0 * ((a + 1.0 / a) * (1.0 / s - 1.0) + 2.0).max(0.0).sqrt()
    }

    /// RBJ cookbook "lowShelf" with shelf slope `s` (0 < s <= 1), `gain_db` below `freq_hz`. Real-time safe.
    pub fn low_shelf(freq_hz: f64, gain_db: f64, s: f64, sample_rate_hz: f64) -> Coefs {
        let a = 10f64.powf(gain_db / 40.0);
        let w0 = 2.0 * PI * clamp_freq(freq_hz, sample_rate_hz) / sample_rate_hz;
        let (sin, cos) = w0.sin_cos();
        let alpha = Self::shelf_alpha(a, sin, s);
        let k = 2.0 * a.sqrt() * alpha;
        Self::normalised(
            a * ((a + 1.0) - (a - 1.0) * cos + k),
            2.0 * a * ((a - 1.0) - (a + 1.0) * cos),
            a * ((a + 1.0) - (a - 1.0) * cos - k),
            (a + 1.0) + (a - 1.0) * cos + k,
            -2.0 * ((a - 1.0) + (a + 1.0) * cos),
            (a + 1.0) + (a - 1.0) * cos - k,
        )
    }

    /// RBJ cookbook "highShelf" with shelf slope `s` (0 < s <= 1), `gain_db` above `freq_hz`. Real-time safe.
    pub fn high_shelf(freq_hz: f64, gain_db: f64, s: f64, sample_rate_hz: f64) -> Coefs {
        let a = 10f64.powf(gain_db / 40.0);
        let w0 = 2.0 * PI * clamp_freq(freq_hz, sample_rate_hz) / sample_rate_hz;
        let (sin, cos) = w0.sin_cos();
        let alpha = Self::shelf_alpha(a, sin, s);
        let k = 2.0 * a.sqrt() * alpha;
        Self::normalised(
            a * ((a + 1.0) + (a - 1.0) * cos + k),
            -2.0 * a * ((a - 1.0) + (a + 1.0) * cos),
            a * ((a + 1.0) + (a - 1.0) * cos - k),
            (a + 1.0) - (a - 1.0) * cos + k,
            2.0 * ((a - 1.0) - (a + 1.0) * cos),
            (a + 1.0) - (a - 1.0) * cos - k,
        )
    }

    /// RBJ cookbook second-order low-pass ("LPF") with quality `q`. Real-time safe.
    pub fn lowpass(freq_hz: f64, q: f64, sample_rate_hz: f64) -> Coefs {
        let w0 = 2.0 * PI * clamp_freq(freq_hz, sample_rate_hz) / sample_rate_hz;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q);
        Self::normalised(
            (1.0 - cos) / 2.0,
            1.0 - cos,
            (1.0 - cos) / 2.0,
            1.0 + alpha,
            -2.0 * cos,
            1.0 - alpha,
        )
    }

    /// RBJ cookbook second-order high-pass ("HPF") with quality `q`. Real-time safe.
    pub fn highpass(freq_hz: f64, q: f64, sample_rate_hz: f64) -> Coefs {
        let w0 = 2.0 * PI * clamp_freq(freq_hz, sample_rate_hz) / sample_rate_hz;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q);
        Self::normalised(
            (1.0 + cos) / 2.0,
            -(1.0 + cos),
            (1.0 + cos) / 2.0,
            1.0 + alpha,
            -2.0 * cos,
            1.0 - alpha,
        )
    }

    /// RBJ cookbook second-order all-pass ("APF") with quality `q`. Real-time safe.
    pub fn allpass(freq_hz: f64, q: f64, sample_rate_hz: f64) -> Coefs {
        let w0 = 2.0 * PI * clamp_freq(freq_hz, sample_rate_hz) / sample_rate_hz;
        let (sin, cos) = w0.sin_cos();
        let alpha = sin / (2.0 * q);
        Self::normalised(
            1.0 - alpha,
            -2.0 * cos,
            1.0 + alpha,
            1.0 + alpha,
            -2.0 * cos,
            1.0 - alpha,
        )
    }

    /// First-order tilt section: the bilinear transform (pre-warped at `pivot_hz`) of
    /// `H(s) = (√G·s/ω + 1) / (s/ω + √G)` with `G = 10^(tilt_db/20)`: `-tilt_db/2` far below the
    /// pivot, `+tilt_db/2` far above, exactly 0 dB at the pivot, monotone in between. Real-time safe.
    pub fn first_order_tilt(pivot_hz: f64, tilt_db: f64, sample_rate_hz: f64) -> Coefs {
        let k = (PI * clamp_freq(pivot_hz, sample_rate_hz) / sample_rate_hz).tan();
        Self::first_order_tilt_warped(k, tilt_db)
    }

    /// [`Coefs::first_order_tilt`] with the pivot given directly as the warped frequency
    /// `k = tan(π·pivot/fs)` (lets several sections be spaced evenly on the warped axis). Real-time safe.
    pub fn first_order_tilt_warped(k: f64, tilt_db: f64) -> Coefs {
        let g = 10f64.powf(tilt_db / 40.0); // √G
        Self::normalised(g + k, k - g, 0.0, 1.0 + g * k, g * k - 1.0, 0.0)
    }

    /// Magnitude of the digital response at `freq_hz`, in dB (evaluates `H(e^{jω})`). Pure.
    pub fn magnitude_db(&self, freq_hz: f64, sample_rate_hz: f64) -> f64 {
        let w = 2.0 * PI * freq_hz / sample_rate_hz;
        let (s1, c1) = w.sin_cos();
        let (s2, c2) = (2.0 * w).sin_cos();
        let nr = self.b0 + self.b1 * c1 + self.b2 * c2;
        let ni = -(self.b1 * s1 + self.b2 * s2);
        let dr = 1.0 + self.a1 * c1 + self.a2 * c2;
        let di = -(self.a1 * s1 + self.a2 * s2);
        10.0 * ((nr * nr + ni * ni) / (dr * dr + di * di)).log10()
    }
}

/// Per-channel state of one biquad in transposed direct form II (`f64`). Real-time safe.
#[derive(Debug, Clone, Copy, Default)]
pub struct BiquadState {
    s1: f64,
    s2: f64,
}

impl BiquadState {
    /// Clears the state. Real-time safe.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Filters one sample (TDF-II). Once both states are below 1e-30 they are flushed to zero,
    /// so a decaying tail never reaches slow subnormal arithmetic and silence comes out as exact
    /// zeros. Both together: zeroing one alone nudges the other, and a low, narrow filter's poles
    /// near DC amplify the nudges into a cycle around 1e-30 that never ends (which the export's
    /// dither then turned into ±1 LSB of noise over a whole silent passage). Real-time safe.
    #[inline]
    pub fn tick(&mut self, c: &Coefs, x: f64) -> f64 {
        let y = c.b0 * x + self.s1;
        self.s1 = c.b1 * x - c.a1 * y + self.s2;
        self.s2 = c.b2 * x - c.a2 * y;
        if self.s1.abs() < 1e-30 && self.s2.abs() < 1e-30 {
            self.s1 = 0.0;
            self.s2 = 0.0;
        }
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn impulse_gain_at(c: &Coefs, f: f64, fs: f64) -> f64 {
        // Steady-state response to a cosine, measured by correlation after the transient.
        let mut st = BiquadState::default();
        let n = (fs as usize) * 2;
        let (mut re, mut im) = (0.0, 0.0);
        for i in 0..n {
            let ph = 2.0 * PI * f * i as f64 / fs;
            let y = st.tick(c, ph.cos());
            if i >= n / 2 {
                re += y * ph.cos();
                im += y * ph.sin();
            }
        }
        let amp = 2.0 * (re * re + im * im).sqrt() / (n / 2) as f64;
        20.0 * amp.log10()
    }

    #[test]
    fn silence_after_sound_decays_to_exact_zeros() {
        // The assistant's moves on a real track: bells at 56 and 449 Hz, shelves at 113 Hz and
        // 3.78 kHz. Each alone, after a burst of noise, then silence.
        let fs = 44_100.0;
        for c in [
            Coefs::peaking(56.0, 3.0, 1.0, fs),
            Coefs::peaking(449.0, -3.0, 0.5, fs),
            Coefs::low_shelf(113.0, 3.0, 1.0, fs),
            Coefs::high_shelf(3780.0, 3.0, 1.0, fs),
        ] {
            let mut st = BiquadState::default();
            let mut seed = 1u32;
            for _ in 0..fs as usize {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                st.tick(&c, (seed >> 8) as f64 / (1u64 << 24) as f64 - 0.5);
            }
            // Two seconds is ages for these tails: from then on, nothing but zeros.
            let tail: Vec<f64> = (0..4 * fs as usize).map(|_| st.tick(&c, 0.0)).collect();
            let last = tail.iter().rposition(|y| *y != 0.0).unwrap_or(0);
            assert!(last < 2 * fs as usize, "{c:?}: {} at {last}", tail[last]);
        }
    }

    #[test]
    fn rbj_bell_peak_and_shelf_asymptotes() {
        let fs = 48_000.0;
        let bell = Coefs::peaking(1000.0, 6.0, 1.0, fs);
        assert!((bell.magnitude_db(1000.0, fs) - 6.0).abs() < 1e-9);
        assert!(bell.magnitude_db(20.0, fs).abs() < 0.01);
        let ls = Coefs::low_shelf(200.0, -4.0, 0.7, fs);
        assert!((ls.magnitude_db(1e-3, fs) + 4.0).abs() < 1e-6);
        assert!(
            (ls.magnitude_db(200.0, fs) + 2.0).abs() < 1e-9,
            "half gain at f0"
        );
        let hs = Coefs::high_shelf(5000.0, 3.0, 0.7, fs);
        assert!((hs.magnitude_db(fs / 2.0, fs) - 3.0).abs() < 1e-6);
        assert!((hs.magnitude_db(5000.0, fs) - 1.5).abs() < 1e-9);
        let ap = Coefs::allpass(100.0, 0.7, fs);
        for f in [10.0, 100.0, 5000.0] {
            assert!(ap.magnitude_db(f, fs).abs() < 1e-9);
        }
    }

    #[test]
    fn tilt_section_is_symmetric_around_pivot() {
        let fs = 96_000.0;
        let t = Coefs::first_order_tilt(1000.0, 6.0, fs);
        assert!(t.magnitude_db(1000.0, fs).abs() < 1e-9);
        assert!((t.magnitude_db(0.0, fs) + 3.0).abs() < 1e-9);
        assert!((t.magnitude_db(fs / 2.0, fs) - 3.0).abs() < 1e-9);
    }

    #[test]
    fn tdf2_matches_analytic_magnitude() {
        let fs = 44_100.0;
        let c = Coefs::peaking(3000.0, -9.0, 2.0, fs);
        for f in [500.0, 2500.0, 3000.0, 8000.0] {
            let m = impulse_gain_at(&c, f, fs);
            assert!((m - c.magnitude_db(f, fs)).abs() < 0.01, "{f}: {m}");
        }
    }
}
