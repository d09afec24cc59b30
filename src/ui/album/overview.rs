//! The album overview: every track's integrated loudness before (hollow dot) and after
//! mastering (filled dot) on one chart, against the album's target line, so the album's flow
//! is visible at a glance. A click on a track's column selects it.
//!
//! The geometry lives in a `canvas::Cache`. `view` builds a small [`Chart`] from its inputs
//! and clears the cache only when that chart differs from the one last drawn, so the app has
//! nothing to remember to call and the chart can never show stale figures.

use super::Message;
use crate::ui::figures::{TrackFigures, TrackState};
use crate::ui::theme;
use iced::widget::canvas::{self, Frame, Path, Stroke, Text};
use iced::widget::{canvas as canvas_widget, container};
use iced::{alignment, mouse, Color, Element, Fill, Point, Rectangle, Renderer, Size, Theme};
use std::cell::{Cell, RefCell};

/// Height of the overview panel, logical pixels.
pub const HEIGHT: f32 = 170.0;

/// Room for the LUFS labels (left), the legend (top) and the track numbers (bottom).
const LEFT: f32 = 36.0;
const RIGHT: f32 = 6.0;
const TOP: f32 = 22.0;
const BOTTOM: f32 = 18.0;
/// Dot radius, logical pixels.
const DOT_R: f32 = 4.0;
/// The y axis never spans less than this, LU: a consistent album must not look ragged.
const MIN_SPAN_LU: f64 = 6.0;

/// What one track contributes to the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dot {
    pub(crate) source_lufs: Option<f64>,
    pub(crate) mastered_lufs: Option<f64>,
    pub(crate) measured: bool,
    pub(crate) held_back: bool,
    pub(crate) missing: bool,
}

/// Everything the chart draws; the cache is cleared when it changes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chart {
    pub(crate) dots: Vec<Dot>,
    pub(crate) target_lufs: f64,
    pub(crate) selected: Option<usize>,
}

impl Chart {
    pub(crate) fn new(figures: &[TrackFigures], target_lufs: f64, selected: Option<usize>) -> Self {
        let dots = figures
            .iter()
            .map(|f| Dot {
                source_lufs: f.source_lufs.filter(|v| v.is_finite()),
                mastered_lufs: f.mastered_lufs.filter(|v| v.is_finite()),
                measured: f.measured,
                held_back: f.held_back,
                missing: f.state == TrackState::Missing,
            })
            .collect();
        Chart {
            dots,
            target_lufs,
            selected,
        }
    }

    /// The LUFS axis: (bottom, top, grid step), covering every dot and the target.
    pub(crate) fn lufs_range(&self) -> (f64, f64, f64) {
        let values = self
            .dots
            .iter()
            .flat_map(|d| [d.source_lufs, d.mastered_lufs])
            .flatten()
            .chain([self.target_lufs].into_iter().filter(|v| v.is_finite()));
        let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (lo, hi) = if lo > hi { (-20.0, -8.0) } else { (lo, hi) };
        let pad = ((MIN_SPAN_LU - (hi - lo)) / 2.0).max(1.0);
        let (lo, hi) = (lo - pad, hi + pad);
        // At most five grid intervals in ~130 px, counted after snapping to the step.
        let snapped = |step: f64| ((lo / step).floor() * step, (hi / step).ceil() * step, step);
        [1.0, 2.0, 3.0, 5.0, 10.0, 20.0]
            .into_iter()
            .map(snapped)
            .find(|(lo, hi, step)| (hi - lo) / step <= 5.0 + 1e-9)
            .unwrap_or_else(|| snapped(50.0))
    }
}

/// Maps album order (x, one column per track) and loudness (y) into the plot rectangle.
pub(crate) struct Axes {
    pub(crate) plot: Rectangle,
    pub(crate) count: usize,
    pub(crate) lo_lufs: f64,
    pub(crate) hi_lufs: f64,
}

