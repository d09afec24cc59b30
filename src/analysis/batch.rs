//! Whole-track and parallel batch analysis.
use super::{track, AnalysisCache, AnalysisError, TrackAnalysis};
use crate::media::AudioBuffer;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Progress of a batch: `done` of `total` files finished, `file_fraction` of the current ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchProgress {
    /// Files finished (analysed, failed or cancelled).
    pub done: usize,
    /// Files in the batch.
    pub total: usize,
    /// Overall fraction 0..=1 including partially analysed files.
    pub fraction: f32,
}

/// Share of a file's progress given to decoding (symphonia decodes at ~1000x real time,
/// the analysis runs at a few hundred: decoding is roughly a quarter of the work).
const DECODE_SHARE: f32 = 0.25;

/// Analyses decoded audio (loudness, spectrum, stereo). `source_channels` is reported as `channels`.
/// Loudness per ITU-R BS.1770-4 / EBU Tech 3341-3342; spectrum and stereo per `spectrum`.
pub fn analyze_audio(audio: &AudioBuffer, source_channels: u16) -> TrackAnalysis {
    let never = AtomicBool::new(false);
    match track::analyze(audio, source_channels, &never, &mut |_| {}) {
        Ok(analysis) => analysis,
        // Only cancellation fails, and `never` is never set.
        Err(_) => unreachable!("analysis without cancellation cannot fail"),
    }
}

/// Loudness, loudness range and peaks of decoded audio, without the spectrum and stereo analysis
/// (figures identical to `analyze_audio`'s `loudness`). Per ITU-R BS.1770-4 / EBU Tech 3341-3342.
pub fn analyze_loudness(audio: &AudioBuffer) -> super::Loudness {
    track::analyze_loudness(audio)
}

/// Decodes and analyses one file; checks `cancel` between blocks.
pub fn analyze_file(path: &Path, cancel: &AtomicBool) -> Result<TrackAnalysis, AnalysisError> {
    analyze_file_with_progress(path, cancel, &mut |_| {})
}

/// As `analyze_file`, reporting this file's fraction done (0..=1) to `progress`.
/// Decoder notices and the count of replaced NaN/inf samples go into `notices`.
pub fn analyze_file_with_progress(
    path: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
) -> Result<TrackAnalysis, AnalysisError> {
    if cancel.load(Ordering::Relaxed) {
        return Err(AnalysisError::Cancelled);
    }
    let decoded = crate::media::decode_file(path)?;
    progress(DECODE_SHARE);
    let mut analysis = track::analyze(&decoded.audio, decoded.source_channels, cancel, &mut |f| {
        progress(DECODE_SHARE + (1.0 - DECODE_SHARE) * f)
    })?;
    let mut notices = decoded.notices;
    let mentioned = notices.iter().any(|n| n.contains("NaN"));
    if decoded.nonfinite_samples > 0 && !mentioned {
        notices.push(format!(
            "{} NaN/infinite samples in the file were replaced by silence",
            decoded.nonfinite_samples
        ));
    }
    notices.append(&mut analysis.notices);
    analysis.notices = notices;
    analysis.nonfinite_samples += decoded.nonfinite_samples;
    Ok(analysis)
}

/// Analyses files in parallel on all available cores, using and filling `cache` when given.
/// Results are in the order of `paths`. `progress` is called from worker threads.
/// After `cancel` is set, files in progress stop within ~100 ms of audio and every file not
/// finished is reported as `Cancelled`.
pub fn analyze_batch(
    paths: &[PathBuf],
    cache: Option<&AnalysisCache>,
    progress: &(dyn Fn(BatchProgress) + Sync),
    cancel: &AtomicBool,
) -> Vec<Result<TrackAnalysis, AnalysisError>> {
    let total = paths.len();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total);
    let next = AtomicUsize::new(0);
    let tracker = Tracker {
        fractions: Mutex::new(vec![0.0; total]),
        done: AtomicUsize::new(0),
    };
    let slots: Vec<Mutex<Option<Result<TrackAnalysis, AnalysisError>>>> =
        paths.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(i) else { break };
                let result = analyze_cached(path, cache, cancel, &mut |f| {
                    tracker.update(i, f, total, progress)
                });
                tracker.finish(i, total, progress);
                *lock(&slots[i]) = Some(result);
            });
        }
    });
    slots
        .into_iter()
        .map(|s| {
            let inner = s
                .into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            inner.unwrap_or(Err(AnalysisError::Cancelled))
        })
        .collect()
}

fn analyze_cached(
    path: &Path,
    cache: Option<&AnalysisCache>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
) -> Result<TrackAnalysis, AnalysisError> {
    if cancel.load(Ordering::Relaxed) {
        return Err(AnalysisError::Cancelled);
    }
    if let Some(hit) = cache.and_then(|c| c.get(path)) {
        return Ok(hit);
    }
    let analysis = analyze_file_with_progress(path, cancel, progress)?;
    if let Some(c) = cache {
        c.put(path, &analysis);
    }
    Ok(analysis)
}

/// Per-file fractions shared by the workers, reported as one overall fraction.
struct Tracker {
    fractions: Mutex<Vec<f32>>,
    done: AtomicUsize,
}

impl Tracker {
    fn update(&self, i: usize, f: f32, total: usize, cb: &(dyn Fn(BatchProgress) + Sync)) {
        let overall = {
            let mut fr = lock(&self.fractions);
            // Report in steps of 1 % per file: the callback may wake a UI thread.
            if f < 1.0 && f - fr[i] < 0.01 {
                return;
            }
            fr[i] = f.clamp(0.0, 1.0);
            fr.iter().sum::<f32>() / total as f32
        };
        let done = self.done.load(Ordering::Relaxed);
        cb(BatchProgress {
            done,
            total,
            fraction: overall.min(1.0),
        });
    }

    fn finish(&self, i: usize, total: usize, cb: &(dyn Fn(BatchProgress) + Sync)) {
        let overall = {
            let mut fr = lock(&self.fractions);
            fr[i] = 1.0;
            // Compute `done` under the lock so reports never go backwards.
            let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
            let fraction = if done == total {
                1.0
            } else {
                fr.iter().sum::<f32>() / total as f32
            };
            BatchProgress {
                done,
                total,
                fraction: fraction.min(1.0),
            }
        };
        cb(overall);
    }
}

/// Locks, ignoring poisoning: a panicking worker must not take the whole batch down.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
