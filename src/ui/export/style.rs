//! The dialog's styles, from the shared palette in `theme.rs` (kept here rather than in
//! `theme.rs` so the panels being built side by side do not edit one file).

use super::super::theme::{
    ALBUM, BACKGROUND, DANGER, LINE, MUTED, RAISED, SUCCESS, SURFACE, TEXT, TRACK, WARNING,
};
use iced::widget::{button, container, progress_bar};
use iced::{border, Background, Border, Color, Theme};

/// The dimmed desk behind the dialog.
pub fn backdrop(_theme: &Theme) -> container::Style {
    container::Style::default().background(Color {
        a: 0.72,
        ..BACKGROUND
    })
}

/// The dialog card: the panel surface and a hairline border over the dimmed desk. No shadow: the
/// software renderer (tiny-skia, the fallback without a GPU) does not count a shadow's blur in the
/// regions it redraws, so each progress update stacked the shadow again until the card was black
/// (iced issue 2712, pull request 3359).
pub fn card(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(SURFACE)),
        border: Border {
            color: LINE,
            width: 1.0,
            radius: 8.0.into(),
        },
        text_color: Some(TEXT),
        ..container::Style::default()
    }
}

/// One choice of a segmented control (format, depth, rate): the chosen one in the accent colour.
pub fn segment(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    super::super::theme::segment_with(selected, TEXT)
}

/// The button that does the thing (Export, Open folder): filled with the accent colour.
pub fn primary(_theme: &Theme, status: button::Status) -> button::Style {
    let (background, text_color) = match status {
        button::Status::Active => (TRACK, BACKGROUND),
        button::Status::Hovered => (Color::from_rgb8(0xf2, 0xb3, 0x2e), BACKGROUND),
        button::Status::Pressed => (Color { a: 0.8, ..TRACK }, BACKGROUND),
        button::Status::Disabled => (RAISED, MUTED),
    };
    button::Style {
        background: Some(Background::Color(background)),
        text_color,
        border: border::rounded(4),
        ..button::Style::default()
    }
}

/// A progress bar: blue while working, green once done.
pub fn bar(done: bool) -> impl Fn(&Theme) -> progress_bar::Style {
    move |_theme| progress_bar::Style {
        // LINE rather than RAISED: the empty part of a waiting track's bar must stay visible.
        background: Background::Color(LINE),
        bar: Background::Color(if done { SUCCESS } else { ALBUM }),
        border: border::rounded(3),
    }
}

/// A notice in the form: why something was refused, or that the export was cancelled.
pub fn notice(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(Color { a: 0.12, ..WARNING })),
        border: Border {
            color: Color { a: 0.6, ..WARNING },
            width: 1.0,
            radius: 4.0.into(),
        },
        text_color: Some(TEXT),
        ..container::Style::default()
    }
}

/// The error text of a failed export.
pub fn failure(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(Color { a: 0.16, ..DANGER })),
        border: Border {
            color: DANGER,
            width: 1.0,
            radius: 4.0.into(),
        },
        text_color: Some(TEXT),
        ..container::Style::default()
    }
}

/// Alternate summary rows, so a long table reads across.
pub fn stripe(odd: bool) -> impl Fn(&Theme) -> container::Style {
    move |_theme| {
        if odd {
            container::Style::default().background(Color { a: 0.5, ..RAISED })
        } else {
            container::Style::default()
        }
    }
}