impl Axes {
    pub(crate) fn new(size: Size, chart: &Chart) -> (Axes, f64) {
        let (lo_lufs, hi_lufs, step) = chart.lufs_range();
        let plot = Rectangle::new(
            Point::new(LEFT, TOP),
            Size::new(
                (size.width - LEFT - RIGHT).max(1.0),
                (size.height - TOP - BOTTOM).max(1.0),
            ),
        );
        let axes = Axes {
            plot,
            count: chart.dots.len(),
            lo_lufs,
            hi_lufs,
        };
        (axes, step)
    }

    fn column_width(&self) -> f32 {
        self.plot.width / self.count.max(1) as f32
    }

    /// Centre of track `index`'s column.
    pub(crate) fn x(&self, index: usize) -> f32 {
        self.plot.x + (index as f32 + 0.5) * self.column_width()
    }

    /// Height of a loudness, clamped to the plot.
    pub(crate) fn y(&self, lufs: f64) -> f32 {
        let t = (lufs - self.lo_lufs) / (self.hi_lufs - self.lo_lufs);
        self.plot.y + self.plot.height * (1.0 - t.clamp(0.0, 1.0)) as f32
    }

    /// The track whose column is under `x` (anywhere from the legend to the numbers).
    pub(crate) fn column_at(&self, x: f32) -> Option<usize> {
        if self.count == 0 || x < self.plot.x || x >= self.plot.x + self.plot.width {
            return None;
        }
        let index = ((x - self.plot.x) / self.column_width()) as usize;
        Some(index.min(self.count - 1))
    }
}

/// The overview's cache and the chart it holds.
#[derive(Debug, Default)]
pub(crate) struct Overview {
    cache: canvas::Cache,
    drawn: RefCell<Option<Chart>>,
    /// Counts cache clears (tests check that an unchanged chart keeps its cache).
    revision: Cell<u64>,
}

impl Overview {
    /// The chart for `figures` (album order), the album's target and the selected index, in a
    /// panel `HEIGHT` tall.
    pub(crate) fn view<'a>(
        &'a self,
        figures: &[TrackFigures],
        target_lufs: f64,
        selected: Option<usize>,
    ) -> Element<'a, Message> {
        let chart = self.remember(Chart::new(figures, target_lufs, selected));
        container(
            canvas_widget(Program {
                overview: self,
                chart,
            })
            .width(Fill)
            .height(Fill),
        )
        .padding([6, 8])
        .style(theme::panel)
        .width(Fill)
        .height(HEIGHT)
        .into()
    }

    /// Keeps `chart` as the one to draw, clearing the cache if it changed.
    fn remember(&self, chart: Chart) -> Chart {
        let mut drawn = self.drawn.borrow_mut();
        if drawn.as_ref() != Some(&chart) {
            self.cache.clear();
            self.revision.set(self.revision.get() + 1);
            *drawn = Some(chart.clone());
        }
        chart
    }

    #[cfg(test)]
    pub(crate) fn revision(&self) -> u64 {
        self.revision.get()
    }
}

struct Program<'a> {
    overview: &'a Overview,
    chart: Chart,
}

