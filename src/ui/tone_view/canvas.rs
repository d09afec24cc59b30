//! The canvas program: mouse gestures on the EQ strip become [`Message`]s in Hz and dB, and
//! `draw` stacks four layers — grid (cached), live spectrum (own cache), curves and handles
//! (cached), and the hover overlay (drawn fresh, small).

use super::axes::Layout;
use super::draw::{self, HANDLE_R};
use super::handles::{self, Handle};
use super::overlay::{self, Hover};
use super::{Content, Message, ReadingKind, Shown, ToneView};
use iced::mouse::{self, Button, Cursor, ScrollDelta};
use iced::widget::canvas::{self, Action, Event, Frame, Geometry};
use iced::{keyboard, Point, Rectangle, Renderer, Theme};
use std::time::{Duration, Instant};

/// Shift slows a drag (and the wheel) to a tenth.
pub const FINE: f64 = 0.1;
/// How close the cursor must be to a handle's centre to pick it, pixels.
const PICK_R: f32 = HANDLE_R + 4.0;
/// Longest pause between the two presses of a double-click.
const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// Farthest the pointer may move between them, pixels.
const DOUBLE_CLICK_PX: f32 = 6.0;
/// Pixels of a touchpad scroll counted as one wheel notch.
const PIXELS_PER_LINE: f32 = 40.0;

/// The canvas' pointer state (kept by iced in the widget tree).
#[derive(Debug, Default)]
pub struct Pointer {
    modifiers: keyboard::Modifiers,
    drag: Option<Drag>,
    /// The last press (time, place, whether it completed a double-click).
    last_click: Option<(Instant, Point, bool)>,
    /// A press on the EQ opened a gesture: its release sends [`Message::Release`].
    pressed: bool,
    /// The cursor was over the canvas at the last move (so leaving it clears the crosshair).
    inside: bool,
}

/// A handle being dragged: its value so far and where the cursor was at the last step. The
/// value moves by the cursor's steps (times [`FINE`] with Shift), so Shift can be pressed or
/// released mid-drag without the handle jumping.
#[derive(Debug, Clone, Copy)]
struct Drag {
    handle: Handle,
    freq_hz: f64,
    gain_db: f64,
    last: Point,
}

impl Pointer {
    /// The handle being dragged, if any.
    pub fn dragging(&self) -> Option<Handle> {
        self.drag.map(|d| d.handle)
    }
}

/// The handle under `at` (canvas coordinates), nearest first; later handles win ties, as
/// they are drawn on top.
pub fn pick(shown: &Shown, layout: &Layout, at: Point) -> Option<Handle> {
    let scale = layout.strip_scale();
    let tone = &shown.input.tone;
    let mut best: Option<(f32, Handle)> = None;
    for handle in handles::handles(tone) {
        let Some((f, g)) = handles::position(tone, handle) else {
            continue;
        };
        let d = at.distance(Point::new(scale.x(f), scale.y(g)));
        if d <= PICK_R && best.is_none_or(|(b, _)| d <= b) {
            best = Some((d, handle));
        }
    }
    best.map(|(_, h)| h)
}

impl canvas::Program<Message> for ToneView {
    type State = Pointer;

