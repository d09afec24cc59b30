//! The export dialog (issue 5, "Export"): a modal over the desk that sets up the delivery
//! (preset, format, bit depth, rate, dither, folder), runs the album export in the background
//! with a progress bar per track and a cancel, and ends with what each written file measures.
//!
//! `Closed → Setup → Running → Finished | Failed`, and `Running → Setup` on cancel. The format
//! settings are album settings, so changing them returns `Action::Edit(Edit::Album(..))` and is
//! saved and undoable like any other edit; the dialog itself keeps only the folder and the
//! one-off choices (replace, album WAV). The export runs on a clone of the document.

mod form;
mod job;
pub(super) mod style;
mod summary;
mod view;

#[cfg(test)]
mod snapshots;
#[cfg(test)]
mod tests;

pub use form::{preset_choices, preset_label, PresetChoice, FLAC_FLOAT};
pub use job::{stage_fraction, Running, TrackProgress};
pub use summary::{Finished, SummaryRow, HELD_BACK_LU};

use super::edit::Edit;
use crate::analysis::AnalysisCache;
use crate::project::{AlbumSettings, BitDepth, DeliveryPreset, Document, ExportFormat};
use crate::render::export::{ExportOptions, ExportProgress, ExportSummary};
use iced::futures::Stream;
use iced::Task;
use std::path::PathBuf;
use std::sync::Arc;

/// The dialog's messages.
#[derive(Debug, Clone)]
pub enum Message {
    /// Open the dialog (the app's export button or shortcut).
    Open,
    /// Close the dialog (ignored while an export runs: cancel it first).
    Close,
    /// A delivery preset was chosen.
    Preset(DeliveryPreset),
    /// WAV or FLAC.
    Format(ExportFormat),
    /// 16-bit, 24-bit or 32-bit float.
    BitDepth(BitDepth),
    /// Output sample rate, Hz; `None` = the source's.
    Rate(Option<u32>),
    /// TPDF dither on integer output.
    Dither(bool),
    /// Also write one album WAV with a cue sheet (CD only).
    AlbumImage(bool),
    /// The folder field was edited.
    FolderEdited(String),
    /// "Choose…": open the system's folder picker.
    ChooseFolder,
    /// The folder picker closed: the folder to put the album folder in, if one was chosen.
    FolderChosen(Option<PathBuf>),
    /// Replace the existing album folder.
    Replace(bool),
    /// Start the export.
    Start,
    /// The worker's progress (`generation` identifies the run).
    Progress {
        generation: u64,
        progress: ExportProgress,
    },
    /// The worker finished: the summary, or what stopped it (cancelled, failed).
    Done {
        generation: u64,
        result: Result<Arc<ExportSummary>, String>,
    },
    /// Stop the running export; nothing is left behind.
    Cancel,
    /// Show the exported folder in the file manager.
    OpenFolder,
    /// From a failed export back to the setup.
    Back,
}

/// What the app must do after an update.
#[derive(Debug)]
pub enum Action {
    /// Nothing.
    None,
    /// Apply this edit through the undo history (album settings changed in the dialog).
    Edit(Edit),
    /// Run this task, mapped into the app's messages (`task.map(Message::Export)`): the export
    /// itself, or the folder picker.
    Run(Task<Message>),
    /// Show this text in the error banner (it says what failed and what to do).
    Error(String),
}

/// Where the dialog is.
#[derive(Debug, Default)]
pub enum State {
    /// Not shown.
    #[default]
    Closed,
    /// The form.
    Setup,
    /// Exporting.
    Running(Running),
    /// Done: the summary.
    Finished(Finished),
    /// Stopped by an error (the text names the file and the fix).
    Failed(String),
}

/// The export dialog's state. The project and its settings are read, never owned.
#[derive(Debug, Default)]
pub struct ExportDialog {
    state: State,
    /// The folder field, as typed.
    folder: String,
    /// The default folder when the dialog last opened: replaced by the next default only if
    /// the user has not typed their own.
    default_folder: String,
    /// The field's folder exists (checked in `update`; `view` does no I/O).
    folder_exists: bool,
    /// Replacing the existing folder would delete the project or its sources: never offered.
    folder_protected: bool,
    /// Replace the existing folder (→ `ExportOptions::force`).
    replace: bool,
    /// Album WAV + cue sheet (only used when the settings are 16-bit 44.1 kHz).
    album_image: bool,
    /// A one-line message in the form: why something was refused, or that an export was cancelled.
    notice: Option<String>,
    /// The album's title, for the heading.
    album: String,
    /// The album's track count when the dialog opened (an album with none cannot be exported).
    track_count: usize,
    presets: Vec<PresetChoice>,
    /// Increases with every export; messages of other runs are ignored.
    generation: u64,
    /// The analysis cache for exports; `None` = the user's (`AnalysisCache::user_default`).
    cache: Option<AnalysisCache>,
    /// The program that opens a folder; `None` = `xdg-open`.
    opener: Option<String>,
}

