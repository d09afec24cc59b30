//! The seek bar: the playing track's short-term loudness over time (from the analysis), the
//! playhead and the loop region. Click to seek, drag to mark a loop. The loudness picture is
//! cached; only the playhead and the loop are drawn every frame.

use super::super::theme;
use super::Message;
use iced::widget::canvas::{self, Event, Frame, Path, Stroke};
use iced::{mouse, Point, Rectangle, Renderer, Size, Theme};

/// Loudness range drawn, LUFS: quiet passages sit at the bottom, the loudest at the top.
const FLOOR_LUFS: f32 = -40.0;
const TOP_LUFS: f32 = -4.0;
/// A press that moves less than this is a click (seek), more is a drag (loop), pixels.
const DRAG_PX: f32 = 4.0;

/// The pure time↔pixel mapping of the bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub width_px: f32,
    pub duration_s: f64,
}

impl Scale {
    /// Seconds at `x` (pixels from the bar's left edge), clamped to the track.
    pub fn seconds(self, x: f32) -> f64 {
        if self.width_px <= 0.0 {
            return 0.0;
        }
        (f64::from(x) / f64::from(self.width_px) * self.duration_s).clamp(0.0, self.duration_s)
    }

    /// Pixels from the left edge at `seconds`.
    pub fn x(self, seconds: f64) -> f32 {
        if self.duration_s <= 0.0 {
            return 0.0;
        }
        (seconds / self.duration_s).clamp(0.0, 1.0) as f32 * self.width_px
    }
}

/// What a press-move-release on the bar means.
pub fn gesture(scale: Scale, pressed_x: f32, released_x: f32) -> Message {
    if (released_x - pressed_x).abs() < DRAG_PX {
        Message::Seek(scale.seconds(released_x))
    } else {
        let (a, b) = (scale.seconds(pressed_x), scale.seconds(released_x));
        Message::SetLoop(Some((a.min(b), a.max(b))))
    }
}

/// The canvas program, borrowed from the transport's state for one frame.
pub struct SeekBar<'a> {
    pub loudness: &'a [Option<f32>],
    pub step_s: f64,
    pub duration_s: f64,
    pub position_s: f64,
    pub loop_region: Option<(f64, f64)>,
    pub cache: &'a canvas::Cache,
}

/// Where a press started (pixels from the bar's left edge) and where the pointer is now.
#[derive(Debug, Default)]
pub struct Press {
    from_x: Option<f32>,
    now_x: f32,
}

impl canvas::Program<Message> for SeekBar<'_> {
    type State = Press;

    fn update(
        &self,
        press: &mut Press,
        event: &Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> Option<canvas::Action<Message>> {
        let scale = Scale {
            width_px: bounds.width,
            duration_s: self.duration_s,
        };
        match event {
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let position = cursor.position_in(bounds)?;
                press.from_x = Some(position.x);
                press.now_x = position.x;
                Some(canvas::Action::request_redraw().and_capture())
            }
            Event::Mouse(mouse::Event::CursorMoved { .. }) if press.from_x.is_some() => {
                let x = cursor.position().map_or(press.now_x, |p| p.x - bounds.x);
                press.now_x = x.clamp(0.0, bounds.width);
                Some(canvas::Action::request_redraw())
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                let from = press.from_x.take()?;
                let message = gesture(scale, from, press.now_x);
                Some(canvas::Action::publish(message).and_capture())
            }
            _ => None,
        }
    }

    fn draw(
        &self,
        press: &Press,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let scale = Scale {
            width_px: bounds.width,
            duration_s: self.duration_s,
        };
        let picture = self.cache.draw(renderer, bounds.size(), |frame| {
            frame.fill_rectangle(Point::ORIGIN, frame.size(), theme::RAISED);
            draw_loudness(frame, self, scale);
        });
        let mut overlay = Frame::new(renderer, bounds.size());
        let height = bounds.height;
        let region = match (press.from_x, self.loop_region) {
            (Some(from), _) if (press.now_x - from).abs() >= DRAG_PX => {
                Some((from.min(press.now_x), from.max(press.now_x)))
            }
            (_, Some((a, b))) => Some((scale.x(a), scale.x(b))),
            _ => None,
        };
        if let Some((a, b)) = region {
            overlay.fill_rectangle(
                Point::new(a, 0.0),
                Size::new((b - a).max(1.0), height),
                iced::Color {
                    a: 0.22,
                    ..theme::ALBUM
                },
            );
            for x in [a, b] {
                overlay.stroke(
                    &Path::line(Point::new(x, 0.0), Point::new(x, height)),
                    Stroke::default().with_color(theme::ALBUM).with_width(1.5),
                );
            }
        }
        if self.duration_s > 0.0 {
            let x = scale.x(self.position_s);
            overlay.stroke(
                &Path::line(Point::new(x, 0.0), Point::new(x, height)),
                Stroke::default().with_color(theme::TEXT).with_width(2.0),
            );
        }
        vec![picture, overlay.into_geometry()]
    }

    fn mouse_interaction(
        &self,
        _press: &Press,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if cursor.is_over(bounds) && self.duration_s > 0.0 {
            mouse::Interaction::Pointer
        } else {
            mouse::Interaction::default()
        }
    }
}

