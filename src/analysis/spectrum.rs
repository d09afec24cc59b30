//! Long-term average spectrum in 1/6-octave bands, for mid and side, plus the stereo sums.
//!
//! Method (one pass, interleaved with the loudness meter):
//! - Hann-windowed FFT blocks of `fft_size(rate)` frames (16384 at 44.1/48 kHz, ~0.35 s,
//!   scaled with the rate so the bin width stays ~2.9 Hz), 50 % overlap.
//! - Mid = (L+R)/2 and side = (L-R)/2 go through ONE complex FFT as the real and imaginary
//!   parts and are separated afterwards (M_k = (X_k + X*_{N-k})/2, S_k = (X_k - X*_{N-k})/2j),
//!   which halves the FFT cost compared to two transforms.
//! - Bin powers are scaled so that their sum is the block's mean square (Parseval with the
//!   window's energy), then summed into bands; a bin is split between the bands it overlaps in
//!   proportion to the overlap, so bands narrower than a bin (below ~40 Hz) stay smooth.
//!   Summing (not averaging) bin powers makes pink noise read flat.
//! - Each block's K-weighted energy is computed in the frequency domain (bin powers times the
//!   BS.1770-4 K-weighting power response). At the end, blocks count only when their
//!   loudness is above the absolute gate (-70 LUFS) and above integrated - 20 LU, so silence
//!   and fade tails do not pull the curve down. The kept blocks are power-averaged.
//! - Band powers are reported in dB minus the integrated loudness (LUFS), so the curve
//!   describes tone, not level: two copies of a track 10 dB apart read the same.
//! - A band the rate cannot hold whole (its upper edge above Nyquist: above 10.7 kHz at
//!   22.05 kHz) reads [`FLOOR_DB`], as an empty band does: [`is_band_empty`] tells comparisons to
//!   leave it out, so a band-limited source is not "52 dB darker" than the album.
use super::{kweight, stereo, SpectralBalance, StereoBand};
use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

/// Lowest value of a normalised band level, dB (an empty band instead of -inf).
pub const FLOOR_DB: f64 = -150.0;

/// Whether a band level is [`FLOOR_DB`]: nothing there, or beyond what the source's rate holds.
/// Album averages and deviations leave such a band out (there is nothing to compare or move).
pub fn is_band_empty(level_db: f64) -> bool {
    level_db <= FLOOR_DB
}

/// Part of Nyquist below which a source's bands are whole: encoders and resamplers roll off
/// above about 0.9 of it, so the band under the cut holds only part of what it would.
pub const HELD_PART_OF_NYQUIST: f64 = 0.9;

/// Which of `levels` (each track's level in the band centred at `center_hz`, dB, with its
/// source's rate, Hz) take part when tracks are compared in that band: those that hold it whole
/// ([`is_band_held`]); when none does (the top band of an album all at 44.1 kHz), those not
/// empty there. The album average, each track's deviation and the assistant's fit all use this.
pub fn compared_in_band(center_hz: f64, levels: &[(f64, u32)]) -> Vec<bool> {
    let held: Vec<bool> = levels
        .iter()
        .map(|&(level, rate)| is_band_held(center_hz, level, rate))
        .collect();
    if held.iter().any(|&h| h) {
        held
    } else {
        levels
            .iter()
            .map(|&(level, _)| !is_band_empty(level))
            .collect()
    }
}

/// Whether the band centred at `center_hz`, at `level_db` in a spectrum of a source at
/// `source_rate_hz`, is one the source holds whole: not empty, and below the roll-off under
/// its Nyquist. Comparisons between tracks (album average, deviation, the assistant's fit) use
/// only such bands, so a 22.05 kHz file is not "darker" for lacking what it cannot carry.
pub fn is_band_held(center_hz: f64, level_db: f64, source_rate_hz: u32) -> bool {
    !is_band_empty(level_db)
        && band_edges_hz(center_hz).1 <= HELD_PART_OF_NYQUIST * f64::from(source_rate_hz) / 2.0
}

/// Relative gate for spectrum blocks, LU below the integrated loudness (as EBU Tech 3342's
/// LRA gate: generous enough to keep quiet passages, strict enough to drop fade tails).
pub const RELATIVE_GATE_LU: f64 = -20.0;

