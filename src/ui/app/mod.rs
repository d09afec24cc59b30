//! The desk: the application state and the routing of messages. Panels own their messages and
//! views; this module applies their actions. Project lifecycle (edits, undo, save, autosave) is
//! in `project.rs`, the engine and background renders in `playback.rs` ("As on …" in
//! `platform.rs`), the album analysis and the figures derived from it in `derived.rs`, the
//! panels' actions in `panels.rs`, shortcuts in `keys.rs`.

mod derived;
pub mod keys;
mod panels;
mod platform;
mod playback;
mod project;
mod proofs;

use super::album::{self, Album};
use super::analysis;
use super::assist::{self, AssistPanel};
use super::controls::{self, Controls};
use super::export::{self, ExportDialog};
use super::figures::TrackFigures;
use super::history::History;
use super::meters::{self, MeterStrip};
use super::session::{self, Recent};
use super::tone_view::{self, ToneView};
use super::transport::{self, Transport};
use super::{theme, view};
use crate::analysis::{AlbumStats, SpectralBalance, TrackAnalysis};
use crate::engine::{Engine, Meters, Monitor, PlayPosition};
use crate::project::{Document, Project, TrackId};
use crate::render::album::AlbumPlan;
use iced::{event, keyboard, time, window, Element, Event, Subscription, Task, Theme};
use playback::Playback;
use proofs::Proofs;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

pub use keys::Shortcut;

/// Album settings shown while no project is open.
static DEFAULT_SETTINGS: std::sync::LazyLock<crate::project::AlbumSettings> =
    std::sync::LazyLock::new(Default::default);

/// Application messages. Cheap to clone: large payloads are behind `Arc`.
#[derive(Debug, Clone)]
pub enum Message {
    Album(album::Message),
    Transport(transport::Message),
    Controls(controls::Message),
    Tone(tone_view::Message),
    Export(export::Message),
    /// Propose tone moves for the album and open the assistant's panel.
    OpenAssist,
    /// A proposal made on another thread (`panels.rs`).
    AssistReady(Arc<panels::AssistReady>),
    /// The proposal's loudness plan measured again for the moves as ticked (`panels.rs`).
    AssistPeaks(Arc<panels::PeaksReady>),
    Assist(assist::Message),
    Meters(meters::Message),
    Analysis {
        generation: u64,
        event: analysis::Event,
    },
    /// A background render of a track's master finished (`playback.rs`).
    Proofed {
        generation: u64,
        track: TrackId,
        result: Result<proofs::Proof, String>,
    },
    /// The exact gain of an edited track was re-solved (`playback.rs`).
    Resolved {
        generation: u64,
        track: TrackId,
        result: playback::Resolved,
    },
    DismissBanner(u64),
    Shortcut(Shortcut),
    Undo,
    Redo,
    Save,
    SaveAs,
    Open,
    OpenRecent(PathBuf),
    /// A file chosen in a dialog (`None`: cancelled), for what `Pick` says.
    Picked(Pick, Option<Vec<PathBuf>>),
    /// Audio files dropped on the window.
    FileDropped(PathBuf),
    /// Accept or discard the autosave offered at start.
    Recover(bool),
    /// Display-rate timer while something moves (playback, background work, autosave).
    Tick,
    CloseRequested(window::Id),
}

/// What a file dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pick {
    AddTracks,
    AddReferences,
    Locate(TrackId),
    SaveAs,
    Open,
}

/// Which file a reference's analysis belongs to: its id and source as the project stores them.
pub(super) type ReferenceKey = (TrackId, PathBuf);

/// The keys of `project`'s references, in its order.
pub(super) fn reference_keys(project: &Project) -> Vec<ReferenceKey> {
    project
        .references
        .iter()
        .map(|r| (r.id, r.source.clone()))
        .collect()
}

/// An error or notice shown at the top until dismissed. The text names the file and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Banner {
    pub id: u64,
    pub text: String,
}

