//! Meters of what is being heard, computed on the UI side from the processor's output tap:
//! momentary, short-term and integrated loudness, loudness range and true peak (BS.1770-4 and
//! EBU Tech 3342 via ebur128), the limiter's gain reduction, and a live spectrum on the analysis
//! grid (1/6 octave, 20 Hz–20 kHz, rustfft). Integration runs from the last
//! [`Engine::reset_meters`](super::Engine::reset_meters) (or the engine's start).

use crate::analysis::spectrum::{band_centers_hz, band_edges_hz, fft_size, FLOOR_DB};
use rtrb::Consumer;
use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

/// The meters at one moment (read at display rate).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meters {
    /// Momentary loudness (400 ms), LUFS; `None` below the meter's floor.
    pub momentary_lufs: Option<f64>,
    /// Short-term loudness (3 s), LUFS.
    pub short_term_lufs: Option<f64>,
    /// Highest true peak since the last read, dBTP (4× oversampled, BS.1770-4 Annex 2).
    pub true_peak_dbtp: Option<f64>,
    /// Integrated loudness since the meters were reset, LUFS (BS.1770-4 gating); `None` until
    /// a gating block above the −70 LUFS absolute gate has been heard.
    pub integrated_lufs: Option<f64>,
    /// Loudness range since the meters were reset, LU (EBU Tech 3342); `None` until 3 s of
    /// audible material.
    pub lra_lu: Option<f64>,
    /// Highest true peak since the meters were reset, dBTP (for the peak-to-loudness ratio).
    pub max_true_peak_dbtp: Option<f64>,
    /// Largest limiter gain reduction since the last read, dB (positive = reduction).
    pub gain_reduction_db: f64,
    /// Live spectrum of the mid signal over the last ~0.34 s, one value per band of
    /// [`Meters::bands_hz`], in dB relative to the short-term loudness (the long-term curves'
    /// convention: band power in dB minus loudness), so it can be drawn over them.
    pub spectrum_db: Vec<f64>,
    /// Band centres of `spectrum_db`, Hz (the analysis grid).
    pub bands_hz: Vec<f64>,
}

impl Meters {
    /// Peak-to-loudness ratio, LU: the highest true peak since the reset minus the integrated
    /// loudness (EBU R 128 s1's PLR; independent of the short-term window).
    pub fn plr_lu(&self) -> Option<f64> {
        Some(self.max_true_peak_dbtp? - self.integrated_lufs?)
    }

    /// One line for a status bar or terminal: "−14.2 LUFS S   −1.3 dBTP   GR 2.1 dB".
    pub fn line(&self) -> String {
        let or_dash = |v: Option<f64>| crate::units::unsigned_or_dash(v, 1, "");
        format!(
            "{} LUFS S   {} dBTP   GR {:.1} dB",
            or_dash(self.short_term_lufs),
            or_dash(self.true_peak_dbtp),
            self.gain_reduction_db
        )
    }
}

/// The UI-side meter state. Allocates at creation; `update` allocates nothing per call beyond
/// the returned `Meters` (integrated loudness and LRA use ebur128's fixed histogram, so hours
/// of playback neither grow memory nor slow a read).
pub(crate) struct MeterState {
    ebu: ebur128::EbuR128,
    history: Vec<f32>,
    /// Next write position in `history` (a ring of mid samples).
    head: usize,
    fft: Arc<dyn Fft<f32>>,
    window: Vec<f32>,
    buffer: Vec<Complex<f32>>,
    /// (bin, band, fraction of the bin's power that falls in the band).
    bins_to_bands: Vec<(usize, usize, f32)>,
    bands_hz: Vec<f64>,
    /// Scales |X|² of a windowed block to mean-square power (Parseval, one-sided).
    power_scale: f32,
    interleaved: Vec<f32>,
    sample_rate_hz: u32,
    /// Frames measured since the last reset (LRA needs 3 s before it means anything).
    frames_since_reset: u64,
}

