//! The first window: header with analysis progress, track list, spectral balance, transport.
//! Panels own their messages; this module routes them and runs the background work.

use super::analysis::{self, Outcome};
use super::spectrum_plot::{Content, Curves, SpectrumPlot};
use super::tracks::{self, RowData, Tracks};
use super::transport::{self, Transport};
use super::{theme, view};
use crate::engine::Engine;
use crate::engine::Source;
use crate::player;
use crate::project::{Document, TrackId};
use iced::futures::channel::oneshot;
use iced::{time, window, Element, Subscription, Task, Theme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Application messages. Cheap to clone: large payloads are behind `Arc`.
#[derive(Debug, Clone)]
pub enum Message {
    Tracks(tracks::Message),
    Transport(transport::Message),
    Analysis {
        generation: u64,
        event: analysis::Event,
    },
    Decoded {
        generation: u64,
        result: Result<Arc<Source>, String>,
    },
    DismissBanner(u64),
    /// Timer while playing: read position and engine events.
    Tick,
    CloseRequested(window::Id),
}

/// An error shown at the top until dismissed. The text names the file and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Banner {
    pub id: u64,
    pub text: String,
}

/// The whole application state.
pub struct App {
    pub(super) project_path: PathBuf,
    pub(super) document: Option<Document>,
    /// Per track: source file absent (checked at load; the view does no I/O).
    pub(super) missing: Vec<bool>,
    pub(super) job: analysis::Job,
    pub(super) outcome: Option<Arc<Outcome>>,
    pub(super) tracks: Tracks,
    pub(super) spectrum: SpectrumPlot,
    pub(super) transport: Transport,
    pub(super) engine: Engine,
    pub(super) banners: Vec<Banner>,
    next_banner_id: u64,
}

impl App {
    /// An app showing `document`, playing through `engine`. Selects the first track.
    pub fn new(document: Document, engine: Engine) -> App {
        let missing = document
            .project
            .tracks
            .iter()
            .map(|t| document.is_missing(t))
            .collect();
        let mut app = App::empty(document.path.clone(), engine);
        app.tracks.selected = document.project.tracks.first().map(|t| t.id);
        app.document = Some(document);
        app.missing = missing;
        app.refresh_plot();
        app
    }

    /// An app whose project could not be opened: it shows why, and nothing else fails.
    pub fn failed(project_path: PathBuf, reason: &str, engine: Engine) -> App {
        let mut app = App::empty(project_path.clone(), engine);
        app.push_banner(format!(
            "Could not open the project {}: {reason} — check the path, or open another project file.",
            project_path.display()
        ));
        app.refresh_plot();
        app
    }

    fn empty(project_path: PathBuf, engine: Engine) -> App {
        App {
            project_path,
            document: None,
            missing: Vec::new(),
            job: analysis::Job::default(),
            outcome: None,
            tracks: Tracks::default(),
            spectrum: SpectrumPlot::default(),
            transport: Transport::default(),
            engine,
            banners: Vec::new(),
            next_banner_id: 0,
        }
    }

    /// Loads the project, opens the audio output and starts the analysis.
    pub fn boot(project_path: PathBuf) -> (App, Task<Message>) {
        let engine = Engine::start();
        match Document::load(&project_path) {
            Ok(document) => {
                let mut app = App::new(document, engine);
                let task = app.start_analysis();
                (app, task)
            }
            Err(error) => (
                App::failed(project_path, &error.to_string(), engine),
                Task::none(),
            ),
        }
    }