/// The whole application state.
pub struct App {
    pub(super) project_path: PathBuf,
    pub(super) document: Option<Document>,
    /// The project as last saved or loaded (the "modified" marker compares with it).
    pub(super) saved: Option<Project>,
    pub(super) history: History,
    pub(super) recent: Recent,
    /// Lathe's data folder (recent list, autosaves); `None`: nothing is remembered.
    pub(super) data_dir: Option<PathBuf>,
    /// An autosave newer than the project file, offered at start.
    pub(super) recovery: Option<(Project, SystemTime)>,
    /// The project as last autosaved, and when.
    autosaved: Option<(Project, Instant)>,
    /// Source files found missing (checked when tracks change; the view does no I/O).
    pub(super) missing: HashMap<TrackId, bool>,
    pub(super) job: analysis::Job,
    /// Track ids of the running analysis, in the order it was given them.
    job_tracks: Vec<TrackId>,
    pub(super) analyses: HashMap<TrackId, TrackAnalysis>,
    pub(super) errors: HashMap<TrackId, String>,
    /// The references' analyses, in the order of `reference_keys` (the references the last
    /// finished analysis read, which an edit of the list may since have changed).
    pub(super) references: Vec<Result<TrackAnalysis, String>>,
    pub(super) reference_keys: Vec<ReferenceKey>,
    /// The references of the running analysis, in the order it was given them.
    job_references: Vec<ReferenceKey>,
    /// The weighted average of the project's references that were read (weights as they are now).
    pub(super) references_average: Option<SpectralBalance>,
    /// What the album panel shows of each project reference, in the project's order.
    pub(super) reference_statuses: Vec<album::ReferenceStatus>,
    /// The reference the engine holds as the one Reference plays, when loaded: its engine key
    /// and which reference it was made from.
    pub(super) reference_loaded: Option<(crate::engine::SourceKey, ReferenceKey)>,
    /// The reference the user chose to hear, by id and file (an id a removed reference had
    /// may be given to a new one; `None`: the first).
    pub(super) reference_chosen: Option<ReferenceKey>,
    /// Album statistics over the tracks in their current order.
    pub(super) stats: Option<AlbumStats>,
    /// The plan every track is mastered by (tracks with an analysis), and its document.
    pub(super) plan: Option<(Arc<Document>, Arc<AlbumPlan>)>,
    pub(super) figures: Vec<TrackFigures>,
    /// Each track's tone as mastered, for the figures (responses cached per track).
    pub(super) mastered_tone: crate::ui::mastered_tone::MasteredTone,
    pub(super) proofs: Proofs,
    /// The selected track (what the tone view and controls show).
    pub(super) selected: Option<TrackId>,
    pub(super) album: Album,
    pub(super) controls: Controls,
    pub(super) meter_strip: MeterStrip,
    pub(super) export: ExportDialog,
    pub(super) assist: AssistPanel,
    /// The latest proposal asked for (older ones coming back are dropped).
    assist_generation: u64,
    /// The album renders made while the proposal on show is reviewed.
    pub(super) render_memo: crate::render::toned::RenderMemo,
    /// Set to stop the measuring of the proposal's peaks under way (a newer one replaces it).
    peaks_cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    pub(super) tone_view: ToneView,
    /// Ticks with meters read (the live spectrum is passed on every third).
    pub(super) live_frames: u64,
    pub(super) transport: Transport,
    pub(super) playback: Playback,
    pub(super) engine: Engine,
    pub(super) meters: Meters,
    pub(super) banners: Vec<Banner>,
    /// A short line about the last action ("Undid tone of “Paper Boats”").
    pub(super) notice: Option<String>,
    next_banner_id: u64,
}

