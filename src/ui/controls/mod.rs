//! The right-hand column of the desk: tone controls of the selected track (trim, tilt, shelves,
//! bells, match EQ, stereo) and the album's headroom controls (delivery preset, target,
//! ceiling, loudness mode, spread, the track's offset, limiter), with a gain-reduction meter and
//! a plain-words warning when the limiter works hard.
//!
//! [`Controls`] is the panel the app wires in; [`tone::Tone`] and [`headroom::Headroom`] can
//! also be used alone. Every change comes back as an [`Action`] carrying an `Edit`; the panel
//! never touches the project.

pub mod headroom;
pub mod knob;
pub mod scale;
pub mod tone;

#[cfg(test)]
mod tests;

use super::edit::Edit;
use super::figures::TrackFigures;
use super::theme;
use crate::project::{AlbumSettings, Track};
use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Fill};

/// Panel messages.
#[derive(Debug, Clone)]
pub enum Message {
    Tone(tone::Message),
    Headroom(headroom::Message),
}

/// What the app must do after a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Apply through the undo history. A control being dragged sends one per movement; they
    /// merge into one undo step (same `Edit::gesture`) until [`Action::GestureEnd`].
    Edit(Edit),
    /// Apply as an undo step of its own (a click: reset, add/remove band, a choice): close the
    /// open gesture before applying, and again after.
    Commit(Edit),
    /// A drag was released: close the undo step (`History::close_gesture`).
    GestureEnd,
}

/// What the panel reads (borrowed from the app on each call).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The album's delivery and headroom settings.
    pub settings: &'a AlbumSettings,
    /// The selected track, if any.
    pub track: Option<&'a Track>,
    /// The selected track's figures, if known.
    pub figures: Option<&'a TrackFigures>,
    /// Whether references are loaded and analysed (matching toward them is possible).
    pub has_references: bool,
    /// The limiter's gain reduction right now while playing, dB (positive); 0 when silent.
    pub live_gain_reduction_db: f64,
}

/// The tone and headroom column (UI state only).
#[derive(Debug, Default)]
pub struct Controls {
    pub tone: tone::Tone,
    pub headroom: headroom::Headroom,
}

impl Controls {
    /// Handles a message; returns the edit for the app to apply.
    pub fn update(&mut self, message: Message, cx: Context<'_>) -> Action {
        match message {
            Message::Tone(m) => match cx.track {
                Some(track) => self.tone.update(m, track, cx.has_references),
                None => Action::None,
            },
            Message::Headroom(m) => self.headroom.update(m, cx.settings, cx.track),
        }
    }

    /// The column, scrollable when the window is short: sections "Tone", "Match", "Stereo"
    /// (the selected track) then "Headroom" and "Limiter" (the album).
    pub fn view<'a>(&'a self, cx: Context<'a>) -> Element<'a, Message> {
        let tone: Element<'a, Message> = match cx.track {
            Some(track) => self.tone.view(track, cx.has_references).map(Message::Tone),
            None => column![
                heading("Tone"),
                text("Select a track to shape its tone.")
                    .size(knob::TEXT_SIZE)
                    .color(theme::MUTED)
            ]
            .spacing(6)
            .into(),
        };
        let headroom = self
            .headroom
            .view(cx.settings, cx.track, cx.figures, cx.live_gain_reduction_db)
            .map(Message::Headroom);
        container(
            scrollable(
                column![tone, headroom]
                    .spacing(SECTION_SPACING)
                    .padding([10, 14]),
            )
            .height(Fill),
        )
        .style(theme::panel)
        .width(Fill)
        .height(Fill)
        .into()
    }
}

/// Space between sections.
pub(crate) const SECTION_SPACING: f32 = 10.0;
/// Space between rows of a section.
pub(crate) const ROW_SPACING: f32 = 3.0;

/// A section heading: "Tone", "Match", "Stereo", "Headroom", "Limiter".
pub(crate) fn heading<'a, M: 'a>(title: &'a str) -> Element<'a, M> {
    text(title).size(14).color(theme::TEXT).into()
}

/// A muted line of explanation under a control.
pub(crate) fn note<'a, M: 'a>(words: impl text::IntoFragment<'a>) -> Element<'a, M> {
    text(words).size(12).color(theme::MUTED).into()
}

/// A segmented choice: one button per option, the current one marked; `None` disables a
/// button. Laid out after a label column so it lines up with the control rows.
pub(crate) fn segmented<'a, M: Clone + 'a>(
    label: &'a str,
    options: Vec<(&'a str, bool, Option<M>)>,
) -> Element<'a, M> {
    let mut buttons = row![].spacing(4);
    for (name, selected, message) in options {
        buttons = buttons.push(
            button(text(name).size(12).center().width(Fill))
                .padding([1, 4])
                .width(Fill)
                .style(theme::segment(selected))
                .on_press_maybe(message),
        );
    }
    row![
        text(label)
            .size(knob::TEXT_SIZE)
            .color(theme::MUTED)
            .width(knob::LABEL_WIDTH),
        buttons.width(Fill)
    ]
    .spacing(8)
    .align_y(iced::Alignment::Center)
    .into()
}