impl ExportDialog {
    /// Whether the dialog is shown (the app stacks `view` over the desk).
    pub fn is_open(&self) -> bool {
        !matches!(self.state, State::Closed)
    }

    /// Whether an export is running (the app keeps its tick and must not close silently).
    pub fn is_running(&self) -> bool {
        matches!(self.state, State::Running(_))
    }

    /// Where the dialog is.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The folder field as typed.
    pub fn folder(&self) -> &str {
        &self.folder
    }

    /// The form's notice, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Whether the form is asking to replace an existing folder.
    pub fn asks_to_replace(&self) -> bool {
        self.folder_exists
    }

    /// The current export generation.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Handles a message. `document` is the project as it is now (exports run on a clone) and
    /// `settings` its album settings.
    pub fn update(
        &mut self,
        message: Message,
        document: &Document,
        settings: &AlbumSettings,
    ) -> Action {
        match message {
            Message::Open => {
                if !self.is_running() {
                    self.open(document);
                }
            }
            Message::Close => {
                if !self.is_running() {
                    self.state = State::Closed;
                    self.notice = None;
                }
            }
            Message::Preset(preset) => {
                let mut new = settings.clone();
                new.apply_preset(preset);
                return self.edit(settings, new);
            }
            Message::Format(format) => {
                if form::is_flac_float(format, settings.export.bit_depth) {
                    self.notice = Some(FLAC_FLOAT.to_string());
                    return Action::None;
                }
                let mut new = settings.clone();
                new.export.format = format;
                return self.edit(settings, new);
            }
            Message::BitDepth(bit_depth) => {
                if form::is_flac_float(settings.export.format, bit_depth) {
                    self.notice = Some(FLAC_FLOAT.to_string());
                    return Action::None;
                }
                let mut new = settings.clone();
                new.export.bit_depth = bit_depth;
                return self.edit(settings, new);
            }
            Message::Rate(rate_hz) => {
                let mut new = settings.clone();
                new.export.sample_rate_hz = rate_hz;
                return self.edit(settings, new);
            }
            Message::Dither(dither) => {
                // Float output is never dithered: the switch means nothing there.
                if settings.export.bit_depth != BitDepth::Float32 {
                    let mut new = settings.clone();
                    new.export.dither = dither;
                    return self.edit(settings, new);
                }
            }
            Message::AlbumImage(on) => self.album_image = on,
            Message::FolderEdited(text) => {
                self.folder = text;
                self.check_folder(document);
            }
            Message::ChooseFolder => {
                let start = form::resolve_folder(&self.folder, document)
                    .and_then(|p| p.parent().map(PathBuf::from))
                    .unwrap_or_else(|| document.folder());
                return Action::Run(Task::perform(pick_folder(start), Message::FolderChosen));
            }
            Message::FolderChosen(Some(parent)) => {
                // The album gets its own folder inside the chosen one: replacing the chosen
                // folder itself (the user's Music folder, say) must never be one click away.
                self.folder = parent
                    .join(form::folder_name(document))
                    .display()
                    .to_string();
                self.check_folder(document);
            }
            Message::FolderChosen(None) => {}
            Message::Replace(replace) => self.replace = replace,
            Message::Start => {
                if let Some(stream) = self.start(document, settings) {
                    return Action::Run(Task::stream(stream));
                }
            }
            Message::Progress {
                generation,
                progress,
            } => {
                if let State::Running(running) = &mut self.state {
                    if running.generation == generation {
                        running.advance(progress);
                    }
                }
            }
            Message::Done { generation, result } => self.done(generation, result, document),
            Message::Cancel => {
                if let State::Running(running) = &mut self.state {
                    running.cancel();
                }
            }
            Message::OpenFolder => {
                if let State::Finished(finished) = &self.state {
                    return self.open_folder(finished.summary.dir.clone());
                }
            }
            Message::Back => {
                if matches!(self.state, State::Failed(_)) {
                    self.state = State::Setup;
                    self.check_folder(document);
                }
            }
        }
        Action::None
    }

    fn open(&mut self, document: &Document) {
        let default = form::default_folder(document).display().to_string();
        if self.folder.trim().is_empty() || self.folder == self.default_folder {
            self.folder = default.clone();
        }
        self.default_folder = default;
        self.album = document.project.album.title.clone();
        self.track_count = document.project.tracks.len();
        self.presets = preset_choices();
        self.notice = None;
        self.state = State::Setup;
        self.check_folder(document);
    }