impl App {
    /// An app showing `document`, playing through `engine`. Selects the first track.
    pub fn new(document: Document, engine: Engine) -> App {
        let mut app = App::empty(document.path.clone(), engine);
        app.selected = document.project.tracks.first().map(|t| t.id);
        app.saved = Some(document.project.clone());
        app.document = Some(document);
        app.check_missing();
        app.refresh();
        app
    }

    /// An app whose project could not be opened: it shows why, and nothing else fails.
    pub fn failed(project_path: PathBuf, reason: &str, engine: Engine) -> App {
        let mut app = App::empty(project_path.clone(), engine);
        app.push_banner(format!(
            "Could not open the project {}: {reason} — check the path, or open another project file.",
            project_path.display()
        ));
        app.refresh();
        app
    }

    fn empty(project_path: PathBuf, engine: Engine) -> App {
        App {
            project_path,
            document: None,
            saved: None,
            history: History::default(),
            recent: Recent::default(),
            data_dir: None,
            recovery: None,
            autosaved: None,
            missing: HashMap::new(),
            job: analysis::Job::default(),
            job_tracks: Vec::new(),
            analyses: HashMap::new(),
            errors: HashMap::new(),
            references: Vec::new(),
            reference_keys: Vec::new(),
            job_references: Vec::new(),
            references_average: None,
            reference_statuses: Vec::new(),
            reference_loaded: None,
            reference_chosen: None,
            stats: None,
            plan: None,
            figures: Vec::new(),
            mastered_tone: Default::default(),
            proofs: Proofs::default(),
            selected: None,
            album: Album::default(),
            controls: Controls::default(),
            meter_strip: MeterStrip::default(),
            export: ExportDialog::default(),
            assist: AssistPanel::default(),
            assist_generation: 0,
            render_memo: Default::default(),
            peaks_cancel: None,
            tone_view: ToneView::default(),
            live_frames: 0,
            transport: Transport::default(),
            playback: Playback::default(),
            engine,
            meters: Meters::default(),
            banners: Vec::new(),
            notice: None,
            next_banner_id: 0,
        }
    }

    /// Loads the project, opens the audio output, offers a newer autosave and starts the analysis.
    pub fn boot(project_path: PathBuf) -> (App, Task<Message>) {
        let engine = Engine::start();
        let data_dir = session::data_dir();
        let mut app = match Document::load(&project_path) {
            Ok(document) => App::new(document, engine),
            Err(error) => App::failed(project_path, &error.to_string(), engine),
        };
        app.use_data_dir(data_dir);
        let task = app.start_analysis();
        (app, task)
    }

    /// Remembers the project in the recent list and looks for an autosave to recover, in `dir`.
    pub fn use_data_dir(&mut self, dir: Option<PathBuf>) {
        self.data_dir = dir;
        let Some(dir) = &self.data_dir else { return };
        self.recent = Recent::load(dir);
        if let Some(document) = &self.document {
            self.recent.remember(&document.path);
            let _ = self.recent.save(dir);
            self.recovery = session::recoverable(dir, document);
        }
    }

