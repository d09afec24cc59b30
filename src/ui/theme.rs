//! Lathe's dark theme: one palette, and the few widget styles the panels share.
//! Plot colours come from the Okabe-Ito palette, chosen to stay distinct for the common
//! forms of colour blindness; curves also differ by line style, never by colour alone.

use iced::widget::{button, container};
use iced::{border, Background, Border, Color, Theme};

const fn rgb(hex: u32) -> Color {
    Color::from_rgb8(
        (hex >> 16) as u8,
        (hex >> 8 & 0xff) as u8,
        (hex & 0xff) as u8,
    )
}

/// Window background.
pub const BACKGROUND: Color = rgb(0x14161b);
/// Panels on the background.
pub const SURFACE: Color = rgb(0x1d2027);
/// Hovered rows, plot background.
pub const RAISED: Color = rgb(0x272b34);
/// Hairlines: panel borders, plot grid.
pub const LINE: Color = rgb(0x353a45);
/// Body text.
pub const TEXT: Color = rgb(0xe4e7ec);
/// Secondary text: labels, units, placeholders.
pub const MUTED: Color = rgb(0x949cab);

/// Okabe-Ito orange: the selected track (its curve and its row).
pub const TRACK: Color = rgb(0xe69f00);
/// Okabe-Ito sky blue: the album average.
pub const ALBUM: Color = rgb(0x56b4e9);
/// Okabe-Ito bluish green.
pub const SUCCESS: Color = rgb(0x009e73);
/// Okabe-Ito yellow: warnings such as a missing file.
pub const WARNING: Color = rgb(0xf0e442);
/// Okabe-Ito vermillion: errors.
pub const DANGER: Color = rgb(0xd55e00);

/// The application theme.
pub fn lathe() -> Theme {
    Theme::custom(
        "Lathe Dark",
        iced::theme::Palette {
            background: BACKGROUND,
            text: TEXT,
            primary: TRACK,
            success: SUCCESS,
            warning: WARNING,
            danger: DANGER,
        },
    )
}

/// A panel: slightly lifted from the background, hairline border.
pub fn panel(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(SURFACE)),
        border: Border {
            color: LINE,
            width: 1.0,
            radius: 6.0.into(),
        },
        ..container::Style::default()
    }
}

/// An error banner.
pub fn banner(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(Color { a: 0.18, ..DANGER })),
        border: Border {
            color: DANGER,
            width: 1.0,
            radius: 6.0.into(),
        },
        text_color: Some(TEXT),
        ..container::Style::default()
    }
}

/// A track-list row: flat, highlighted on hover, marked in the track colour when selected.
pub fn row(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_theme, status| {
        let background = match (selected, status) {
            (true, _) => Some(Background::Color(Color { a: 0.16, ..TRACK })),
            (false, button::Status::Hovered | button::Status::Pressed) => {
                Some(Background::Color(RAISED))
            }
            _ => None,
        };
        button::Style {
            background,
            text_color: TEXT,
            border: Border {
                color: if selected { TRACK } else { Color::TRANSPARENT },
                width: 1.0,
                radius: 4.0.into(),
            },
            ..button::Style::default()
        }
    }
}

/// Transport buttons: quiet until hovered, dimmed when disabled.
pub fn transport_button(_theme: &Theme, status: button::Status) -> button::Style {
    let (background, text_color) = match status {
        button::Status::Active => (RAISED, TEXT),
        button::Status::Hovered => (LINE, TEXT),
        button::Status::Pressed => (Color { a: 0.3, ..TRACK }, TEXT),
        button::Status::Disabled => (SURFACE, MUTED),
    };
    button::Style {
        background: Some(Background::Color(background)),
        text_color,
        border: border::rounded(4).color(LINE).width(1),
        ..button::Style::default()
    }
}

/// Okabe-Ito reddish purple: the references average.
pub const REFERENCE: Color = rgb(0xcc79a7);
/// Okabe-Ito bluish green: the EQ response curve and its handles.
pub const EQ: Color = rgb(0x009e73);
/// Okabe-Ito yellow, used translucent: the deviation from the match target.
pub const DEVIATION: Color = rgb(0xf0e442);
/// A light violet, apart from every other curve's hue: the assistant's proposed curve.
pub const PROPOSED: Color = rgb(0xb4a7f5);
/// A light neutral, used translucent: the live spectrum of what is playing.
pub const LIVE: Color = rgb(0xc9ced8);

/// One choice of a segmented control (match target, loudness mode, limiter character): the
/// chosen one tinted in the accent colour, the others quiet; disabled ones dimmed.
pub fn segment(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    segment_with(selected, MUTED)
}

/// [`segment`] with the unchosen choices' text in `idle_text` (the export dialog's choices are
/// the form's values, so they read in body text).
pub fn segment_with(
    selected: bool,
    idle_text: Color,
) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_theme, status| {
        let (background, text_color, border_color) = match (selected, status) {
            (_, button::Status::Disabled) => (SURFACE, Color { a: 0.55, ..MUTED }, LINE),
            (true, _) => (Color { a: 0.22, ..TRACK }, TEXT, TRACK),
            (false, button::Status::Hovered | button::Status::Pressed) => (LINE, TEXT, LINE),
            (false, button::Status::Active) => (RAISED, idle_text, LINE),
        };
        button::Style {
            background: Some(Background::Color(background)),
            text_color,
            border: border::rounded(4).color(border_color).width(1),
            ..button::Style::default()
        }
    }
}

/// A notice that asks for a decision (recovery offer): calm, not an error.
pub fn notice(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(Color { a: 0.16, ..ALBUM })),
        border: Border {
            color: ALBUM,
            width: 1.0,
            radius: 6.0.into(),
        },
        text_color: Some(TEXT),
        ..container::Style::default()
    }
}
