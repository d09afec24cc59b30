//! Where things go on the tone view's canvas, and the pure mapping between pixels and
//! (frequency, level). Both plots share one logarithmic frequency axis, 20 Hz–20 kHz; the
//! spectrum plot's level axis follows the data, the EQ strip's is fixed at ±[`STRIP_DB`].

use iced::{Point, Rectangle, Size};

/// Lowest frequency shown, Hz.
pub const F_MIN_HZ: f64 = 20.0;
/// Highest frequency shown, Hz.
pub const F_MAX_HZ: f64 = 20_000.0;
/// The EQ strip shows the response from −STRIP_DB to +STRIP_DB, dB.
pub const STRIP_DB: f64 = 12.0;

/// Frequency grid lines and their labels.
pub const GRID_HZ: [(f64, &str); 10] = [
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

/// Room for the level labels on the left, logical pixels.
const LEFT: f32 = 44.0;
/// Room on the right, so the "20k" label is not clipped.
const RIGHT: f32 = 14.0;
/// The legend row above the spectrum plot.
const LEGEND_H: f32 = 22.0;
/// Between the spectrum plot and the EQ strip: the strip's caption.
const CAPTION_H: f32 = 20.0;
/// The frequency labels under the EQ strip.
const FREQ_LABELS_H: f32 = 22.0;

/// The regions of the canvas, computed from its size alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    /// The legend row (full width, above the plot).
    pub legend: Rectangle,
    /// The spectrum plot.
    pub plot: Rectangle,
    /// The EQ response strip (same x extent as the plot).
    pub strip: Rectangle,
    /// Baseline of the frequency labels (below the strip).
    pub freq_labels_y: f32,
    /// Baseline of the strip's caption (between plot and strip).
    pub caption_y: f32,
}

impl Layout {
    /// The layout for a canvas of `size` logical pixels. The strip takes about a third of the
    /// height (80–140 px) so the spectrum keeps most of the room.
    pub fn new(size: Size) -> Layout {
        let width = (size.width - LEFT - RIGHT).max(1.0);
        let free = (size.height - LEGEND_H - CAPTION_H - FREQ_LABELS_H).max(2.0);
        let strip_h = (free * 0.34).clamp(80.0, 140.0).min(free / 2.0);
        let plot_h = free - strip_h;
        let plot = Rectangle::new(Point::new(LEFT, LEGEND_H), Size::new(width, plot_h));
        let strip_y = LEGEND_H + plot_h + CAPTION_H;
        let strip = Rectangle::new(Point::new(LEFT, strip_y), Size::new(width, strip_h));
        Layout {
            legend: Rectangle::new(Point::ORIGIN, Size::new(size.width, LEGEND_H)),
            plot,
            strip,
            // Low in their row, clear of the strip's "−12" label.
            freq_labels_y: strip_y + strip_h + FREQ_LABELS_H * 0.6,
            caption_y: LEGEND_H + plot_h + CAPTION_H / 2.0,
        }
    }

    /// The spectrum plot's scale for the level range `db_min..db_max`.
    pub fn plot_scale(&self, db_min: f64, db_max: f64) -> Scale {
        Scale {
            rect: self.plot,
            db_min,
            db_max,
        }
    }

    /// The EQ strip's scale (±[`STRIP_DB`]).
    pub fn strip_scale(&self) -> Scale {
        Scale {
            rect: self.strip,
            db_min: -STRIP_DB,
            db_max: STRIP_DB,
        }
    }
}

/// Maps frequency (log) and level (linear dB) into a rectangle and back. Pure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The plotting rectangle, canvas coordinates.
    pub rect: Rectangle,
    /// Level at the bottom edge, dB.
    pub db_min: f64,
    /// Level at the top edge, dB.
    pub db_max: f64,
}

impl Scale {
    /// Horizontal pixel of `freq_hz` (clamped to the axis ends).
    pub fn x(&self, freq_hz: f64) -> f32 {
        let t = (freq_hz / F_MIN_HZ).log10() / (F_MAX_HZ / F_MIN_HZ).log10();
        self.rect.x + self.rect.width * t.clamp(0.0, 1.0) as f32
    }

    /// Vertical pixel of `level_db` (clamped to the rectangle, so out-of-range values sit on
    /// its edge rather than leaving it).
    pub fn y(&self, level_db: f64) -> f32 {
        let t = (level_db - self.db_min) / (self.db_max - self.db_min);
        self.rect.y + self.rect.height * (1.0 - t.clamp(0.0, 1.0)) as f32
    }

    /// Frequency at horizontal pixel `x`, Hz (not clamped: the inverse of [`Scale::x`]).
    pub fn freq_hz(&self, x: f32) -> f64 {
        let t = f64::from((x - self.rect.x) / self.rect.width);
        F_MIN_HZ * (F_MAX_HZ / F_MIN_HZ).powf(t)
    }

    /// Level at vertical pixel `y`, dB (not clamped: the inverse of [`Scale::y`]).
    pub fn level_db(&self, y: f32) -> f64 {
        let t = f64::from((y - self.rect.y) / self.rect.height);
        self.db_max - t * (self.db_max - self.db_min)
    }

