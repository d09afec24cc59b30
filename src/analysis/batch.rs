//! Whole-track and parallel batch analysis. (Stub: being implemented.)
use super::{AnalysisCache, AnalysisError, TrackAnalysis};
use crate::media::AudioBuffer;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Progress of a batch: `done` of `total` files finished, `file_fraction` of the current ones.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchProgress {
    pub done: usize,
    pub total: usize,
    /// Overall fraction 0..=1 including partially analysed files.
    pub fraction: f32,
}

/// Analyses decoded audio (loudness, spectrum, stereo). `source_channels` is reported as `channels`.
pub fn analyze_audio(audio: &AudioBuffer, source_channels: u16) -> TrackAnalysis {
    let _ = (audio, source_channels);
    todo!("analysis::analyze_audio")
}

/// Decodes and analyses one file; checks `cancel` between blocks.
pub fn analyze_file(path: &Path, cancel: &AtomicBool) -> Result<TrackAnalysis, AnalysisError> {
    let _ = (path, cancel);
    todo!("analysis::analyze_file")
}

/// Analyses files in parallel on all available cores, using and filling `cache` when given.
/// Results are in the order of `paths`. `progress` is called from worker threads.
pub fn analyze_batch(
    paths: &[PathBuf],
    cache: Option<&AnalysisCache>,
    progress: &(dyn Fn(BatchProgress) + Sync),
    cancel: &AtomicBool,
) -> Vec<Result<TrackAnalysis, AnalysisError>> {
    let _ = (paths, cache, progress, cancel);
    todo!("analysis::analyze_batch")
}
