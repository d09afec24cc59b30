//! The sequence's small parts: the drag grip, figure cells, the tonal deviation bar,
//! compact buttons, tooltips, the row and field styles, and the drawn ▶.

use super::list::{GRIP_W, ROW_H, SIZE, SMALL, TONE_W};
use super::Message;
use crate::project::TrackId;
use crate::ui::theme;
use iced::widget::text::Wrapping;
use iced::widget::{
    button, canvas, column, container, mouse_area, row, text, text_input, tooltip, Space,
};
use iced::{
    alignment, border, mouse, Alignment, Background, Border, Color, Element, Fill, Point,
    Rectangle, Renderer, Theme,
};

/// Width of the tonal deviation bar at full scale, logical pixels.
const TONE_BAR_W: f32 = 22.0;
/// Tonal deviation at which the bar turns to the warning colour, dB.
const TONE_WARN_DB: f64 = 3.0;
/// Tonal deviation that fills the bar, dB.
const TONE_FULL_DB: f64 = 6.0;

/// Three short bars: press and drag to reorder.
pub(super) fn grip<'a>(id: TrackId) -> Element<'a, Message> {
    let bar = || {
        container(Space::new().width(GRIP_W - 2.0).height(2.0)).style(|_| {
            container::Style::default()
                .background(theme::MUTED)
                .border(border::rounded(1))
        })
    };
    let bars = container(column![bar(), bar(), bar()].spacing(3))
        .center_y(ROW_H)
        .width(GRIP_W);
    tooltip(
        mouse_area(bars)
            .on_press(Message::DragStart(id))
            .interaction(mouse::Interaction::Grab),
        tip("Drag to reorder"),
        tooltip::Position::Right,
    )
    .into()
}

/// A figure right-aligned in its column; "—" when unknown.
pub(super) fn cell<'a>(value: Option<String>, width: f32) -> Element<'a, Message> {
    let (content, color) = match value {
        Some(v) => (v, theme::TEXT),
        None => ("—".to_string(), theme::MUTED),
    };
    text(content)
        .size(SIZE)
        .color(color)
        .width(width)
        .align_x(alignment::Horizontal::Right)
        .wrapping(Wrapping::None)
        .into()
}

/// The tonal deviation as mastered (the source's when there is no mastered figure): a bar whose
/// length grows with the dB (full at 6 dB) and the figure, both in the warning colour from 3 dB;
/// the tooltip gives the source's figure beside it when the tone EQ changes it.
pub(super) fn tone<'a>(source_db: Option<f64>, mastered_db: Option<f64>) -> Element<'a, Message> {
    let Some(db) = mastered_db.or(source_db).filter(|v| v.is_finite()) else {
        return cell(None, TONE_W);
    };
    let color = if db > TONE_WARN_DB {
        theme::WARNING
    } else {
        theme::ALBUM
    };
    let fill = (TONE_BAR_W as f64 * (db / TONE_FULL_DB).clamp(0.0, 1.0)).max(1.0) as f32;
    let bar = container(
        container(Space::new().width(fill).height(6.0))
            .style(move |_| container::Style::default().background(color)),
    )
    .width(TONE_BAR_W)
    .style(|_| container::Style::default().background(theme::LINE));
    let content = row![
        bar,
        text(format!("{db:.1}"))
            .size(SIZE)
            .color(if db > TONE_WARN_DB {
                theme::WARNING
            } else {
                theme::TEXT
            })
            .width(Fill)
            .align_x(alignment::Horizontal::Right),
    ]
    .spacing(4)
    .width(TONE_W)
    .align_y(Alignment::Center);
    tooltip(
        content,
        tip(tone_tip(source_db, db)),
        tooltip::Position::Bottom,
    )
    .into()
}

/// "2.9 dB from the album's average tone as mixed → 1.4 dB as mastered", or the one figure when
/// the tone EQ does not change it (to the tenth shown).
pub(super) fn tone_tip(source_db: Option<f64>, shown_db: f64) -> String {
    let shown = crate::units::unsigned(shown_db, 1);
    match source_db.map(|s| crate::units::unsigned(s, 1)) {
        Some(source) if source != shown => {
            format!("{source} dB from the album's average tone as mixed → {shown} dB as mastered")
        }
        _ => format!("{shown} dB from the album's average tone"),
    }
}

pub(super) fn label<'a>(content: &'a str) -> iced::widget::Text<'a> {
    text(content).size(SMALL).color(theme::MUTED)
}

pub(super) fn muted<'a>(content: &'a str) -> iced::widget::Text<'a> {
    text(content).size(SIZE).color(theme::MUTED)
}

/// A compact button; disabled (dimmed) without a message.
pub(super) fn small_button<'a>(label: &'a str, message: Option<Message>) -> Element<'a, Message> {
    button(text(label).size(SMALL))
        .padding([1, 7])
        .style(theme::transport_button)
        .on_press_maybe(message)
        .into()
}

/// A tooltip's bubble.
pub(super) fn tip<'a>(content: impl text::IntoFragment<'a>) -> Element<'a, Message> {
    container(text(content).size(SMALL).color(theme::TEXT))
        .padding([4, 8])
        .max_width(280)
        .style(|_| container::Style {
            background: Some(Background::Color(theme::RAISED)),
            border: Border {
                color: theme::LINE,
                width: 1.0,
                radius: 4.0.into(),
            },
            ..container::Style::default()
        })
        .into()
}

pub(super) fn row_style(
    selected: bool,
    dragged: bool,
) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let mut style = theme::row(selected)(theme, status);
        if dragged {
            // The track being moved stays visible but recedes; the drop line is the focus.
            style.background = Some(Background::Color(theme::LINE));
            style.text_color = theme::MUTED;
        }
        style
    }
}

pub(super) fn field_style(
    invalid: bool,
) -> impl Fn(&Theme, text_input::Status) -> text_input::Style {
    move |_theme, status| {
        let border_color = match (invalid, status) {
            (true, _) => theme::DANGER,
            (false, text_input::Status::Focused { .. }) => theme::TRACK,
            (false, text_input::Status::Hovered) => theme::MUTED,
            _ => theme::LINE,
        };
        text_input::Style {
            background: Background::Color(theme::BACKGROUND),
            border: Border {
                color: border_color,
                width: 1.0,
                radius: 3.0.into(),
            },
            icon: theme::MUTED,
            placeholder: theme::MUTED,
            value: theme::TEXT,
            selection: Color {
                a: 0.35,
                ..theme::TRACK
            },
        }
    }
}

/// The ▶ beside the playing track (Fira Sans has no ▶ glyph, so it is drawn).
pub(super) struct PlayMarker;

impl canvas::Program<Message> for PlayMarker {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let mut frame = canvas::Frame::new(renderer, bounds.size());
        let (w, h) = (bounds.width, bounds.height);
        let triangle = canvas::Path::new(|p| {
            p.move_to(Point::new(0.0, 0.0));
            p.line_to(Point::new(w, h / 2.0));
            p.line_to(Point::new(0.0, h));
            p.close();
        });
        frame.fill(&triangle, theme::SUCCESS);
        vec![frame.into_geometry()]
    }
}
