//! The album panel: the sequence (`list.rs`: tracks in order with their figures, reorder by
//! drag and drop or buttons, add, remove, rename, locate missing files; `detail.rs`: the
//! selected row's gap, fades and buttons; `widgets.rs`: its small parts), the album's reference
//! tracks under it (`references.rs`: add, weigh, remove) and the album overview
//! (`overview.rs`: every track's loudness before → after on one chart).
//!
//! The panel never changes the project: it returns an [`Action`] and the app applies
//! [`Edit`]s through the undo history. Its own state is only what the user is in the middle
//! of: a drag, a rename, a gap being typed.

mod detail;
mod list;
mod overview;
mod references;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod view_tests;
mod widgets;

use super::edit::Edit;
use super::figures::TrackFigures;
use crate::project::{Project, TrackId};
use iced::widget::Id;
use iced::{Element, Subscription};

use overview::Overview;
pub use overview::HEIGHT as OVERVIEW_HEIGHT;
pub use references::{ReferenceStatus, WEIGHT_STEP};

/// Panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A row (or the overview's column) was clicked.
    Select(TrackId),
    /// The overview chart was clicked on the column of the track at this album index.
    OverviewClicked(usize),
    /// The grip of a row was pressed: a drag starts.
    DragStart(TrackId),
    /// While dragging, the pointer is over insertion slot `n` (0 = before the first track,
    /// `len` = after the last).
    DragOver(usize),
    /// The mouse button was released over the list: drop.
    DragEnd,
    /// The pointer left the list while dragging: the drag is abandoned.
    DragCancel,
    /// Move the selected track by this many places (the ↑/↓ buttons; the app sends it for
    /// Alt+↑/↓).
    MoveSelected(i32),
    /// "Add tracks…" was pressed.
    PickFiles,
    /// "Remove" was pressed on a track.
    Remove(TrackId),
    /// "Locate…" was pressed on a missing track.
    Locate(TrackId),
    /// Start renaming a track (double-click on its title, or the "Rename" button).
    StartRename(TrackId),
    /// The rename field's text changed.
    RenameInput(String),
    /// Enter in the rename field.
    RenameCommit,
    /// Escape, the "×" button, or a click elsewhere in the panel.
    RenameCancel,
    /// The gap field of a track changed (text as typed, seconds).
    GapInput(TrackId, String),
    /// Enter in the gap field of a track.
    GapCommit(TrackId),
    /// A fade stepper: change the fade in (or out) of a track by `delta_s` seconds.
    FadeStep {
        track: TrackId,
        fade: Fade,
        delta_s: f64,
    },
    /// "Add reference…" was pressed.
    PickReferences,
    /// "Remove" was pressed on a reference.
    RemoveReference(TrackId),
    /// A reference's weight stepper: change its weight by this much.
    ReferenceWeight(TrackId, f64),
    /// "Listen" on a reference: it becomes the one Reference plays.
    ChooseReference(TrackId),
}

/// Which end of a track a fade belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fade {
    /// The fade at the start.
    In,
    /// The fade at the end.
    Out,
}

/// What the app must do after a panel message.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Nothing.
    None,
    /// Make this track the selected one.
    Select(TrackId),
    /// Apply this edit through the undo history (Move, Remove, Rename, Gap, Fades). After a
    /// Remove the app says "removed — Ctrl+Z to undo".
    Edit(Edit),
    /// Open the file dialog (several audio files) and add what was picked with `Edit::Add`.
    PickFiles,
    /// Open the file dialog (audio files) and add what was picked as references.
    PickReferences,
    /// Make this reference the one Reference plays, and play it.
    ChooseReference(TrackId),
    /// Open the file dialog (one audio file) for this missing track and apply
    /// `Edit::Relocate` with what was picked.
    Locate(TrackId),
    /// Focus this text field (return `iced::widget::operation::focus(id)` as a task): the
    /// rename field just appeared.
    Focus(Id),
}

/// The rename field's widget id (see [`Action::Focus`]).
pub const RENAME_INPUT: &str = "album-rename";