/// Band index range of the grid: centres 1000·2^(k/6) Hz for k in -34..=26, i.e. the
/// nominal 20 Hz (19.7) to 20 kHz (20.2) bands.
const K_RANGE: std::ops::RangeInclusive<i32> = -34..=26;

/// Centre frequencies (Hz) of the shared 1/6-octave analysis grid, 20 Hz to 20 kHz,
/// base-2 bands anchored at 1 kHz (IEC 61260-1). The match EQ uses the same grid.
pub fn band_centers_hz() -> Vec<f64> {
    K_RANGE
        .map(|k| 1000.0 * 2f64.powf(k as f64 / 6.0))
        .collect()
}

/// Whether two band grids are the same grid: equal lengths and centres equal to 1 part in 10⁹.
/// Not `==`: a grid read back from JSON (a cached analysis, a reference curve) may differ from a
/// freshly computed one in the last bit, and that must not make a track "unusable".
pub fn same_grid(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()))
}

/// Lower and upper edge (Hz) of the 1/6-octave band centred at `center_hz` (IEC 61260-1:
/// edges at the centre times 2^(∓1/12)).
pub fn band_edges_hz(center_hz: f64) -> (f64, f64) {
    let half = 2f64.powf(1.0 / 12.0);
    (center_hz / half, center_hz * half)
}

/// FFT length (frames) used at `rate_hz`: about a third of a second, a power of two.
pub fn fft_size(rate_hz: u32) -> usize {
    (rate_hz as usize / 3).next_power_of_two().max(1024)
}

/// Offsets in one block record: K-weighted energy, mid bands, side bands, stereo sums.
struct Layout {
    bands: usize,
}

impl Layout {
    fn mid(&self) -> usize {
        1
    }
    fn side(&self) -> usize {
        1 + self.bands
    }
    fn stereo(&self) -> usize {
        1 + 2 * self.bands
    }
    fn len(&self) -> usize {
        self.stereo() + stereo::STEREO_BANDS_HZ.len() * stereo::SUMS_PER_BAND
    }
}

/// Streaming spectrum analyser; feed it the whole track with `process_until` as samples
/// become "due", then `finish` with the integrated loudness.
pub struct SpectrumAnalyzer {
    n: usize,
    hop: usize,
    fft: Arc<dyn Fft<f32>>,
    window: Vec<f32>,
    window_energy: f64,
    buf: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    /// Per bin 0..=n/2: (|M|², |S|², Re(M S*)) of the current block, scaled.
    bins: Vec<[f64; 3]>,
    /// (bin, band, fraction of the bin's power that falls in the band), by bin.
    bin_bands: Vec<(usize, usize, f64)>,
    /// K-weighting power gain per bin.
    k_weight: Vec<f64>,
    /// Stereo band per bin (or none).
    stereo_band: Vec<Option<usize>>,
    layout: Layout,
    next_start: usize,
    last_start: Option<usize>,
    records: Vec<f64>,
    /// Bands from this one up reach past Nyquist: reported empty.
    first_beyond_nyquist: usize,
}

impl SpectrumAnalyzer {
    /// An analyser for `rate_hz` (allocates the FFT plan and the band tables).
    pub fn new(rate_hz: u32) -> SpectrumAnalyzer {
        let n = fft_size(rate_hz);
        let rate = rate_hz as f64;
        let bin_hz = rate / n as f64;
        let window: Vec<f32> = (0..n)
            .map(|i| (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos()) as f32)
            .collect();
        let window_energy = window.iter().map(|&w| (w as f64).powi(2)).sum();
        let centers = band_centers_hz();
        let half = n / 2;
        let mut bin_bands = Vec::new();
        for (band, &c) in centers.iter().enumerate() {
            let (lo, hi) = band_edges_hz(c);
            // Bin k covers [(k-0.5), (k+0.5)] bin widths.
            let first = ((lo / bin_hz) - 0.5).floor().max(1.0) as usize;
            let last = (((hi / bin_hz) + 0.5).ceil() as usize).min(half);
            for k in first..=last {
                let (b_lo, b_hi) = ((k as f64 - 0.5) * bin_hz, (k as f64 + 0.5) * bin_hz);
                let overlap = hi.min(b_hi) - lo.max(b_lo);
                if overlap > 0.0 {
                    bin_bands.push((k, band, overlap / bin_hz));
                }
            }
        }
        bin_bands.sort_by_key(|&(k, band, _)| (k, band));
        let freqs = (0..=half).map(|k| k as f64 * bin_hz);
        let k_weight = freqs
            .clone()
            .map(|f| kweight::k_weight_power(f, rate))
            .collect();
        let stereo_band = freqs.map(stereo::band_of).collect();
        let fft = FftPlanner::new().plan_fft_forward(n);
        let scratch = vec![Complex::default(); fft.get_inplace_scratch_len()];
        SpectrumAnalyzer {
            n,
            hop: n / 2,
            fft,
            window,
            window_energy,
            buf: vec![Complex::default(); n],
            scratch,
            bins: vec![[0.0; 3]; half + 1],
            bin_bands,
            k_weight,
            stereo_band,
            layout: Layout {
                bands: centers.len(),
            },
            next_start: 0,
            first_beyond_nyquist: centers
                .iter()
                .position(|&c| band_edges_hz(c).1 > rate / 2.0)
                .unwrap_or(centers.len()),
            last_start: None,
            records: Vec::new(),
        }
    }