impl canvas::Program<Message> for Program<'_> {
    type State = ();

    fn update(
        &self,
        _state: &mut (),
        event: &canvas::Event,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> Option<canvas::Action<Message>> {
        let iced::Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) = event else {
            return None;
        };
        let position = cursor.position_in(bounds)?;
        let (axes, _) = Axes::new(bounds.size(), &self.chart);
        let index = axes.column_at(position.x)?;
        Some(canvas::Action::publish(Message::OverviewClicked(index)).and_capture())
    }

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let chart = &self.chart;
        let static_layer = self.overview.cache.draw(renderer, bounds.size(), |frame| {
            draw_chart(frame, chart);
        });
        // The hovered column is the only thing drawn every frame: one rectangle.
        let mut hover = Frame::new(renderer, bounds.size());
        let (axes, _) = Axes::new(bounds.size(), chart);
        if let Some(index) = cursor
            .position_in(bounds)
            .and_then(|p| axes.column_at(p.x))
            .filter(|i| Some(*i) != chart.selected)
        {
            let w = axes.column_width();
            hover.fill_rectangle(
                Point::new(axes.x(index) - w / 2.0, axes.plot.y),
                Size::new(w, axes.plot.height),
                Color {
                    a: 0.06,
                    ..theme::TEXT
                },
            );
        }
        vec![static_layer, hover.into_geometry()]
    }

    fn mouse_interaction(
        &self,
        _state: &(),
        bounds: Rectangle,
        cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        let (axes, _) = Axes::new(bounds.size(), &self.chart);
        match cursor.position_in(bounds).and_then(|p| axes.column_at(p.x)) {
            Some(_) => mouse::Interaction::Pointer,
            None => mouse::Interaction::default(),
        }
    }
}

fn label(content: String, position: Point, color: Color, align_x: alignment::Horizontal) -> Text {
    Text {
        content,
        position,
        color,
        size: 12.0.into(),
        align_x: align_x.into(),
        align_y: alignment::Vertical::Center,
        ..Text::default()
    }
}

fn dashed(color: Color, width: f32) -> Stroke<'static> {
    let mut stroke = Stroke::default().with_color(color).with_width(width);
    stroke.line_dash = canvas::LineDash {
        segments: &[6.0, 4.0],
        offset: 0,
    };
    stroke
}

fn draw_chart(frame: &mut Frame, chart: &Chart) {
    let (axes, step) = Axes::new(frame.size(), chart);
    let plot = axes.plot;
    frame.fill_rectangle(plot.position(), plot.size(), theme::RAISED);

    if let Some(i) = chart.selected.filter(|i| *i < chart.dots.len()) {
        let w = axes.column_width();
        frame.fill_rectangle(
            Point::new(axes.x(i) - w / 2.0, plot.y),
            Size::new(w, plot.height),
            Color {
                a: 0.14,
                ..theme::TRACK
            },
        );
    }

    let grid = Stroke::default().with_color(theme::LINE).with_width(1.0);
    let mut lufs = axes.lo_lufs;
    while lufs <= axes.hi_lufs + 1e-9 {
        let y = axes.y(lufs);
        frame.stroke(
            &Path::line(Point::new(plot.x, y), Point::new(plot.x + plot.width, y)),
            grid,
        );
        frame.fill_text(label(
            crate::units::unsigned(lufs, 1)
                .trim_end_matches(".0")
                .to_string(),
            Point::new(LEFT - 6.0, y),
            theme::MUTED,
            alignment::Horizontal::Right,
        ));
        lufs += step;
    }

    if chart.target_lufs.is_finite() {
        let y = axes.y(chart.target_lufs);
        frame.stroke(
            &Path::line(Point::new(plot.x, y), Point::new(plot.x + plot.width, y)),
            dashed(theme::ALBUM, 1.5),
        );
    }

    draw_legend(frame, chart);

    // Label every track while the numbers fit, else every second, fifth…
    let every = [1, 2, 5, 10]
        .into_iter()
        .find(|k| axes.column_width() * *k as f32 >= 16.0)
        .unwrap_or(20);
    for (i, dot) in chart.dots.iter().enumerate() {
        let selected = chart.selected == Some(i);
        let x = axes.x(i);
        if i % every == 0 || selected {
            let color = match (selected, dot.missing) {
                (true, _) => theme::TRACK,
                (false, true) => theme::WARNING,
                (false, false) => theme::MUTED,
            };
            frame.fill_text(label(
                format!("{}", i + 1),
                Point::new(x, plot.y + plot.height + BOTTOM / 2.0 + 1.0),
                color,
                alignment::Horizontal::Center,
            ));
        }
        draw_track(frame, &axes, chart.target_lufs, x, dot, selected);
    }
}

