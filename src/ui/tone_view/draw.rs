//! Strokes and fills of the tone view's cached layers (grid, curves and strip, live). They
//! read the precomputed [`Model`](super::model::Model): nothing is computed here but positions.

use super::axes::{Layout, Scale, GRID_HZ, STRIP_DB};
use super::handles;
use super::model::{Channel, Model, TargetKind};
use super::theme;
use crate::project::ToneSettings;
use iced::widget::canvas::{Frame, LineDash, Path, Stroke, Text};
use iced::{alignment, Color, Point, Rectangle, Size};

/// Radius of a handle, logical pixels.
pub const HANDLE_R: f32 = 7.0;
/// Length of a legend entry's line sample.
const SWATCH_W: f32 = 18.0;
/// Space between legend entries.
const LEGEND_GAP: f32 = 13.0;

/// A legend entry's sample: a curve's line, or one of the two shaded areas.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Line(Look),
    /// The deviation between the match target and the processed curve.
    Deviation,
    /// A reference corridor.
    Corridor,
}

/// Fill opacity of a reference corridor.
const CORRIDOR_ALPHA: f32 = 0.13;

/// How each curve is drawn: colour, width and dash, so no two differ by colour alone.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    color: Color,
    width: f32,
    dash: &'static [f32],
}

const PROCESSED: Look = Look {
    color: theme::TRACK,
    width: 2.5,
    dash: &[],
};
const ORIGINAL: Look = Look {
    color: theme::TRACK,
    width: 1.5,
    dash: &[2.0, 3.0],
};
const ALBUM: Look = Look {
    color: theme::ALBUM,
    width: 2.0,
    dash: &[7.0, 4.0],
};
const REFERENCES: Look = Look {
    color: theme::REFERENCE,
    width: 2.0,
    dash: &[10.0, 3.0, 2.0, 3.0],
};
const TARGET: Look = Look {
    color: theme::MUTED,
    width: 1.5,
    dash: &[1.5, 3.0],
};
const RESPONSE: Look = Look {
    color: theme::EQ,
    width: 2.0,
    dash: &[],
};
const PROPOSED: Look = Look {
    color: theme::PROPOSED,
    width: 2.5,
    dash: &[12.0, 3.0],
};
const PROPOSED_RESPONSE: Look = Look {
    color: theme::PROPOSED,
    width: 1.6,
    dash: &[6.0, 3.0],
};
const MATCH_PART: Look = Look {
    color: theme::EQ,
    width: 1.2,
    dash: &[4.0, 3.0],
};

pub(super) fn alpha(color: Color, a: f32) -> Color {
    Color { a, ..color }
}

fn stroke(look: Look) -> Stroke<'static> {
    Stroke {
        line_dash: LineDash {
            segments: look.dash,
            offset: 0,
        },
        ..Stroke::default()
            .with_color(look.color)
            .with_width(look.width)
    }
}

pub(super) fn label(content: impl Into<String>, position: Point, color: Color, size: f32) -> Text {
    Text {
        content: content.into(),
        position,
        color,
        size: size.into(),
        align_y: alignment::Vertical::Center,
        ..Text::default()
    }
}

pub(super) fn aligned(text: Text, align_x: alignment::Horizontal) -> Text {
    Text {
        align_x: align_x.into(),
        ..text
    }
}

/// A rough width of `s` at `size` px in Fira Sans, for laying out the legend (the canvas has
/// no text measurement; 0.56 em per character errs on the roomy side).
fn text_width(s: &str, size: f32) -> f32 {
    s.chars().count() as f32 * size * 0.56
}

fn polyline(points: impl IntoIterator<Item = Point>) -> Option<Path> {
    let points: Vec<Point> = points.into_iter().collect();
    (points.len() >= 2).then(|| {
        Path::new(|b| {
            b.move_to(points[0]);
            for &p in &points[1..] {
                b.line_to(p);
            }
        })
    })
}