    /// An album-settings edit, or nothing when it changes nothing.
    fn edit(&mut self, old: &AlbumSettings, new: AlbumSettings) -> Action {
        self.notice = None;
        if *old == new {
            Action::None
        } else {
            Action::Edit(Edit::Album(new))
        }
    }

    /// Re-reads whether the folder exists; a different folder needs its own "replace".
    fn check_folder(&mut self, document: &Document) {
        let dir = form::resolve_folder(&self.folder, document);
        let exists = dir.as_ref().is_some_and(|d| d.exists());
        if !exists {
            self.replace = false;
        }
        self.folder_exists = exists;
        self.folder_protected = dir.is_some_and(|d| exists && form::holds_project(&d, document));
        self.notice = None;
    }

    /// Why the export cannot start with these settings, if it cannot.
    fn refusal(&self, settings: &AlbumSettings) -> Option<String> {
        if self.track_count == 0 {
            return Some("The project has no tracks to export: add some first.".into());
        }
        if form::is_flac_float(settings.export.format, settings.export.bit_depth) {
            return Some(FLAC_FLOAT.into());
        }
        if self.folder.trim().is_empty() {
            return Some("Type or choose the folder to write the album into.".into());
        }
        if self.folder_protected {
            return Some(
                "This folder holds the project or its source files and cannot be replaced: \
                 choose another folder."
                    .into(),
            );
        }
        if self.folder_exists && !self.replace {
            return Some(
                "This folder already exists: tick “Replace the existing folder”, or choose \
                 another one."
                    .into(),
            );
        }
        None
    }

    /// Starts an export: the Running state and the stream that runs it (wrapped in a task by
    /// `update`; tests drive it directly).
    fn start(
        &mut self,
        document: &Document,
        settings: &AlbumSettings,
    ) -> Option<impl Stream<Item = Message> + use<>> {
        if !matches!(self.state, State::Setup) {
            return None;
        }
        // The folder may have appeared since it was typed, the album may have changed.
        self.check_folder(document);
        self.track_count = document.project.tracks.len();
        if let Some(refusal) = self.refusal(settings) {
            self.notice = Some(refusal);
            return None;
        }
        let out_dir = form::resolve_folder(&self.folder, document)?;
        let options = ExportOptions {
            out_dir: out_dir.clone(),
            settings: settings.clone(),
            force: self.folder_exists && self.replace,
            album_image: self.album_image && form::allows_album_image(settings),
            cache: Some(
                self.cache
                    .clone()
                    .unwrap_or_else(AnalysisCache::user_default),
            ),
        };
        self.generation += 1;
        let titles: Vec<String> = document
            .project
            .tracks
            .iter()
            .map(|t| t.title.clone())
            .collect();
        let (running, cancel) = Running::new(self.generation, out_dir, &titles);
        self.state = State::Running(running);
        self.notice = None;
        Some(job::run(self.generation, document.clone(), options, cancel))
    }

    fn done(
        &mut self,
        generation: u64,
        result: Result<Arc<ExportSummary>, String>,
        document: &Document,
    ) {
        let State::Running(running) = &self.state else {
            return;
        };
        if running.generation != generation {
            return; // a superseded run
        }
        let cancelled = running.cancelling;
        match result {
            // An export that completed before the cancel reached it is kept: it is whole.
            Ok(summary) => self.state = State::Finished(summary::finished(summary)),
            Err(_) if cancelled => {
                self.state = State::Setup;
                self.check_folder(document);
                self.notice = Some("Export cancelled — nothing was written.".into());
            }
            Err(message) => self.state = State::Failed(message),
        }
    }

    fn open_folder(&self, dir: PathBuf) -> Action {
        let program = self.opener.as_deref().unwrap_or("xdg-open");
        match std::process::Command::new(program).arg(&dir).spawn() {
            Ok(mut child) => {
                // Reaped off the UI thread so no zombie is left behind.
                std::thread::spawn(move || child.wait());
                Action::None
            }
            Err(error) => Action::Error(format!(
                "Could not open {} ({program}: {error}) — open it in your file manager, \
                 or install xdg-utils so Lathe can open folders.",
                dir.display()
            )),
        }
    }
}

/// The folder picker (rfd: the XDG desktop portal), off the UI thread.
async fn pick_folder(start: PathBuf) -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Where to put the mastered album")
        .set_directory(start)
        .pick_folder()
        .await
        .map(|handle| handle.path().to_path_buf())
}
