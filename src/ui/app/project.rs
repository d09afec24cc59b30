//! The project's lifecycle in the desk: edits through the undo history, save / save as / open /
//! recent, autosave and recovery, adding and locating files. Every change goes through
//! [`App::apply_edit`], so undo, the modified marker, the autosave and live playback all see it.

use super::{App, Message, Pick};
use crate::project::{is_audio_path, title_from_file_name, Document, Track, TrackId};
use crate::ui::edit::Edit;
use crate::ui::session;
use iced::Task;
use std::path::{Path, PathBuf};
use std::time::Instant;

impl App {
    /// Applies a panel's edit: recorded for undo, then everything derived is refreshed and the
    /// playing master follows. Returns the background work the edit needs.
    pub fn apply_edit(&mut self, edit: Edit) -> Task<Message> {
        self.apply_edit_at(edit, Instant::now())
    }

    pub(crate) fn apply_edit_at(&mut self, edit: Edit, now: Instant) -> Task<Message> {
        let Some(document) = &mut self.document else {
            return Task::none();
        };
        if !self.history.apply(&mut document.project, &edit, now) {
            return Task::none();
        }
        self.notice = None;
        self.after_change(Some(&edit))
    }

    /// Closes the current gesture (a drag was released): the next edit is a new undo step.
    pub fn end_gesture(&mut self) {
        self.history.close_gesture();
    }

    pub(crate) fn undo(&mut self) -> Task<Message> {
        let Some(document) = &mut self.document else {
            return Task::none();
        };
        match self.history.undo(&mut document.project) {
            Some(label) => {
                self.notice = Some(format!("Undid {label}"));
                self.after_change(None)
            }
            None => Task::none(),
        }
    }

    pub(crate) fn redo(&mut self) -> Task<Message> {
        let Some(document) = &mut self.document else {
            return Task::none();
        };
        match self.history.redo(&mut document.project) {
            Some(label) => {
                self.notice = Some(format!("Redid {label}"));
                self.after_change(None)
            }
            None => Task::none(),
        }
    }

    /// After any change of the project (`edit` when known; `None` after undo/redo): files may
    /// have come or gone, the plan and figures change, the playing master follows.
    fn after_change(&mut self, edit: Option<&Edit>) -> Task<Message> {
        let structural = match edit {
            Some(Edit::Add { .. } | Edit::Relocate { .. } | Edit::References(_)) | None => true,
            Some(_) => false,
        };
        // Keep the selection on a track that exists.
        if let Some(document) = &self.document {
            let tracks = &document.project.tracks;
            if !tracks.iter().any(|t| Some(t.id) == self.selected) {
                self.selected = tracks.first().map(|t| t.id);
            }
        }
        let mut task = Task::none();
        if structural {
            self.check_missing();
            let needed = self.document.as_ref().is_some_and(|d| {
                let tracks_known = d.project.tracks.iter().all(|t| {
                    self.analyses.contains_key(&t.id)
                        || self.errors.contains_key(&t.id)
                        || self.is_missing(t.id)
                });
                let keys = super::reference_keys(&d.project);
                let references_read = keys == self.reference_keys;
                match edit {
                    // A reference edit that keeps the files (a weight) needs no analysis, even
                    // while one is running for the same files.
                    Some(Edit::References(_)) => {
                        !(references_read || self.job.is_running() && keys == self.job_references)
                    }
                    _ => !(tracks_known && references_read),
                }
            });
            if needed {
                task = self.start_analysis();
            }
        }
        self.refresh();
        // After the plan is made again: the engine's reference is prepared from it.
        self.follow_references();
        self.proofs.settle();
        Task::batch([task, self.follow_edit(), self.measure_peaks_if_stale()])
    }

    /// Ctrl+S: writes the project atomically; errors name the file and what to do.
    pub(crate) fn save(&mut self) {
        let Some(document) = &self.document else {
            return;
        };
        match document.save() {
            Ok(()) => {
                self.saved = Some(document.project.clone());
                if let Some(dir) = &self.data_dir {
                    session::clear_autosave(dir, &document.path);
                }
                self.autosaved = None;
                self.notice = Some(format!("Saved {}", document.path.display()));
            }
            Err(error) => self.push_banner(error.to_string()),
        }
    }