    /// Starts a new analysis generation of all present tracks and the references; older runs
    /// are cancelled. Analyses are cached on disk, so re-running after an edit is quick.
    pub fn start_analysis(&mut self) -> Task<Message> {
        let Some(document) = &self.document else {
            return Task::none();
        };
        let tracks = &document.project.tracks;
        let paths: Vec<Option<PathBuf>> = tracks
            .iter()
            .map(|t| (!self.is_missing(t.id)).then(|| document.source_path(&t.source)))
            .collect();
        let references: Vec<PathBuf> = document
            .project
            .references
            .iter()
            .map(|r| document.source_path(&r.source))
            .collect();
        self.job_tracks = tracks.iter().map(|t| t.id).collect();
        self.job_references = reference_keys(&document.project);
        let total = paths.iter().flatten().count() + references.len();
        let (generation, cancel) = self.job.begin(total);
        self.refresh();
        Task::stream(analysis::run(paths, references, cancel))
            .map(move |event| Message::Analysis { generation, event })
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Album(message) => {
                let Some(document) = &self.document else {
                    return Task::none();
                };
                let action = self.album.update(message, &document.project, self.selected);
                return self.on_album(action);
            }
            Message::Transport(message) => return self.transport_message(message),
            Message::Controls(message) => {
                // The panel reads the app while it updates: lend it out for the call.
                let mut panel = std::mem::take(&mut self.controls);
                let action = panel.update(message, self.controls_context());
                self.controls = panel;
                return self.on_controls(action);
            }
            Message::Export(message) => return self.export_message(message),
            Message::OpenAssist => return self.open_assist(self.assist.options().clone()),
            Message::AssistReady(ready) => return self.on_assist_ready(&ready),
            Message::AssistPeaks(ready) => self.on_assist_peaks(&ready),
            Message::Assist(message) => {
                let action = self.assist.update(message);
                return self.on_assist(action);
            }
            Message::Tone(message) => match self.tone_view.update(message) {
                tone_view::Action::None => {}
                tone_view::Action::Edit(edit) => return self.apply_edit(edit),
                tone_view::Action::GestureEnd => self.end_gesture(),
            },
            Message::Meters(message) => match self.meter_strip.update(message) {
                meters::Action::ResetMeters => self.engine.reset_meters(),
                meters::Action::None => {}
            },
            Message::Analysis { generation, event } => return self.on_analysis(generation, event),
            Message::Proofed {
                generation,
                track,
                result,
            } => return self.on_proofed(generation, track, result),
            Message::Resolved {
                generation,
                track,
                result,
            } => self.on_resolved(generation, track, result),
            Message::DismissBanner(id) => self.banners.retain(|b| b.id != id),
            Message::Shortcut(shortcut) => return self.on_shortcut(shortcut),
            Message::Undo => return self.undo(),
            Message::Redo => return self.redo(),
            Message::Save => self.save(),
            Message::SaveAs => return self.pick(Pick::SaveAs),
            Message::Open => return self.pick(Pick::Open),
            Message::OpenRecent(path) => return self.open(&path),
            Message::Picked(pick, paths) => return self.on_picked(pick, paths),
            Message::FileDropped(path) => return self.add_files(vec![path]),
            Message::Recover(accept) => return self.recover(accept),
            Message::Tick => return self.tick(Instant::now()),
            Message::CloseRequested(_) if self.export.is_running() => {
                self.push_banner(
                    "An export is running: cancel it (or let it finish) before closing Lathe, so no half-written folder is left behind."
                        .into(),
                );
            }
            Message::CloseRequested(_) => {
                self.job.cancel();
                self.engine.stop();
                // Unsaved work stays in the autosave, offered at the next start.
                self.autosave(Instant::now(), true);
                return iced::exit();
            }
        }
        Task::none()
    }

    pub(super) fn push_banner(&mut self, text: String) {
        self.next_banner_id += 1;
        self.banners.push(Banner {
            id: self.next_banner_id,
            text,
        });
    }

    pub(super) fn is_missing(&self, id: TrackId) -> bool {
        self.missing.get(&id).copied().unwrap_or(false)
    }

    pub(super) fn selected_index(&self) -> Option<usize> {
        let selected = self.selected?;
        self.document
            .as_ref()?
            .project
            .tracks
            .iter()
            .position(|t| t.id == selected)
    }

    pub fn view(&self) -> Element<'_, Message> {
        view::window(self)
    }

    pub fn title(&self) -> String {
        let modified = if self.is_modified() { " •" } else { "" };
        match &self.document {
            Some(d) => format!("Lathe — {}{modified}", d.project.album.title),
            None => "Lathe".to_string(),
        }
    }

    pub fn theme(&self) -> Theme {
        theme::lathe()
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let close = window::close_requests().map(Message::CloseRequested);
        let input = event::listen_with(|event, status, _window| match (event, status) {
            (Event::Window(window::Event::FileDropped(path)), _) => {
                Some(Message::FileDropped(path))
            }
            (
                Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. }),
                event::Status::Ignored,
            ) => keys::shortcut(&key, modifiers).map(Message::Shortcut),
            _ => None,
        });
        let album = self.album.subscription().map(Message::Album);
        let busy = self.playback.is_busy()
            || self.job.is_running()
            || self.proofs.is_running()
            || self.is_modified();
        if busy {
            // ~30 fps for the playhead and meters; the canvases redraw only what moved.
            let tick = time::every(Duration::from_millis(33)).map(|_| Message::Tick);
            Subscription::batch([close, input, album, tick])
        } else {
            Subscription::batch([close, input, album])
        }
    }

    // Read access for tests and the binary.
    pub fn selected(&self) -> Option<TrackId> {
        self.selected
    }
    /// `(fraction, done, total)` while the analysis runs.
    pub fn analysis_progress(&self) -> Option<(f32, usize, usize)> {
        self.job.progress
    }
    pub fn analysis_generation(&self) -> u64 {
        self.job.generation
    }
    pub fn banners(&self) -> &[Banner] {
        &self.banners
    }
    /// The tone view's curves' input, or `None` while it shows a note.
    pub fn tone_shown(&self) -> Option<&tone_view::ToneInput> {
        self.tone_view.input()
    }
    /// The tone view's readings at `freq_hz` (what hovering there shows).
    pub fn tone_readout(&self, freq_hz: f64) -> Vec<tone_view::Reading> {
        self.tone_view.readout(freq_hz)
    }
    /// Whether a proposal is being made on another thread.
    pub fn assist_is_busy(&self) -> bool {
        self.assist.is_busy()
    }

    /// The assistant's proposal under review, if its panel is open.
    pub fn assist_proposal(&self) -> Option<&crate::assist::AlbumProposal> {
        self.assist.proposal()
    }
    /// The assistant's EQ previews per track (dB on a log grid 20 Hz–20 kHz).
    pub fn assist_previews(&self) -> &[Vec<f64>] {
        self.assist.previews()
    }
    /// Whether the export dialog is open, and whether its export runs.
    pub fn export_state(&self) -> (bool, bool) {
        (self.export.is_open(), self.export.is_running())
    }
    /// The sentence the tone view shows instead of curves.
    pub fn tone_note(&self) -> Option<&str> {
        self.tone_view.note()
    }
    pub fn project_path(&self) -> &Path {
        &self.project_path
    }
    pub fn document(&self) -> Option<&Document> {
        self.document.as_ref()
    }
    pub fn figures(&self) -> &[TrackFigures] {
        &self.figures
    }
    pub fn position(&self) -> PlayPosition {
        self.playback.position
    }
    pub fn monitor(&self) -> Monitor {
        self.playback.monitor
    }
    /// Shows playback at `position` with `meters` without an engine (frame-time bench, pictures).
    #[doc(hidden)]
    pub fn pose_playing(&mut self, position: PlayPosition, meters: Meters) {
        let before = self.playback.current_track();
        self.playback.position = position;
        self.meters = meters;
        if self.playback.current_track() != before {
            self.refresh();
        }
    }
    /// Whether the project differs from the file on disk.
    pub fn is_modified(&self) -> bool {
        match (&self.document, &self.saved) {
            (Some(d), Some(saved)) => d.project != *saved,
            _ => false,
        }
    }
}

/// Runs `work` on its own thread and answers with its result (a panic becomes an error naming
/// `what` stopped: "the background render stopped unexpectedly").
fn background<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Task<Result<T, String>> {
    Task::future(async move {
        let (sender, receiver) = iced::futures::channel::oneshot::channel();
        std::thread::spawn(move || {
            let _ = sender.send(work());
        });
        receiver
            .await
            .unwrap_or_else(|_| Err(format!("the background {what} stopped unexpectedly")))
    })
}