impl MeterState {
    pub(crate) fn new(sample_rate_hz: u32) -> Option<MeterState> {
        let ebu = ebur128::EbuR128::new(
            2,
            sample_rate_hz,
            ebur128::Mode::M
                | ebur128::Mode::S
                | ebur128::Mode::I
                | ebur128::Mode::LRA
                | ebur128::Mode::HISTOGRAM
                | ebur128::Mode::TRUE_PEAK,
        )
        .ok()?;
        let n = fft_size(sample_rate_hz);
        let window: Vec<f32> = (0..n)
            .map(|i| (0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n as f64).cos()) as f32)
            .collect();
        let window_energy: f32 = window.iter().map(|w| w * w).sum();
        let bin_hz = f64::from(sample_rate_hz) / n as f64;
        let bands_hz = band_centers_hz();
        let mut bins_to_bands = Vec::new();
        for (band, &centre) in bands_hz.iter().enumerate() {
            let (lo, hi) = band_edges_hz(centre);
            let first = ((lo / bin_hz) - 0.5).floor().max(1.0) as usize;
            let last = (((hi / bin_hz) + 0.5).ceil() as usize).min(n / 2);
            for bin in first..=last {
                let (b_lo, b_hi) = ((bin as f64 - 0.5) * bin_hz, (bin as f64 + 0.5) * bin_hz);
                let overlap = (hi.min(b_hi) - lo.max(b_lo)).max(0.0) / bin_hz;
                if overlap > 0.0 {
                    bins_to_bands.push((bin, band, overlap as f32));
                }
            }
        }
        Some(MeterState {
            ebu,
            history: vec![0.0; n],
            head: 0,
            fft: FftPlanner::new().plan_fft_forward(n),
            window,
            buffer: vec![Complex::default(); n],
            bins_to_bands,
            bands_hz,
            power_scale: 2.0 / (n as f32 * window_energy),
            interleaved: Vec::with_capacity(n * 2),
            sample_rate_hz,
            frames_since_reset: 0,
        })
    }

    /// Starts the integration afresh (integrated, LRA, highest true peak, momentary and
    /// short-term) and discards what the tap holds: it was heard before the reset.
    /// Allocates nothing.
    pub(crate) fn reset(&mut self, tap: &mut Consumer<f32>) {
        let available = tap.slots();
        if let Ok(chunk) = tap.read_chunk(available) {
            chunk.commit_all();
        }
        self.ebu.reset();
        self.frames_since_reset = 0;
    }

    /// Reads everything the tap holds and returns the meters.
    pub(crate) fn update(&mut self, tap: &mut Consumer<f32>, gain_reduction_db: f32) -> Meters {
        let mut true_peak: Option<f64> = None;
        loop {
            let available = tap.slots() & !1;
            if available == 0 {
                break;
            }
            let Ok(chunk) = tap.read_chunk(available) else {
                break;
            };
            self.interleaved.clear();
            let (a, b) = chunk.as_slices();
            self.interleaved.extend_from_slice(a);
            self.interleaved.extend_from_slice(b);
            chunk.commit_all();
            self.frames_since_reset += (self.interleaved.len() / 2) as u64;
            if self.ebu.add_frames_f32(&self.interleaved).is_ok() {
                for ch in 0..2 {
                    if let Ok(tp) = self.ebu.prev_true_peak(ch) {
                        true_peak = Some(true_peak.map_or(tp, |t: f64| t.max(tp)));
                    }
                }
            }
            for frame in self.interleaved.chunks_exact(2) {
                self.history[self.head] = 0.5 * (frame[0] + frame[1]);
                self.head = (self.head + 1) % self.history.len();
            }
        }
        let db = |v: Result<f64, ebur128::Error>| v.ok().filter(|l| l.is_finite() && *l > -70.0);
        let momentary_lufs = db(self.ebu.loudness_momentary());
        let short_term_lufs = db(self.ebu.loudness_shortterm());
        let to_dbtp = |p: Option<f64>| p.filter(|p| *p > 0.0).map(|p| 20.0 * p.log10());
        // ebur128's `true_peak` is the maximum since its last reset.
        let max_true_peak = (0..2)
            .filter_map(|ch| self.ebu.true_peak(ch).ok())
            .reduce(f64::max);
        Meters {
            momentary_lufs,
            short_term_lufs,
            true_peak_dbtp: to_dbtp(true_peak),
            integrated_lufs: db(self.ebu.loudness_global()),
            // ebur128 reads 0 LU before its first 3 s short-term block: not yet a range.
            lra_lu: (self.frames_since_reset >= 3 * u64::from(self.sample_rate_hz))
                .then(|| self.ebu.loudness_range().ok())
                .flatten()
                .filter(|lra| lra.is_finite()),
            max_true_peak_dbtp: to_dbtp(max_true_peak),
            gain_reduction_db: f64::from(gain_reduction_db),
            spectrum_db: self.spectrum(short_term_lufs),
            bands_hz: self.bands_hz.clone(),
        }
    }

    fn spectrum(&mut self, loudness_lufs: Option<f64>) -> Vec<f64> {
        let n = self.history.len();
        for (i, slot) in self.buffer.iter_mut().enumerate() {
            let x = self.history[(self.head + i) % n];
            *slot = Complex::new(x * self.window[i], 0.0);
        }
        self.fft.process(&mut self.buffer);
        let mut bands = vec![0.0f64; self.bands_hz.len()];
        for &(bin, band, fraction) in &self.bins_to_bands {
            bands[band] += f64::from(self.buffer[bin].norm_sqr() * self.power_scale * fraction);
        }
        let reference = loudness_lufs.unwrap_or(0.0);
        bands
            .into_iter()
            .map(|p| {
                if p > 0.0 {
                    (10.0 * p.log10() - reference).max(FLOOR_DB)
                } else {
                    FLOOR_DB
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Meters;
    use crate::engine::Engine;
    use crate::media::AudioBuffer;

    const RATE: u32 = 48_000;

    #[test]
    fn the_status_line_reads_figures_with_a_true_minus_and_a_dash_when_unknown() {
        let meters = Meters {
            short_term_lufs: Some(-14.24),
            true_peak_dbtp: None,
            gain_reduction_db: 2.06,
            ..Meters::default()
        };
        assert_eq!(meters.line(), "\u{2212}14.2 LUFS S   — dBTP   GR 2.1 dB");
    }

    /// A 1 kHz sine in both channels: `level` is its peak (0.1 = −20 dBFS = −20.0 LUFS, as
    /// EBU Tech 3341 case 1 reads −23.0 LUFS at −23 dBFS).
    fn sine(seconds: f64, level: f32) -> Vec<f32> {
        let n = (seconds * f64::from(RATE)) as usize;
        (0..n)
            .map(|i| {
                level * (std::f64::consts::TAU * 1000.0 * i as f64 / f64::from(RATE)).sin() as f32
            })
            .collect()
    }

    /// Plays `s` through the null backend, reading the meters every 100 ms for `tenths` reads.
    fn play(
        engine: &mut Engine,
        backend: &mut crate::engine::NullBackend,
        tenths: usize,
    ) -> super::Meters {
        let mut meters = engine.meters();
        for _ in 0..tenths {
            backend.render(RATE as usize / 10);
            meters = engine.meters();
        }
        meters
    }

    #[test]
    fn integrated_lra_and_plr_of_a_known_tone_and_a_reset_starts_afresh() {
        // 5 s at −20 dBFS, then 5 s at −30 dBFS.
        let mut s = sine(5.0, 0.1);
        s.extend(sine(5.0, 0.031_622_776));
        let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
        let fresh = engine.meters();
        assert_eq!(
            (fresh.integrated_lufs, fresh.lra_lu, fresh.plr_lu()),
            (None, None, None),
            "nothing heard yet"
        );
        engine
            .load(AudioBuffer {
                sample_rate_hz: RATE,
                channels: [s.clone(), s],
            })
            .unwrap();
        engine.play();
        let m = play(&mut engine, &mut backend, 50);
        let i = m.integrated_lufs.expect("integrated after 5 s");
        let tp = m.max_true_peak_dbtp.expect("true peak");
        let lra = m.lra_lu.expect("LRA after 5 s");
        assert!((i - -20.0).abs() <= 0.1, "integrated {i}");
        assert!((tp - -20.0).abs() <= 0.2, "max true peak {tp}");
        assert!(lra.abs() <= 0.5, "a steady tone has no range: {lra}");
        let plr = m.plr_lu().unwrap();
        assert!(plr.abs() <= 0.3, "PLR of a sine is 0 LU: {plr}");

        engine.reset_meters();
        let cleared = engine.meters();
        assert_eq!(
            (
                cleared.integrated_lufs,
                cleared.lra_lu,
                cleared.max_true_peak_dbtp
            ),
            (None, None, None),
            "reset forgets what was heard"
        );
        let m = play(&mut engine, &mut backend, 40);
        let i = m.integrated_lufs.unwrap();
        let tp = m.max_true_peak_dbtp.unwrap();
        // Without the reset the −20 LUFS part would pull this up to about −22.2 LUFS.
        assert!((i - -30.0).abs() <= 0.1, "integrated after reset {i}");
        assert!((tp - -30.0).abs() <= 0.2, "max true peak after reset {tp}");
        assert!(m.lra_lu.is_some(), "LRA again after 3 s");
    }

    #[test]
    fn a_disabled_engine_resets_harmlessly() {
        let mut engine = Engine::disabled("test");
        engine.reset_meters();
        assert_eq!(engine.meters(), super::Meters::default());
    }
}
