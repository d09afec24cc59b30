//! Loudness, loudness range and peaks, measured as the `ebur128` crate (a port of libebur128)
//! measures them.
//!
//! Implements ITU-R BS.1770-4 (K-weighting, gating, true peak by 4x oversampling below 96 kHz),
//! EBU Tech 3341 (short-term loudness, 3 s window) and EBU Tech 3342 (loudness range).
use super::kweight::KFilter;
use super::Loudness;

/// BS.1770-4 absolute gate: blocks quieter than this never count, LUFS.
pub const ABSOLUTE_GATE_LUFS: f64 = -70.0;

/// Time between short-term readings, s (Tech 3341 asks for at least 10 per second).
pub const SHORT_TERM_STEP_S: f64 = 0.1;

/// Streaming loudness meter for planar stereo, fed in chunks of `chunk_frames()` (100 ms).
/// Measures I, S, LRA and sample peak; the true peak comes from a
/// [`TruePeakMeter`](super::true_peak::TruePeakMeter).
///
/// It follows the `ebur128` crate (libebur128) step for step — K-weighting from the same analogue
/// prototype, 100 ms steps of `(rate + 5) / 10` frames, 400 ms gating blocks every step, 3 s
/// short-term blocks for LRA every second from 3 s on, the same gates and percentile indices — but
/// keeps one energy sum per step and builds every block from those, where the crate re-sums 400 ms
/// every 100 ms and 3 s every second. Same figures within 1e-6 LU (a test holds it to ebur128), in
/// a fraction of the time.
pub struct LoudnessMeter {
    filters: [KFilter; 2],
    /// Frames per 100 ms step (ebur128's `samples_in_100ms`).
    step: usize,
    /// K-weighted energy (sum of squares, both channels) of each whole step so far.
    steps: Vec<f64>,
    /// The step being filled: its energy and frames.
    partial: (f64, usize),
    /// Short-term block energies (mean square) for LRA, every 10 steps from step 30.
    short_blocks: Vec<f64>,
    sample_peak: f32,
    /// Short-term readings, one per pushed chunk.
    short_term: Vec<Option<f32>>,
    /// Energy sums and frames of the last 30 chunks, oldest first: the short-term curve.
    recent: std::collections::VecDeque<(f64, usize)>,
    chunk: usize,
}

