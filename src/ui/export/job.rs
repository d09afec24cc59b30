//! The export as a background job: `render::export::export_album` on a worker thread, its
//! progress streamed into iced as messages tagged with the run's generation, and the per-track
//! progress model the dialog draws while it runs.

use super::Message;
use crate::project::Document;
use crate::render::export::{export_album, ExportError, ExportOptions, ExportProgress, Stage};
use crate::render::folder::FolderError;
use iced::futures::channel::mpsc;
use iced::futures::{SinkExt, Stream, StreamExt};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Exports `document` with `options` on a worker thread once the stream is polled. Yields
/// `Progress` messages and ends with exactly one `Done`, also when the worker dies.
pub fn run(
    generation: u64,
    document: Document,
    options: ExportOptions,
    cancel: Arc<AtomicBool>,
) -> impl Stream<Item = Message> {
    iced::stream::channel(64, async move |mut output: mpsc::Sender<Message>| {
        let (sender, mut receiver) = mpsc::unbounded();
        std::thread::spawn(move || {
            let progress = |progress: ExportProgress| {
                let _ = sender.unbounded_send(Message::Progress {
                    generation,
                    progress,
                });
            };
            let result = export_album(&document, &options, &progress, &cancel)
                .map(Arc::new)
                .map_err(|error| describe(&error));
            let _ = sender.unbounded_send(Message::Done { generation, result });
        });
        let mut finished = false;
        while let Some(message) = receiver.next().await {
            finished |= matches!(message, Message::Done { .. });
            if output.send(message).await.is_err() {
                return;
            }
        }
        // The worker dropped its sender without a result: it panicked. The album folder's
        // guard has removed the partial folder while unwinding.
        if !finished {
            let result = Err("the export stopped unexpectedly and nothing was written — \
                              try again; if it happens again, report it with the project file"
                .to_string());
            let _ = output.send(Message::Done { generation, result }).await;
        }
    })
}

/// The error as the dialog says it. Export errors already name the file and the fix; only the
/// CLI's "--force" advice is put in the dialog's words.
fn describe(error: &ExportError) -> String {
    match error {
        ExportError::Folder(FolderError::Exists { path }) => format!(
            "{}: already exists — choose another folder, or tick “Replace the existing folder”",
            path.display()
        ),
        other => other.to_string(),
    }
}

/// How far a track is, 0..=1, from its last reported stage. Rendering is the long stage; the
/// fractions are where each stage starts, so the bar never claims more than is done.
pub fn stage_fraction(stage: Option<Stage>) -> f32 {
    match stage {
        None => 0.0,
        Some(Stage::Analysing) => 0.05,
        Some(Stage::Rendering) => 0.15,
        Some(Stage::Writing) => 0.65,
        Some(Stage::Measuring) => 0.8,
        Some(Stage::Done) => 1.0,
    }
}

/// "Waiting", "Rendering", "Done" …
pub fn stage_label(stage: Option<Stage>) -> &'static str {
    match stage {
        None => "Waiting",
        Some(Stage::Analysing) => "Analysing",
        Some(Stage::Rendering) => "Rendering",
        Some(Stage::Writing) => "Writing",
        Some(Stage::Measuring) => "Measuring",
        Some(Stage::Done) => "Done",
    }
}

/// One track's row while exporting.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackProgress {
    /// "01 Harbour Lights".
    pub title: String,
    /// The last stage reported; `None` = not started.
    pub stage: Option<Stage>,
}

/// A running export as the dialog sees it.
#[derive(Debug)]
pub struct Running {
    /// The run's generation: progress and results of other runs are ignored.
    pub generation: u64,
    pub(super) cancel: Arc<AtomicBool>,
    /// Cancel was asked; the worker is removing what it wrote.
    pub cancelling: bool,
    /// The album folder being written.
    pub dir: PathBuf,
    /// The album is being analysed before any track starts.
    pub analysing: bool,
    /// Per track, album order.
    pub tracks: Vec<TrackProgress>,
}

impl Running {
    /// A run of `titles` into `dir`, nothing reported yet.
    pub fn new(generation: u64, dir: PathBuf, titles: &[String]) -> (Running, Arc<AtomicBool>) {
        let cancel = Arc::new(AtomicBool::new(false));
        let tracks = titles
            .iter()
            .enumerate()
            .map(|(i, title)| TrackProgress {
                title: format!("{:02} {title}", i + 1),
                stage: None,
            })
            .collect();
        let running = Running {
            generation,
            cancel: cancel.clone(),
            cancelling: false,
            dir,
            analysing: false,
            tracks,
        };
        (running, cancel)
    }

    /// Takes in one progress report.
    pub fn advance(&mut self, progress: ExportProgress) {
        if progress.stage == Stage::Analysing {
            self.analysing = true;
            return;
        }
        self.analysing = false;
        if let Some(track) = self.tracks.get_mut(progress.track) {
            track.stage = Some(progress.stage);
        }
    }

    /// Asks the worker to stop; it removes the partial folder and reports `Done`.
    pub fn cancel(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.cancelling = true;
    }

    /// The whole export, 0..=1: the album analysis is the first tenth, the tracks the rest.
    pub fn overall(&self) -> f32 {
        if self.tracks.iter().all(|t| t.stage.is_none()) {
            return if self.analysing { 0.03 } else { 0.0 };
        }
        let tracks: f32 = self.tracks.iter().map(|t| stage_fraction(t.stage)).sum();
        0.1 + 0.9 * tracks / self.tracks.len().max(1) as f32
    }

    /// Tracks finished so far.
    pub fn done(&self) -> usize {
        self.tracks
            .iter()
            .filter(|t| t.stage == Some(Stage::Done))
            .count()
    }
}

impl Drop for Running {
    /// A run dropped without its result (the dialog reset, the app closing) must not keep a
    /// worker writing files nobody will see.
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
