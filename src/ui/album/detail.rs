//! The selected row's detail: the gap field (validated on Enter), fade steppers, and the
//! row's buttons (move up/down, rename, remove) with the source file's name.

use super::list::{Row, GRIP_W, SMALL, SPACING};
use super::widgets::{label, small_button, tip};
use super::{Fade, GapError, Message, FADE_MAX_S, FADE_STEP_S, GAP_MAX_S};
use crate::project::TrackId;
use crate::ui::theme;
use iced::widget::text::Wrapping;
use iced::widget::{column, container, row, space, text, text_input, tooltip};
use iced::{alignment, Alignment, Element, Fill};

impl<'a> Row<'a> {
    /// The selected row's second and third lines: gap and fades, then the row's buttons.
    pub(super) fn detail(&self) -> Element<'a, Message> {
        let track = self.track;
        let id = track.id;
        let draft = self.album.gap.as_ref().filter(|g| g.track == id);
        let gap_text =
            draft.map_or_else(|| format!("{:.1}", track.gap_before_s), |g| g.text.clone());
        let error = draft.and_then(|g| g.error);
        let gap_field = text_input("0.0", &gap_text)
            .on_input(move |s| Message::GapInput(id, s))
            .on_submit(Message::GapCommit(id))
            .size(SMALL)
            .padding([2, 4])
            .width(40)
            .style(super::widgets::field_style(error.is_some()));
        let mut gap = row![label("Gap before"), gap_field, label("s")]
            .spacing(4)
            .align_y(Alignment::Center);
        if let Some(error) = error {
            gap = gap.push(
                text(match error {
                    GapError::NotANumber => "a number, please",
                    GapError::OutOfRange => "0–60 s",
                })
                .size(SMALL)
                .color(theme::DANGER),
            );
        }
        let gap = tooltip(
            gap,
            tip(format!(
                "Silence before this track, 0–{GAP_MAX_S:.0} s; Enter applies"
            )),
            tooltip::Position::Bottom,
        );
        let fades = row![
            label("Fade in"),
            stepper(id, Fade::In, track.fade_in_s),
            label("out"),
            stepper(id, Fade::Out, track.fade_out_s),
        ]
        .spacing(4)
        .align_y(Alignment::Center);
        let first = row![gap, space::horizontal(), fades]
            .spacing(SPACING)
            .align_y(Alignment::Center);

        let len = self.project.tracks.len();
        let up = (self.index > 0).then_some(Message::MoveSelected(-1));
        let down = (self.index + 1 < len).then_some(Message::MoveSelected(1));
        let second = row![
            tooltip(
                small_button("↑", up),
                tip("Move up (Alt+↑)"),
                tooltip::Position::Bottom
            ),
            tooltip(
                small_button("↓", down),
                tip("Move down (Alt+↓)"),
                tooltip::Position::Bottom
            ),
            small_button("Rename", Some(Message::StartRename(id))),
            small_button("Remove", Some(Message::Remove(id))),
            container(
                text(self.file_name())
                    .size(SMALL)
                    .color(theme::MUTED)
                    .wrapping(Wrapping::None)
            )
            .clip(true)
            .width(Fill)
            .align_x(alignment::Horizontal::Right),
        ]
        .spacing(SPACING)
        .align_y(Alignment::Center);
        // What the analysis noticed about the source, where the track's file is named.
        let notices = self.figures.map_or(&[][..], |f| f.notices.as_slice());
        let notices = notices
            .iter()
            .map(|n| text(n.as_str()).size(SMALL).color(theme::WARNING).into());
        column![first, second]
            .extend(notices)
            .spacing(6)
            .padding(iced::Padding {
                top: 0.0,
                right: 0.0,
                bottom: 8.0,
                left: GRIP_W + SPACING,
            })
            .into()
    }
}

/// "[−] 1.5 s [+]" for one fade.
fn stepper<'a>(track: TrackId, fade: Fade, value_s: f64) -> Element<'a, Message> {
    let step = |delta_s: f64| Message::FadeStep {
        track,
        fade,
        delta_s,
    };
    row![
        small_button("−", (value_s > 0.0).then(|| step(-FADE_STEP_S))),
        text(format!("{value_s:.1} s"))
            .size(SMALL)
            .width(30)
            .align_x(alignment::Horizontal::Center),
        small_button("+", (value_s < FADE_MAX_S).then(|| step(FADE_STEP_S))),
    ]
    .spacing(2)
    .align_y(Alignment::Center)
    .into()
}
