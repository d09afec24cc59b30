//! One control row: label, a fader, and the value with its unit.
//!
//! The fader is a small canvas program rather than iced's `Slider`, because a slider captures
//! the mouse press (so a surrounding `mouse_area` never sees a double-click on it) and its Shift
//! step only coarsens the grid under an absolute pointer. Here:
//! - press on the handle grabs it where it is; press elsewhere jumps there; then drag;
//! - Shift while dragging moves the value ten times slower (re-anchored when Shift changes);
//! - double-click (on the fader, the label or the value) resets to the control's neutral value;
//! - every movement emits the new value (numbers update live), release emits `on_release`.

use super::super::theme;
use super::scale::{Scale, Unit};
use iced::widget::canvas::{self, Frame, Geometry, Path};
use iced::widget::{mouse_area, row, text};
use iced::{
    keyboard, mouse, Alignment, Color, Element, Fill, Point, Rectangle, Renderer, Size, Theme,
};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// Width of the label column, logical pixels.
pub const LABEL_WIDTH: f32 = 84.0;
/// Width of the value column, logical pixels.
pub const VALUE_WIDTH: f32 = 74.0;
/// Height of a control row.
pub const ROW_HEIGHT: f32 = 16.0;
/// Text size of labels and values.
pub const TEXT_SIZE: f32 = 13.0;
/// Shift slows a drag down by this factor.
pub const FINE_FACTOR: f64 = 0.1;
const HANDLE_WIDTH: f32 = 10.0;
const HANDLE_HEIGHT: f32 = 13.0;
/// Two presses closer than this (and 6 px) are a double-click (iced's own threshold).
const DOUBLE_CLICK: Duration = Duration::from_millis(300);
/// How far beside the handle a press still grabs it rather than jumping.
const GRAB_SLACK: f32 = 3.0;

/// What a control is: its label, range, unit and neutral value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    pub label: &'static str,
    pub scale: Scale,
    pub unit: Unit,
    /// What a double-click restores.
    pub neutral: f64,
    /// Where the coloured fill starts (a gain's 0 dB); `None` draws the handle alone.
    pub origin: Option<f64>,
}

impl Spec {
    /// The value at `position` (0..=1) along the fader, rounded as its text shows it.
    pub fn value_at(&self, position: f64) -> f64 {
        self.settle(self.scale.value(position))
    }

    /// `value` clamped to the range and rounded as its text shows it.
    pub fn settle(&self, value: f64) -> f64 {
        self.scale.clamp(self.unit.round(self.scale.clamp(value)))
    }
}

/// A control row under construction; becomes an `Element` with `.into()`.
pub struct Control<'a, M> {
    spec: Spec,
    value: f64,
    enabled: bool,
    on_change: Box<dyn Fn(f64) -> M + 'a>,
    on_reset: M,
    on_release: M,
    /// Replaces the label text (a toggle that switches the control on and off).
    label: Option<Element<'a, M>>,
    /// Replaces the value text ("off").
    value_text: Option<String>,
}

impl<'a, M: Clone + 'a> Control<'a, M> {
    /// A row for `spec` showing `value`. `on_change` receives each new (settled) value while
    /// dragging; `on_reset` is sent on a double-click; `on_release` when the drag ends.
    pub fn new(
        spec: Spec,
        value: f64,
        on_change: impl Fn(f64) -> M + 'a,
        on_reset: M,
        on_release: M,
    ) -> Self {
        Control {
            spec,
            value,
            enabled: true,
            on_change: Box::new(on_change),
            on_reset,
            on_release,
            label: None,
            value_text: None,
        }
    }

    /// Shows `label` (e.g. an on/off toggle) in place of the label text.
    pub fn label(mut self, label: impl Into<Element<'a, M>>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Shows `words` in place of the formatted value.
    pub fn value_text(mut self, words: impl Into<String>) -> Self {
        self.value_text = Some(words.into());
        self
    }

    /// A disabled row is drawn muted and ignores the mouse.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }
}

impl<'a, M: Clone + 'a> From<Control<'a, M>> for Element<'a, M> {
    fn from(c: Control<'a, M>) -> Element<'a, M> {
        let (label_color, value_color) = if c.enabled {
            (theme::MUTED, theme::TEXT)
        } else {
            (
                Color {
                    a: 0.6,
                    ..theme::MUTED
                },
                theme::MUTED,
            )
        };
        let value = text(c.value_text.unwrap_or_else(|| c.spec.unit.format(c.value)))
            .size(TEXT_SIZE)
            .color(value_color)
            .width(VALUE_WIDTH)
            .align_x(Alignment::End);
        let label: Element<'a, M> = match c.label {
            Some(custom) => iced::widget::container(custom).width(LABEL_WIDTH).into(),
            None => {
                let label = text(c.spec.label)
                    .size(TEXT_SIZE)
                    .color(label_color)
                    .width(LABEL_WIDTH);
                if c.enabled {
                    mouse_area(label).on_double_click(c.on_reset.clone()).into()
                } else {
                    label.into()
                }
            }
        };
        let value: Element<'a, M> = if c.enabled {
            mouse_area(value).on_double_click(c.on_reset.clone()).into()
        } else {
            value.into()
        };
        let fader = canvas(Fader {
            spec: c.spec,
            value: c.value,
            enabled: c.enabled,
            on_change: c.on_change,
            on_reset: c.on_reset,
            on_release: c.on_release,
        })
        .width(Fill)
        .height(ROW_HEIGHT);
        row![label, fader, value]
            .spacing(8)
            .align_y(Alignment::Center)
            .into()
    }
}

