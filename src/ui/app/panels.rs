//! The panels' actions and the keyboard's shortcuts, turned into edits, dialogs and transport
//! calls: the routing `App::update` delegates to.

use super::{
    album, assist, background, controls, export, App, Message, Pick, Shortcut, DEFAULT_SETTINGS,
};
use crate::analysis::TrackAnalysis;
use crate::assist::{AlbumProposal, AssistInput, AssistOptions, ReferenceCurve};
use crate::project::MatchTarget;
use crate::project::{Document, Project};
use crate::render::toned::RenderMemo;
use crate::ui::transport;
use iced::Task;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

impl App {
    pub(in crate::ui) fn export_message(&mut self, message: export::Message) -> Task<Message> {
        let Some(document) = &self.document else {
            return Task::none();
        };
        match self
            .export
            .update(message, document, &document.project.settings)
        {
            export::Action::None => Task::none(),
            export::Action::Edit(edit) => {
                self.end_gesture();
                self.apply_edit(edit)
            }
            export::Action::Run(task) => task.map(Message::Export),
            export::Action::Error(text) => {
                self.push_banner(text);
                Task::none()
            }
        }
    }

    /// Starts a proposal with `options` on the analyses at hand (no I/O) on another thread; the
    /// panel shows it when `Message::AssistReady` comes back. As `lathe assist` does, a target
    /// that needs references uses the project's reference tracks, or the built-in curve when
    /// there are none.
    pub(super) fn open_assist(&mut self, options: AssistOptions) -> Task<Message> {
        let Some(job) = self.assist_job(options) else {
            return Task::none();
        };
        self.assist.set_busy(true);
        background("proposal", move || Ok(job.run()))
            .map(Result::ok)
            .and_then(|ready| Task::done(Message::AssistReady(Arc::new(ready))))
    }

    /// Everything a proposal needs, copied, tagged with a new generation (so only the latest
    /// of several quick requests is shown).
    fn assist_job(&mut self, options: AssistOptions) -> Option<AssistJob> {
        let document = self.document.as_ref()?;
        let tracks = self.track_analyses(document);
        let references = self.reference_analyses(document);
        let curve = match options.target {
            MatchTarget::AlbumAverage => None,
            _ => crate::assist::built_in(crate::assist::DEFAULT_CURVE).ok(),
        };
        self.assist_generation += 1;
        Some(AssistJob {
            generation: self.assist_generation,
            document: document.clone(),
            tracks,
            references,
            curve,
            options,
        })
    }

    /// A proposal came back: shown if it is the latest asked for and the album still has the
    /// same tracks (else it is asked for again on the album as it is now).
    pub(super) fn on_assist_ready(&mut self, ready: &AssistReady) -> Task<Message> {
        if ready.generation != self.assist_generation {
            return Task::none();
        }
        self.stop_measuring_peaks();
        let Some(document) = &self.document else {
            return Task::none();
        };
        let ids = |p: &crate::project::Project| p.tracks.iter().map(|t| t.id).collect::<Vec<_>>();
        if ids(&document.project) != ids(&ready.project) {
            return self.open_assist(ready.options.clone());
        }
        self.render_memo = ready.memo.clone();
        self.assist.show(
            ready.result.clone(),
            &document.project,
            &ready.project,
            ready.options.clone(),
            ready.stand_in.clone(),
        );
        self.refresh_tone();
        // A desk edit made while the proposal was made: its peaks are measured again.
        self.measure_peaks_if_stale()
    }

    pub(super) fn on_assist(&mut self, action: assist::Action) -> Task<Message> {
        match action {
            assist::Action::None => Task::none(),
            assist::Action::Changed => {
                self.refresh_tone();
                self.measure_peaks_if_stale()
            }
            assist::Action::Propose(options) => self.open_assist(options),
            assist::Action::Select(id) => {
                if self.selected != Some(id) {
                    self.selected = Some(id);
                    self.refresh();
                }
                Task::none()
            }
            assist::Action::Apply(proposal) => {
                let Some(document) = &self.document else {
                    return Task::none();
                };
                let assisted = crate::assist::apply(&document.project, &proposal);
                self.end_gesture();
                let task = self.apply_edit(crate::ui::edit::Edit::Assist(Box::new(assisted)));
                self.notice = Some("Applied the assistant's proposal — Ctrl+Z to undo".into());
                task
            }
        }
    }

