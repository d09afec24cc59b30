//! Magnitude response of the BS.1770-4 K-weighting filter, for gating FFT blocks.
//!
//! The coefficients are derived for any rate from the analogue prototype parameters used by
//! libebur128 (and so by the `ebur128` crate): a +4 dB high shelf at 1682 Hz followed by the
//! RLB high-pass at 38 Hz. At 48 kHz they reproduce the BS.1770-4 Table 1 and 2 values.
use std::f64::consts::PI;

/// Biquad as `([b0, b1, b2], [a1, a2])` with `a0 = 1`.
type Biquad = ([f64; 3], [f64; 2]);

/// The K-weighting filter in the time domain: its two stages as transposed-direct-form-II
/// biquads in f64, for the loudness meters (analysis and the render's gain search).
#[derive(Debug, Clone, Copy)]
pub struct KFilter {
    stages: [(Biquad, [f64; 2]); 2],
}

impl KFilter {
    /// The filter at `rate_hz`, at rest.
    pub fn new(rate_hz: f64) -> KFilter {
        let [a, b] = stages(rate_hz);
        KFilter {
            stages: [(a, [0.0; 2]), (b, [0.0; 2])],
        }
    }

    /// Filters one sample.
    #[inline]
    pub fn tick(&mut self, x: f64) -> f64 {
        let mut v = x;
        for ((b, a), s) in self.stages.iter_mut() {
            let y = b[0] * v + s[0];
            s[0] = b[1] * v - a[0] * y + s[1];
            s[1] = b[2] * v - a[1] * y;
            v = y;
        }
        v
    }
}

fn stages(rate_hz: f64) -> [Biquad; 2] {
    // Stage 1: high shelf (head acoustics).
    let (f0, gain_db, q) = (1681.974450955533, 3.999843853973347, 0.7071752369554196);
    let k = (PI * f0 / rate_hz).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.4996667741545416);
    let a0 = 1.0 + k / q + k * k;
    let shelf = (
        [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ],
        [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    );
    // Stage 2: RLB high-pass.
    let (f0, q) = (38.13547087602444, 0.5003270373238773);
    let k = (PI * f0 / rate_hz).tan();
    let a0 = 1.0 + k / q + k * k;
    let highpass = (
        [1.0, -2.0, 1.0],
        [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    );
    [shelf, highpass]
}

/// |H_K(f)|² (power gain, linear) of the K-weighting filter at `freq_hz` for `rate_hz`.
pub fn k_weight_power(freq_hz: f64, rate_hz: f64) -> f64 {
    let w = 2.0 * PI * freq_hz / rate_hz;
    // z^-1 = cos w - j sin w; evaluate numerator and denominator as complex numbers.
    let (c1, s1, c2, s2) = (w.cos(), -w.sin(), (2.0 * w).cos(), -(2.0 * w).sin());
    stages(rate_hz)
        .iter()
        .map(|(b, a)| {
            let nr = b[0] + b[1] * c1 + b[2] * c2;
            let ni = b[1] * s1 + b[2] * s2;
            let dr = 1.0 + a[0] * c1 + a[1] * c2;
            let di = a[0] * s1 + a[1] * s2;
            (nr * nr + ni * ni) / (dr * dr + di * di)
        })
        .product()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_known_k_weighting_points() {
        // BS.1770-4: the K-weighting gain at 1 kHz is about +0.69 dB (this is why a 1 kHz
        // sine at -23 dBFS in both channels reads -23 LUFS despite the -0.691 offset),
        // the shelf gives about +4 dB at high frequencies and the RLB filter cuts the lows.
        let db = |f: f64| 10.0 * k_weight_power(f, 48000.0).log10();
        assert!((db(1000.0) - 0.691).abs() < 0.02, "{}", db(1000.0));
        assert!((db(10000.0) - 4.0).abs() < 0.3, "{}", db(10000.0));
        assert!(db(20.0) < -10.0, "{}", db(20.0));
        let at44 = 10.0 * k_weight_power(1000.0, 44100.0).log10();
        assert!((at44 - db(1000.0)).abs() < 0.01);
    }
}