/// Longest gap before a track, seconds (what `Edit::Gap` clamps to).
pub const GAP_MAX_S: f64 = 60.0;
/// Longest fade, seconds (what `Edit::Fades` clamps to).
pub const FADE_MAX_S: f64 = 30.0;
/// One click of a fade stepper, seconds.
pub const FADE_STEP_S: f64 = 0.5;

/// A drag of one track by its grip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Drag {
    pub(crate) track: TrackId,
    /// The insertion slot under the pointer, once it has moved over a row.
    pub(crate) slot: Option<usize>,
}

/// A track's title being edited in place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rename {
    pub(crate) track: TrackId,
    pub(crate) draft: String,
    /// An empty title was submitted (shown as a red field; nothing is applied).
    pub(crate) rejected: bool,
}

/// A gap being typed, not yet committed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GapDraft {
    pub(crate) track: TrackId,
    pub(crate) text: String,
    /// Why the last Enter was refused.
    pub(crate) error: Option<GapError>,
}

/// Why a typed gap was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapError {
    /// Not a number of seconds.
    NotANumber,
    /// Below 0 s or above [`GAP_MAX_S`].
    OutOfRange,
}

/// Within this long after a click selected a row, a click on a button of the row's detail is the
/// second click of a double-click: the detail opened under the pointer (the row that closed above
/// moved everything up), and the user meant to rename, not to press what appeared there.
pub const SECOND_CLICK: std::time::Duration = std::time::Duration::from_millis(500);

/// The album panel's state: the sequence's gestures in progress and the overview's cache.
#[derive(Debug, Default)]
pub struct Album {
    pub(crate) drag: Option<Drag>,
    pub(crate) rename: Option<Rename>,
    pub(crate) gap: Option<GapDraft>,
    pub(crate) overview: Overview,
    /// The row a click selected last, and when.
    pub(crate) selected_at: Option<(TrackId, std::time::Instant)>,
}

impl Album {
    /// Handles a panel message. `project` and `selected` are the app's (read only).
    pub fn update(
        &mut self,
        message: Message,
        project: &Project,
        selected: Option<TrackId>,
    ) -> Action {
        // Any other interaction with the panel ends a rename without applying it, the way a
        // click outside a field would (iced 0.14's text_input reports no blur).
        if !matches!(
            message,
            Message::StartRename(_) | Message::RenameInput(_) | Message::RenameCommit
        ) {
            self.rename = None;
        }
        let index_of = |id: TrackId| project.tracks.iter().position(|t| t.id == id);
        if let Some(id) = self.second_click(&message, selected) {
            return self.update(Message::StartRename(id), project, selected);
        }
        match message {
            Message::Select(id) => self.select(id, selected),
            Message::OverviewClicked(index) => match project.tracks.get(index) {
                Some(track) => self.select(track.id, selected),
                None => Action::None,
            },
            Message::DragStart(id) => {
                self.drag = index_of(id).map(|_| Drag {
                    track: id,
                    slot: None,
                });
                Action::None
            }
            Message::DragOver(slot) => {
                if let Some(drag) = &mut self.drag {
                    drag.slot = Some(slot.min(project.tracks.len()));
                }
                Action::None
            }
            Message::DragEnd => {
                let Some(Drag {
                    track,
                    slot: Some(slot),
                }) = self.drag.take()
                else {
                    return Action::None;
                };
                index_of(track)
                    .and_then(|from| drop_index(from, slot, project.tracks.len()))
                    .map_or(Action::None, |to_index| {
                        Action::Edit(Edit::Move { track, to_index })
                    })
            }
            Message::DragCancel => {
                self.drag = None;
                Action::None
            }
            Message::MoveSelected(delta) => selected
                .and_then(|id| {
                    let from = index_of(id)?;
                    let to = moved_index(from, delta, project.tracks.len())?;
                    Some(Action::Edit(Edit::Move {
                        track: id,
                        to_index: to,
                    }))
                })
                .unwrap_or(Action::None),
            Message::PickFiles => Action::PickFiles,
            Message::Remove(id) => match index_of(id) {
                Some(_) => Action::Edit(Edit::Remove { track: id }),
                None => Action::None,
            },
            Message::Locate(id) => match index_of(id) {
                Some(_) => Action::Locate(id),
                None => Action::None,
            },
            Message::StartRename(id) => match index_of(id) {
                Some(i) => {
                    self.rename = Some(Rename {
                        track: id,
                        draft: project.tracks[i].title.clone(),
                        rejected: false,
                    });
                    Action::Focus(Id::new(RENAME_INPUT))
                }
                None => Action::None,
            },
            Message::RenameInput(text) => {
                if let Some(rename) = &mut self.rename {
                    rename.draft = text;
                    rename.rejected = false;
                }
                Action::None
            }
            Message::RenameCommit => self.commit_rename(project),
            Message::RenameCancel => Action::None,
            Message::GapInput(id, text) => {
                self.gap = Some(GapDraft {
                    track: id,
                    text,
                    error: None,
                });
                Action::None
            }
            Message::GapCommit(id) => self.commit_gap(id, project),
            Message::FadeStep {
                track,
                fade,
                delta_s,
            } => {
                let Some(t) = index_of(track).map(|i| &project.tracks[i]) else {
                    return Action::None;
                };
                let step = |s: f64| (s + delta_s).clamp(0.0, FADE_MAX_S);
                let (fade_in_s, fade_out_s) = match fade {
                    Fade::In => (step(t.fade_in_s), t.fade_out_s),
                    Fade::Out => (t.fade_in_s, step(t.fade_out_s)),
                };
                if (fade_in_s, fade_out_s) == (t.fade_in_s, t.fade_out_s) {
                    return Action::None;
                }
                Action::Edit(Edit::Fades {
                    track,
                    fade_in_s,
                    fade_out_s,
                })
            }
            Message::PickReferences => Action::PickReferences,
            Message::RemoveReference(id) => {
                references::removed(project, id).map_or(Action::None, Action::Edit)
            }
            Message::ReferenceWeight(id, delta) => {
                references::weighed(project, id, delta).map_or(Action::None, Action::Edit)
            }
            Message::ChooseReference(id) => match project.references.iter().any(|r| r.id == id) {
                true => Action::ChooseReference(id),
                false => Action::None,
            },
        }
    }