/// The short-term loudness as a filled outline, one column per pixel (the loudest value the
/// column covers, so short peaks stay visible at any width).
fn draw_loudness(frame: &mut Frame, bar: &SeekBar<'_>, scale: Scale) {
    let (width, height) = (frame.width(), frame.height());
    if bar.loudness.is_empty() || bar.step_s <= 0.0 || width < 2.0 {
        return;
    }
    let y = |lufs: f32| {
        let t = ((lufs - FLOOR_LUFS) / (TOP_LUFS - FLOOR_LUFS)).clamp(0.0, 1.0);
        height - t * (height - 2.0)
    };
    let columns = width as usize;
    let outline = Path::new(|p| {
        p.move_to(Point::new(0.0, height));
        for column in 0..columns {
            let (t0, t1) = (
                scale.seconds(column as f32),
                scale.seconds(column as f32 + 1.0),
            );
            let (i0, i1) = (
                (t0 / bar.step_s) as usize,
                ((t1 / bar.step_s).ceil() as usize).max((t0 / bar.step_s) as usize + 1),
            );
            let loudest = bar
                .loudness
                .get(i0.min(bar.loudness.len())..i1.min(bar.loudness.len()))
                .unwrap_or(&[])
                .iter()
                .flatten()
                .copied()
                .fold(FLOOR_LUFS, f32::max);
            p.line_to(Point::new(column as f32, y(loudest)));
        }
        p.line_to(Point::new(width, height));
        p.close();
    });
    frame.fill(
        &outline,
        iced::Color {
            a: 0.55,
            ..theme::TRACK
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCALE: Scale = Scale {
        width_px: 500.0,
        duration_s: 200.0,
    };

    #[test]
    fn pixels_and_seconds_map_both_ways_and_clamp() {
        assert_eq!(SCALE.seconds(250.0), 100.0);
        assert_eq!(SCALE.x(50.0), 125.0);
        assert_eq!(SCALE.seconds(-10.0), 0.0);
        assert_eq!(SCALE.seconds(900.0), 200.0);
        let empty = Scale {
            width_px: 0.0,
            duration_s: 10.0,
        };
        assert_eq!(empty.seconds(3.0), 0.0);
    }

    #[test]
    fn a_click_seeks_and_a_drag_marks_a_loop_either_way() {
        assert_eq!(gesture(SCALE, 100.0, 102.0), Message::Seek(40.8));
        assert_eq!(
            gesture(SCALE, 100.0, 200.0),
            Message::SetLoop(Some((40.0, 80.0)))
        );
        assert_eq!(
            gesture(SCALE, 200.0, 100.0),
            Message::SetLoop(Some((40.0, 80.0)))
        );
    }
}