    /// Analyses every block that lies entirely within the first `available` frames.
    pub fn process_until(&mut self, left: &[f32], right: &[f32], available: usize) {
        while self.next_start + self.n <= available.min(left.len()) {
            self.block(left, right, self.next_start);
            self.next_start += self.hop;
        }
    }

    fn block(&mut self, left: &[f32], right: &[f32], start: usize) {
        let end = (start + self.n).min(left.len());
        let valid = end - start;
        for (i, slot) in self.buf.iter_mut().enumerate() {
            *slot = if i < valid {
                let (l, r, w) = (left[start + i], right[start + i], self.window[i]);
                Complex::new(w * 0.5 * (l + r), w * 0.5 * (l - r))
            } else {
                Complex::default()
            };
        }
        self.fft
            .process_with_scratch(&mut self.buf, &mut self.scratch);
        // A zero-padded block (track shorter than one FFT) only has the energy of its valid
        // part of the window: scale by that, not by the whole window.
        let energy: f64 = if valid == self.n {
            self.window_energy
        } else {
            self.window[..valid]
                .iter()
                .map(|&w| (w as f64).powi(2))
                .sum()
        };
        let norm = 1.0 / (self.n as f64 * energy.max(f64::MIN_POSITIVE));
        let half = self.n / 2;
        let lay = &self.layout;
        let mut rec = vec![0.0; lay.len()];
        for k in 0..=half {
            let x = self.buf[k];
            let y = self.buf[(self.n - k) % self.n].conj();
            let m = (x + y) * 0.5;
            let d = (x - y) * 0.5;
            let s = Complex::new(d.im, -d.re); // (x - y) / 2j
            let one_sided = if k == 0 || k == half {
                norm
            } else {
                2.0 * norm
            };
            let pm = m.norm_sqr() as f64 * one_sided;
            let ps = s.norm_sqr() as f64 * one_sided;
            let cross = (m.re * s.re + m.im * s.im) as f64 * one_sided;
            self.bins[k] = [pm, ps, cross];
            rec[0] += self.k_weight[k] * (pm + ps);
            if let Some(b) = self.stereo_band[k] {
                let o = lay.stereo() + b * stereo::SUMS_PER_BAND;
                rec[o] += pm;
                rec[o + 1] += ps;
                rec[o + 2] += cross;
            }
        }
        // z_L + z_R = 2 (z_M + z_S) for L = M + S, R = M - S.
        rec[0] *= 2.0;
        for &(k, band, frac) in &self.bin_bands {
            rec[lay.mid() + band] += frac * self.bins[k][0];
            rec[lay.side() + band] += frac * self.bins[k][1];
        }
        self.records.extend_from_slice(&rec);
        self.last_start = Some(start);
    }