    /// Opens a file dialog for `pick` (rfd, off the UI thread).
    pub(crate) fn pick(&mut self, pick: Pick) -> Task<Message> {
        let folder = self.document.as_ref().map(Document::folder);
        Task::future(async move {
            let mut dialog = rfd::AsyncFileDialog::new();
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            let paths = match pick {
                Pick::AddTracks => dialog
                    .set_title("Add tracks")
                    .add_filter("Audio", crate::project::AUDIO_EXTENSIONS)
                    .pick_files()
                    .await
                    .map(|files| files.iter().map(|f| f.path().to_path_buf()).collect()),
                Pick::AddReferences => dialog
                    .set_title("Add reference tracks")
                    .add_filter("Audio", crate::project::AUDIO_EXTENSIONS)
                    .pick_files()
                    .await
                    .map(|files| files.iter().map(|f| f.path().to_path_buf()).collect()),
                Pick::Locate(_) => dialog
                    .set_title("Locate the track's file")
                    .add_filter("Audio", crate::project::AUDIO_EXTENSIONS)
                    .pick_file()
                    .await
                    .map(|f| vec![f.path().to_path_buf()]),
                Pick::Open => dialog
                    .set_title("Open a Lathe project")
                    .add_filter("Lathe project", &["json"])
                    .pick_file()
                    .await
                    .map(|f| vec![f.path().to_path_buf()]),
                Pick::SaveAs => dialog
                    .set_title("Save the project as")
                    .add_filter("Lathe project", &["json"])
                    .save_file()
                    .await
                    .map(|f| vec![f.path().to_path_buf()]),
            };
            Message::Picked(pick, paths)
        })
    }

    pub(crate) fn on_picked(&mut self, pick: Pick, paths: Option<Vec<PathBuf>>) -> Task<Message> {
        let Some(paths) = paths.filter(|p| !p.is_empty()) else {
            return Task::none(); // cancelled
        };
        match pick {
            Pick::AddTracks => self.add_files(paths),
            Pick::AddReferences => self.add_references(paths),
            Pick::Locate(track) => self.locate(track, &paths[0]),
            Pick::Open => self.open(&paths[0]),
            Pick::SaveAs => {
                self.save_as(&paths[0]);
                Task::none()
            }
        }
    }

    /// Save as: source paths are rebased so they still point at the same files.
    pub(crate) fn save_as(&mut self, path: &Path) {
        let Some(document) = &mut self.document else {
            return;
        };
        let old_path = document.path.clone();
        match document.save_as(path) {
            Ok(()) => {
                self.project_path = path.to_path_buf();
                self.saved = Some(document.project.clone());
                if let Some(dir) = &self.data_dir {
                    session::clear_autosave(dir, &old_path);
                    self.recent.remember(path);
                    let _ = self.recent.save(dir);
                }
                self.notice = Some(format!("Saved as {}", path.display()));
                // Relative source paths changed: the undo snapshots hold the old ones.
                self.history = Default::default();
            }
            Err(error) => self.push_banner(error.to_string()),
        }
    }

    /// Opens another project. The current one stays open if the new one cannot be read; unsaved
    /// changes of the current one stay in its autosave.
    pub(crate) fn open(&mut self, path: &Path) -> Task<Message> {
        match Document::load(path) {
            Ok(document) => {
                self.autosave(Instant::now(), true);
                self.engine.stop();
                // The engine's sources are the old project's (its keys are track ids and
                // reference places, which the new project reuses): let them all go.
                for key in self.engine.resident() {
                    self.engine.unload(key);
                }
                let engine =
                    std::mem::replace(&mut self.engine, crate::engine::Engine::disabled(""));
                let data_dir = self.data_dir.take();
                *self = App::new(document, engine);
                self.use_data_dir(data_dir);
                self.start_analysis()
            }
            Err(error) => {
                self.push_banner(error.to_string());
                Task::none()
            }
        }
    }

    /// The audio files among `paths`; the others are named in a banner and left alone.
    fn audio_only(&mut self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        let (audio, other): (Vec<PathBuf>, Vec<PathBuf>) =
            paths.into_iter().partition(|p| is_audio_path(p));
        for path in other {
            self.push_banner(format!(
                "{}: not an audio file Lathe reads ({}) — add WAV, FLAC, AIFF, MP3, OGG or M4A files",
                path.display(),
                crate::project::AUDIO_EXTENSIONS.join(", ")
            ));
        }
        audio
    }

