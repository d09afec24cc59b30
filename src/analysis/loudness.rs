//! Loudness, loudness range and peaks with the `ebur128` crate (a port of libebur128).
//!
//! Implements ITU-R BS.1770-4 (K-weighting, gating, true peak by 4x oversampling below 96 kHz),
//! EBU Tech 3341 (short-term loudness, 3 s window) and EBU Tech 3342 (loudness range).
use super::Loudness;
use ebur128::{EbuR128, Mode};

/// BS.1770-4 absolute gate: blocks quieter than this never count, LUFS.
pub const ABSOLUTE_GATE_LUFS: f64 = -70.0;

/// Time between short-term readings, s (Tech 3341 asks for at least 10 per second).
pub const SHORT_TERM_STEP_S: f64 = 0.1;

/// Streaming loudness meter for planar stereo, fed in chunks of `chunk_frames()` (100 ms).
/// Measures I, S, LRA and sample peak; the true peak comes from a
/// [`TruePeakMeter`](super::true_peak::TruePeakMeter).
pub struct LoudnessMeter {
    meter: EbuR128,
    short_term: Vec<Option<f32>>,
    /// Mean-square K-weighted energies of the last 30 chunks (3 s), oldest first, and the
    /// frames per chunk: short-term loudness as a running sum instead of re-summing 3 s of
    /// samples every 100 ms (which made ebur128's `loudness_shortterm` the costliest part).
    recent: std::collections::VecDeque<f64>,
    chunk: usize,
}

impl LoudnessMeter {
    /// A meter for stereo at `sample_rate_hz` measuring I, LRA, S and sample peak.
    pub fn new(sample_rate_hz: u32) -> Result<LoudnessMeter, ebur128::Error> {
        let mode = Mode::I | Mode::S | Mode::LRA | Mode::SAMPLE_PEAK;
        Ok(LoudnessMeter {
            meter: EbuR128::new(2, sample_rate_hz, mode)?,
            short_term: Vec::new(),
            recent: std::collections::VecDeque::with_capacity(SHORT_TERM_CHUNKS),
            chunk: Self::chunk_frames(sample_rate_hz),
        })
    }

    /// Frames per 100 ms chunk: one short-term reading is taken after each chunk.
    pub fn chunk_frames(sample_rate_hz: u32) -> usize {
        (sample_rate_hz as usize / 10).max(1)
    }

    /// Feeds one chunk (both slices the same length, at most `chunk_frames()`) and takes a
    /// short-term reading. Samples must be finite.
    pub fn push(&mut self, left: &[f32], right: &[f32]) {
        // Errors are impossible here (2 channels, equal lengths, modes enabled): ignore them
        // rather than panic, a missing reading is better than a crash.
        let _ = self.meter.add_frames_planar_f32(&[left, right]);
        let st = if left.len() == self.chunk {
            // The last 100 ms window is exactly this chunk; a 3 s window is 30 of them, and
            // before 3 s the missing ones count as silence, as in ebur128.
            let last = self
                .meter
                .loudness_window(100)
                .ok()
                .map_or(0.0, lufs_to_energy);
            if self.recent.len() == SHORT_TERM_CHUNKS {
                self.recent.pop_front();
            }
            self.recent.push_back(last);
            let mean = self.recent.iter().sum::<f64>() / SHORT_TERM_CHUNKS as f64;
            (mean > 0.0).then(|| 10.0 * mean.log10() - 0.691)
        } else {
            // A short final chunk breaks the tiling: ask ebur128 for the exact window.
            self.meter.loudness_shortterm().ok()
        };
        self.short_term
            .push(st.and_then(finite_above_gate).map(|v| v as f32));
    }

    /// The figures of everything fed so far, plus notices for the user. `true_peak_linear`
    /// is the `TruePeakMeter` reading of the same audio (never below the sample peak).
    pub fn finish(self, true_peak_linear: f64) -> (Loudness, Vec<String>) {
        let m = &self.meter;
        let integrated = m.loudness_global().ok().and_then(finite_above_gate);
        let lra = m
            .loudness_range()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(0.0);
        let sample_peak_lin = (0..2)
            .filter_map(|c| m.sample_peak(c).ok())
            .fold(0.0, f64::max);
        let sample_peak = amplitude_db(sample_peak_lin);
        let true_peak = amplitude_db(true_peak_linear.max(sample_peak_lin));
        let plr = match (true_peak, integrated) {
            (Some(tp), Some(i)) => Some(tp - i),
            _ => None,
        };
        let mut notices = Vec::new();
        if integrated.is_none() {
            notices.push(if sample_peak.is_none() {
                "no loudness: the track is digital silence".to_string()
            } else {
                "no loudness: the track is too short (< 400 ms) or below -70 LUFS".to_string()
            });
        }
        let loudness = Loudness {
            integrated_lufs: integrated,
            lra_lu: lra,
            true_peak_dbtp: true_peak,
            sample_peak_dbfs: sample_peak,
            plr_db: plr,
            short_term_lufs: self.short_term,
            short_term_step_s: SHORT_TERM_STEP_S,
        };
        (loudness, notices)
    }
}

/// The figures of an empty track: nothing measured, nothing undefined leaks out as -inf.
pub fn no_loudness() -> Loudness {
    Loudness {
        integrated_lufs: None,
        lra_lu: 0.0,
        true_peak_dbtp: None,
        sample_peak_dbfs: None,
        plr_db: None,
        short_term_lufs: Vec::new(),
        short_term_step_s: SHORT_TERM_STEP_S,
    }
}

/// Short-term window (3 s, EBU Tech 3341) in 100 ms chunks.
const SHORT_TERM_CHUNKS: usize = 30;

/// Inverse of BS.1770-4's `L = -0.691 + 10 log10(energy)`; -inf (silence) gives 0.
fn lufs_to_energy(lufs: f64) -> f64 {
    if lufs.is_finite() {
        10f64.powf((lufs + 0.691) / 10.0)
    } else {
        0.0
    }
}

/// `Some(lufs)` when finite and above the absolute gate; ebur128 reports silence as -inf.
fn finite_above_gate(lufs: f64) -> Option<f64> {
    (lufs.is_finite() && lufs > ABSOLUTE_GATE_LUFS).then_some(lufs)
}

/// Linear amplitude to dB, `None` for digital silence (no -inf in the results).
fn amplitude_db(lin: f64) -> Option<f64> {
    (lin > 0.0 && lin.is_finite()).then(|| 20.0 * lin.log10())
}