/// The points of a band curve (non-finite bands skipped).
fn curve_points<'a>(
    scale: &'a Scale,
    bands_hz: &'a [f64],
    db: &'a [f64],
) -> impl Iterator<Item = Point> + 'a {
    bands_hz
        .iter()
        .zip(db)
        .filter(|(_, v)| v.is_finite())
        .map(|(&f, &v)| Point::new(scale.x(f), scale.y(v)))
}

fn curve(frame: &mut Frame, scale: &Scale, bands_hz: &[f64], db: &[f64], look: Look) {
    if let Some(path) = polyline(curve_points(scale, bands_hz, db)) {
        frame.stroke(&path, stroke(look));
    }
}

/// Backgrounds, grid lines, axis labels and the strip's caption; `range` is the spectrum's
/// level axis (`None` for a note: then no level labels).
pub fn grid(frame: &mut Frame, layout: &Layout, range: Option<(f64, f64, f64)>) {
    let strip = layout.strip_scale();
    // Hairlines on pixel centres stay one pixel wide; and all of them go in one path, as the
    // software renderer pays a fixed price per path it fills.
    let crisp = |v: f32| v.round() + 0.5;
    let mut hairlines: Vec<(Point, Point)> = Vec::new();
    for rect in [layout.plot, layout.strip] {
        frame.fill_rectangle(rect.position(), rect.size(), theme::RAISED);
        for (freq_hz, _) in GRID_HZ {
            let x = crisp(strip.x(freq_hz)).min(rect.x + rect.width - 0.5);
            hairlines.push((Point::new(x, rect.y), Point::new(x, rect.y + rect.height)));
        }
    }
    let left = layout.plot.x - 6.0;
    for (freq_hz, name) in GRID_HZ {
        let at = Point::new(strip.x(freq_hz), layout.freq_labels_y);
        frame.fill_text(aligned(
            label(name, at, theme::MUTED, 12.0),
            alignment::Horizontal::Center,
        ));
    }
    frame.fill_text(aligned(
        label(
            "Hz",
            Point::new(left - 8.0, layout.freq_labels_y),
            theme::MUTED,
            12.0,
        ),
        alignment::Horizontal::Right,
    ));

    let (plot, rect) = (layout.plot, layout.strip);
    let across = |rect: Rectangle, y: f32| {
        let y = crisp(y).min(rect.y + rect.height - 0.5);
        (Point::new(rect.x, y), Point::new(rect.x + rect.width, y))
    };
    if let Some((db_min, db_max, step)) = range {
        let scale = layout.plot_scale(db_min, db_max);
        let mut level_db = db_min;
        while level_db <= db_max + 1e-9 {
            let y = scale.y(level_db);
            hairlines.push(across(plot, y));
            let text = crate::units::signed(level_db, 1);
            frame.fill_text(aligned(
                label(
                    text.trim_end_matches(".0"),
                    Point::new(left, y),
                    theme::MUTED,
                    12.0,
                ),
                alignment::Horizontal::Right,
            ));
            level_db += step;
        }
        let unit = Point::new(left, layout.legend.height / 2.0 - 1.0);
        frame.fill_text(aligned(
            label("dB", unit, theme::MUTED, 12.0),
            alignment::Horizontal::Right,
        ));
    }
    for level_db in [-12.0, -6.0, 6.0, 12.0] {
        let y = strip.y(level_db);
        hairlines.push(across(rect, y));
        if level_db.abs() != 6.0 {
            let text = crate::units::signed(level_db, 1);
            frame.fill_text(aligned(
                label(
                    text.trim_end_matches(".0"),
                    Point::new(left, y),
                    theme::MUTED,
                    12.0,
                ),
                alignment::Horizontal::Right,
            ));
        }
    }
    let grid = Path::new(|b| {
        for &(from, to) in &hairlines {
            b.move_to(from);
            b.line_to(to);
        }
    });
    frame.stroke(
        &grid,
        Stroke::default().with_color(theme::LINE).with_width(1.0),
    );
    // The EQ's 0 dB line, brighter: the reference every handle's stem starts from.
    let (from, to) = across(rect, strip.y(0.0));
    frame.stroke(
        &Path::line(from, to),
        Stroke::default()
            .with_color(alpha(theme::MUTED, 0.7))
            .with_width(1.0),
    );
    frame.fill_text(aligned(
        label("0", Point::new(left, strip.y(0.0)), theme::MUTED, 12.0),
        alignment::Horizontal::Right,
    ));
    // The long caption where it fits; a short one in a narrow window.
    let long = format!(
        "EQ response, dB (±{STRIP_DB:.0})   drag a handle · Shift: fine · \
         wheel on a bell: Q · double-click: add a bell / reset"
    );
    let caption = if text_width(&long, 11.0) <= layout.strip.width {
        long
    } else {
        format!("EQ, dB (±{STRIP_DB:.0}) · drag · Shift fine · wheel Q · double-click add/reset")
    };
    frame.fill_text(label(
        caption,
        Point::new(layout.strip.x, layout.caption_y),
        theme::MUTED,
        11.0,
    ));
}