    /// Analyses the tail, gates the blocks against `integrated_lufs` and returns the
    /// normalised spectrum and the stereo bands. Without a loudness both are empty.
    pub fn finish(
        mut self,
        left: &[f32],
        right: &[f32],
        integrated_lufs: Option<f64>,
    ) -> (SpectralBalance, Vec<StereoBand>) {
        let frames = left.len();
        self.process_until(left, right, frames);
        // The frames after the last full hop: one more block aligned to the end (or a single
        // zero-padded block when the whole track is shorter than one FFT).
        let covered = self.last_start.map_or(0, |s| s + self.n);
        if frames > 0 && covered < frames {
            self.block(left, right, frames.saturating_sub(self.n));
        }
        let Some(integrated) = integrated_lufs else {
            return (SpectralBalance::default(), Vec::new());
        };
        let lay = &self.layout;
        let gate = (integrated + RELATIVE_GATE_LU).max(super::loudness::ABSOLUTE_GATE_LUFS);
        let mut sum = vec![0.0; lay.len()];
        let mut kept = 0usize;
        for rec in self.records.chunks_exact(lay.len()) {
            if rec[0] > 0.0 && -0.691 + 10.0 * rec[0].log10() > gate {
                kept += 1;
                sum.iter_mut().zip(rec).for_each(|(s, r)| *s += r);
            }
        }
        if kept == 0 {
            return (SpectralBalance::default(), Vec::new());
        }
        let to_db = |p: f64| {
            let p = p / kept as f64;
            if p > 0.0 {
                (10.0 * p.log10() - integrated).max(FLOOR_DB)
            } else {
                FLOOR_DB
            }
        };
        let beyond = self.first_beyond_nyquist;
        let levels = |powers: &[f64]| -> Vec<f64> {
            powers
                .iter()
                .enumerate()
                .map(|(b, &p)| if b < beyond { to_db(p) } else { FLOOR_DB })
                .collect()
        };
        let spectrum = SpectralBalance {
            bands_hz: band_centers_hz(),
            mid_db: levels(&sum[lay.mid()..lay.side()]),
            side_db: levels(&sum[lay.side()..lay.stereo()]),
        };
        (spectrum, stereo::finish(&sum[lay.stereo()..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_base2_sixth_octave_20_to_20k() {
        let c = band_centers_hz();
        assert_eq!(c.len(), 61);
        assert!((c[0] - 19.686).abs() < 0.01 && (c[60] - 20158.7).abs() < 0.1);
        assert!(c.iter().any(|&f| (f - 1000.0).abs() < 1e-9));
        let (lo, hi) = band_edges_hz(c[10]);
        assert!((hi / lo - 2f64.powf(1.0 / 6.0)).abs() < 1e-12);
        assert!(
            (band_edges_hz(c[11]).0 - hi).abs() < 1e-9,
            "bands tile the axis"
        );
    }

    #[test]
    fn bin_fractions_cover_each_band_exactly() {
        // Each band receives exactly its width in bins: the split is conservative.
        let a = SpectrumAnalyzer::new(44100);
        let bin_hz = 44100.0 / a.n as f64;
        for (band, c) in band_centers_hz().into_iter().enumerate() {
            let (lo, hi) = band_edges_hz(c);
            let got: f64 = a
                .bin_bands
                .iter()
                .filter(|e| e.1 == band)
                .map(|e| e.2)
                .sum();
            assert!((got - (hi - lo) / bin_hz).abs() < 1e-9, "band {band}");
        }
    }

    #[test]
    fn sine_lands_in_its_band_with_its_power() {
        let rate = 48000;
        let f = 1000.0;
        let amp = 0.5f32;
        let x: Vec<f32> = (0..rate * 3)
            .map(|i| amp * (2.0 * std::f32::consts::PI * f * i as f32 / rate as f32).sin())
            .collect();
        let mut a = SpectrumAnalyzer::new(rate as u32);
        a.process_until(&x, &x, x.len());
        // Integrated of this mono sine: -0.691 + 10 log10(2 * amp²/2) + 0.691 (K at 1 kHz).
        let lufs = 10.0 * (amp as f64).powi(2).log10();
        let (s, st) = a.finish(&x, &x, Some(lufs));
        let i = s
            .bands_hz
            .iter()
            .position(|&c| (c - 1000.0).abs() < 1e-6)
            .unwrap();
        let expected = 10.0 * ((amp as f64).powi(2) / 2.0).log10() - lufs;
        assert!(
            (s.mid_db[i] - expected).abs() < 0.05,
            "{} vs {expected}",
            s.mid_db[i]
        );
        assert!(
            s.mid_db[i - 3] < expected - 60.0,
            "leakage half an octave away"
        );
        assert_eq!(s.side_db[i], FLOOR_DB);
        assert!((st[2].correlation - 1.0).abs() < 1e-9);
    }
}
