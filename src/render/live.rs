//! Tracks prepared for live playback: decoded, resampled to the output device's rate and mastered
//! with exactly the gain the export would use at that rate (the same render solves it), so what
//! is heard is what is exported. Plain data: the engine wraps it into its own source type.

use super::track::{integrated_lufs, render_track, TrackJob};
use crate::dsp::{ChainParams, MatchKernel};
use crate::media::{self, AudioBuffer};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// A track or reference ready to play at one rate.
#[derive(Debug)]
pub struct LiveTrack {
    /// The source, unprocessed, at the playback rate.
    pub audio: AudioBuffer,
    /// The chain's parameters, gain to target included.
    pub params: ChainParams,
    /// The match-EQ kernel at the playback rate, if the track has a match curve.
    pub kernel: Option<MatchKernel>,
    /// Integrated loudness of the source, LUFS.
    pub source_lufs: Option<f64>,
    /// Integrated loudness of the mastered track, LUFS (as measured on the render).
    pub mastered_lufs: Option<f64>,
    /// True peak of the mastered track, dBTP.
    pub mastered_true_peak_dbtp: Option<f64>,
    pub fade_in_s: f64,
    pub fade_out_s: f64,
    /// Largest limiter gain reduction of the master, dB (positive).
    pub peak_gain_reduction_db: f64,
    /// The target needed more limiting than allowed, so the master stays below it.
    pub held_back: bool,
    /// What the render had to say (target not reachable, …).
    pub warnings: Vec<String>,
}

/// Decodes `path`, resamples it to `rate_hz` and solves its gain to target with the export's own
/// render (`job` is the track's export job; its output rate is replaced by `rate_hz`). Errors
/// name the file.
pub fn prepare_track(path: &Path, job: &TrackJob, rate_hz: u32) -> Result<LiveTrack, String> {
    let audio = decode_at(path, rate_hz)?;
    let job = TrackJob {
        output_rate_hz: rate_hz,
        ..job.clone()
    };
    let rendered = render_track(&audio, &job, &AtomicBool::new(false))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let kernel = job
        .match_curve
        .as_ref()
        .filter(|_| job.params.match_amount > 0.0)
        .map(|(gains, centres)| MatchKernel::design(gains, centres, f64::from(rate_hz)));
    let source_lufs = integrated_lufs(&audio);
    let mastered_true_peak_dbtp = true_peak_dbtp(&rendered.audio);
    let held_back = job
        .target_lufs
        .zip(rendered.integrated_lufs)
        // Beyond the ±0.1 LU every render promises.
        .is_some_and(|(target, lufs)| target - lufs > 0.1);
    Ok(LiveTrack {
        peak_gain_reduction_db: rendered.gain_reduction.max_db,
        held_back,
        audio,
        mastered_true_peak_dbtp,
        params: ChainParams {
            gain_db: rendered.gain_db,
            ..job.params
        },
        kernel,
        source_lufs,
        mastered_lufs: rendered.integrated_lufs,
        fade_in_s: job.fade_in_s,
        fade_out_s: job.fade_out_s,
        warnings: rendered.warnings,
    })
}

/// Decodes a reference at `rate_hz`; it plays unprocessed, matched to the track's loudness.
pub fn prepare_reference(path: &Path, rate_hz: u32) -> Result<LiveTrack, String> {
    let audio = decode_at(path, rate_hz)?;
    let source_lufs = integrated_lufs(&audio);
    Ok(LiveTrack {
        mastered_true_peak_dbtp: true_peak_dbtp(&audio),
        audio,
        params: ChainParams::default(),
        kernel: None,
        source_lufs,
        mastered_lufs: source_lufs,
        fade_in_s: 0.0,
        fade_out_s: 0.0,
        peak_gain_reduction_db: 0.0,
        held_back: false,
        warnings: Vec::new(),
    })
}

fn decode_at(path: &Path, rate_hz: u32) -> Result<AudioBuffer, String> {
    let decoded = media::decode_file(path).map_err(|e| e.to_string())?;
    media::resample(&decoded.audio, rate_hz).map_err(|e| format!("{}: {e}", path.display()))
}

/// True peak (BS.1770-4, 4× oversampled), dBTP; `None` for digital silence.
pub(crate) fn true_peak_dbtp(audio: &AudioBuffer) -> Option<f64> {
    let mut meter = crate::analysis::true_peak::TruePeakMeter::new(audio.sample_rate_hz);
    meter.push(&audio.channels[0], &audio.channels[1]);
    let peak = meter.peak_linear();
    (peak > 0.0).then(|| 20.0 * peak.log10())
}
