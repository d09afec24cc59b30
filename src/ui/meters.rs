//! The meters of what is playing: momentary, short-term and integrated loudness (LUFS), true
//! peak (dBTP) with a peak hold and the ceiling marked, PLR and LRA. Horizontal bars with their
//! numbers, "—" for what is not measured yet. A compact strip (~360×120).
//!
//! The engine measures ([`crate::engine::Meters`]); this panel adds the ballistics a reader
//! needs: the true-peak bar falls back slowly instead of flickering, and a hold line keeps the
//! highest recent peak for [`HOLD_S`] seconds.

use super::controls::knob::KeyedCache;
use super::controls::scale::{figure, Unit};
use super::theme;
use crate::engine::Meters;
use iced::widget::canvas::{self, Geometry, Path};
use iced::widget::{button, column, container, row, space, text};
use iced::{mouse, Alignment, Color, Element, Fill, Point, Rectangle, Renderer, Size, Theme};
use std::time::Instant;

/// Loudness bars span this range, LUFS.
pub const LOUDNESS_RANGE_LUFS: (f64, f64) = (-40.0, 0.0);
/// The true-peak bar spans this range, dBTP.
pub const PEAK_RANGE_DBTP: (f64, f64) = (-24.0, 3.0);
/// How long the peak-hold line stays before it falls, seconds.
pub const HOLD_S: f64 = 2.0;
/// How fast the true-peak bar and the hold line fall, dB per second (IEC 60268-10 type I
/// peak meters fall 20 dB in 1.7 s).
pub const FALL_DB_PER_S: f64 = 12.0;

/// Panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Start integrated loudness, LRA and the highest peak afresh.
    ResetIntegration,
}

/// What the app must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Call `Engine::reset_meters()` (and the panel forgets its hold).
    ResetMeters,
}

/// Peak ballistics: the displayed bar level and the hold line, dBTP.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PeakHold {
    /// The bar: rises at once, falls at [`FALL_DB_PER_S`].
    bar: Option<(f64, Instant)>,
    /// The hold line: the highest recent peak, kept [`HOLD_S`] then falling.
    hold: Option<(f64, Instant)>,
}

impl PeakHold {
    /// Takes the peak read at `now` (`None`: silence).
    pub fn observe(&mut self, peak_dbtp: Option<f64>, now: Instant) {
        let bar_now = self.bar_dbtp(now);
        let hold_now = self.hold_dbtp(now);
        let higher = |new: Option<f64>, old: Option<f64>| match (new, old) {
            (Some(n), Some(o)) => n >= o,
            (Some(_), None) => true,
            (None, _) => false,
        };
        self.bar = match peak_dbtp.filter(|p| p.is_finite()) {
            p if higher(p, bar_now) => p.map(|p| (p, now)),
            _ => self.bar,
        };
        if higher(peak_dbtp.filter(|p| p.is_finite()), hold_now) {
            self.hold = peak_dbtp.map(|p| (p, now));
        }
    }

    /// Level of the bar at `now`, dBTP; `None` once it has fallen off the scale.
    pub fn bar_dbtp(&self, now: Instant) -> Option<f64> {
        fallen(self.bar, 0.0, now)
    }

    /// Level of the hold line at `now`, dBTP.
    pub fn hold_dbtp(&self, now: Instant) -> Option<f64> {
        fallen(self.hold, HOLD_S, now)
    }
}

/// `level` set at `since`, kept for `keep_s`, then falling at [`FALL_DB_PER_S`].
fn fallen(level: Option<(f64, Instant)>, keep_s: f64, now: Instant) -> Option<f64> {
    let (db, since) = level?;
    let falling_s = (now.saturating_duration_since(since).as_secs_f64() - keep_s).max(0.0);
    let v = db - FALL_DB_PER_S * falling_s;
    (v >= PEAK_RANGE_DBTP.0).then_some(v)
}

/// The meters strip (UI state: the peak ballistics).
#[derive(Debug, Default)]
pub struct MeterStrip {
    peak: PeakHold,
    /// When the meters were last observed (the ballistics' clock in `view`).
    now: Option<Instant>,
}