    /// Escape ends a rename. Only listens while renaming; the app batches it into its own
    /// subscription (`album.subscription().map(Message::Album)`).
    pub fn subscription(&self) -> Subscription<Message> {
        if self.rename.is_none() {
            return Subscription::none();
        }
        // The text field captures Escape (it unfocuses itself), so listen to captured events too.
        iced::event::listen_with(|event, _status, _window| match event {
            iced::Event::Keyboard(iced::keyboard::Event::KeyPressed {
                key: iced::keyboard::Key::Named(iced::keyboard::key::Named::Escape),
                ..
            }) => Some(Message::RenameCancel),
            _ => None,
        })
    }

    /// The sequence panel, with the references under it. `figures[i]` belongs to
    /// `project.tracks[i]`, `references[i]` to `project.references[i]`; `selected` and
    /// `playing` are the app's.
    pub fn view<'a>(
        &'a self,
        project: &'a Project,
        figures: &'a [TrackFigures],
        references: &'a [ReferenceStatus],
        selected: Option<TrackId>,
        playing: Option<TrackId>,
    ) -> Element<'a, Message> {
        list::view(self, project, figures, references, selected, playing)
    }

    /// The album overview chart ([`OVERVIEW_HEIGHT`] tall): `figures` in album order, the
    /// album's target loudness (LUFS) and the selected track's index.
    pub fn overview<'a>(
        &'a self,
        figures: &[TrackFigures],
        target_lufs: f64,
        selected: Option<usize>,
    ) -> Element<'a, Message> {
        self.overview.view(figures, target_lufs, selected)
    }

    /// Whether a track is being dragged (the app may want to ignore ↑/↓ meanwhile).
    pub fn is_dragging(&self) -> bool {
        self.drag.is_some()
    }

    /// Whether a title is being edited (the app should not treat typed keys as shortcuts).
    pub fn is_renaming(&self) -> bool {
        self.rename.is_some()
    }

    fn select(&mut self, id: TrackId, selected: Option<TrackId>) -> Action {
        if self.gap.as_ref().is_some_and(|g| g.track != id) {
            self.gap = None;
        }
        if selected == Some(id) {
            Action::None
        } else {
            self.selected_at = Some((id, std::time::Instant::now()));
            Action::Select(id)
        }
    }

    /// The track to rename when `message` is a press on the detail of a row selected within
    /// [`SECOND_CLICK`] (see there).
    fn second_click(&self, message: &Message, selected: Option<TrackId>) -> Option<TrackId> {
        let from_detail = match *message {
            Message::MoveSelected(_) => selected,
            Message::Remove(id) | Message::FadeStep { track: id, .. } => Some(id),
            _ => None,
        }?;
        let (id, at) = self.selected_at?;
        (id == from_detail && selected == Some(id) && at.elapsed() < SECOND_CLICK).then_some(id)
    }

    fn commit_rename(&mut self, project: &Project) -> Action {
        let Some(rename) = &mut self.rename else {
            return Action::None;
        };
        let title = rename.draft.trim();
        if title.is_empty() {
            rename.rejected = true;
            return Action::None;
        }
        let track = rename.track;
        let unchanged = project
            .tracks
            .iter()
            .find(|t| t.id == track)
            .is_none_or(|t| t.title == title);
        let title = title.to_string();
        self.rename = None;
        if unchanged {
            Action::None
        } else {
            Action::Edit(Edit::Rename { track, title })
        }
    }

    fn commit_gap(&mut self, id: TrackId, project: &Project) -> Action {
        let Some(draft) = self.gap.as_mut().filter(|g| g.track == id) else {
            return Action::None;
        };
        match parse_seconds(&draft.text, GAP_MAX_S) {
            Err(error) => {
                draft.error = Some(error);
                Action::None
            }
            Ok(gap_before_s) => {
                self.gap = None;
                match project.tracks.iter().find(|t| t.id == id) {
                    Some(t) if t.gap_before_s != gap_before_s => Action::Edit(Edit::Gap {
                        track: id,
                        gap_before_s,
                    }),
                    _ => Action::None,
                }
            }
        }
    }
}

