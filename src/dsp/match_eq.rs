//! Match EQ: a smooth gain-vs-frequency curve applied as a linear-phase FIR by FFT overlap-save.
//!
//! Why linear phase: the match curve corrects the tonal balance of a whole track, often by a few dB
//! over octaves. A minimum-phase filter would add frequency-dependent delay (phase shift) exactly
//! where it changes the balance, smearing low-frequency transients; a linear-phase FIR delays every
//! frequency equally, so only the magnitude changes. The cost is latency (about 128-140 ms here),
//! which mastering playback can accept and offline export removes.

use super::smoother::Smoother;
use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::f64::consts::PI;
use std::sync::Arc;

/// Glide time of `match_amount`, in seconds.
pub const MATCH_AMOUNT_SMOOTH_S: f64 = 0.050;
/// Standard deviation of the Gaussian smoothing of the curve, in octaves (no notch narrower than ~1/3 octave).
pub const CURVE_SMOOTHING_OCT: f64 = 1.0 / 6.0;

/// Sizes used at a sample rate: (design length P, hop, FFT length). The FIR has P-1 taps.
fn layout(sample_rate_hz: f64) -> (usize, usize, usize) {
    let p = if sample_rate_hz <= 50_000.0 {
        8192
    } else if sample_rate_hz <= 100_000.0 {
        16_384
    } else {
        32_768
    };
    (p, p / 4, 2 * p)
}

/// Latency of the match stage in frames at `sample_rate_hz`: hop + FIR centre (constant, whether a
/// curve is applied or not). 6143 at 44.1/48 kHz, 12287 at 88.2/96 kHz. Pure.
pub fn match_latency_frames(sample_rate_hz: f64) -> usize {
    let (p, hop, _) = layout(sample_rate_hz);
    hop + (p - 2) / 2
}

/// A designed match FIR (its spectrum, ready for overlap-save). Design with [`MatchKernel::design`]
/// on any thread (allocates); hand it to `Chain::swap_match_kernel` (real-time safe), which returns the
/// previous kernel so it can be dropped off the audio thread.
#[derive(Debug, Clone, Default)]
pub struct MatchKernel {
    sample_rate_hz: f64,
    spectrum: Vec<Complex<f32>>,
    bin_hz: f64,
    curve_db: Vec<f64>,
    flat: bool,
}

impl MatchKernel {
    /// The "off" kernel (flat; the stage passes its delayed input). Allocates nothing; real-time safe.
    pub fn off() -> Self {
        Self {
            flat: true,
            ..Default::default()
        }
    }

    /// Designs the FIR for `sample_rate_hz` from `gains_db[i]` at `centres_hz[i]` (unsorted is fine,
    /// non-finite or non-positive entries are skipped). The gains are interpolated linearly in dB on a
    /// log-frequency axis (held constant beyond the first and last centre), smoothed with a Gaussian of
    /// 1/6 octave (at least 3 FFT bins), and turned into a zero-phase magnitude, windowed (Blackman) to
    /// P-1 taps (8191 at 44.1/48 kHz, 16383 at 88.2/96 kHz). A curve within ±0.01 dB of flat is marked
    /// flat and bypassed. NOT real-time safe (allocates, plans FFTs): call it off the audio thread.
    pub fn design(gains_db: &[f64], centres_hz: &[f64], sample_rate_hz: f64) -> Self {
        let (p, _, n) = layout(sample_rate_hz);
        let pts = log_points(gains_db, centres_hz);
        let bins = p / 2 + 1;
        let bin_hz = sample_rate_hz / p as f64;
        let raw: Vec<f64> = (0..bins)
            .map(|k| interp_log(&pts, k as f64 * bin_hz))
            .collect();
        let curve_db = smooth(&raw);
        let flat = curve_db.iter().all(|g| g.abs() < 0.01);
        let mut kernel = Self {
            sample_rate_hz,
            spectrum: Vec::new(),
            bin_hz,
            curve_db,
            flat,
        };
        if !flat {
            kernel.spectrum = kernel.fir_spectrum(p, n);
        }
        kernel
    }