/// The legend row: one entry per curve this channel has (short names when the plot is narrow).
pub fn legend(frame: &mut Frame, layout: &Layout, channel: &Channel, target: TargetKind) {
    let entries = legend_entries(channel, target, layout);
    let y = layout.legend.height / 2.0 - 1.0;
    let mut x = layout.plot.x;
    for (name, swatch) in entries {
        x = legend_entry(frame, x, y, name, swatch) + LEGEND_GAP;
    }
}

/// The entries of the legend for `channel`, in order (`None` look: the deviation swatch).
fn legend_entries(
    channel: &Channel,
    target: TargetKind,
    layout: &Layout,
) -> Vec<(&'static str, Swatch)> {
    let full = legend_names(channel, target, false);
    // Room for "Live" after the static entries too.
    let width = |entries: &[(&str, Swatch)]| {
        entries
            .iter()
            .chain([("Live", Swatch::Deviation)].iter())
            .map(|(name, _)| SWATCH_W + 5.0 + text_width(name, 12.0) + LEGEND_GAP)
            .sum::<f32>()
    };
    if width(&full) <= layout.plot.width {
        full
    } else {
        legend_names(channel, target, true)
    }
}

fn legend_names(channel: &Channel, target: TargetKind, short: bool) -> Vec<(&'static str, Swatch)> {
    use Swatch::Line;
    let name = |long: &'static str, brief: &'static str| if short { brief } else { long };
    // "Master" and "Mix" in both forms, as the readout names them.
    let mut entries = vec![("Master", Line(PROCESSED))];
    if channel.proposed.is_some() {
        // The same word in both forms: it is what the assistant's panel calls it.
        entries.push(("Proposed", Line(PROPOSED)));
    }
    entries.push(("Mix", Line(ORIGINAL)));
    if channel.album.is_some() {
        entries.push((name("Album average", "Album"), Line(ALBUM)));
    }
    if channel.references.is_some() {
        entries.push((name("References", "Refs"), Line(REFERENCES)));
    }
    if channel.corridor.is_some() {
        entries.push((name("Ref. corridor", "Corridor"), Swatch::Corridor));
    }
    if target == TargetKind::Blend && channel.target.is_some() {
        entries.push((name("Match target", "Target"), Line(TARGET)));
    }
    if channel.target.is_some() {
        entries.push((name("Deviation", "Dev."), Swatch::Deviation));
    }
    entries
}

/// Where the legend's static entries end, so the live layer can append "Live" after them.
fn legend_end(layout: &Layout, channel: &Channel, target: TargetKind) -> f32 {
    legend_entries(channel, target, layout)
        .into_iter()
        .fold(layout.plot.x, |x, (name, _)| {
            x + SWATCH_W + 5.0 + text_width(name, 12.0) + LEGEND_GAP
        })
}