/// Where a dragged track lands, as the `to_index` of `Edit::Move`, when dropped at insertion
/// slot `slot` (0 = before the first track, `len` = after the last). `None` when the drop
/// leaves the order unchanged (on the track itself or just below it).
pub fn drop_index(from: usize, slot: usize, len: usize) -> Option<usize> {
    if from >= len {
        return None;
    }
    let slot = slot.min(len);
    if slot == from || slot == from + 1 {
        return None;
    }
    // The track is removed before it is inserted, so slots below it shift up by one.
    Some(if slot > from { slot - 1 } else { slot })
}

/// The insertion slot for a pointer `y_in_row` pixels below the top of row `row` whose main
/// line is `row_height` tall: its upper half means before the row, the rest after it.
pub fn slot_at(row: usize, y_in_row: f32, row_height: f32) -> usize {
    if y_in_row < row_height / 2.0 {
        row
    } else {
        row + 1
    }
}

/// The index a track at `from` moves to when nudged by `delta` places, or `None` when it is
/// already at that end of the album (no edit past the ends).
pub fn moved_index(from: usize, delta: i32, len: usize) -> Option<usize> {
    if from >= len {
        return None;
    }
    let to = (from as i64 + i64::from(delta)).clamp(0, len as i64 - 1) as usize;
    (to != from).then_some(to)
}

/// Parses a typed duration in seconds ("2", "2.5", "2,5", "2.5 s"), accepted within
/// 0..=`max_s`.
pub fn parse_seconds(text: &str, max_s: f64) -> Result<f64, GapError> {
    let text = text.trim();
    let number = text
        .strip_suffix('s')
        .unwrap_or(text)
        .trim()
        .replace(',', ".");
    let seconds: f64 = number.parse().map_err(|_| GapError::NotANumber)?;
    if !seconds.is_finite() {
        return Err(GapError::NotANumber);
    }
    if !(0.0..=max_s).contains(&seconds) {
        return Err(GapError::OutOfRange);
    }
    // Tenths are what the field shows; "-0" parses and is in range, keep it positive.
    Ok((seconds * 10.0).round() / 10.0 + 0.0)
}

/// `m:ss` for a duration in seconds.
pub(crate) fn duration_text(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", total / 60, total % 60)
}