    /// When ticks, amounts or a desk edit changed the tone or stereo the shown loudness plan's
    /// tracks were rendered for, renders them again off the UI thread, after a short pause so a
    /// slider's run of changes asks once; a newer request stops the one under way.
    pub(in crate::ui) fn measure_peaks_if_stale(&mut self) -> Task<Message> {
        if !self.assist.peaks_stale() {
            // Back to the moves measured (or closed): what is under way is for other moves.
            self.stop_measuring_peaks();
            return Task::none();
        }
        self.stop_measuring_peaks();
        let (Some(document), Some(proposal)) = (&self.document, self.assist.proposal()) else {
            return Task::none();
        };
        let cancel = Arc::new(AtomicBool::new(false));
        self.peaks_cancel = Some(cancel.clone());
        let job = PeaksJob {
            generation: self.assist_generation,
            key: self.assist.render_key(),
            document: document.clone(),
            proposal: proposal.clone(),
            tracks: self.track_analyses(document),
            references: self.reference_analyses(document),
            memo: self.render_memo.clone(),
            cancel,
        };
        background("peak measurement", move || Ok(job.run()))
            .map(Result::ok)
            .and_then(|ready| match ready {
                Some(ready) => Task::done(Message::AssistPeaks(Arc::new(ready))),
                None => Task::none(),
            })
    }