fn canvas<'a, M: Clone + 'a>(fader: Fader<'a, M>) -> canvas::Canvas<Fader<'a, M>, M> {
    canvas::Canvas::new(fader)
}

/// The fader canvas program.
pub struct Fader<'a, M> {
    pub(super) spec: Spec,
    pub(super) value: f64,
    pub(super) enabled: bool,
    pub(super) on_change: Box<dyn Fn(f64) -> M + 'a>,
    pub(super) on_reset: M,
    pub(super) on_release: M,
}

/// A drag in progress: the pointer's x (window coordinates) and the fader position it
/// corresponds to; moves are measured from this anchor.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Drag {
    anchor_x: f32,
    anchor_position: f64,
    /// Unrounded position at the last move (so fine moves accumulate below one step).
    position: f64,
    last_x: f32,
    fine: bool,
    /// The last value sent.
    sent: f64,
}

/// The fader's widget state (kept by iced between frames).
#[derive(Default)]
pub struct FaderState {
    drag: Option<Drag>,
    /// A press began here and its release has not come yet.
    pressed: bool,
    modifiers: keyboard::Modifiers,
    /// Where and when the last single click landed (for double-click detection).
    last_click: Option<(Point, Instant)>,
    hovered: bool,
    cache: KeyedCache<Look>,
}

/// Everything the fader's picture depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Look {
    position: f64,
    origin: Option<f64>,
    active: bool,
    enabled: bool,
}

fn travel(bounds: Rectangle) -> f32 {
    (bounds.width - HANDLE_WIDTH).max(1.0)
}

/// Handle centre x for `position`, relative to the fader's left edge.
fn handle_x(bounds: Rectangle, position: f64) -> f32 {
    HANDLE_WIDTH / 2.0 + position as f32 * travel(bounds)
}

impl<M: Clone> Fader<'_, M> {
    fn position(&self) -> f64 {
        self.spec.scale.position(self.value)
    }

    /// Moves the drag to pointer `x`; returns the value to send if it changed.
    fn drag_to(&self, drag: &mut Drag, x: f32, bounds: Rectangle) -> Option<f64> {
        let speed = if drag.fine { FINE_FACTOR } else { 1.0 };
        let unclamped =
            drag.anchor_position + f64::from((x - drag.anchor_x) / travel(bounds)) * speed;
        let position = unclamped.clamp(0.0, 1.0);
        if position != unclamped {
            // Pushing past an end re-anchors there, so coming back moves at once.
            drag.anchor_x = x;
            drag.anchor_position = position;
        }
        drag.position = position;
        drag.last_x = x;
        let value = self.spec.value_at(position);
        (value != drag.sent).then(|| {
            drag.sent = value;
            value
        })
    }
}