fn draw_track(frame: &mut Frame, axes: &Axes, target_lufs: f64, x: f32, dot: &Dot, selected: bool) {
    if dot.missing {
        frame.fill_text(label(
            "?".to_string(),
            Point::new(x, axes.plot.center_y()),
            theme::WARNING,
            alignment::Horizontal::Center,
        ));
        return;
    }
    let color = if selected { theme::TRACK } else { theme::TEXT };
    let source = dot.source_lufs.map(|v| Point::new(x, axes.y(v)));
    let mastered = dot.mastered_lufs.map(|v| Point::new(x, axes.y(v)));
    if let (Some(a), Some(b)) = (source, mastered) {
        // Stop the line at the dots' rims so the hollow dot stays hollow.
        let dy = b.y - a.y;
        if dy.abs() > 2.0 * DOT_R {
            let s = dy.signum() * DOT_R;
            frame.stroke(
                &Path::line(Point::new(x, a.y + s), Point::new(x, b.y - s)),
                Stroke::default()
                    .with_color(Color { a: 0.7, ..color })
                    .with_width(1.5),
            );
        }
    }
    if let (true, Some(b)) = (dot.held_back, mastered) {
        // The shortfall: from where the track was held back up to the target.
        if target_lufs.is_finite() {
            let t = axes.y(target_lufs);
            if (t - b.y).abs() > DOT_R {
                frame.stroke(
                    &Path::line(Point::new(x, b.y), Point::new(x, t)),
                    dashed(theme::WARNING, 1.5),
                );
            }
        }
    }
    if let Some(a) = source {
        frame.fill(&Path::circle(a, DOT_R), theme::RAISED);
        frame.stroke(
            &Path::circle(a, DOT_R),
            Stroke::default().with_color(color).with_width(1.5),
        );
    }
    if let Some(b) = mastered {
        let fill = if dot.held_back { theme::WARNING } else { color };
        // A plan is drawn fainter than a measurement.
        let alpha = if dot.measured { 1.0 } else { 0.6 };
        frame.fill(&Path::circle(b, DOT_R), Color { a: alpha, ..fill });
    }
}

/// The axis unit at the left, the key at the right: "○ source  ● mastered  - - target".
fn draw_legend(frame: &mut Frame, chart: &Chart) {
    let y = TOP / 2.0 - 2.0;
    frame.fill_text(label(
        "LUFS".to_string(),
        Point::new(LEFT - 6.0, y),
        theme::MUTED,
        alignment::Horizontal::Right,
    ));
    let target = format!(
        "target {} LUFS",
        crate::units::unsigned(chart.target_lufs, 1)
    );
    // Laid out right to left with widths estimated for 12 px Fira Sans (≈6.2 px per glyph).
    let text_w = |s: &str| s.chars().count() as f32 * 6.2;
    let mut x = frame.width() - RIGHT;
    x -= text_w(&target);
    frame.fill_text(label(
        target,
        Point::new(x, y),
        theme::MUTED,
        alignment::Horizontal::Left,
    ));
    x -= 22.0;
    frame.stroke(
        &Path::line(Point::new(x, y), Point::new(x + 18.0, y)),
        dashed(theme::ALBUM, 1.5),
    );
    x -= 14.0 + text_w("mastered");
    frame.fill_text(label(
        "mastered".to_string(),
        Point::new(x, y),
        theme::MUTED,
        alignment::Horizontal::Left,
    ));
    x -= DOT_R + 4.0;
    frame.fill(&Path::circle(Point::new(x, y), DOT_R), theme::TEXT);
    x -= DOT_R + 14.0 + text_w("source");
    frame.fill_text(label(
        "source".to_string(),
        Point::new(x, y),
        theme::MUTED,
        alignment::Horizontal::Left,
    ));
    x -= DOT_R + 4.0;
    frame.stroke(
        &Path::circle(Point::new(x, y), DOT_R),
        Stroke::default().with_color(theme::TEXT).with_width(1.5),
    );
}