    /// Adds audio files as reference tracks (weight 1, at the end of the list); files that are
    /// not audio are named in a banner. The analysis runs again to read them.
    pub(crate) fn add_references(&mut self, paths: Vec<PathBuf>) -> Task<Message> {
        let audio = self.audio_only(paths);
        let Some(document) = self.document.as_ref().filter(|_| !audio.is_empty()) else {
            return Task::none();
        };
        // A file already among the references (or picked twice) is named and left out.
        let (audio, repeated) =
            crate::project::split_repeated(document, &document.project.references, &audio);
        let titles: Vec<Option<String>> = audio
            .iter()
            .map(|p| crate::media::read_tags(p).ok().and_then(|t| t.title))
            .collect();
        let references = crate::project::with_added(document, &audio, &titles);
        for path in repeated {
            self.push_banner(format!(
                "{}: already a reference — it is listed once",
                path.display()
            ));
        }
        if audio.is_empty() {
            return Task::none();
        }
        self.apply_edit(Edit::References(references))
    }

    /// Adds audio files (from the dialog or dropped on the window) at the end of the album.
    /// Files that are not audio are named in a banner; nothing else happens to them.
    pub(crate) fn add_files(&mut self, paths: Vec<PathBuf>) -> Task<Message> {
        if self.document.is_none() {
            self.push_banner("Open or create a project before adding tracks.".into());
            return Task::none();
        }
        let audio = self.audio_only(paths);
        let Some(document) = self.document.as_ref().filter(|_| !audio.is_empty()) else {
            return Task::none();
        };
        let mut next = crate::project::next_id(&document.project);
        let tracks: Vec<Track> = audio
            .iter()
            .map(|path| {
                let id = TrackId(next);
                next += 1;
                Track {
                    id,
                    title: title_from_file_name(path),
                    source: document.relative_source(path),
                    gap_before_s: 2.0,
                    fade_in_s: 0.0,
                    fade_out_s: 0.0,
                    tone: Default::default(),
                    stereo: Default::default(),
                    headroom: Default::default(),
                }
            })
            .collect();
        let first = tracks[0].id;
        let task = self.apply_edit(Edit::Add { tracks });
        self.selected = Some(first);
        self.refresh();
        task
    }

    fn locate(&mut self, track: TrackId, path: &Path) -> Task<Message> {
        let Some(document) = &self.document else {
            return Task::none();
        };
        let source = document.relative_source(path);
        self.apply_edit(Edit::Relocate { track, source })
    }

    /// Alt+↑/↓ and the panel's buttons: moves the selected track one place.
    pub(crate) fn move_selected(&mut self, step: i32) -> Task<Message> {
        let (Some(index), Some(track)) = (self.selected_index(), self.selected) else {
            return Task::none();
        };
        let to = index as i64 + i64::from(step);
        if to < 0 {
            return Task::none();
        }
        self.apply_edit(Edit::Move {
            track,
            to_index: to as usize,
        })
    }

    /// Accepts (replacing the project with the autosave, as an undoable change) or discards the
    /// autosave offered at start.
    pub(crate) fn recover(&mut self, accept: bool) -> Task<Message> {
        let Some((project, _)) = self.recovery.take() else {
            return Task::none();
        };
        if !accept {
            if let (Some(dir), Some(document)) = (&self.data_dir, &self.document) {
                session::clear_autosave(dir, &document.path);
            }
            return Task::none();
        }
        let Some(document) = &mut self.document else {
            return Task::none();
        };
        document.project = project;
        self.notice = Some("Recovered the unsaved changes — save to keep them".into());
        self.history = Default::default();
        self.after_change(None)
    }

    /// Writes the autosave when the project changed since the last one and at least
    /// `AUTOSAVE_EVERY` passed (`now_anyway`: regardless of time, e.g. on close).
    pub(crate) fn autosave(&mut self, now: Instant, now_anyway: bool) {
        let (Some(dir), Some(document)) = (self.data_dir.clone(), &self.document) else {
            return;
        };
        if !self.is_modified() {
            return;
        }
        let due = match &self.autosaved {
            Some((project, at)) => {
                *project != document.project
                    && (now_anyway || now.duration_since(*at) >= session::AUTOSAVE_EVERY)
            }
            None => true,
        };
        if !due {
            return;
        }
        let project = document.project.clone();
        match session::write_autosave(&dir, document) {
            Ok(()) => self.autosaved = Some((project, now)),
            Err(error) => {
                // Say it once, then keep trying quietly.
                let first = self.autosaved.is_none();
                self.autosaved = Some((project, now));
                if first {
                    self.push_banner(format!(
                        "Autosave to {} failed ({error}) — save with Ctrl+S to keep your work",
                        dir.display()
                    ));
                }
            }
        }
    }
}