/// Draws one legend entry from `x`; returns where it ends.
fn legend_entry(frame: &mut Frame, x: f32, y: f32, name: &str, swatch: Swatch) -> f32 {
    match swatch {
        Swatch::Line(look) => frame.stroke(
            &Path::line(Point::new(x, y), Point::new(x + SWATCH_W, y)),
            stroke(look),
        ),
        Swatch::Deviation => frame.fill_rectangle(
            Point::new(x, y - 5.0),
            Size::new(SWATCH_W, 10.0),
            alpha(theme::DEVIATION, 0.35),
        ),
        Swatch::Corridor => frame.fill_rectangle(
            Point::new(x, y - 5.0),
            Size::new(SWATCH_W, 10.0),
            alpha(theme::REFERENCE, 2.0 * CORRIDOR_ALPHA),
        ),
    }
    frame.fill_text(label(
        name,
        Point::new(x + SWATCH_W + 5.0, y),
        theme::TEXT,
        12.0,
    ));
    x + SWATCH_W + 5.0 + text_width(name, 12.0)
}

/// The spectrum curves, the deviation band and the EQ strip with its handles.
pub fn curves(frame: &mut Frame, layout: &Layout, model: &Model, side: bool, tone: &ToneSettings) {
    let channel = model.channel(side);
    let (db_min, db_max, _) = channel.range;
    let scale = layout.plot_scale(db_min, db_max);
    let bands = &model.bands_hz;

    // A reference corridor under everything: where the published measurements put a typical
    // release's balance, at this track's level.
    if let Some((lower, upper)) = &channel.corridor {
        if let Some(band) = area(&scale, bands, lower, upper) {
            frame.fill(&band, alpha(theme::REFERENCE, CORRIDOR_ALPHA));
        }
    }
    // The deviation band, between the match target and the processed curve.
    if let Some(target) = &channel.target {
        if let Some(band) = area(&scale, bands, target, &channel.processed) {
            frame.fill(&band, alpha(theme::DEVIATION, 0.16));
        }
        if model.target_kind == TargetKind::Blend {
            curve(frame, &scale, bands, target, TARGET);
        }
    }
    if let Some(album) = &channel.album {
        curve(frame, &scale, bands, album, ALBUM);
    }
    if let Some(references) = &channel.references {
        curve(frame, &scale, bands, references, REFERENCES);
    }
    curve(frame, &scale, bands, &channel.original, ORIGINAL);
    curve(frame, &scale, bands, &channel.processed, PROCESSED);
    if let Some(proposed) = &channel.proposed {
        curve(frame, &scale, bands, proposed, PROPOSED);
    }

    strip(frame, layout, model, tone);
}

/// The area between two curves on `bands_hz`, in either order (bands where either is not
/// finite left out).
fn area(scale: &Scale, bands_hz: &[f64], lower: &[f64], upper: &[f64]) -> Option<Path> {
    let pairs: Vec<(f64, f64, f64)> = bands_hz
        .iter()
        .zip(lower.iter().zip(upper))
        .filter(|(_, (l, u))| l.is_finite() && u.is_finite())
        .map(|(&f, (&l, &u))| (f, l, u))
        .collect();
    (pairs.len() >= 2).then(|| {
        Path::new(|b| {
            b.move_to(Point::new(scale.x(pairs[0].0), scale.y(pairs[0].2)));
            for &(f, _, u) in &pairs[1..] {
                b.line_to(Point::new(scale.x(f), scale.y(u)));
            }
            for &(f, l, _) in pairs.iter().rev() {
                b.line_to(Point::new(scale.x(f), scale.y(l)));
            }
            b.close();
        })
    })
}