    fn update(
        &self,
        state: &mut Pointer,
        event: &Event,
        bounds: Rectangle,
        cursor: Cursor,
    ) -> Option<Action<Message>> {
        match event {
            Event::Keyboard(keyboard::Event::ModifiersChanged(modifiers)) => {
                state.modifiers = *modifiers;
                return None;
            }
            // Before looking at the content: a gesture ends even if a note replaced the curves.
            Event::Mouse(mouse::Event::ButtonReleased(Button::Left)) => {
                state.drag = None;
                return std::mem::take(&mut state.pressed)
                    .then(|| Action::publish(Message::Release).and_capture());
            }
            _ => {}
        }
        let Content::Shown(shown) = &self.content else {
            state.drag = None;
            return None;
        };
        let layout = Layout::new(bounds.size());
        let strip = layout.strip_scale();
        let speed = if state.modifiers.shift() { FINE } else { 1.0 };
        let Event::Mouse(event) = event else {
            return None;
        };
        match event {
            mouse::Event::CursorMoved { .. } => {
                // Relative to the canvas even outside it: a drag may leave the canvas.
                let at = cursor
                    .position()
                    .map(|p| Point::new(p.x - bounds.x, p.y - bounds.y));
                if let (Some(drag), Some(at)) = (&mut state.drag, at) {
                    let dx = f64::from(at.x - drag.last.x) * speed;
                    let dy = f64::from(at.y - drag.last.y) * speed;
                    drag.last = at;
                    let freq_hz = drag.freq_hz * (dx * strip.octaves_per_px()).exp2();
                    let gain_db = drag.gain_db - dy * strip.db_per_px();
                    (drag.freq_hz, drag.gain_db) =
                        drag.handle
                            .clamp(freq_hz, gain_db, (drag.freq_hz, drag.gain_db));
                    return Some(
                        Action::publish(Message::DragTo {
                            handle: drag.handle,
                            freq_hz: drag.freq_hz,
                            gain_db: drag.gain_db,
                        })
                        .and_capture(),
                    );
                }
                let inside = cursor.is_over(bounds);
                let was_inside = std::mem::replace(&mut state.inside, inside);
                (inside || was_inside).then(Action::request_redraw)
            }
            // The pointer left the window (no move is reported over anything else): the
            // crosshair and readout go with it.
            mouse::Event::CursorLeft => {
                std::mem::take(&mut state.inside).then(Action::request_redraw)
            }
            mouse::Event::ButtonPressed(Button::Left) => {
                let at = cursor.position_in(bounds)?;
                let now = Instant::now();
                // A second press soon and near the first; a third starts afresh, so a triple
                // click does not reset twice.
                let double = state.last_click.is_some_and(|(when, place, was_double)| {
                    !was_double
                        && now.duration_since(when) <= DOUBLE_CLICK
                        && place.distance(at) <= DOUBLE_CLICK_PX
                });
                state.last_click = Some((now, at, double));
                let message = match (pick(shown, &layout, at), double) {
                    (Some(handle), true) => Message::Reset(handle),
                    (Some(handle), false) => {
                        let (freq_hz, gain_db) = handles::position(&shown.input.tone, handle)?;
                        state.drag = Some(Drag {
                            handle,
                            freq_hz,
                            gain_db,
                            last: at,
                        });
                        state.pressed = true;
                        return Some(Action::request_redraw().and_capture());
                    }
                    (None, true) if layout.strip.contains(at) => Message::AddBell {
                        freq_hz: strip.freq_hz(at.x),
                        gain_db: strip.level_db(at.y),
                    },
                    (None, _) => return None,
                };
                state.drag = None;
                state.pressed = true;
                Some(Action::publish(message).and_capture())
            }
            mouse::Event::WheelScrolled { delta } => {
                let at = cursor.position_in(bounds)?;
                let Some(Handle::Bell(bell)) = pick(shown, &layout, at) else {
                    return None;
                };
                let lines = match *delta {
                    ScrollDelta::Lines { y, .. } => y,
                    ScrollDelta::Pixels { y, .. } => y / PIXELS_PER_LINE,
                };
                let lines = f64::from(lines) * speed;
                Some(Action::publish(Message::WheelQ { bell, lines }).and_capture())
            }
            _ => None,
        }
    }