    /// Octaves per horizontal pixel (a drag's frequency step).
    pub fn octaves_per_px(&self) -> f64 {
        (F_MAX_HZ / F_MIN_HZ).log2() / f64::from(self.rect.width)
    }

    /// Decibels per vertical pixel (a drag's level step).
    pub fn db_per_px(&self) -> f64 {
        (self.db_max - self.db_min) / f64::from(self.rect.height)
    }
}

/// The largest span of data shown, dB. Tonal balance lives within a few tens of dB; a codec's
/// low-pass (the top band of a lossy file reads −70 dB) would otherwise squash every curve.
const MAX_SPAN_DB: f64 = 36.0;

/// A level range covering the finite values of `curves` with a few dB of air, snapped to the
/// grid step, at most about 48 dB tall: `(db_min, db_max, step_db)`.
pub fn db_range<'a>(curves: impl IntoIterator<Item = &'a [f64]>) -> (f64, f64, f64) {
    let (lo, hi) = curves
        .into_iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (-48.0, 0.0, 12.0);
    }
    let lo = lo.max(hi - MAX_SPAN_DB);
    let step = if hi - lo > 42.0 { 12.0 } else { 6.0 };
    (
        (lo - 2.0).div_euclid(step) * step,
        ((hi + 2.0) / step).ceil() * step,
        step,
    )
}

/// "+1.5 dB", "−3.0 dB" (a real minus sign), "0.0 dB".
pub fn format_db(level_db: f64) -> String {
    format!("{} dB", crate::units::signed(level_db, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale() -> Scale {
        Scale {
            rect: Rectangle::new(Point::new(40.0, 10.0), Size::new(300.0, 120.0)),
            db_min: -12.0,
            db_max: 12.0,
        }
    }

    #[test]
    fn log_axis_puts_decades_at_equal_distances_and_inverts() {
        let s = scale();
        for (f, x) in [
            (20.0, 40.0),
            (200.0, 140.0),
            (2_000.0, 240.0),
            (20_000.0, 340.0),
        ] {
            assert!((s.x(f) - x).abs() < 1e-3, "{f} Hz at {}", s.x(f));
            assert!(
                (s.freq_hz(x) / f - 1.0).abs() < 1e-5,
                "{x} px: {}",
                s.freq_hz(x)
            );
        }
        for (db, y) in [(12.0, 10.0), (0.0, 70.0), (-12.0, 130.0), (6.0, 40.0)] {
            assert!((s.y(db) - y).abs() < 1e-4, "{db} dB at {}", s.y(db));
            assert!(
                (s.level_db(y) - db).abs() < 1e-4,
                "{y} px: {}",
                s.level_db(y)
            );
        }
        // Out-of-range values are drawn on the edge; the inverse is not clamped.
        assert_eq!(s.y(40.0), 10.0);
        assert_eq!(s.x(5.0), 40.0);
        assert!((s.level_db(0.0) - 14.0).abs() < 1e-4);
        assert!((s.octaves_per_px() - 1000f64.log2() / 300.0).abs() < 1e-12);
        assert!((s.db_per_px() - 0.2).abs() < 1e-12);
    }

    #[test]
    fn layout_stacks_legend_plot_caption_strip_labels_inside_the_canvas() {
        let l = Layout::new(Size::new(760.0, 380.0));
        assert_eq!(l.plot.x, l.strip.x);
        assert_eq!(l.plot.width, l.strip.width);
        assert!(l.plot.y >= l.legend.height);
        assert!(l.caption_y > l.plot.y + l.plot.height && l.caption_y < l.strip.y);
        assert!(l.freq_labels_y > l.strip.y + l.strip.height && l.freq_labels_y < 380.0);
        assert!(
            (80.0..=140.0).contains(&l.strip.height),
            "{}",
            l.strip.height
        );
        assert!(
            l.plot.height > l.strip.height,
            "the spectrum keeps most room"
        );
        // A tiny canvas still yields positive, non-overlapping regions.
        let t = Layout::new(Size::new(50.0, 60.0));
        assert!(t.plot.width >= 1.0 && t.plot.height > 0.0 && t.strip.height > 0.0);
    }

    #[test]
    fn db_range_covers_the_curves_on_grid_steps_and_caps_the_span() {
        let track = [-31.0, -9.5];
        let album = [-25.0, f64::NAN];
        assert_eq!(db_range([&track[..], &album[..]]), (-36.0, -6.0, 6.0));
        let lossy = [-10.0, -70.0];
        let (lo, hi, _) = db_range([&lossy[..]]);
        assert!(hi - lo <= 48.0 && hi >= -8.0 && lo <= -46.0, "{lo}..{hi}");
        assert_eq!(db_range([&[f64::NAN][..]]), (-48.0, 0.0, 12.0));
    }

    #[test]
    fn numbers_carry_units_and_a_real_minus_sign() {
        assert_eq!(format_db(1.54), "+1.5 dB");
        assert_eq!(format_db(-3.0), "\u{2212}3.0 dB");
        assert_eq!(format_db(-0.04), "0.0 dB");
    }
}
