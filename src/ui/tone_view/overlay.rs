//! The hover layer: a crosshair with dots where it meets the curves, the readout box, and a
//! ring on the handle under the cursor. Drawn fresh each frame; small.

use super::axes::{format_db, Layout};
use super::draw::{aligned, alpha, label, HANDLE_R};
use super::handles::{self, Handle, MAX_BELLS};
use super::{theme, Reading};
use crate::project::ToneSettings;
use crate::units;
use iced::widget::canvas::{Frame, Path, Stroke};
use iced::{alignment, Color, Point, Rectangle, Size};

/// What the hover box says.
pub enum Hover<'a> {
    /// The curves' values at a frequency (the EQ's last); `hint` adds a line of help.
    Curves {
        freq_hz: f64,
        readings: &'a [Reading],
        hint: Option<&'static str>,
    },
    /// A handle's own settings.
    Handle {
        handle: Handle,
        tone: &'a ToneSettings,
    },
}

/// The crosshair at `x`, dots where it meets the curves, and the readout box.
pub fn hover(frame: &mut Frame, layout: &Layout, x: f32, dots: &[(Point, Color)], what: Hover<'_>) {
    let cross = Stroke::default()
        .with_color(alpha(theme::TEXT, 0.3))
        .with_width(1.0);
    for rect in [layout.plot, layout.strip] {
        frame.stroke(
            &Path::line(Point::new(x, rect.y), Point::new(x, rect.y + rect.height)),
            cross,
        );
    }
    for &(at, color) in dots {
        frame.fill(&Path::circle(at, 3.5), color);
    }

    let mut lines: Vec<(Option<Color>, String, String)> = Vec::new();
    let title = match what {
        Hover::Curves {
            freq_hz,
            readings,
            hint,
        } => {
            for r in readings {
                lines.push((Some(r.color), r.name.to_string(), format_db(r.level_db)));
            }
            if let Some(hint) = hint {
                lines.push((None, hint.to_string(), String::new()));
            }
            units::hz(freq_hz)
        }
        Hover::Handle { handle, tone } => {
            if let Some((freq_hz, gain_db)) = handles::position(tone, handle) {
                let freq_name = if handle == Handle::Tilt {
                    "Pivot"
                } else {
                    "Frequency"
                };
                lines.push((None, freq_name.into(), units::hz(freq_hz)));
                lines.push((None, "Gain".into(), format_db(gain_db)));
            }
            if let Handle::Bell(i) = handle {
                if let Some(bell) = tone.bells.get(i) {
                    lines.push((None, "Q".into(), format!("{:.2}", bell.q)));
                }
                lines.push((
                    None,
                    "wheel: Q · double-click: remove".into(),
                    String::new(),
                ));
            } else {
                lines.push((None, "double-click: back to 0 dB".into(), String::new()));
            }
            handle.name()
        }
    };
    let row_h = 15.0;
    let width = 196.0;
    let height = 10.0 + row_h * (lines.len() as f32 + 1.0);
    let plot = layout.plot;
    let left = if x > plot.x + plot.width / 2.0 {
        plot.x + 8.0
    } else {
        plot.x + plot.width - width - 8.0
    };
    let top = plot.y + 8.0;
    let bounds = Rectangle::new(Point::new(left, top), Size::new(width, height));
    frame.fill(
        &Path::rounded_rectangle(bounds.position(), bounds.size(), 4.0.into()),
        alpha(theme::BACKGROUND, 0.92),
    );
    frame.stroke(
        &Path::rounded_rectangle(bounds.position(), bounds.size(), 4.0.into()),
        Stroke::default().with_color(theme::LINE).with_width(1.0),
    );
    let mut y = top + 5.0 + row_h / 2.0;
    frame.fill_text(label(title, Point::new(left + 10.0, y), theme::TEXT, 13.0));
    for (color, name, value) in lines {
        y += row_h;
        let mut name_x = left + 10.0;
        if let Some(color) = color {
            frame.fill_rectangle(Point::new(name_x, y - 1.0), Size::new(10.0, 3.0), color);
            name_x += 16.0;
        }
        let name_color = if value.is_empty() {
            theme::MUTED
        } else {
            theme::TEXT
        };
        let size = if value.is_empty() { 11.0 } else { 12.0 };
        frame.fill_text(label(name, Point::new(name_x, y), name_color, size));
        frame.fill_text(aligned(
            label(value, Point::new(left + width - 10.0, y), theme::TEXT, 12.0),
            alignment::Horizontal::Right,
        ));
    }
}

/// A ring around the handle under the cursor or being dragged.
pub fn highlight(frame: &mut Frame, at: Point) {
    frame.stroke(
        &Path::circle(at, HANDLE_R + 2.5),
        Stroke::default().with_color(theme::TEXT).with_width(2.0),
    );
}

/// The number of bells that may still be added (for the hover hint).
pub fn bells_left(tone: &ToneSettings) -> usize {
    MAX_BELLS.saturating_sub(tone.bells.len())
}
