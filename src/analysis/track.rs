//! One track's analysis: a single pass over the audio in 100 ms chunks that feeds the
//! loudness meter and the spectrum analyser, checking for cancellation between chunks.
use super::loudness::LoudnessMeter;
use super::spectrum::SpectrumAnalyzer;
use super::true_peak::TruePeakMeter;
use super::{AnalysisError, TrackAnalysis};
use crate::media::AudioBuffer;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

/// Analyses `audio`, calling `progress` with the fraction done (0..=1) after each chunk and
/// returning `Cancelled` within one chunk (100 ms of audio, well under 1 ms of work) of
/// `cancel` being set.
pub fn analyze(
    audio: &AudioBuffer,
    source_channels: u16,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
) -> Result<TrackAnalysis, AnalysisError> {
    let rate = audio.sample_rate_hz;
    let mut notices = Vec::new();
    let (left, right, nonfinite) = finite_channels(audio);
    if nonfinite > 0 {
        notices.push(format!(
            "{nonfinite} NaN/infinite samples were treated as silence"
        ));
    }
    let frames = left.len().min(right.len());
    let (left, right) = (&left[..frames], &right[..frames]);
    if let Some(note) = dc_offset_notice(left, right) {
        notices.push(note);
    }
    notices.extend(polarity_notice(left, right));
    notices.extend(clipping_notice(left, right, rate));
    // ebur128 rejects a zero or absurd rate; such a buffer has nothing to measure.
    let meter = match LoudnessMeter::new(rate) {
        Ok(m) if frames > 0 => Some(m),
        _ => None,
    };
    let Some(mut meter) = meter else {
        notices.push("no loudness: the track holds no audio".to_string());
        return Ok(TrackAnalysis {
            duration_s: audio.duration_s(),
            sample_rate_hz: rate,
            channels: source_channels,
            loudness: super::loudness::no_loudness(),
            spectrum: Default::default(),
            stereo: Vec::new(),
            nonfinite_samples: nonfinite,
            notices,
        });
    };
    let chunk = LoudnessMeter::chunk_frames(rate);
    // True peak (4x oversampling) costs about as much as everything else together: it runs
    // on its own thread over the same chunks, so one track takes the time of the slower half.
    let (true_peak, spectrum) = std::thread::scope(|scope| {
        let peak_thread = scope.spawn(|| {
            let mut tp = TruePeakMeter::new(rate);
            for (l, r) in left.chunks(chunk).zip(right.chunks(chunk)) {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                tp.push(l, r);
            }
            Some(tp.peak_linear())
        });
        let mut spectrum = SpectrumAnalyzer::new(rate);
        let mut start = 0;
        while start < frames && !cancel.load(Ordering::Relaxed) {
            let end = (start + chunk).min(frames);
            meter.push(&left[start..end], &right[start..end]);
            spectrum.process_until(left, right, end);
            progress(end as f32 / frames as f32);
            start = end;
        }
        // A panic in the peak thread (there is none to expect) reads as "no true peak".
        (peak_thread.join().ok().flatten(), spectrum)
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(AnalysisError::Cancelled);
    }
    let (loudness, loudness_notices) = meter.finish(true_peak.unwrap_or(0.0));
    notices.extend(loudness_notices);
    let (spectrum, stereo) = spectrum.finish(left, right, loudness.integrated_lufs);
    Ok(TrackAnalysis {
        duration_s: audio.duration_s(),
        sample_rate_hz: rate,
        channels: source_channels,
        loudness,
        spectrum,
        stereo,
        nonfinite_samples: nonfinite,
        notices,
    })
}

/// DC offset from which a track is flagged, dBFS: below it a mix's own asymmetry hides; above it
/// the offset takes headroom the limiter then spends on nothing audible.
pub const DC_NOTICE_DBFS: f64 = -40.0;

/// How a DC-offset notice begins; the export repeats such notices in the track's warnings.
pub const DC_NOTICE_PREFIX: &str = "DC offset";

/// How a polarity notice begins.
pub const POLARITY_NOTICE_PREFIX: &str = "Out of polarity";

/// Correlation of left and right below which a track is flagged as out of polarity: more side
/// than mid, which no stereo mix made on purpose has over a whole track.
pub const POLARITY_NOTICE_CORRELATION: f64 = -0.5;

/// Whether `notice` is one the master keeps from its source (the chain does not fix it), which
/// the export repeats in the track's warnings: a DC offset, channels out of polarity.
pub fn is_source_fault_notice(notice: &str) -> bool {
    notice.starts_with(DC_NOTICE_PREFIX) || notice.starts_with(POLARITY_NOTICE_PREFIX)
}

/// A notice when left and right are mostly opposite (one channel's polarity flipped): in mono
/// the music cancels, and the tone figures, taken on the mid (L+R)/2, describe what is left.
fn polarity_notice(left: &[f32], right: &[f32]) -> Option<String> {
    let (mut ll, mut rr, mut lr) = (0.0f64, 0.0f64, 0.0f64);
    for (&l, &r) in left.iter().zip(right) {
        let (l, r) = (f64::from(l), f64::from(r));
        ll += l * l;
        rr += r * r;
        lr += l * r;
    }
    let correlation = lr / (ll * rr).sqrt();
    (correlation < POLARITY_NOTICE_CORRELATION).then(|| {
        format!(
            "{POLARITY_NOTICE_PREFIX}: left and right are mostly opposite (correlation {}), so in mono the music cancels and the tone figures (taken on L+R) describe what is left — flip one channel's polarity in the mix",
            crate::units::signed(correlation, 2)
        )
    })
}

/// Shortest flat top counted as a clip, seconds: four samples at 44.1 kHz, ten at 96 kHz.
/// Shorter, a slow wave quantised to 16 bits reads flat at its peak (a 40 Hz sine touching full
/// scale stays within one step of it for about 60 µs: three samples at 44.1 kHz, six at 96 kHz),
/// which is no clip.
pub const CLIP_RUN_S: f64 = 100e-6;

/// Clipped runs from which a track is flagged: a few overs are a mastered track's normal; more
/// are a clipped mix.
pub const CLIP_NOTICE_RUNS: usize = 10;

/// A notice when the source is clipped: [`CLIP_NOTICE_RUNS`] or more flat tops of
/// [`CLIP_RUN_S`] (at least three samples) at the channel's own peak, positive or negative (full
/// scale in an integer file; wherever a float file was limited), in either channel.
fn clipping_notice(left: &[f32], right: &[f32], rate_hz: u32) -> Option<String> {
    let min_run = ((CLIP_RUN_S * f64::from(rate_hz)).round() as usize).max(3);
    // Counted per channel, the more clipped one told (a clip in both is one clip to the ear).
    let mut runs = 0usize;
    let mut first: Option<usize> = None;
    for ch in [left, right] {
        let high = ch.iter().fold(0.0f32, |m, &x| m.max(x));
        let low = ch.iter().fold(0.0f32, |m, &x| m.min(x));
        // Each polarity against its own peak (a 16-bit file reaches −32768 but only +32767),
        // and only near full scale: a flat top far below it is the music's, not a clip.
        let at_peak = |x: f32| (high >= 0.5 && x >= high) || (low <= -0.5 && x <= low);
        let (mut run, mut in_channel) = (0usize, 0usize);
        for (i, &x) in ch.iter().enumerate() {
            if at_peak(x) && (run == 0 || ch[i - 1].signum() == x.signum()) {
                run += 1;
                if run == min_run {
                    in_channel += 1;
                    let start = i + 1 - min_run;
                    first = Some(first.map_or(start, |f| f.min(start)));
                }
            } else {
                run = usize::from(at_peak(x));
            }
        }
        runs = runs.max(in_channel);
    }
    if runs < CLIP_NOTICE_RUNS {
        return None;
    }
    let first_s = first.unwrap_or(0) as f64 / f64::from(rate_hz.max(1));
    Some(format!(
        "Clipped: {runs} flat tops of {min_run} or more samples at the peak level, the first at {} — the master keeps the flattened peaks; a mix with headroom masters cleaner",
        crate::units::min_sec_tenths(first_s)
    ))
}

/// A notice when a channel's mean (its DC offset) reaches [`DC_NOTICE_DBFS`].
fn dc_offset_notice(left: &[f32], right: &[f32]) -> Option<String> {
    if left.is_empty() {
        return None;
    }
    let mean = |x: &[f32]| x.iter().map(|&v| f64::from(v)).sum::<f64>() / x.len() as f64;
    let (l, r) = (mean(left), mean(right));
    let worst = l.abs().max(r.abs());
    let worst_dbfs = 20.0 * worst.log10();
    (worst_dbfs >= DC_NOTICE_DBFS).then(|| {
        format!(
            "{DC_NOTICE_PREFIX} of {} dBFS (left {}, right {} of full scale): it takes headroom the limiter spends on nothing audible — remove it with a high-pass below 10 Hz before mastering",
            crate::units::unsigned(worst_dbfs, 1),
            crate::units::signed(l, 3),
            crate::units::signed(r, 3)
        )
    })
}

/// Loudness figures only (I, LRA, short-term, sample and true peak, PLR): what `analyze` reports
/// as `loudness`, without the spectrum and stereo analysis, for audio whose balance is not needed
/// (an export measuring its written files). The true peak runs on its own thread as in `analyze`.
pub fn analyze_loudness(audio: &AudioBuffer) -> super::Loudness {
    let rate = audio.sample_rate_hz;
    let (left, right, _) = finite_channels(audio);
    let frames = left.len().min(right.len());
    let (left, right) = (&left[..frames], &right[..frames]);
    let meter = match LoudnessMeter::new(rate) {
        Ok(m) if frames > 0 => m,
        _ => return super::loudness::no_loudness(),
    };
    let chunk = LoudnessMeter::chunk_frames(rate);
    let (true_peak, meter) = std::thread::scope(|scope| {
        let peak_thread = scope.spawn(|| {
            let mut tp = TruePeakMeter::new(rate);
            for (l, r) in left.chunks(chunk).zip(right.chunks(chunk)) {
                tp.push(l, r);
            }
            Some(tp.peak_linear())
        });
        let mut meter = meter;
        for (l, r) in left.chunks(chunk).zip(right.chunks(chunk)) {
            meter.push(l, r);
        }
        (peak_thread.join().ok().flatten(), meter)
    });
    meter.finish(true_peak.unwrap_or(0.0)).0
}

/// The channels with NaN/inf replaced by 0.0 (borrowed when already clean), and the count.
/// The decoder already does this; `analyze_audio` is public, so it must not trust its input.
fn finite_channels(audio: &AudioBuffer) -> (Cow<'_, [f32]>, Cow<'_, [f32]>, u64) {
    let count = |c: &[f32]| c.iter().filter(|v| !v.is_finite()).count() as u64;
    let clean = |c: &[f32]| -> Vec<f32> {
        c.iter()
            .map(|&v| if v.is_finite() { v } else { 0.0 })
            .collect()
    };
    let [l, r] = &audio.channels;
    let (nl, nr) = (count(l), count(r));
    let left = if nl > 0 {
        Cow::Owned(clean(l))
    } else {
        Cow::Borrowed(&l[..])
    };
    let right = if nr > 0 {
        Cow::Owned(clean(r))
    } else {
        Cow::Borrowed(&r[..])
    };
    (left, right, nl + nr)
}