impl LoudnessMeter {
    /// A meter for stereo at `sample_rate_hz` measuring I, LRA, S and sample peak.
    pub fn new(sample_rate_hz: u32) -> Result<LoudnessMeter, String> {
        if !(1..=2_822_400).contains(&sample_rate_hz) {
            return Err(format!("unsupported sample rate {sample_rate_hz} Hz"));
        }
        Ok(LoudnessMeter {
            filters: [KFilter::new(sample_rate_hz as f64); 2],
            step: (sample_rate_hz as usize + 5) / 10,
            steps: Vec::new(),
            partial: (0.0, 0),
            short_blocks: Vec::new(),
            sample_peak: 0.0,
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
        // The filters by value: their state stays in registers through the loop (behind a
        // reference it went to memory every sample, about three times slower).
        let [mut kl, mut kr] = self.filters;
        let mut chunk_energy = 0.0;
        let (mut energy, mut filled) = self.partial;
        // A separate pass: it vectorises, and keeps the filter loop free of it.
        self.sample_peak = left
            .iter()
            .chain(right)
            .fold(self.sample_peak, |m, x| m.max(x.abs()));
        for (&l, &r) in left.iter().zip(right) {
            let (yl, yr) = (kl.tick(l as f64), kr.tick(r as f64));
            let e = yl * yl + yr * yr;
            energy += e;
            chunk_energy += e;
            filled += 1;
            if filled == self.step {
                self.steps.push(energy);
                (energy, filled) = (0.0, 0);
                // libebur128 takes a 3 s block for LRA at 3 s, then every second.
                let n = self.steps.len();
                if n >= SHORT_TERM_CHUNKS && (n - SHORT_TERM_CHUNKS).is_multiple_of(10) {
                    let sum: f64 = self.steps[n - SHORT_TERM_CHUNKS..].iter().sum();
                    let block = sum / (SHORT_TERM_CHUNKS * self.step) as f64;
                    if block >= lufs_to_energy(ABSOLUTE_GATE_LUFS) {
                        self.short_blocks.push(block);
                    }
                }
            }
        }
        self.partial = (energy, filled);
        self.filters = [kl, kr];
        let frames = left.len().min(right.len());
        if self.recent.len() == SHORT_TERM_CHUNKS {
            self.recent.pop_front();
        }
        self.recent.push_back((chunk_energy, frames));
        // The 3 s window: the last 30 chunks (before 3 s the missing ones count as silence, as
        // in ebur128; a short final chunk ends a window that much shorter).
        let sum: f64 = self.recent.iter().map(|(e, _)| e).sum();
        let missing = (SHORT_TERM_CHUNKS - self.recent.len()) * self.chunk;
        let covered = self.recent.iter().map(|(_, n)| n).sum::<usize>() + missing;
        let mean = sum / covered.max(1) as f64;
        let st = (mean > 0.0).then(|| 10.0 * mean.log10() - 0.691);
        self.short_term
            .push(st.and_then(finite_above_gate).map(|v| v as f32));
    }

    /// The figures of everything fed so far, plus notices for the user. `true_peak_linear`
    /// is the `TruePeakMeter` reading of the same audio (never below the sample peak).
    pub fn finish(self, true_peak_linear: f64) -> (Loudness, Vec<String>) {
        let integrated = integrated_from_steps(&self.steps, self.step);
        let lra = loudness_range_lu(self.short_blocks);
        let sample_peak_lin = self.sample_peak as f64;
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

/// BS.1770-4 relative gate for integrated loudness, LU.
const RELATIVE_GATE_LU: f64 = -10.0;
/// EBU Tech 3342 relative gate for loudness range, LU.
const LRA_RELATIVE_GATE_LU: f64 = -20.0;

/// Integrated loudness from K-weighted energy sums of consecutive 100 ms steps of `step_frames`
/// (both channels): 400 ms blocks every step, the absolute gate, then the -10 LU relative gate,
/// as libebur128 gates them. `None` when no block passes (silence, shorter than 400 ms).
pub fn integrated_from_steps(steps: &[f64], step_frames: usize) -> Option<f64> {
    let gate = lufs_to_energy(ABSOLUTE_GATE_LUFS);
    let block_frames = (4 * step_frames) as f64;
    let blocks: Vec<f64> = steps
        .windows(4)
        .map(|w| (w[0] + w[1] + w[2] + w[3]) / block_frames)
        .filter(|&e| e >= gate)
        .collect();
    if blocks.is_empty() {
        return None;
    }
    let relative =
        blocks.iter().sum::<f64>() / blocks.len() as f64 * 10f64.powf(RELATIVE_GATE_LU / 10.0);
    let (sum, count) = blocks
        .iter()
        .filter(|&&e| e >= relative)
        .fold((0.0, 0usize), |(s, n), e| (s + e, n + 1));
    (count > 0)
        .then(|| 10.0 * (sum / count as f64).log10() - 0.691)
        .filter(|l| l.is_finite())
}

/// Loudness range (EBU Tech 3342) of short-term block energies already above the absolute gate:
/// the -20 LU relative gate, then the 10th to 95th percentile with libebur128's indices. LU.
fn loudness_range_lu(mut blocks: Vec<f64>) -> f64 {
    if blocks.is_empty() {
        return 0.0;
    }
    blocks.sort_by(f64::total_cmp);
    let power = blocks.iter().sum::<f64>() / blocks.len() as f64;
    let gate = power * 10f64.powf(LRA_RELATIVE_GATE_LU / 10.0);
    let below = blocks.iter().take_while(|&&e| e < gate).count();
    let Some(last) = (blocks.len() - below).checked_sub(1) else {
        return 0.0;
    };
    let at = |q: f64| blocks[below + (last as f64 * q + 0.5) as usize];
    let lra = 10.0 * (at(0.95) / at(0.1)).log10();
    if lra.is_finite() && lra > 0.0 {
        lra
    } else {
        0.0
    }
}

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

#[cfg(test)]
mod agreement {
    use super::*;

    /// Programme-like stereo: noise through a one-pole low-pass under slow level changes of
    /// ±15 dB and a stretch of silence, so the gates and LRA percentiles all have work.
    fn programme(rate: u32, seconds: f64, seed: u64) -> (Vec<f32>, Vec<f32>) {
        let mut s = seed | 1;
        let mut rnd = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        };
        let n = (seconds * rate as f64) as usize;
        let (mut a, mut b) = (0.0, 0.0);
        (0..n)
            .map(|i| {
                let t = i as f64 / rate as f64;
                let level = 10f64.powf((-15.0 * (t * 0.21).sin().powi(2)) / 20.0);
                let gap = if (20.0..23.0).contains(&t) { 0.0 } else { 1.0 };
                a = 0.2 * rnd() + 0.8 * a;
                b = 0.6 * rnd() + 0.4 * b;
                (
                    (0.5 * level * gap * a) as f32,
                    (0.4 * level * gap * (0.7 * a + 0.3 * b)) as f32,
                )
            })
            .unzip()
    }

    #[test]
    fn integrated_lra_short_term_and_peak_agree_with_ebur128() {
        for (rate, seconds) in [
            (44_100, 47.3),
            (48_000, 40.0),
            (96_000, 12.05),
            (22_050, 9.0),
        ] {
            let (l, r) = programme(rate, seconds, rate as u64);
            let mut ours = LoudnessMeter::new(rate).unwrap();
            let mode = ebur128::Mode::I
                | ebur128::Mode::LRA
                | ebur128::Mode::S
                | ebur128::Mode::SAMPLE_PEAK;
            let mut theirs = ebur128::EbuR128::new(2, rate, mode).unwrap();
            let chunk = LoudnessMeter::chunk_frames(rate);
            let mut short_term = Vec::new();
            for (cl, cr) in l.chunks(chunk).zip(r.chunks(chunk)) {
                ours.push(cl, cr);
                theirs.add_frames_planar_f32(&[cl, cr]).unwrap();
                if cl.len() == chunk {
                    short_term.push(theirs.loudness_shortterm().unwrap());
                }
            }
            let (got, _) = ours.finish(0.0);
            let i = theirs.loudness_global().unwrap();
            let lra = theirs.loudness_range().unwrap();
            let sp = (0..2)
                .map(|c| theirs.sample_peak(c).unwrap())
                .fold(0.0, f64::max);
            assert!(
                (got.integrated_lufs.unwrap() - i).abs() < 1e-6,
                "{rate} Hz: I {:?} vs {i}",
                got.integrated_lufs
            );
            assert!(lra > 3.0, "the test signal has a range: {lra}");
            assert!(
                (got.lra_lu - lra).abs() < 1e-6,
                "{rate} Hz: LRA {} vs {lra}",
                got.lra_lu
            );
            assert_eq!(got.sample_peak_dbfs, Some(20.0 * sp.log10()));
            for (k, (a, b)) in got.short_term_lufs.iter().zip(&short_term).enumerate() {
                match a {
                    Some(a) => assert!((*a as f64 - b).abs() < 1e-4, "{rate} Hz S[{k}] {a} vs {b}"),
                    None => assert!(!b.is_finite() || *b <= ABSOLUTE_GATE_LUFS, "S[{k}] {b}"),
                }
            }
        }
    }
}
