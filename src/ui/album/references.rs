//! The album's reference tracks, under the sequence: add (a file dialog), weigh (their
//! average is weighted: the tone view's "Refs" curve and the assistant's references target)
//! and remove. Each row says whether the file was read and how loud it is.

use super::list::{SIZE, SMALL, SPACING};
use super::widgets::{small_button, tip};
use super::Message;
use crate::project::{Project, Reference, TrackId, REFERENCE_WEIGHT_RANGE};
use crate::ui::edit::Edit;
use crate::ui::fit_text::ellipsized;
use crate::ui::theme;
use iced::widget::text::Wrapping;
use iced::widget::{column, container, responsive, row, space, text, tooltip, Column};
use iced::{Alignment, Element};

/// Width of the column that marks the reference played or offers to listen to it.
const LISTEN_W: f32 = 50.0;

/// One click of a weight stepper.
pub const WEIGHT_STEP: f64 = 0.25;

/// What the app knows of a reference's file.
#[derive(Debug, Clone, PartialEq)]
pub enum ReferenceStatus {
    /// Not analysed yet.
    Analysing,
    /// Read; its integrated loudness when it has one, LUFS, and whether it is the one the
    /// Reference monitor plays.
    Read { lufs: Option<f64>, plays: bool },
    /// Could not be read: why, in words.
    Failed(String),
}

/// The references with `reference`'s weight moved by `delta` (within
/// [`REFERENCE_WEIGHT_RANGE`]), or `None` when that changes nothing.
pub fn weighed(project: &Project, reference: TrackId, delta: f64) -> Option<Edit> {
    let (lo, hi) = REFERENCE_WEIGHT_RANGE;
    let mut references = project.references.clone();
    let r = references.iter_mut().find(|r| r.id == reference)?;
    // A weight typed into the file outside the range is only moved toward it.
    let weight = ((r.weight + delta) / WEIGHT_STEP).round() * WEIGHT_STEP;
    let weight = if delta > 0.0 {
        weight.min(hi.max(r.weight))
    } else {
        weight.max(lo.min(r.weight))
    };
    if weight == r.weight {
        return None;
    }
    r.weight = weight;
    Some(Edit::References(references))
}

/// The references without `reference`, or `None` when it is not one of them.
pub fn removed(project: &Project, reference: TrackId) -> Option<Edit> {
    let mut references = project.references.clone();
    let before = references.len();
    references.retain(|r| r.id != reference);
    (references.len() != before).then_some(Edit::References(references))
}

/// The section: heading with its add button, then a row per reference (or a hint).
pub(super) fn view<'a>(
    project: &'a Project,
    status: &'a [ReferenceStatus],
) -> Element<'a, Message> {
    let count = match project.references.len() {
        0 => String::new(),
        1 => "1 reference".to_string(),
        n => format!("{n} references, weighted"),
    };
    let heading = row![
        text("References").size(14),
        text(count).size(SMALL).color(theme::MUTED),
        space::horizontal(),
        small_button("Add reference…", Some(Message::PickReferences)),
    ]
    .spacing(10)
    .align_y(Alignment::Center)
    .padding([0, 2]);
    let mut rows = Column::new().spacing(2);
    if project.references.is_empty() {
        rows = rows.push(
            text("Releases to compare with: the tone view draws their average, the assistant can aim at it, and Reference plays the one you listen to.")
                .size(SMALL)
                .color(theme::MUTED),
        );
    }
    for (i, reference) in project.references.iter().enumerate() {
        let state = status.get(i).unwrap_or(&ReferenceStatus::Analysing);
        rows = rows.push(reference_row(reference, state));
    }
    column![heading, rows].spacing(4).into()
}

fn reference_row<'a>(
    reference: &'a Reference,
    status: &'a ReferenceStatus,
) -> Element<'a, Message> {
    let id = reference.id;
    let title = responsive(move |size| {
        text(ellipsized(&reference.title, SIZE, size.width))
            .size(SIZE)
            .wrapping(Wrapping::None)
            .into()
    })
    .height(20);
    let (figure, color, why, plays) = match status {
        ReferenceStatus::Analysing => ("analysing…".to_string(), theme::MUTED, None, false),
        ReferenceStatus::Read { lufs, plays } => (
            crate::units::unsigned_or_dash(*lufs, 1, "LUFS"),
            theme::MUTED,
            None,
            *plays,
        ),
        ReferenceStatus::Failed(why) => ("not read".to_string(), theme::WARNING, Some(why), false),
    };
    let figure = text(figure)
        .size(SMALL)
        .color(color)
        .wrapping(Wrapping::None);
    let figure: Element<'a, Message> = match why {
        Some(why) => tooltip(figure, tip(why.as_str()), tooltip::Position::Top).into(),
        None => figure.into(),
    };
    // The one Reference plays is marked; the others offer to be heard instead.
    let listen: Element<'a, Message> = if plays {
        tooltip(
            text("♪").size(SIZE).color(theme::TRACK),
            tip("Reference (R) plays this one"),
            tooltip::Position::Top,
        )
        .into()
    } else {
        let readable = matches!(status, ReferenceStatus::Read { .. });
        tooltip(
            small_button("Listen", readable.then_some(Message::ChooseReference(id))),
            tip("Listen to this reference (it becomes the one R plays)"),
            tooltip::Position::Top,
        )
        .into()
    };
    let weight = row![
        small_button("−", Some(Message::ReferenceWeight(id, -WEIGHT_STEP))),
        text(format!("×{:.2}", reference.weight))
            .size(SMALL)
            .width(40)
            .align_x(iced::alignment::Horizontal::Center),
        small_button("+", Some(Message::ReferenceWeight(id, WEIGHT_STEP))),
    ]
    .spacing(2)
    .align_y(Alignment::Center);
    let weight = tooltip(
        weight,
        tip("Weight in the references' average"),
        tooltip::Position::Top,
    );
    row![
        container(listen).width(LISTEN_W).center_x(LISTEN_W),
        title,
        figure,
        weight,
        small_button("Remove", Some(Message::RemoveReference(id))),
    ]
    .spacing(SPACING)
    .padding([0, 6])
    .align_y(Alignment::Center)
    .into()
}
