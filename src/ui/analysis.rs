//! The album analysis as a background job: progress while it runs, one outcome at the end,
//! a generation number so results of a superseded run are dropped, and a cancel flag.

use crate::analysis::{self, AlbumStats, AnalysisCache, BatchProgress, TrackAnalysis};
use iced::futures::channel::mpsc;
use iced::futures::{SinkExt, Stream, StreamExt};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Everything one run found, in album order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Per album track: its analysis, `None` when missing or unreadable.
    pub tracks: Vec<Option<TrackAnalysis>>,
    /// Per album track: why it has no analysis (missing tracks have no entry here).
    pub errors: Vec<Option<String>>,
    pub stats: AlbumStats,
    /// Per reference (project order): its analysis, or why there is none.
    pub references: Vec<Result<TrackAnalysis, String>>,
}

impl Outcome {
    /// Builds an outcome from per-track analyses, computing the album statistics.
    pub fn from_tracks(tracks: Vec<Option<TrackAnalysis>>, errors: Vec<Option<String>>) -> Outcome {
        let refs: Vec<Option<&TrackAnalysis>> = tracks.iter().map(Option::as_ref).collect();
        let stats = analysis::album_stats(&refs);
        Outcome {
            tracks,
            errors,
            stats,
            references: Vec::new(),
        }
    }

    /// Replaces the album statistics (demo and tests build them by hand).
    pub fn with_stats(mut self, stats: AlbumStats) -> Self {
        self.stats = stats;
        self
    }

    /// Adds the references' analyses (their weighted average is the app's: the weights may
    /// change without a new analysis).
    pub fn with_references(mut self, references: Vec<Result<TrackAnalysis, String>>) -> Self {
        self.references = references;
        self
    }
}

/// What the job reports.
#[derive(Debug, Clone)]
pub enum Event {
    Progress(BatchProgress),
    Finished(Arc<Outcome>),
    /// The job ended without an outcome (cancelled, or the worker failed); the text says why.
    Stopped(String),
}

/// The app's view of the current run.
#[derive(Debug, Default)]
pub struct Job {
    /// Increases with every run; events of older runs are ignored.
    pub generation: u64,
    cancel: Option<Arc<AtomicBool>>,
    /// `Some` while running: overall fraction 0..=1, files done, files total.
    pub progress: Option<(f32, usize, usize)>,
}

impl Job {
    /// Starts a new generation (cancelling the previous run) and returns its cancel flag.
    pub fn begin(&mut self, total: usize) -> (u64, Arc<AtomicBool>) {
        self.cancel();
        self.generation += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Some(cancel.clone());
        self.progress = Some((0.0, 0, total));
        (self.generation, cancel)
    }

    /// Whether an event of `generation` belongs to the current run.
    pub fn is_current(&self, generation: u64) -> bool {
        generation == self.generation && self.progress.is_some()
    }

    /// Asks a running analysis to stop at its next block.
    pub fn cancel(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            cancel.store(true, Ordering::Relaxed);
        }
        self.progress = None;
    }

    pub fn is_running(&self) -> bool {
        self.progress.is_some()
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Analyses the album's `paths` (`None` = missing track) and its `references`
/// on worker threads once the stream is polled.
pub fn run(
    paths: Vec<Option<PathBuf>>,
    references: Vec<PathBuf>,
    cancel: Arc<AtomicBool>,
) -> impl Stream<Item = Event> {
    iced::stream::channel(64, async move |mut output: mpsc::Sender<Event>| {
        let (sender, mut receiver) = mpsc::unbounded();
        std::thread::spawn(move || {
            let present: Vec<PathBuf> = paths
                .iter()
                .flatten()
                .cloned()
                .chain(references.iter().cloned())
                .collect();
            let progress = |p: BatchProgress| {
                let _ = sender.unbounded_send(Event::Progress(p));
            };
            let cache = AnalysisCache::user_default();
            let results = analysis::analyze_batch(&present, Some(&cache), &progress, &cancel);
            if cancel.load(Ordering::Relaxed) {
                let _ = sender.unbounded_send(Event::Stopped("analysis cancelled".into()));
                return;
            }
            let mut results = results.into_iter();
            let (mut tracks, mut errors) = (Vec::new(), Vec::new());
            for path in &paths {
                match path.as_ref().and_then(|_| results.next()) {
                    Some(Ok(analysis)) => {
                        tracks.push(Some(analysis));
                        errors.push(None);
                    }
                    Some(Err(error)) => {
                        tracks.push(None);
                        errors.push(Some(error.to_string()));
                    }
                    None => {
                        tracks.push(None);
                        errors.push(None);
                    }
                }
            }
            let references = references
                .iter()
                .zip(results)
                .map(|(path, r)| r.map_err(|e| format!("reference {}: {e}", path.display())))
                .collect();
            let outcome = Outcome::from_tracks(tracks, errors).with_references(references);
            let _ = sender.unbounded_send(Event::Finished(Arc::new(outcome)));
        });
        let mut finished = false;
        while let Some(event) = receiver.next().await {
            finished |= !matches!(event, Event::Progress(_));
            if output.send(event).await.is_err() {
                return;
            }
        }
        // The worker dropped its sender without a word: it panicked.
        if !finished {
            let reason = "the analysis stopped unexpectedly — restart Lathe; if it happens \
                          again, report it with the project file";
            let _ = output.send(Event::Stopped(reason.into())).await;
        }
    })
}