impl<M: Clone> canvas::Program<M> for Fader<'_, M> {
    type State = FaderState;

    fn update(
        &self,
        state: &mut FaderState,
        event: &canvas::Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> Option<canvas::Action<M>> {
        use iced::Event;
        let hovered = cursor.is_over(bounds);
        let redraw = hovered != state.hovered;
        state.hovered = hovered;
        let action = match event {
            Event::Keyboard(keyboard::Event::ModifiersChanged(modifiers)) => {
                state.modifiers = *modifiers;
                if let Some(drag) = state.drag.as_mut() {
                    if drag.fine != modifiers.shift() {
                        drag.fine = modifiers.shift();
                        drag.anchor_x = drag.last_x;
                        drag.anchor_position = drag.position;
                    }
                }
                None
            }
            _ if !self.enabled => None,
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                let at = cursor.position_over(bounds)?;
                let now = Instant::now();
                let double = state.last_click.is_some_and(|(p, t)| {
                    now.saturating_duration_since(t) <= DOUBLE_CLICK && p.distance(at) < 6.0
                });
                // A third click starts a new pair rather than resetting again.
                state.last_click = (!double).then_some((at, now));
                state.pressed = true;
                if double {
                    state.drag = None;
                    return Some(canvas::Action::publish(self.on_reset.clone()).and_capture());
                }
                let here = self.position();
                let on_handle = (at.x - bounds.x - handle_x(bounds, here)).abs()
                    <= HANDLE_WIDTH / 2.0 + GRAB_SLACK;
                let mut drag = Drag {
                    anchor_x: at.x,
                    anchor_position: here,
                    position: here,
                    last_x: at.x,
                    fine: state.modifiers.shift(),
                    sent: self.value,
                };
                // Grabbing the handle changes nothing until it moves; elsewhere jumps there.
                let jumped = if on_handle {
                    None
                } else {
                    drag.anchor_position =
                        f64::from((at.x - bounds.x - HANDLE_WIDTH / 2.0) / travel(bounds))
                            .clamp(0.0, 1.0);
                    self.drag_to(&mut drag, at.x, bounds)
                };
                state.drag = Some(drag);
                Some(match jumped {
                    Some(value) => canvas::Action::publish((self.on_change)(value)).and_capture(),
                    None => canvas::Action::capture(),
                })
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) => {
                let mut drag = state.drag?;
                let sent = self.drag_to(&mut drag, position.x, bounds);
                state.drag = Some(drag);
                Some(match sent {
                    Some(value) => canvas::Action::publish((self.on_change)(value)).and_capture(),
                    None => canvas::Action::capture(),
                })
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) if state.pressed => {
                state.pressed = false;
                state.drag = None;
                Some(canvas::Action::publish(self.on_release.clone()))
            }
            _ => None,
        };
        match action {
            Some(action) => Some(action),
            None if redraw => Some(canvas::Action::request_redraw()),
            None => None,
        }
    }

    fn draw(
        &self,
        state: &FaderState,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> Vec<Geometry> {
        let look = Look {
            position: self.position(),
            origin: self.spec.origin.map(|o| self.spec.scale.position(o)),
            active: self.enabled && (state.drag.is_some() || cursor.is_over(bounds)),
            enabled: self.enabled,
        };
        vec![state.cache.draw(renderer, bounds.size(), look, |frame| {
            draw_fader(frame, look)
        })]
    }

    fn mouse_interaction(
        &self,
        state: &FaderState,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        if state.drag.is_some() {
            mouse::Interaction::Grabbing
        } else if self.enabled && cursor.is_over(bounds) {
            mouse::Interaction::Grab
        } else {
            mouse::Interaction::default()
        }
    }
}

fn draw_fader(frame: &mut Frame, look: Look) {
    let bounds = Rectangle::with_size(frame.size());
    let mid = bounds.height / 2.0;
    let dim = |c: Color| {
        if look.enabled {
            c
        } else {
            Color { a: 0.45, ..c }
        }
    };
    let rail = Path::rounded_rectangle(
        Point::new(HANDLE_WIDTH / 2.0, mid - 2.0),
        Size::new(travel(bounds), 4.0),
        2.0.into(),
    );
    frame.fill(&rail, dim(theme::LINE));
    if let Some(origin) = look.origin {
        let (a, b) = (handle_x(bounds, origin), handle_x(bounds, look.position));
        let (left, right) = (a.min(b), a.max(b));
        if right - left >= 0.5 {
            let fill = Path::rectangle(Point::new(left, mid - 2.0), Size::new(right - left, 4.0));
            frame.fill(
                &fill,
                dim(if look.enabled {
                    theme::TRACK
                } else {
                    theme::MUTED
                }),
            );
        }
        // The neutral point, so "no change" is visible at a glance.
        frame.fill_rectangle(
            Point::new(a - 0.5, mid - 5.0),
            Size::new(1.0, 10.0),
            dim(theme::MUTED),
        );
    }
    let x = handle_x(bounds, look.position);
    let handle = Path::rounded_rectangle(
        Point::new(x - HANDLE_WIDTH / 2.0, mid - HANDLE_HEIGHT / 2.0),
        Size::new(HANDLE_WIDTH, HANDLE_HEIGHT),
        3.0.into(),
    );
    let face = match (look.enabled, look.active) {
        (false, _) => Color {
            a: 0.5,
            ..theme::MUTED
        },
        (true, true) => theme::TEXT,
        (true, false) => Color::from_rgb8(0xb4, 0xba, 0xc6),
    };
    frame.fill(&handle, face);
}

/// A geometry cache that clears itself when the key of what it draws changes, for canvases
/// whose data arrives through `view` (the fader, the meters' bars).
pub struct KeyedCache<K> {
    cache: canvas::Cache,
    key: RefCell<Option<K>>,
}

impl<K> Default for KeyedCache<K> {
    fn default() -> Self {
        KeyedCache {
            cache: canvas::Cache::new(),
            key: RefCell::new(None),
        }
    }
}

impl<K: PartialEq> KeyedCache<K> {
    /// The cached geometry for `key` (and `size`), drawn by `draw` when either changed.
    pub fn draw(
        &self,
        renderer: &Renderer,
        size: Size,
        key: K,
        draw: impl FnOnce(&mut Frame),
    ) -> Geometry {
        if self.key.borrow().as_ref() != Some(&key) {
            self.cache.clear();
            *self.key.borrow_mut() = Some(key);
        }
        self.cache.draw(renderer, size, draw)
    }
}