    fn fir_spectrum(&self, p: usize, n: usize) -> Vec<Complex<f32>> {
        // Plans are kept per thread: planning the two FFTs cost more than designing with them.
        thread_local! {
            static PLANNER: std::cell::RefCell<FftPlanner<f64>> =
                std::cell::RefCell::new(FftPlanner::new());
        }
        let (inverse, forward) = PLANNER.with(|planner| {
            let mut planner = planner.borrow_mut();
            (planner.plan_fft_inverse(p), planner.plan_fft_forward(n))
        });
        let mut buf: Vec<Complex<f64>> = (0..p)
            .map(|k| {
                let k = if k <= p / 2 { k } else { p - k };
                Complex::new(10f64.powf(self.curve_db[k] / 20.0), 0.0)
            })
            .collect();
        inverse.process(&mut buf);
        let taps = p - 1;
        let centre = (taps - 1) / 2;
        let mut h: Vec<Complex<f64>> = vec![Complex::new(0.0, 0.0); n];
        for (i, slot) in h.iter_mut().take(taps).enumerate() {
            let src = (i + p - centre) % p;
            let x = 2.0 * PI * i as f64 / (taps - 1) as f64;
            let w = 0.42 - 0.5 * x.cos() + 0.08 * (2.0 * x).cos();
            *slot = Complex::new(buf[src].re / p as f64 * w, 0.0);
        }
        forward.process(&mut h);
        h.iter()
            .map(|c| Complex::new((c.re / n as f64) as f32, (c.im / n as f64) as f32))
            .collect()
    }

    /// The designed (smoothed) curve in dB at `freq_hz`, as the FIR aims to apply it. Pure; for drawing and tests.
    pub fn curve_db(&self, freq_hz: f64) -> f64 {
        if self.curve_db.is_empty() {
            return 0.0;
        }
        let x = (freq_hz / self.bin_hz).max(0.0);
        let i = (x as usize).min(self.curve_db.len() - 1);
        let j = (i + 1).min(self.curve_db.len() - 1);
        let t = (x - i as f64).clamp(0.0, 1.0);
        self.curve_db[i] + t * (self.curve_db[j] - self.curve_db[i])
    }

    /// The gain the FIR really applies (not the curve it aims at), dB, averaged in power over each
    /// band of 1/6 octave centred on `bands_hz` (as the analysis reads a spectrum): below ~100 Hz
    /// the FIR's length (8191 taps at 44.1/48 kHz) cannot follow every turn of a curve, and this
    /// says by how much. 0 dB for a flat kernel. Pure (allocates the result).
    pub fn realised_db(&self, bands_hz: &[f64]) -> Vec<f64> {
        if self.flat || self.spectrum.is_empty() {
            return vec![0.0; bands_hz.len()];
        }
        let n = self.spectrum.len();
        let bin_hz = self.sample_rate_hz / n as f64;
        // The stored spectrum carries the inverse FFT's 1/n; undo it for the FIR's own gain.
        let power = |k: usize| (self.spectrum[k.min(n / 2)].norm_sqr() as f64) * (n as f64).powi(2);
        bands_hz
            .iter()
            .map(|&f| {
                let edge = 2f64.powf(1.0 / 12.0);
                let lo = (f / edge / bin_hz).ceil() as usize;
                let hi = ((f * edge / bin_hz).floor() as usize).min(n / 2);
                let p = if hi >= lo {
                    (lo..=hi).map(power).sum::<f64>() / (hi + 1 - lo) as f64
                } else {
                    power((f / bin_hz).round() as usize)
                };
                10.0 * p.max(1e-30).log10()
            })
            .collect()
    }

    /// True if the curve is flat (the stage then passes its delayed input unchanged). Pure.
    pub fn is_flat(&self) -> bool {
        self.flat
    }

    /// Sample rate the kernel was designed for, in Hz (0 for [`MatchKernel::off`]). Pure.
    pub fn sample_rate_hz(&self) -> f64 {
        self.sample_rate_hz
    }
}