    fn draw(
        &self,
        state: &Pointer,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        cursor: Cursor,
    ) -> Vec<Geometry> {
        let size = bounds.size();
        let layout = Layout::new(size);
        let shown = match &self.content {
            Content::Shown(shown) => shown,
            Content::Note(note) => {
                let grid = self.grid.draw(renderer, size, |frame| {
                    draw::grid(frame, &layout, None);
                    draw::note(frame, &layout, note);
                });
                return vec![grid];
            }
        };
        let model = &shown.model;
        let channel = model.channel(self.side);
        let grid = self.grid.draw(renderer, size, |frame| {
            draw::grid(frame, &layout, Some(channel.range));
            draw::legend(frame, &layout, channel, model.target_kind);
        });
        let live = self.live_layer.draw(renderer, size, |frame| {
            // The engine measures the mid only: over the side curves it would mislead.
            if let (Some(live_db), false) = (&self.live, self.side) {
                draw::live(frame, &layout, model, self.side, live_db);
            }
        });
        let curves = self.curves.draw(renderer, size, |frame| {
            draw::curves(frame, &layout, model, self.side, &shown.input.tone);
        });
        let mut layers = vec![grid, live, curves];
        if let Some(overlay) = self.overlay(state, renderer, &layout, bounds, cursor, shown) {
            layers.push(overlay);
        }
        layers
    }

    fn mouse_interaction(
        &self,
        state: &Pointer,
        bounds: Rectangle,
        cursor: Cursor,
    ) -> mouse::Interaction {
        if state.drag.is_some() {
            return mouse::Interaction::Grabbing;
        }
        let (Content::Shown(shown), Some(at)) = (&self.content, cursor.position_in(bounds)) else {
            return mouse::Interaction::default();
        };
        let layout = Layout::new(bounds.size());
        if pick(shown, &layout, at).is_some() {
            mouse::Interaction::Grab
        } else if layout.strip.contains(at) {
            mouse::Interaction::Crosshair
        } else {
            mouse::Interaction::default()
        }
    }
}

impl ToneView {
    /// The hover layer: crosshair, dots, readout box, and a ring on the active handle. Drawn
    /// fresh each frame (a handful of paths), only while the cursor is over the plots or a
    /// handle is being dragged.
    fn overlay(
        &self,
        state: &Pointer,
        renderer: &Renderer,
        layout: &Layout,
        bounds: Rectangle,
        cursor: Cursor,
        shown: &Shown,
    ) -> Option<Geometry> {
        let tone = &shown.input.tone;
        let strip = layout.strip_scale();
        let at = cursor.position_in(bounds);
        let active = state
            .dragging()
            .or_else(|| at.and_then(|at| pick(shown, layout, at)));
        let mut frame = Frame::new(renderer, bounds.size());
        if let Some(handle) = active {
            let (f, g) = handles::position(tone, handle)?;
            let x = strip.x(f);
            overlay::highlight(&mut frame, Point::new(x, strip.y(g)));
            overlay::hover(&mut frame, layout, x, &[], Hover::Handle { handle, tone });
            return Some(frame.into_geometry());
        }
        let at = at?;
        let over_plot = layout.plot.contains(at) || layout.strip.contains(at);
        if !over_plot {
            return None;
        }
        let freq_hz = strip.freq_hz(at.x);
        let readings = self.readout(freq_hz);
        let (db_min, db_max, _) = shown.model.channel(self.side).range;
        let plot = layout.plot_scale(db_min, db_max);
        let dots: Vec<(Point, iced::Color)> = readings
            .iter()
            .filter_map(|r| {
                let scale = match r.kind {
                    ReadingKind::Level => &plot,
                    ReadingKind::Eq => &strip,
                    ReadingKind::Difference => return None,
                };
                Some((Point::new(at.x, scale.y(r.level_db)), r.color))
            })
            .collect();
        let hint = (layout.strip.contains(at) && overlay::bells_left(tone) > 0)
            .then_some("double-click: add a bell here");
        overlay::hover(
            &mut frame,
            layout,
            at.x,
            &dots,
            Hover::Curves {
                freq_hz,
                readings: &readings,
                hint,
            },
        );
        Some(frame.into_geometry())
    }
}