    fn stop_measuring_peaks(&mut self) {
        if let Some(cancel) = self.peaks_cancel.take() {
            cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Peaks measured again: the panel takes the plan if its moves are still those measured.
    pub(super) fn on_assist_peaks(&mut self, ready: &PeaksReady) {
        if ready.generation == self.assist_generation {
            self.render_memo = ready.memo.clone();
            self.assist.set_measured_plan(&ready.key, &ready.proposal);
        }
    }

    /// Each track's analysis in album order (`None`: not analysed).
    fn track_analyses(&self, document: &Document) -> Vec<Option<TrackAnalysis>> {
        document
            .project
            .tracks
            .iter()
            .map(|t| self.analyses.get(&t.id).cloned())
            .collect()
    }

    pub(super) fn on_album(&mut self, action: album::Action) -> Task<Message> {
        match action {
            album::Action::None => Task::none(),
            album::Action::Select(id) => {
                if self.selected != Some(id) {
                    self.selected = Some(id);
                    self.refresh();
                }
                Task::none()
            }
            album::Action::Edit(edit) => {
                let removed = matches!(edit, crate::ui::edit::Edit::Remove { .. });
                let title = self.document.as_ref().map(|d| edit.describe(&d.project));
                let task = self.apply_edit(edit);
                if removed {
                    self.notice = title.map(|t| format!("{t} — Ctrl+Z to undo"));
                }
                task
            }
            album::Action::PickFiles => self.pick(Pick::AddTracks),
            album::Action::PickReferences => self.pick(Pick::AddReferences),
            album::Action::ChooseReference(id) => {
                self.choose_reference(id);
                Task::none()
            }
            album::Action::Locate(id) => self.pick(Pick::Locate(id)),
            album::Action::Focus(id) => iced::widget::operation::focus(id),
        }
    }

    pub(super) fn on_controls(&mut self, action: controls::Action) -> Task<Message> {
        match action {
            controls::Action::None => Task::none(),
            controls::Action::Edit(edit) => self.apply_edit(edit),
            controls::Action::Commit(edit) => {
                self.end_gesture();
                let task = self.apply_edit(edit);
                self.end_gesture();
                task
            }
            controls::Action::GestureEnd => {
                self.end_gesture();
                Task::none()
            }
        }
    }

    /// What the controls read: the album settings, the selected track and its figures.
    pub(in crate::ui) fn controls_context(&self) -> controls::Context<'_> {
        let document = self.document.as_ref();
        let index = self.selected_index();
        controls::Context {
            settings: document.map_or(&DEFAULT_SETTINGS, |d| &d.project.settings),
            track: index.and_then(|i| document.map(|d| &d.project.tracks[i])),
            figures: index.and_then(|i| self.figures.get(i)),
            has_references: self.references_average.is_some(),
            live_gain_reduction_db: self.meters.gain_reduction_db,
        }
    }

    pub(super) fn on_shortcut(&mut self, shortcut: Shortcut) -> Task<Message> {
        use transport::Message as T;
        match shortcut {
            Shortcut::PlayPause => self.transport_message(T::PlayPause),
            Shortcut::ToggleOriginal => self.transport_message(T::ToggleOriginal),
            Shortcut::ToggleReference => self.transport_message(T::ToggleReference),
            Shortcut::SeekBy(s) => self.transport_message(T::SeekBy(s)),
            Shortcut::Select(step) => {
                self.select_step(step);
                Task::none()
            }
            Shortcut::Move(step) => self.move_selected(step),
            Shortcut::Undo => self.undo(),
            Shortcut::Redo => self.redo(),
            Shortcut::Save => {
                self.save();
                Task::none()
            }
            Shortcut::SaveAs => self.pick(Pick::SaveAs),
            Shortcut::Open => self.pick(Pick::Open),
            Shortcut::Export => self.export_message(export::Message::Open),
            Shortcut::Escape if self.assist.is_open() => {
                let action = self.assist.update(assist::Message::Close);
                self.on_assist(action)
            }
            Shortcut::Escape if self.export.is_open() && !self.export.is_running() => {
                self.export_message(export::Message::Close)
            }
            Shortcut::Escape => Task::none(),
        }
    }

    /// Selects the track `step` places away from the selected one (clamped to the album).
    pub(super) fn select_step(&mut self, step: i32) {
        let Some(document) = &self.document else {
            return;
        };
        let tracks = &document.project.tracks;
        if tracks.is_empty() {
            return;
        }
        let here = self.selected_index().map_or(-1, |i| i as i64);
        let next = (here + i64::from(step)).clamp(0, tracks.len() as i64 - 1) as usize;
        let id = tracks[next].id;
        if self.selected != Some(id) {
            self.selected = Some(id);
            self.refresh();
        }
    }
}

/// A proposal to make off the UI thread: copies of what `assist::propose` reads.
pub(in crate::ui) struct AssistJob {
    generation: u64,
    /// The project and where it is (its sources are read to render the plan).
    document: Document,
    tracks: Vec<Option<TrackAnalysis>>,
    /// Each of the project's references in its order: its file and, when it has one, its analysis.
    references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    curve: Option<ReferenceCurve>,
    options: AssistOptions,
}

impl AssistJob {
    /// Makes the proposal (0.1–0.3 s on a real album), then renders every track with its moves
    /// under the loudness plan, as `lathe assist` does, for the limiting and loudness the plan
    /// states (about an export's time without the writing).
    pub(in crate::ui) fn run(self) -> AssistReady {
        let project = &self.document.project;
        let weighted: Vec<(TrackAnalysis, f64)> = self
            .references
            .iter()
            .zip(&project.references)
            .filter_map(|((_, a), r)| Some((a.clone()?, r.weight)))
            .collect();
        let input = AssistInput {
            project,
            tracks: &self.tracks,
            references: &weighted,
            curve: self.curve.as_ref(),
        };
        let mut memo = RenderMemo::default();
        let result = crate::assist::propose(&input, &self.options)
            .map(|proposal| {
                crate::render::toned::with_rendered_plan_memo(
                    &self.document,
                    &proposal,
                    &self.tracks,
                    self.references.clone(),
                    &std::sync::atomic::AtomicBool::new(false),
                    &mut memo,
                )
            })
            .map_err(|e| e.to_string());
        let stand_in = match (&self.curve, weighted.is_empty()) {
            (Some(curve), true) => Some(if self.references.is_empty() {
                format!(
                    "The project has no reference tracks: the built-in curve “{}” stands in for them.",
                    curve.title
                )
            } else {
                format!(
                    "No reference track has been read (yet, or its file fails): the built-in curve “{}” stands in for them.",
                    curve.title
                )
            }),
            _ => None,
        };
        AssistReady {
            generation: self.generation,
            result,
            project: self.document.project,
            options: self.options,
            stand_in,
            memo,
        }
    }
}

/// A finished proposal and what it was made for.
#[derive(Debug)]
pub struct AssistReady {
    generation: u64,
    result: Result<AlbumProposal, String>,
    project: Project,
    options: AssistOptions,
    stand_in: Option<String>,
    /// The album renders made for it, for the review's later renders to find.
    memo: RenderMemo,
}

/// How long a request to measure the peaks again waits before it starts: a slider sends a run
/// of changes, and only the last is worth rendering the album for.
const PEAKS_PAUSE: Duration = Duration::from_millis(300);

/// The peaks of a proposal under review to measure again for the moves as ticked now.
struct PeaksJob {
    /// The proposal's generation (a new proposal makes this one's result moot).
    generation: u64,
    /// What the project Apply would write is, as far as the renders depend on it.
    key: assist::RenderKey,
    document: Document,
    proposal: AlbumProposal,
    tracks: Vec<Option<TrackAnalysis>>,
    references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    /// The review's renders so far.
    memo: RenderMemo,
    cancel: Arc<AtomicBool>,
}

impl PeaksJob {
    /// Renders the tracks as `lathe assist` does; `None` when a newer request stopped it.
    fn run(mut self) -> Option<PeaksReady> {
        std::thread::sleep(PEAKS_PAUSE);
        if self.cancel.load(Ordering::Relaxed) {
            return None;
        }
        let proposal = crate::render::toned::with_rendered_plan_memo(
            &self.document,
            &self.proposal,
            &self.tracks,
            self.references,
            &self.cancel,
            &mut self.memo,
        );
        // A stopped render leaves tracks unmeasured: that plan is not the one asked for.
        (!self.cancel.load(Ordering::Relaxed)).then_some(PeaksReady {
            generation: self.generation,
            key: self.key,
            proposal,
            memo: self.memo,
        })
    }
}

/// A proposal's loudness plan rendered again, and what it was rendered for.
#[derive(Debug)]
pub struct PeaksReady {
    generation: u64,
    key: assist::RenderKey,
    proposal: AlbumProposal,
    /// The review's renders, with this one's.
    memo: RenderMemo,
}
