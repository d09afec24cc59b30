//! The selected track's spectral balance (mid) against the album average, on a logarithmic
//! frequency axis 20 Hz–20 kHz. The geometry is cached and redrawn only when the data changes.

use super::theme;
use iced::widget::canvas::{self, Frame, Path, Stroke, Text};
use iced::{alignment, mouse, Point, Rectangle, Renderer, Size, Theme};

const F_MIN_HZ: f64 = 20.0;
const F_MAX_HZ: f64 = 20_000.0;
const GRID_HZ: [(f64, &str); 10] = [
    (20.0, "20"),
    (50.0, "50"),
    (100.0, "100"),
    (200.0, "200"),
    (500.0, "500"),
    (1_000.0, "1k"),
    (2_000.0, "2k"),
    (5_000.0, "5k"),
    (10_000.0, "10k"),
    (20_000.0, "20k"),
];
/// Room for the dB labels (left) and the frequency labels (bottom), logical pixels.
const LEFT: f32 = 46.0;
const BOTTOM: f32 = 26.0;
const TOP: f32 = 10.0;
const RIGHT: f32 = 14.0;

/// The curves to draw, on the analysis band grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    pub bands_hz: Vec<f64>,
    /// The selected track's mid spectrum, dB relative to its loudness.
    pub track_db: Vec<f64>,
    /// The album average, same bands.
    pub album_db: Vec<f64>,
}

/// What the plot shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Curves(Curves),
    /// No curve: this sentence instead (nothing selected, still analysing, file missing).
    Note(String),
}

/// The canvas program. Holds its own cache: `set` clears it only when the content changes.
#[derive(Debug)]
pub struct SpectrumPlot {
    content: Content,
    cache: canvas::Cache,
    /// Counts cache clears (tests check that unchanged data keeps the cache).
    revision: u64,
}

impl Default for SpectrumPlot {
    fn default() -> Self {
        SpectrumPlot {
            content: Content::Note(String::new()),
            cache: canvas::Cache::new(),
            revision: 0,
        }
    }
}

impl SpectrumPlot {
    pub fn set(&mut self, content: Content) {
        if content != self.content {
            self.content = content;
            self.cache.clear();
            self.revision += 1;
        }
    }

    pub fn content(&self) -> &Content {
        &self.content
    }
}

/// Maps frequency (log) and level (linear dB) into the plot rectangle.
struct Axes {
    plot: Rectangle,
    db_min: f64,
    db_max: f64,
}

impl Axes {
    fn x(&self, freq_hz: f64) -> f32 {
        let t = (freq_hz / F_MIN_HZ).log10() / (F_MAX_HZ / F_MIN_HZ).log10();
        self.plot.x + self.plot.width * t.clamp(0.0, 1.0) as f32
    }
    fn y(&self, level_db: f64) -> f32 {
        let t = (level_db - self.db_min) / (self.db_max - self.db_min);
        self.plot.y + self.plot.height * (1.0 - t.clamp(0.0, 1.0)) as f32
    }
}

/// The largest span of data shown, dB (the axis adds air and snaps to 6 dB steps: at most 48 dB). Tonal balance lives within a few tens of dB; a codec's low-pass
/// (the last band of a lossy file reads -70 dB) would otherwise squash every curve into a strip.
/// Points below the floor are drawn on it (`Axes::y` clamps).
const MAX_SPAN_DB: f64 = 36.0;

/// A dB range with a few dB of air, snapped to the grid step, at most `MAX_SPAN_DB` tall.
fn db_range(curves: &Curves) -> (f64, f64, f64) {
    let finite = curves
        .track_db
        .iter()
        .chain(&curves.album_db)
        .copied()
        .filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (-60.0, 0.0, 12.0);
    }
    let lo = lo.max(hi - MAX_SPAN_DB);
    let step = if hi - lo > 42.0 { 12.0 } else { 6.0 };
    (
        (lo - 2.0).div_euclid(step) * step,
        ((hi + 2.0) / step).ceil() * step,
        step,
    )
}

fn label(content: String, position: Point, align_x: alignment::Horizontal) -> Text {
    Text {
        content,
        position,
        color: theme::MUTED,
        size: 12.0.into(),
        align_x: align_x.into(),
        align_y: alignment::Vertical::Center,
        ..Text::default()
    }
}

impl<Message> canvas::Program<Message> for SpectrumPlot {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let geometry = self.cache.draw(renderer, bounds.size(), |frame| {
            let plot = Rectangle::new(
                Point::new(LEFT, TOP),
                Size::new(
                    (frame.width() - LEFT - RIGHT).max(1.0),
                    (frame.height() - TOP - BOTTOM).max(1.0),
                ),
            );
            let (db_min, db_max, step) = match &self.content {
                Content::Curves(curves) => db_range(curves),
                Content::Note(_) => (-48.0, 0.0, 12.0),
            };
            let axes = Axes {
                plot,
                db_min,
                db_max,
            };
            frame.fill_rectangle(plot.position(), plot.size(), theme::RAISED);
            draw_grid(frame, &axes, step);
            match &self.content {
                Content::Curves(curves) => {
                    draw_curve(
                        frame,
                        &axes,
                        &curves.bands_hz,
                        &curves.album_db,
                        theme::ALBUM,
                        true,
                    );
                    draw_curve(
                        frame,
                        &axes,
                        &curves.bands_hz,
                        &curves.track_db,
                        theme::TRACK,
                        false,
                    );
                }
                Content::Note(note) => frame.fill_text(Text {
                    content: note.clone(),
                    position: plot.center(),
                    color: theme::MUTED,
                    size: 15.0.into(),
                    align_x: alignment::Horizontal::Center.into(),
                    align_y: alignment::Vertical::Center,
                    ..Text::default()
                }),
            }
        });
        vec![geometry]
    }
}