/// The points a curve is designed from: (log2 frequency, gain clamped to ±24 dB), sorted, with
/// non-finite or non-positive entries skipped.
fn log_points(gains_db: &[f64], centres_hz: &[f64]) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = gains_db
        .iter()
        .zip(centres_hz)
        .filter(|(g, f)| g.is_finite() && f.is_finite() && **f > 0.0)
        .map(|(&g, &f)| (f.log2(), g.clamp(-24.0, 24.0)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

/// The gain [`MatchKernel::design`] reads from `gains_db[i]` at `centres_hz[i]` at `freq_hz`
/// before smoothing: linear in dB over log frequency, held beyond the first and last centre
/// (0 dB without points). Pure.
pub fn curve_point_db(gains_db: &[f64], centres_hz: &[f64], freq_hz: f64) -> f64 {
    interp_log(&log_points(gains_db, centres_hz), freq_hz)
}

fn interp_log(pts: &[(f64, f64)], freq_hz: f64) -> f64 {
    let Some(first) = pts.first() else {
        return 0.0;
    };
    let last = pts[pts.len() - 1];
    if freq_hz <= 0.0 {
        return first.1;
    }
    let x = freq_hz.log2();
    if x <= first.0 {
        return first.1;
    }
    if x >= last.0 {
        return last.1;
    }
    let j = pts.partition_point(|p| p.0 <= x).clamp(1, pts.len() - 1);
    let (a, b) = (pts[j - 1], pts[j]);
    if b.0 <= a.0 {
        return b.1;
    }
    a.1 + (x - a.0) / (b.0 - a.0) * (b.1 - a.1)
}

/// Gaussian smoothing whose width is `CURVE_SMOOTHING_OCT` octaves (at least 3 bins) around each bin.
///
/// Cost: σ grows with the bin, so a plain sum is O(bins²) (~6 M taps at 44.1 kHz). Two savings,
/// neither visible in the result (within 0.01 dB of the plain sum, tested):
/// - the weights come from a recurrence (two `exp` per bin, not one per tap): exp(−½(d/σ)²) =
///   exp(−½((d−1)/σ)²) · q_d with q_d = exp(−(2d−1)/(2σ²)) and q_{d+1} = q_d · exp(−1/σ²);
/// - where σ is wide the smoothed curve cannot turn within σ/8 bins, so it is summed every
///   σ/8 bins and read linearly in between.
fn smooth(raw: &[f64]) -> Vec<f64> {
    let oct = std::f64::consts::LN_2 * CURVE_SMOOTHING_OCT;
    let last = raw.len() as isize - 1;
    // Mirror at DC and at Nyquist so the ends are not pulled.
    let at = |j: isize| -> f64 {
        let j = if j < 0 { -j } else { j };
        let j = if j > last { (2 * last - j).max(0) } else { j };
        raw[j as usize]
    };
    let sigma_at = |k: usize| (k as f64 * oct).max(3.0);
    let sum_at = |k: usize| -> f64 {
        let sigma = sigma_at(k);
        let half = (3.0 * sigma).ceil() as isize;
        let step = (-1.0 / (sigma * sigma)).exp();
        let mut q = (-0.5 / (sigma * sigma)).exp();
        let mut w = 1.0;
        let (mut acc, mut wsum) = (raw[k], 1.0);
        for d in 1..=half {
            w *= q;
            q *= step;
            acc += w * (at(k as isize + d) + at(k as isize - d));
            wsum += 2.0 * w;
        }
        acc / wsum
    };
    let mut out = vec![0.0; raw.len()];
    let mut k = 0;
    while k < raw.len() {
        out[k] = sum_at(k);
        let stride = ((sigma_at(k) / 8.0) as usize).max(1);
        let next = (k + stride).min(raw.len() - 1);
        if next > k + 1 {
            out[next] = sum_at(next);
            for j in k + 1..next {
                let t = (j - k) as f64 / (next - k) as f64;
                out[j] = out[k] + t * (out[next] - out[k]);
            }
        }
        if next == k {
            break;
        }
        k = next;
    }
    out
}

/// The running match stage: overlap-save with stereo packed as `L + jR` into one complex FFT
/// (the kernel is real, so the two channels do not mix). `process` is real-time safe.
pub struct MatchStage {
    sample_rate_hz: f64,
    hop: usize,
    fft_len: usize,
    centre: usize,
    fwd: Arc<dyn Fft<f32>>,
    inv: Arc<dyn Fft<f32>>,
    scratch: Vec<Complex<f32>>,
    input: Vec<Complex<f32>>,
    work: Vec<Complex<f32>>,
    work_old: Vec<Complex<f32>>,
    wet: Vec<Complex<f32>>,
    dry: Vec<Complex<f32>>,
    wet_valid: bool,
    pos: usize,
    kernel: MatchKernel,
    prev_spectrum: Vec<Complex<f32>>,
    prev_active: bool,
    xfade_pending: bool,
    amount: Smoother,
}

impl MatchStage {
    /// Allocates every buffer for `sample_rate_hz`. NOT real-time safe (call from `prepare`).
    pub fn new(sample_rate_hz: f64) -> Self {
        let (p, hop, n) = layout(sample_rate_hz);
        let mut planner = FftPlanner::<f32>::new();
        let fwd = planner.plan_fft_forward(n);
        let inv = planner.plan_fft_inverse(n);
        let scratch_len = fwd
            .get_inplace_scratch_len()
            .max(inv.get_inplace_scratch_len());
        let zero = Complex::new(0.0f32, 0.0);
        Self {
            sample_rate_hz,
            hop,
            fft_len: n,
            centre: (p - 2) / 2,
            fwd,
            inv,
            scratch: vec![zero; scratch_len],
            input: vec![zero; n],
            work: vec![zero; n],
            work_old: vec![zero; n],
            wet: vec![zero; hop],
            dry: vec![zero; hop],
            wet_valid: false,
            pos: 0,
            kernel: MatchKernel::off(),
            prev_spectrum: vec![zero; n],
            prev_active: false,
            xfade_pending: false,
            amount: Smoother::new(0.0, MATCH_AMOUNT_SMOOTH_S, sample_rate_hz),
        }
    }

    /// Latency in frames (see [`match_latency_frames`]).
    pub fn latency_frames(&self) -> usize {
        self.hop + self.centre
    }

    /// Sets the amount (0..=1) of the curve; `snap` skips the glide. Real-time safe.
    pub fn set_amount(&mut self, amount: f64, snap: bool) {
        let a = if amount.is_finite() {
            amount.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.amount.set_target(a);
        if snap {
            self.amount.snap_to_target();
        }
    }

    fn kernel_active(&self) -> bool {
        !self.kernel.flat && self.kernel.spectrum.len() == self.fft_len
    }

    /// Installs `kernel` and returns the previous one (to be dropped elsewhere), or gives `kernel` back
    /// as `Err` if it was designed for another sample rate. The change happens at the next hop boundary
    /// with a raised-cosine crossfade over one hop (about 43 ms), so it never clicks. Real-time safe.
    pub fn swap_kernel(&mut self, mut kernel: MatchKernel) -> Result<MatchKernel, MatchKernel> {
        let fits = kernel.flat
            || (kernel.spectrum.len() == self.fft_len
                && kernel.sample_rate_hz == self.sample_rate_hz);
        if !fits {
            return Err(kernel);
        }
        if !self.xfade_pending {
            self.prev_active = self.kernel_active();
            if self.prev_active {
                self.prev_spectrum.copy_from_slice(&self.kernel.spectrum);
            }
        }
        std::mem::swap(&mut self.kernel, &mut kernel);
        self.xfade_pending = true;
        Ok(kernel)
    }

    /// Clears the delay line and settles the amount glide; the kernel stays. Real-time safe.
    pub fn reset(&mut self) {
        let zero = Complex::new(0.0f32, 0.0);
        self.input.fill(zero);
        self.wet.fill(zero);
        self.dry.fill(zero);
        self.wet_valid = false;
        self.pos = 0;
        self.xfade_pending = false;
        self.amount.snap_to_target();
    }

    /// Processes the planar block in place. Real-time safe.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let base = self.fft_len - self.hop;
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            self.input[base + self.pos] = Complex::new(*l, *r);
            let d = self.dry[self.pos];
            let a = self.amount.tick();
            if self.wet_valid && (a != 0.0 || self.amount.is_moving()) {
                let w = self.wet[self.pos];
                *l = d.re + a as f32 * (w.re - d.re);
                *r = d.im + a as f32 * (w.im - d.im);
            } else {
                *l = d.re;
                *r = d.im;
            }
            self.pos += 1;
            if self.pos == self.hop {
                self.pos = 0;
                self.compute_hop();
            }
        }
    }

    fn convolve(&mut self, old: bool) {
        let (buf, spec) = if old {
            (&mut self.work_old, &self.prev_spectrum)
        } else {
            (&mut self.work, &self.kernel.spectrum)
        };
        buf.copy_from_slice(&self.input);
        self.fwd.process_with_scratch(buf, &mut self.scratch);
        for (x, h) in buf.iter_mut().zip(spec.iter()) {
            *x *= *h;
        }
        self.inv.process_with_scratch(buf, &mut self.scratch);
    }

    fn compute_hop(&mut self) {
        let base = self.fft_len - self.hop;
        for i in 0..self.hop {
            self.dry[i] = self.input[base + i - self.centre];
        }
        let new_active = self.kernel_active();
        let xfade = self.xfade_pending;
        self.xfade_pending = false;
        let old_active = xfade && self.prev_active;
        if new_active {
            self.convolve(false);
        }
        if old_active {
            self.convolve(true);
        }
        self.wet_valid = new_active || old_active;
        if self.wet_valid {
            for i in 0..self.hop {
                let new = if new_active {
                    self.work[base + i]
                } else {
                    self.dry[i]
                };
                self.wet[i] = if xfade {
                    let old = if old_active {
                        self.work_old[base + i]
                    } else {
                        self.dry[i]
                    };
                    let t = 0.5 - 0.5 * (PI * (i as f64 + 0.5) / self.hop as f64).cos();
                    old + (new - old) * t as f32
                } else {
                    new
                };
            }
        }
        self.input.copy_within(self.hop.., 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_figures() {
        assert_eq!(match_latency_frames(44_100.0), 6143);
        assert_eq!(match_latency_frames(48_000.0), 6143);
        assert_eq!(match_latency_frames(96_000.0), 12_287);
    }

    #[test]
    fn flat_curve_is_off_and_interpolation_is_log() {
        let k = MatchKernel::design(&[0.0, 0.0], &[100.0, 1000.0], 48_000.0);
        assert!(k.is_flat());
        let pts = [(100f64.log2(), 0.0), (400f64.log2(), 6.0)];
        assert!((interp_log(&pts, 200.0) - 3.0).abs() < 1e-12);
        assert_eq!(interp_log(&pts, 10.0), 0.0);
        assert_eq!(interp_log(&pts, 9000.0), 6.0);
    }

    #[test]
    fn delay_only_when_off() {
        let mut m = MatchStage::new(48_000.0);
        let lat = m.latency_frames();
        let n = lat + 3000;
        let mut l: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin()).collect();
        let mut r: Vec<f32> = (0..n).map(|i| (i as f32 * 0.11).cos()).collect();
        let (l0, r0) = (l.clone(), r.clone());
        m.process(&mut l, &mut r);
        assert!(l[..lat].iter().all(|&x| x == 0.0));
        assert_eq!(&l[lat..], &l0[..n - lat]);
        assert_eq!(&r[lat..], &r0[..n - lat]);
    }

    #[test]
    fn fast_smoothing_equals_the_gaussian_sum_within_a_hundredth_of_a_db() {
        // The plain sum, one exp per tap, as the recurrence replaces it.
        fn direct(raw: &[f64]) -> Vec<f64> {
            let oct = std::f64::consts::LN_2 * CURVE_SMOOTHING_OCT;
            let last = raw.len() as isize - 1;
            (0..raw.len())
                .map(|k| {
                    let sigma = (k as f64 * oct).max(3.0);
                    let half = (3.0 * sigma).ceil() as isize;
                    let (mut acc, mut wsum) = (0.0, 0.0);
                    for d in -half..=half {
                        let mut j = (k as isize + d).abs();
                        if j > last {
                            j = (2 * last - j).max(0);
                        }
                        let w = (-0.5 * (d as f64 / sigma).powi(2)).exp();
                        acc += w * raw[j as usize];
                        wsum += w;
                    }
                    acc / wsum
                })
                .collect()
        }
        let raw: Vec<f64> = (0..4097)
            .map(|k| 3.0 * ((k as f64).ln_1p() * 2.3).sin() + if k % 7 == 0 { 1.0 } else { 0.0 })
            .collect();
        let (fast, slow) = (smooth(&raw), direct(&raw));
        for (k, (a, b)) in fast.iter().zip(&slow).enumerate() {
            assert!((a - b).abs() < 0.01, "bin {k}: {a} vs {b}");
        }
    }
}