fn strip(frame: &mut Frame, layout: &Layout, model: &Model, tone: &ToneSettings) {
    let scale = layout.strip_scale();
    let zero = scale.y(0.0);
    let points: Vec<Point> = model
        .dense_hz
        .iter()
        .zip(&model.dense_db)
        .map(|(&f, &r)| Point::new(scale.x(f), scale.y(r)))
        .collect();
    if points.len() >= 2 {
        let area = Path::new(|b| {
            b.move_to(Point::new(points[0].x, zero));
            for &p in &points {
                b.line_to(p);
            }
            b.line_to(Point::new(points[points.len() - 1].x, zero));
            b.close();
        });
        frame.fill(&area, alpha(theme::EQ, 0.14));
    }
    if model.match_active {
        if let Some(path) = polyline(
            model
                .dense_hz
                .iter()
                .zip(&model.dense_match_db)
                .map(|(&f, &m)| Point::new(scale.x(f), scale.y(m))),
        ) {
            frame.stroke(&path, stroke(MATCH_PART));
        }
    }
    if let Some(path) = polyline(points) {
        frame.stroke(&path, stroke(RESPONSE));
    }
    if let Some(proposed) = &model.dense_proposed_db {
        let points = model
            .dense_hz
            .iter()
            .zip(proposed)
            .map(|(&f, &r)| Point::new(scale.x(f), scale.y(r)));
        if let Some(path) = polyline(points) {
            frame.stroke(&path, stroke(PROPOSED_RESPONSE));
        }
    }
    for handle in handles::handles(tone) {
        let Some((freq_hz, gain_db)) = handles::position(tone, handle) else {
            continue;
        };
        let at = Point::new(scale.x(freq_hz), scale.y(gain_db));
        // A stem from 0 dB: a handle shows its control's own amount, which is not the sum
        // curve's value where controls overlap.
        frame.stroke(
            &Path::line(Point::new(at.x, zero), at),
            Stroke::default()
                .with_color(alpha(theme::EQ, 0.55))
                .with_width(1.0),
        );
        frame.fill(&Path::circle(at, HANDLE_R), theme::EQ);
        frame.stroke(
            &Path::circle(at, HANDLE_R),
            Stroke::default()
                .with_color(theme::BACKGROUND)
                .with_width(1.0),
        );
        frame.fill_text(aligned(
            label(handle.mark(), at, theme::BACKGROUND, 10.0),
            alignment::Horizontal::Center,
        ));
    }
}

/// The live spectrum: a translucent area under a thin line, and its legend entry at the
/// right end of the legend row.
pub fn live(frame: &mut Frame, layout: &Layout, model: &Model, side: bool, live_db: &[f64]) {
    let (db_min, db_max, _) = model.channel(side).range;
    let scale = layout.plot_scale(db_min, db_max);
    let points: Vec<Point> = curve_points(&scale, &model.bands_hz, live_db).collect();
    if points.len() < 2 {
        return;
    }
    let bottom = layout.plot.y + layout.plot.height;
    let area = Path::new(|b| {
        b.move_to(Point::new(points[0].x, bottom));
        for &p in &points {
            b.line_to(p);
        }
        b.line_to(Point::new(points[points.len() - 1].x, bottom));
        b.close();
    });
    frame.fill(&area, alpha(theme::LIVE, 0.13));
    if let Some(path) = polyline(points) {
        frame.stroke(
            &path,
            Stroke::default()
                .with_color(alpha(theme::LIVE, 0.55))
                .with_width(1.0),
        );
    }
    let y = layout.legend.height / 2.0 - 1.0;
    let x = legend_end(layout, model.channel(side), model.target_kind);
    frame.fill_rectangle(
        Point::new(x, y - 5.0),
        Size::new(SWATCH_W, 10.0),
        alpha(theme::LIVE, 0.3),
    );
    frame.fill_text(label(
        "Live",
        Point::new(x + SWATCH_W + 5.0, y),
        theme::TEXT,
        12.0,
    ));
}

/// A note in place of the curves.
pub fn note(frame: &mut Frame, layout: &Layout, note: &str) {
    frame.fill_text(aligned(
        label(note, layout.plot.center(), theme::MUTED, 15.0),
        alignment::Horizontal::Center,
    ));
}
