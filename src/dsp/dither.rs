//! TPDF dither and quantisation to integer PCM, applied by the exporter last (after sample-rate
//! conversion), never inside the chain and never for float output.

/// Seeded TPDF (triangular, ±1 LSB peak) dither generator and quantiser. Deterministic for a seed
/// (xorshift64* generator), so exports are reproducible. Real-time safe (no allocation).
/// Reference: Lipshitz, Wannamaker & Vanderkooy, "Quantization and Dither: A Theoretical Survey" (JAES 1992):
/// TPDF of 2 LSB peak-to-peak makes the first two moments of the error independent of the signal;
/// total error power is LSB²/4 (LSB²/12 rounding + LSB²/6 dither).
#[derive(Debug, Clone)]
pub struct Tpdf {
    state: u64,
}

fn clamp_bits(bits: u32) -> u32 {
    bits.clamp(2, 32)
}

impl Tpdf {
    /// A generator seeded with `seed` (any value; 0 is remapped). Real-time safe.
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        // xorshift64* (Vigna 2016).
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// One TPDF dither value in LSB, in (-1, 1) with a triangular distribution: the difference
    /// of two independent uniforms, the two 32-bit halves of one generator step (2^-32 LSB
    /// resolution is far finer than the dither needs, and it halves the generator's cost).
    /// Real-time safe.
    #[inline]
    pub fn next_lsb(&mut self) -> f64 {
        let x = self.next_u64();
        const UNIT: f64 = 1.0 / (1u64 << 32) as f64;
        ((x >> 32) as f64 - (x & 0xFFFF_FFFF) as f64) * UNIT
    }

    /// Quantises `sample` (full scale ±1.0) to a signed `bits`-bit integer (2..=32, e.g. 16 or 24)
    /// with TPDF dither, rounding to nearest and clipping to the integer range. Real-time safe.
    #[inline]
    pub fn quantize(&mut self, sample: f32, bits: u32) -> i32 {
        let d = self.next_lsb();
        quantize_with_offset(sample, bits, d)
    }
}

/// Quantises planar stereo to interleaved `bits`-bit integers appended to `out`: TPDF-dithered
/// with `dither`, plain rounding without. Digital silence stays digital silence (exact zeros get
/// no dither: they have no quantisation error to decorrelate, and a gap full of noise is not a
/// gap). Allocates only if `out` lacks capacity.
pub fn quantize_stereo(
    left: &[f32],
    right: &[f32],
    bits: u32,
    dither: Option<&mut Tpdf>,
    out: &mut Vec<i32>,
) {
    let scale = full_scale(bits);
    let frames = left.len().min(right.len());
    let start = out.len();
    out.resize(start + 2 * frames, 0);
    // The generator by value and the output as a slice: no call in the loop, so the state stays
    // in registers (through the reference it went to memory every sample).
    let mut tpdf = dither.as_deref().cloned();
    for ((&l, &r), pair) in left.iter().zip(right).zip(out[start..].chunks_exact_mut(2)) {
        for (s, q) in [l, r].into_iter().zip(pair) {
            if s != 0.0 {
                let offset = tpdf.as_mut().map_or(0.0, Tpdf::next_lsb);
                *q = quantize_scaled(s, scale, offset);
            }
        }
    }
    if let (Some(d), Some(t)) = (dither, tpdf) {
        *d = t;
    }
}

/// 2^(bits-1): the integer full scale of `bits` (clamped to 2..=32).
#[inline]
fn full_scale(bits: u32) -> f64 {
    (1u64 << (clamp_bits(bits) - 1)) as f64
}

#[inline]
fn quantize_with_offset(sample: f32, bits: u32, offset_lsb: f64) -> i32 {
    quantize_scaled(sample, full_scale(bits), offset_lsb)
}

