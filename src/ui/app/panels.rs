//! The panels' actions and the keyboard's shortcuts, turned into edits, dialogs and transport
//! calls: the routing `App::update` delegates to.

use super::{album, assist, controls, export, App, Message, Pick, Shortcut, DEFAULT_SETTINGS};
use crate::assist::AssistOptions;
use crate::project::MatchTarget;
use crate::ui::transport;
use iced::Task;

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

    /// Runs the assistant on the analyses at hand (no I/O) with `options` and shows its
    /// proposal. As `lathe assist` does, a target that needs references uses the project's
    /// reference tracks, or the built-in curve when there are none.
    pub(super) fn open_assist(&mut self, options: AssistOptions) {
        let Some(document) = &self.document else {
            return;
        };
        let tracks: Vec<Option<crate::analysis::TrackAnalysis>> = document
            .project
            .tracks
            .iter()
            .map(|t| self.analyses.get(&t.id).cloned())
            .collect();
        let references: Vec<(crate::analysis::TrackAnalysis, f64)> = self
            .references
            .iter()
            .zip(&document.project.references)
            .filter_map(|(r, reference)| Some((r.as_ref().ok()?.clone(), reference.weight)))
            .collect();
        let curve = match options.target {
            MatchTarget::AlbumAverage => None,
            _ => crate::assist::built_in(crate::assist::DEFAULT_CURVE).ok(),
        };
        let stand_in = match (&curve, references.is_empty()) {
            (Some(curve), true) => Some(format!(
                "The project has no reference tracks: the built-in curve “{}” stands in for them.",
                curve.title
            )),
            _ => None,
        };
        let input = crate::assist::AssistInput {
            project: &document.project,
            tracks: &tracks,
            references: &references,
            curve: curve.as_ref(),
        };
        let result = crate::assist::propose(&input, &options).map_err(|e| e.to_string());
        self.assist
            .show(result, &document.project, options, stand_in);
        self.refresh_tone();
    }

    pub(super) fn on_assist(&mut self, action: assist::Action) -> Task<Message> {
        match action {
            assist::Action::None => Task::none(),
            assist::Action::Changed => {
                self.refresh_tone();
                Task::none()
            }
            assist::Action::Propose(options) => {
                self.open_assist(options);
                Task::none()
            }
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