fn draw_grid(frame: &mut Frame, axes: &Axes, step_db: f64) {
    let grid = Stroke::default().with_color(theme::LINE).with_width(1.0);
    let plot = axes.plot;
    for (freq_hz, name) in GRID_HZ {
        let x = axes.x(freq_hz);
        frame.stroke(
            &Path::line(Point::new(x, plot.y), Point::new(x, plot.y + plot.height)),
            grid,
        );
        let position = Point::new(x, plot.y + plot.height + BOTTOM / 2.0);
        frame.fill_text(label(
            name.to_string(),
            position,
            alignment::Horizontal::Center,
        ));
    }
    let mut level_db = axes.db_min;
    while level_db <= axes.db_max + 1e-9 {
        let y = axes.y(level_db);
        frame.stroke(
            &Path::line(Point::new(plot.x, y), Point::new(plot.x + plot.width, y)),
            grid,
        );
        let position = Point::new(LEFT - 6.0, y);
        frame.fill_text(label(
            format!("{level_db:.0}"),
            position,
            alignment::Horizontal::Right,
        ));
        level_db += step_db;
    }
    // The dB unit is in the panel heading; only Hz needs a mark, left of the first label.
    let unit = Point::new(LEFT - 14.0, plot.y + plot.height + BOTTOM / 2.0);
    frame.fill_text(label("Hz".to_string(), unit, alignment::Horizontal::Right));
}

fn draw_curve(
    frame: &mut Frame,
    axes: &Axes,
    bands_hz: &[f64],
    db: &[f64],
    color: iced::Color,
    dashed: bool,
) {
    let points: Vec<Point> = bands_hz
        .iter()
        .zip(db)
        .filter(|(f, v)| v.is_finite() && (F_MIN_HZ..=F_MAX_HZ).contains(*f))
        .map(|(&f, &v)| Point::new(axes.x(f), axes.y(v)))
        .collect();
    if points.len() < 2 {
        return;
    }
    let path = Path::new(|builder| {
        builder.move_to(points[0]);
        for &point in &points[1..] {
            builder.line_to(point);
        }
    });
    let mut stroke = Stroke::default()
        .with_color(color)
        .with_width(if dashed { 2.0 } else { 2.5 });
    if dashed {
        stroke.line_dash = canvas::LineDash {
            segments: &[7.0, 4.0],
            offset: 0,
        };
    }
    frame.stroke(&path, stroke);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_puts_decades_at_equal_distances() {
        let axes = Axes {
            plot: Rectangle::new(Point::ORIGIN, Size::new(300.0, 100.0)),
            db_min: -30.0,
            db_max: 0.0,
        };
        assert!((axes.x(20.0) - 0.0).abs() < 1e-4);
        assert!((axes.x(200.0) - 100.0).abs() < 1e-3);
        assert!((axes.x(2_000.0) - 200.0).abs() < 1e-3);
        assert!((axes.x(20_000.0) - 300.0).abs() < 1e-3);
        assert!((axes.y(0.0) - 0.0).abs() < 1e-4 && (axes.y(-30.0) - 100.0).abs() < 1e-4);
    }

    #[test]
    fn db_range_covers_both_curves_on_grid_steps() {
        let curves = Curves {
            bands_hz: vec![100.0, 1_000.0],
            track_db: vec![-31.0, -9.5],
            album_db: vec![-25.0, f64::NAN],
        };
        let (lo, hi, step) = db_range(&curves);
        assert_eq!((lo, hi, step), (-36.0, -6.0, 6.0));
        // A codec's -70 dB top band does not stretch the axis past 48 dB.
        let lossy = Curves {
            bands_hz: vec![100.0, 20_000.0],
            track_db: vec![-10.0, -70.0],
            album_db: vec![-12.0, -68.0],
        };
        let (lo, hi, _) = db_range(&lossy);
        assert!(hi - lo <= 48.0 && hi >= -8.0 && lo <= -46.0, "{lo}..{hi}");
    }

    #[test]
    fn cache_is_kept_when_the_same_content_is_set_again() {
        let mut plot = SpectrumPlot::default();
        let curves = Content::Curves(Curves {
            bands_hz: vec![100.0],
            track_db: vec![0.0],
            album_db: vec![0.0],
        });
        plot.set(curves.clone());
        assert_eq!(plot.revision, 1);
        plot.set(curves.clone());
        assert_eq!(plot.revision, 1);
        plot.set(Content::Note("x".into()));
        assert_eq!(plot.revision, 2);
    }
}