#[inline]
fn quantize_scaled(sample: f32, scale: f64, offset_lsb: f64) -> i32 {
    let x = if sample.is_finite() {
        sample as f64
    } else {
        0.0
    };
    let v = round_half_away(x * scale + offset_lsb);
    v.clamp(-scale, scale - 1.0) as i32
}

/// `f64::round` for |v| < 2^62, without the libm call that `round` is on baseline x86-64 (the
/// truncating conversion is one instruction; the fraction `v - trunc(v)` is exact), and without
/// branches on the fraction: dithered samples round up or down at random, which a branch would
/// mispredict half the time.
#[inline]
fn round_half_away(v: f64) -> f64 {
    if v.abs() >= 4.0e18 {
        return v.round();
    }
    let t = (v as i64) as f64;
    let frac = v - t;
    t + f64::from(u8::from(frac >= 0.5)) - f64::from(u8::from(frac <= -0.5))
}

/// Quantises `sample` to a signed `bits`-bit integer by plain rounding, without dither (for tests
/// and comparisons; it turns low-level signals into harmonic distortion). Real-time safe.
pub fn quantize_undithered(sample: f32, bits: u32) -> i32 {
    quantize_with_offset(sample, bits, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_determinism() {
        assert_eq!(quantize_undithered(1.0, 16), 32767);
        assert_eq!(quantize_undithered(-1.0, 16), -32768);
        assert_eq!(quantize_undithered(f32::NAN, 24), 0);
        assert_eq!(quantize_undithered(0.5, 24), 1 << 22);
        let mut a = Tpdf::new(7);
        let mut b = Tpdf::new(7);
        for _ in 0..100 {
            assert_eq!(a.quantize(0.1234, 16), b.quantize(0.1234, 16));
        }
        let mut t = Tpdf::new(1);
        let (mut mean, mut var) = (0.0, 0.0);
        let n = 200_000;
        for _ in 0..n {
            let d = t.next_lsb();
            assert!(d > -1.0 && d < 1.0);
            mean += d;
            var += d * d;
        }
        mean /= n as f64;
        var /= n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!(
            (var - 1.0 / 6.0).abs() < 0.005,
            "TPDF variance is 1/6 LSB²: {var}"
        );
    }

    #[test]
    fn rounding_matches_f64_round() {
        let mut t = Tpdf::new(9);
        let edge = [
            0.5,
            -0.5,
            1.5,
            -2.5,
            0.49999999999999994,
            -0.49999999999999994,
            8_388_607.5,
        ];
        let random = (0..100_000).map(|_| t.next_lsb() * 9e6);
        for v in edge.into_iter().chain(random) {
            assert_eq!(round_half_away(v), v.round(), "{v}");
        }
    }

    #[test]
    fn stereo_block_is_the_per_sample_quantiser_with_silence_kept() {
        let l: Vec<f32> = (0..1000).map(|i| ((i as f32) * 0.01).sin() * 0.3).collect();
        let mut r: Vec<f32> = (0..1000).map(|i| ((i as f32) * 0.02).cos() * 0.2).collect();
        r[10..20].fill(0.0);
        for bits in [16, 24] {
            let mut out = Vec::new();
            quantize_stereo(&l, &r, bits, Some(&mut Tpdf::new(3)), &mut out);
            let mut t = Tpdf::new(3);
            let mut expected = Vec::new();
            for (a, b) in l.iter().zip(&r) {
                for s in [*a, *b] {
                    expected.push(if s == 0.0 { 0 } else { t.quantize(s, bits) });
                }
            }
            assert_eq!(out, expected);
            assert!(out[21..41].iter().step_by(2).all(|v| *v == 0));
            let mut plain = Vec::new();
            quantize_stereo(&l, &r, bits, None, &mut plain);
            let undithered: Vec<i32> = l
                .iter()
                .zip(&r)
                .flat_map(|(a, b)| [quantize_undithered(*a, bits), quantize_undithered(*b, bits)])
                .collect();
            assert_eq!(plain, undithered);
        }
    }
}