impl MeterStrip {
    /// Handles a message.
    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::ResetIntegration => {
                self.peak = PeakHold::default();
                Action::ResetMeters
            }
        }
    }

    /// Call each time the app reads `Engine::meters()` (at display rate), with the time.
    pub fn observe(&mut self, meters: &Meters, now: Instant) {
        self.peak.observe(meters.true_peak_dbtp, now);
        self.now = Some(now);
    }

    /// The strip. `ceiling_dbtp` marks the true-peak bar (red above it); `target_lufs` marks
    /// the loudness bars.
    pub fn view<'a>(
        &'a self,
        meters: &'a Meters,
        ceiling_dbtp: f64,
        target_lufs: f64,
    ) -> Element<'a, Message> {
        let (bar_dbtp, hold_dbtp) = match self.now {
            Some(now) => (self.peak.bar_dbtp(now), self.peak.hold_dbtp(now)),
            None => (meters.true_peak_dbtp, None),
        };
        let target = Marker {
            at: target_lufs,
            color: Color {
                a: 0.7,
                ..theme::TEXT
            },
        };
        let loudness = |label: &'a str, value: Option<f64>| {
            let bar = Bar {
                min: LOUDNESS_RANGE_LUFS.0,
                max: LOUDNESS_RANGE_LUFS.1,
                value,
                color: theme::ALBUM,
                over: None,
                hold: None,
                markers: [Some(target), None],
            };
            meter_row(label, bar, figure(value, Unit::Lufs), theme::TEXT)
        };
        let over = meters
            .max_true_peak_dbtp
            .is_some_and(|p| p > ceiling_dbtp + 0.05);
        let peak_bar = Bar {
            min: PEAK_RANGE_DBTP.0,
            max: PEAK_RANGE_DBTP.1,
            value: bar_dbtp,
            color: theme::SUCCESS,
            over: Some(ceiling_dbtp),
            hold: hold_dbtp,
            // The tinted zone from the ceiling up marks it; a line there would be confused
            // with a hold line over it.
            markers: [None, None],
        };
        let stat = |label: &'a str, value: String, color: Color| {
            row![
                text(label).size(12).color(theme::MUTED),
                text(value).size(12).color(color)
            ]
            .spacing(5)
        };
        let footer = row![
            stat("PLR", figure(meters.plr_lu(), Unit::LuSize), theme::TEXT),
            stat("LRA", figure(meters.lra_lu, Unit::LuSize), theme::TEXT),
            stat(
                "Max",
                figure(meters.max_true_peak_dbtp, Unit::Dbtp),
                if over { theme::DANGER } else { theme::TEXT }
            ),
            space::horizontal(),
            button(text("Reset").size(11))
                .padding([0, 6])
                .style(theme::transport_button)
                .on_press(Message::ResetIntegration),
        ]
        .spacing(12)
        .align_y(Alignment::Center);
        container(
            column![
                loudness("Momentary", meters.momentary_lufs),
                loudness("Short-term", meters.short_term_lufs),
                loudness("Integrated", meters.integrated_lufs),
                meter_row(
                    "True peak",
                    peak_bar,
                    figure(bar_dbtp, Unit::Dbtp),
                    if bar_dbtp.is_some_and(|p| p > ceiling_dbtp) {
                        theme::DANGER
                    } else {
                        theme::TEXT
                    },
                ),
                footer,
            ]
            .spacing(5),
        )
        .padding([8, 12])
        .width(Fill)
        .style(theme::panel)
        .into()
    }
}

/// A label, a bar and a number.
fn meter_row<'a>(
    label: &'a str,
    bar: Bar,
    value: String,
    value_color: Color,
) -> Element<'a, Message> {
    row![
        text(label).size(12).color(theme::MUTED).width(64),
        canvas::Canvas::new(bar).width(Fill).height(9),
        text(value)
            .size(12)
            .color(value_color)
            .width(76)
            .align_x(Alignment::End),
    ]
    .spacing(8)
    .align_y(Alignment::Center)
    .into()
}

/// A thin vertical line across a bar at a value (a target, a ceiling, a measured peak).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker {
    pub at: f64,
    pub color: Color,
}

/// A horizontal bar meter on a canvas: filled from `min` to `value`; above `over` the fill
/// turns red and the scale behind is tinted; a hold line and up to two markers. Its geometry
/// is cached and redrawn only when one of these changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Value at the left end.
    pub min: f64,
    /// Value at the right end.
    pub max: f64,
    /// Filled up to here; `None` draws an empty bar.
    pub value: Option<f64>,
    pub color: Color,
    /// Above this the fill is drawn in the danger colour.
    pub over: Option<f64>,
    /// A peak-hold line.
    pub hold: Option<f64>,
    pub markers: [Option<Marker>; 2],
}

impl Bar {
    /// `value`'s x within `width` (clamped to the bar).
    fn x(&self, value: f64, width: f32) -> f32 {
        let t = ((value - self.min) / (self.max - self.min)).clamp(0.0, 1.0);
        t as f32 * width
    }
}

impl<M> canvas::Program<M> for Bar {
    type State = KeyedCache<Bar>;

    fn draw(
        &self,
        cache: &KeyedCache<Bar>,
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<Geometry> {
        vec![cache.draw(renderer, bounds.size(), *self, |frame| {
            let (w, h) = (frame.width(), frame.height());
            frame.fill(
                &Path::rounded_rectangle(Point::ORIGIN, Size::new(w, h), 2.0.into()),
                theme::RAISED,
            );
            let danger = theme::DANGER;
            if let Some(over) = self.over {
                let x = self.x(over, w);
                frame.fill_rectangle(
                    Point::new(x, 0.0),
                    Size::new(w - x, h),
                    Color { a: 0.2, ..danger },
                );
            }
            if let Some(value) = self.value {
                let end = self.x(value, w);
                let split = self.over.map_or(end, |o| self.x(o, w).min(end));
                frame.fill_rectangle(Point::ORIGIN, Size::new(split, h), self.color);
                if end > split {
                    frame.fill_rectangle(Point::new(split, 0.0), Size::new(end - split, h), danger);
                }
            }
            for marker in self.markers.iter().flatten() {
                let x = self.x(marker.at, w).clamp(1.0, w - 1.0);
                frame.fill_rectangle(Point::new(x - 1.0, 0.0), Size::new(2.0, h), marker.color);
            }
            if let Some(hold) = self.hold {
                let x = self.x(hold, w).clamp(1.0, w - 1.0);
                let color = if self.over.is_some_and(|o| hold > o) {
                    danger
                } else {
                    theme::TEXT
                };
                frame.fill_rectangle(Point::new(x - 1.0, 0.0), Size::new(2.0, h), color);
            }
        })]
    }
}

#[cfg(test)]
mod tests;