    /// Starts a new analysis generation of all present tracks; older runs are cancelled.
    pub fn start_analysis(&mut self) -> Task<Message> {
        let Some(document) = &self.document else {
            return Task::none();
        };
        let paths: Vec<Option<PathBuf>> = document
            .project
            .tracks
            .iter()
            .zip(&self.missing)
            .map(|(t, &missing)| (!missing).then(|| document.source_path(&t.source)))
            .collect();
        let total = paths.iter().flatten().count();
        let (generation, cancel) = self.job.begin(total);
        self.outcome = None;
        self.refresh_plot();
        Task::stream(analysis::run(paths, cancel))
            .map(move |event| Message::Analysis { generation, event })
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Tracks(message) => match self.tracks.update(message) {
                tracks::Action::SelectionChanged(_) => self.refresh_plot(),
                tracks::Action::None => {}
            },
            Message::Transport(message) => {
                let selected = self.tracks.selected;
                let action = self.transport.update(message, selected, &mut self.engine);
                if let transport::Action::Decode { track, generation } = action {
                    return self.decode(track, generation);
                }
            }
            Message::Analysis { generation, event } => self.on_analysis(generation, event),
            Message::Decoded { generation, result } => {
                if let Err(error) = self.transport.decoded(generation, result, &mut self.engine) {
                    self.push_banner(error);
                }
            }
            Message::DismissBanner(id) => self.banners.retain(|b| b.id != id),
            Message::Tick => {
                for error in self.transport.tick(&mut self.engine) {
                    self.push_banner(error);
                }
            }
            Message::CloseRequested(_) => {
                self.job.cancel();
                self.engine.stop();
                return iced::exit();
            }
        }
        Task::none()
    }

    fn on_analysis(&mut self, generation: u64, event: analysis::Event) {
        if !self.job.is_current(generation) {
            return; // a superseded or cancelled run
        }
        match event {
            analysis::Event::Progress(p) => self.job.progress = Some((p.fraction, p.done, p.total)),
            analysis::Event::Finished(outcome) => {
                self.job.progress = None;
                self.outcome = Some(outcome);
                self.refresh_plot();
            }
            analysis::Event::Stopped(reason) => {
                self.job.progress = None;
                self.push_banner(format!("Analysis: {reason}"));
                self.refresh_plot();
            }
        }
    }

    fn decode(&mut self, track: TrackId, generation: u64) -> Task<Message> {
        let Some((title, document)) = self.document.as_ref().and_then(|d| {
            let t = d.project.tracks.iter().find(|t| t.id == track)?;
            Some((t.title.clone(), d.clone()))
        }) else {
            return Task::none();
        };
        let Some(rate_hz) = self.engine.output_rate_hz() else {
            return Task::none();
        };
        Task::future(async move {
            let (sender, receiver) = oneshot::channel();
            std::thread::spawn(move || {
                let _ = sender.send(prepare_for_playback(&document, track, rate_hz));
            });
            let result = match receiver.await {
                Ok(result) => result.map_err(|e| format!("Cannot play “{title}”: {e}")),
                Err(_) => Err(format!(
                    "Cannot play “{title}”: decoding stopped unexpectedly"
                )),
            };
            Message::Decoded { generation, result }
        })
    }

    fn push_banner(&mut self, text: String) {
        self.next_banner_id += 1;
        self.banners.push(Banner {
            id: self.next_banner_id,
            text,
        });
    }

    /// Recomputes what the plot shows; the plot's cache is cleared only if that changed.
    fn refresh_plot(&mut self) {
        let content = self.plot_content();
        self.spectrum.set(content);
    }

    fn plot_content(&self) -> Content {
        let note = |s: &str| Content::Note(s.to_string());
        let Some(document) = &self.document else {
            return note("No project open");
        };
        let Some(index) = self.selected_index() else {
            return note("Select a track to see its spectral balance");
        };
        if self.missing[index] {
            return note(&format!(
                "“{}”: file missing",
                document.project.tracks[index].title
            ));
        }
        let Some(outcome) = &self.outcome else {
            return note(if self.job.is_running() {
                "Analysing…"
            } else {
                "Not analysed"
            });
        };
        match outcome.tracks.get(index).and_then(Option::as_ref) {
            Some(analysis) if !outcome.stats.average.mid_db.is_empty() => Content::Curves(Curves {
                bands_hz: analysis.spectrum.bands_hz.clone(),
                track_db: analysis.spectrum.mid_db.clone(),
                album_db: outcome.stats.average.mid_db.clone(),
            }),
            _ => note("No spectrum for this track"),
        }
    }

    pub(super) fn selected_index(&self) -> Option<usize> {
        let selected = self.tracks.selected?;
        self.document
            .as_ref()?
            .project
            .tracks
            .iter()
            .position(|t| t.id == selected)
    }

    pub(super) fn rows(&self) -> Vec<RowData<'_>> {
        (0..self.missing.len())
            .map(|i| RowData {
                analysis: self
                    .outcome
                    .as_ref()
                    .and_then(|o| o.tracks.get(i)?.as_ref()),
                missing: self.missing[i],
                error: self
                    .outcome
                    .as_ref()
                    .and_then(|o| o.errors.get(i)?.as_deref()),
            })
            .collect()
    }

    pub fn view(&self) -> Element<'_, Message> {
        view::window(self)
    }

    pub fn title(&self) -> String {
        match &self.document {
            Some(d) => format!("Lathe — {}", d.project.album.title),
            None => "Lathe".to_string(),
        }
    }

    pub fn theme(&self) -> Theme {
        theme::lathe()
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let close = window::close_requests().map(Message::CloseRequested);
        if self.transport.is_busy() {
            let tick = time::every(Duration::from_millis(100)).map(|_| Message::Tick);
            Subscription::batch([close, tick])
        } else {
            close
        }
    }

    // Read access for tests and the binary.
    pub fn selected(&self) -> Option<TrackId> {
        self.tracks.selected
    }
    /// `(fraction, done, total)` while the analysis runs.
    pub fn analysis_progress(&self) -> Option<(f32, usize, usize)> {
        self.job.progress
    }
    pub fn analysis_generation(&self) -> u64 {
        self.job.generation
    }
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_deref()
    }
    pub fn banners(&self) -> &[Banner] {
        &self.banners
    }
    pub fn plot(&self) -> &Content {
        self.spectrum.content()
    }
    pub fn project_path(&self) -> &Path {
        &self.project_path
    }
}

/// Decodes a track, resamples it to the output rate and masters it as the export would
/// (background thread): analyses come from the cache the analysis panel fills.
fn prepare_for_playback(
    document: &Document,
    track: TrackId,
    rate_hz: u32,
) -> Result<Arc<Source>, String> {
    let cache = crate::analysis::AnalysisCache::user_default();
    let plan = player::plan(document, Some(&cache))?;
    player::prepare(document, &plan, track.0, rate_hz).map(Arc::new)
}
