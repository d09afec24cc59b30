//! The tone view's messages, its canvas gestures (driven through `canvas::Program::update`
//! with synthetic mouse events), its computed curves against the chain, its caching, and a
//! tiny-skia snapshot.

use super::axes::Layout;
use super::canvas::{Pointer, FINE};
use super::model::{self, Model};
use super::*;
use crate::project::{Bell, MatchTarget, Shelf};
use crate::render::params::{match_curve_db, match_target};
use crate::ui::demo;
use iced::mouse::{self, Button, Cursor, ScrollDelta};
use iced::widget::canvas::{self as iced_canvas, Event};
use iced::{keyboard, Point, Rectangle};

/// The canvas as the panel lays it out at 1280×800 (about 740×380 inside the panel), placed
/// away from the window's origin so the tests see bounds-relative coordinates at work.
const BOUNDS: Rectangle = Rectangle {
    x: 270.0,
    y: 96.0,
    width: 740.0,
    height: 380.0,
};

/// A demo track against the demo album (with a side curve), references a little brighter
/// than the album, and a few EQ moves, the match EQ at 40 % toward their blend.
fn input() -> ToneInput {
    let outcome = demo::outcome();
    let analysis = outcome.tracks[0].clone().unwrap();
    let mut album = outcome.stats.average.clone();
    album.side_db = album.mid_db.iter().map(|m| m - 10.0).collect();
    let references = SpectralBalance {
        bands_hz: album.bands_hz.clone(),
        mid_db: album
            .bands_hz
            .iter()
            .zip(&album.mid_db)
            .map(|(f, m)| m + 0.8 * (f / 1000.0).log2() - 1.0)
            .collect(),
        side_db: album.side_db.iter().map(|s| s + 1.5).collect(),
    };
    let mut tone = ToneSettings {
        tilt_db: 1.5,
        ..ToneSettings::default()
    };
    tone.low_shelf = Shelf {
        freq_hz: 80.0,
        gain_db: -2.0,
    };
    tone.high_shelf = Shelf {
        freq_hz: 10_000.0,
        gain_db: 2.5,
    };
    tone.bells = vec![
        Bell {
            freq_hz: 250.0,
            gain_db: -3.0,
            q: 1.4,
        },
        Bell {
            freq_hz: 3_000.0,
            gain_db: 2.0,
            q: 2.0,
        },
    ];
    tone.match_eq.target = MatchTarget::Blend;
    tone.match_eq.blend = 0.5;
    tone.match_eq.amount = 0.4;
    ToneInput {
        track: demo_track(),
        title: demo::TITLES[0].to_string(),
        analysis,
        album,
        references: Some(references),
        tone,
        proposed: None,
    }
}

fn demo_track() -> TrackId {
    TrackId(100)
}

fn view() -> ToneView {
    let mut view = ToneView::default();
    view.set(input());
    view
}

fn tone_of(action: Action) -> ToneSettings {
    match action {
        Action::Edit(Edit::Tone { track, tone }) => {
            assert_eq!(track, demo_track());
            tone
        }
        other => panic!("expected a tone edit, got {other:?}"),
    }
}

/// Sends `event` to the canvas with the cursor at `at` (canvas coordinates); returns the
/// message it publishes.
fn send(view: &ToneView, state: &mut Pointer, event: Event, at: Point) -> Option<Message> {
    let cursor = Cursor::Available(Point::new(at.x + BOUNDS.x, at.y + BOUNDS.y));
    let action = iced_canvas::Program::update(view, state, &event, BOUNDS, cursor)?;
    action.into_inner().0
}

fn press(view: &ToneView, state: &mut Pointer, at: Point) -> Option<Message> {
    send(
        view,
        state,
        Event::Mouse(mouse::Event::ButtonPressed(Button::Left)),
        at,
    )
}

fn release(view: &ToneView, state: &mut Pointer, at: Point) -> Option<Message> {
    send(
        view,
        state,
        Event::Mouse(mouse::Event::ButtonReleased(Button::Left)),
        at,
    )
}

fn move_to(view: &ToneView, state: &mut Pointer, at: Point) -> Option<Message> {
    let position = Point::new(at.x + BOUNDS.x, at.y + BOUNDS.y);
    send(
        view,
        state,
        Event::Mouse(mouse::Event::CursorMoved { position }),
        at,
    )
}

fn shift(view: &ToneView, state: &mut Pointer, on: bool) {
    let modifiers = if on {
        keyboard::Modifiers::SHIFT
    } else {
        keyboard::Modifiers::empty()
    };
    let event = Event::Keyboard(keyboard::Event::ModifiersChanged(modifiers));
    assert_eq!(send(view, state, event, Point::ORIGIN), None);
}

fn layout() -> Layout {
    Layout::new(BOUNDS.size())
}

/// Where `handle` is drawn, canvas coordinates.
fn handle_at(view: &ToneView, handle: Handle) -> Point {
    let (f, g) = handles::position(&view.input().unwrap().tone, handle).unwrap();
    let strip = layout().strip_scale();
    Point::new(strip.x(f), strip.y(g))
}

#[test]
fn dragging_the_tilt_handle_by_n_pixels_moves_tilt_by_n_times_the_strip_scale() {
    let mut view = view();
    let mut state = Pointer::default();
    let strip = layout().strip_scale();
    let start = handle_at(&view, Handle::Tilt);
    assert_eq!(press(&view, &mut state, start), None, "a press only grabs");
    assert_eq!(state.dragging(), Some(Handle::Tilt));

    // 10 px up: +10 × 24 dB / strip height.
    let up = Point::new(start.x, start.y - 10.0);
    let message = move_to(&view, &mut state, up).expect("a drag publishes");
    let Message::DragTo {
        handle,
        gain_db,
        freq_hz,
    } = message.clone()
    else {
        panic!("{message:?}");
    };
    let step_db = 10.0 * 24.0 / f64::from(layout().strip.height);
    assert_eq!(handle, Handle::Tilt);
    assert!((gain_db - (1.5 + step_db)).abs() < 1e-9, "{gain_db}");
    assert!(
        (freq_hz - 1000.0).abs() < 1e-9,
        "no horizontal move, pivot kept"
    );
    let tone = tone_of(view.update(message));
    assert!((tone.tilt_db - (1.5 + step_db)).abs() < 1e-9);
    assert_eq!(tone.tilt_pivot_hz, 1000.0);

    // With Shift the next 10 px count a tenth.
    shift(&view, &mut state, true);
    let more = Point::new(start.x, start.y - 20.0);
    let tone = tone_of(view.update(move_to(&view, &mut state, more).unwrap()));
    let expected = 1.5 + step_db + FINE * step_db;
    assert!((tone.tilt_db - expected).abs() < 1e-9, "{}", tone.tilt_db);

    // Horizontally: the pivot moves in octaves (fine: a tenth of the pixels' octaves).
    let right = Point::new(more.x + 30.0, more.y);
    let tone = tone_of(view.update(move_to(&view, &mut state, right).unwrap()));
    let pivot = 1000.0 * (30.0 * FINE * strip.octaves_per_px()).exp2();
    assert!(
        (tone.tilt_pivot_hz / pivot - 1.0).abs() < 1e-9,
        "{}",
        tone.tilt_pivot_hz
    );
    shift(&view, &mut state, false);

    // Far past the top: clamped to +6 dB; coming back moves at once (no dead zone).
    let high = Point::new(right.x, right.y - 1000.0);
    assert_eq!(
        tone_of(view.update(move_to(&view, &mut state, high).unwrap())).tilt_db,
        6.0
    );
    let back = Point::new(high.x, high.y + 10.0);
    let tone = tone_of(view.update(move_to(&view, &mut state, back).unwrap()));
    assert!((tone.tilt_db - (6.0 - step_db)).abs() < 1e-9);

    assert_eq!(release(&view, &mut state, back), Some(Message::Release));
    assert_eq!(view.update(Message::Release), Action::GestureEnd);
    assert_eq!(state.dragging(), None);
    assert_eq!(
        move_to(&view, &mut state, start),
        None,
        "no drag after the release"
    );
}

#[test]
fn drag_to_moves_a_handle_within_its_documented_ranges() {
    let mut view = view();
    let drag = |view: &mut ToneView, handle, freq_hz, gain_db| {
        tone_of(view.update(Message::DragTo {
            handle,
            freq_hz,
            gain_db,
        }))
    };
    let t = drag(&mut view, Handle::Tilt, 50_000.0, -9.0);
    assert_eq!((t.tilt_pivot_hz, t.tilt_db), (5_000.0, -6.0));
    let t = drag(&mut view, Handle::LowShelf, 4_000.0, 20.0);
    assert_eq!((t.low_shelf.freq_hz, t.low_shelf.gain_db), (1_000.0, 12.0));
    let t = drag(&mut view, Handle::HighShelf, 200.0, -13.0);
    assert_eq!(
        (t.high_shelf.freq_hz, t.high_shelf.gain_db),
        (1_000.0, -12.0)
    );
    let t = drag(&mut view, Handle::Bell(1), 5.0, 4.0);
    assert_eq!(
        (t.bells[1].freq_hz, t.bells[1].gain_db, t.bells[1].q),
        (20.0, 4.0, 2.0)
    );
    assert_eq!(t.bells[0], input().tone.bells[0], "other bells untouched");
    // NaN keeps the old value; a bell the track lacks or no change gives no edit.
    let t = drag(&mut view, Handle::Bell(1), f64::NAN, 5.0);
    assert_eq!((t.bells[1].freq_hz, t.bells[1].gain_db), (20.0, 5.0));
    let none = view.update(Message::DragTo {
        handle: Handle::Bell(3),
        freq_hz: 100.0,
        gain_db: 1.0,
    });
    assert_eq!(none, Action::None);
    let same = view.update(Message::DragTo {
        handle: Handle::Bell(1),
        freq_hz: 20.0,
        gain_db: 5.0,
    });
    assert_eq!(same, Action::None);
}

#[test]
fn double_click_on_the_strip_adds_a_bell_there_up_to_four() {
    let mut view = view();
    let mut state = Pointer::default();
    let strip = layout().strip_scale();
    // An empty spot of the strip: 6 kHz, +4 dB (no handle near).
    let at = Point::new(strip.x(6_000.0), strip.y(4.0));
    assert_eq!(
        press(&view, &mut state, at),
        None,
        "a single click on empty EQ does nothing"
    );
    assert_eq!(release(&view, &mut state, at), None);
    let message = press(&view, &mut state, at).expect("the second click adds");
    let Message::AddBell { freq_hz, gain_db } = message else {
        panic!("{message:?}");
    };
    assert!((freq_hz / 6_000.0 - 1.0).abs() < 1e-4 && (gain_db - 4.0).abs() < 1e-4);
    assert_eq!(release(&view, &mut state, at), Some(Message::Release));
    let tone = tone_of(view.update(message));
    assert_eq!(tone.bells.len(), 3);
    let new = tone.bells[2];
    assert!((new.freq_hz / 6_000.0 - 1.0).abs() < 1e-4);
    assert_eq!((new.gain_db, new.q), (4.0, handles::NEW_BELL_Q));

    // A double-click on the spectrum plot adds nothing.
    let plot = layout().plot.center();
    press(&view, &mut state, plot);
    release(&view, &mut state, plot);
    assert_eq!(press(&view, &mut state, plot), None);
    release(&view, &mut state, plot);

    let add = Message::AddBell {
        freq_hz: 12_000.0,
        gain_db: -20.0,
    };
    let tone = tone_of(view.update(add.clone()));
    assert_eq!(tone.bells.len(), MAX_BELLS);
    assert_eq!(tone.bells[3].gain_db, -12.0, "gain clamped");
    assert_eq!(view.update(add), Action::None, "no fifth bell");
}

#[test]
fn double_click_on_a_handle_resets_it_and_removes_a_bell() {
    let mut view = view();
    let mut state = Pointer::default();
    let bell = handle_at(&view, Handle::Bell(0));
    press(&view, &mut state, bell);
    release(&view, &mut state, bell);
    let message = press(&view, &mut state, bell).expect("double-click");
    assert_eq!(message, Message::Reset(Handle::Bell(0)));
    assert_eq!(release(&view, &mut state, bell), Some(Message::Release));
    let tone = tone_of(view.update(message));
    assert_eq!(tone.bells, vec![input().tone.bells[1]]);

    let tilt = handle_at(&view, Handle::Tilt);
    // A fresh pointer: the previous click is too far away to pair with anyway.
    let mut state = Pointer::default();
    press(&view, &mut state, tilt);
    release(&view, &mut state, tilt);
    let message = press(&view, &mut state, tilt).unwrap();
    let tone = tone_of(view.update(message));
    assert_eq!((tone.tilt_db, tone.tilt_pivot_hz), (0.0, 1000.0));

    let tone = tone_of(view.update(Message::Reset(Handle::HighShelf)));
    assert_eq!(
        tone.high_shelf,
        Shelf {
            freq_hz: 10_000.0,
            gain_db: 0.0
        }
    );
    assert_eq!(view.update(Message::Reset(Handle::Bell(3))), Action::None);
}

#[test]
fn the_wheel_over_a_bell_changes_its_q_and_nothing_elsewhere() {
    let mut view = view();
    let mut state = Pointer::default();
    let wheel = |y| {
        Event::Mouse(mouse::Event::WheelScrolled {
            delta: ScrollDelta::Lines { x: 0.0, y },
        })
    };
    let bell = handle_at(&view, Handle::Bell(1));
    let message = send(&view, &mut state, wheel(1.0), bell).expect("wheel over a bell");
    assert_eq!(
        message,
        Message::WheelQ {
            bell: 1,
            lines: 1.0
        }
    );
    let tone = tone_of(view.update(message));
    assert!((tone.bells[1].q - 2.0 * 2f64.powf(0.25)).abs() < 1e-12);
    // Shift: a tenth of a notch.
    shift(&view, &mut state, true);
    let Some(Message::WheelQ { lines, .. }) = send(&view, &mut state, wheel(-1.0), bell) else {
        panic!("fine wheel");
    };
    assert!((lines + FINE).abs() < 1e-12);
    // Clamped to 0.3..8.
    let tone = tone_of(view.update(Message::WheelQ {
        bell: 1,
        lines: 40.0,
    }));
    assert_eq!(tone.bells[1].q, 8.0);
    let tone = tone_of(view.update(Message::WheelQ {
        bell: 1,
        lines: -80.0,
    }));
    assert_eq!(tone.bells[1].q, 0.3);
    // Over the tilt handle or empty EQ the wheel is left to the page.
    let tilt = handle_at(&view, Handle::Tilt);
    assert_eq!(send(&view, &mut state, wheel(1.0), tilt), None);
    let empty = Point::new(
        layout().strip_scale().x(40.0),
        layout().strip_scale().y(-9.0),
    );
    assert_eq!(send(&view, &mut state, wheel(1.0), empty), None);
}

#[test]
fn processed_is_the_original_plus_the_chains_response_at_each_band() {
    let input = input();
    let model = Model::new(&input);
    let params = model::params(&input.tone);
    let target = match_target(
        MatchTarget::Blend,
        0.5,
        &input.album,
        input.references.as_ref(),
    );
    let curve = match_curve_db(&input.analysis, &target, input.tone.match_eq.max_db);
    let bands = &input.analysis.spectrum.bands_hz;
    let mut largest_match: f64 = 0.0;
    for (b, &f) in bands.iter().enumerate() {
        let tone_db = params.tone_response_db(f, 48_000.0);
        let match_db = params.match_response_db(curve[b]);
        largest_match = largest_match.max(match_db.abs());
        let expected = input.analysis.spectrum.mid_db[b] + tone_db + match_db;
        assert!((model.mid.processed[b] - expected).abs() < 1e-9, "{f} Hz");
        let side = input.analysis.spectrum.side_db[b] + tone_db + match_db;
        assert!((model.side.processed[b] - side).abs() < 1e-9, "side {f} Hz");
    }
    assert!(
        largest_match > 0.1,
        "the match stage takes part: {largest_match} dB"
    );
    // The strip's dense curve is the same response between bands.
    let i = model.dense_hz.len() / 3;
    let f = model.dense_hz[i];
    let tone_db = params.tone_response_db(f, 48_000.0);
    assert!((model.dense_db[i] - model.dense_match_db[i] - tone_db).abs() < 1e-9);
    // The mid target is the blend; the side target blends the sides alike.
    let t = model.mid.target.as_ref().unwrap();
    assert!((t[20] - target.mid_db[20]).abs() < 1e-12);
    let side_t = model.side.target.as_ref().unwrap();
    let refs = input.references.as_ref().unwrap();
    assert!((side_t[20] - 0.5 * (input.album.side_db[20] + refs.side_db[20])).abs() < 1e-9);
}

#[test]
fn the_readout_reads_every_curve_at_the_frequency_under_the_cursor() {
    let mut view = view();
    let input = input();
    let bands = &input.analysis.spectrum.bands_hz;
    let b = bands.iter().position(|&f| f > 990.0).unwrap();
    let f = bands[b];
    view.set_live(Some(vec![-30.0; bands.len()]));
    // The cursor over that band, as the canvas maps it.
    let x = layout().strip_scale().x(f);
    let freq_hz = layout().strip_scale().freq_hz(x);
    let readings = view.readout(freq_hz);
    let value = |name: &str| {
        readings
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name} in {readings:?}"))
            .level_db
    };
    let model = Model::new(&input);
    assert!((value("Original") - input.analysis.spectrum.mid_db[b]).abs() < 1e-3);
    assert!((value("Processed") - model.mid.processed[b]).abs() < 1e-3);
    assert!((value("Album average") - input.album.mid_db[b]).abs() < 1e-3);
    let refs = input.references.as_ref().unwrap();
    assert!((value("References") - refs.mid_db[b]).abs() < 1e-3);
    assert!((value("Match target") - model.mid.target.as_ref().unwrap()[b]).abs() < 1e-3);
    assert!((value("Live") + 30.0).abs() < 1e-9);
    assert!(
        (value("EQ") - model.response_db[b]).abs() < 0.05,
        "{}",
        value("EQ")
    );
    let deviation = model.mid.processed[b] - model.mid.target.as_ref().unwrap()[b];
    assert!((value("Deviation") - deviation).abs() < 1e-3);
    assert!(
        deviation.abs() > 0.1,
        "a real difference is read: {deviation}"
    );

    // Between two bands: linear in log frequency.
    let mid = (bands[b] * bands[b + 1]).sqrt();
    let half = 0.5 * (input.analysis.spectrum.mid_db[b] + input.analysis.spectrum.mid_db[b + 1]);
    let original = view
        .readout(mid)
        .into_iter()
        .find(|r| r.name == "Original")
        .unwrap();
    assert!((original.level_db - half).abs() < 1e-9);

    // The side toggle reads the side curves.
    assert_eq!(view.update(Message::ShowSide(true)), Action::None);
    assert!(view.shows_side());
    let side = view.readout(f);
    let original = side.iter().find(|r| r.name == "Original").unwrap();
    assert!((original.level_db - input.analysis.spectrum.side_db[b]).abs() < 1e-9);
    assert!(
        side.iter().all(|r| r.name != "Live"),
        "the live spectrum is the mid's: not read over the side"
    );
    // A note has nothing to read.
    view.set_note("Analysing…");
    assert!(view.readout(f).is_empty());
}

#[test]
fn caches_are_kept_when_the_same_input_is_set_again() {
    let mut view = ToneView::default();
    view.set(input());
    let r = view.revision;
    view.set(input());
    assert_eq!(view.revision, r, "same input: caches kept");
    view.set_live(Some(vec![-20.0; 61]));
    assert_eq!(view.revision, r, "the live spectrum has its own layer");
    // An edit is adopted at once, so the app's following `set` of the same settings is free.
    let tone = tone_of(view.update(Message::Reset(Handle::LowShelf)));
    assert_eq!(view.revision, r + 1);
    let mut after = input();
    after.tone = tone;
    view.set(after);
    assert_eq!(view.revision, r + 1);
    view.update(Message::ShowSide(false));
    assert_eq!(view.revision, r + 1, "already showing mid");
    view.update(Message::ShowSide(true));
    assert_eq!(view.revision, r + 2);
    view.set_note("Select a track…");
    view.set_note("Select a track…");
    assert_eq!(view.revision, r + 3);
    assert_eq!(
        view.update(Message::Reset(Handle::Tilt)),
        Action::None,
        "no track, no edit"
    );
    view.set(input());
    assert_eq!(view.revision, r + 4);
}

#[test]
fn hovering_requests_a_redraw_and_leaving_clears_it_once() {
    let view = view();
    let mut state = Pointer::default();
    let inside = layout().plot.center();
    let cursor = |p: Point| Cursor::Available(Point::new(p.x + BOUNDS.x, p.y + BOUNDS.y));
    let moved = |p: Point| {
        Event::Mouse(mouse::Event::CursorMoved {
            position: Point::new(p.x + BOUNDS.x, p.y + BOUNDS.y),
        })
    };
    let redraws = |state: &mut Pointer, p: Point| {
        iced_canvas::Program::update(&view, state, &moved(p), BOUNDS, cursor(p)).is_some()
    };
    assert!(redraws(&mut state, inside));
    let outside = Point::new(-50.0, -50.0);
    assert!(
        redraws(&mut state, outside),
        "one redraw to clear the crosshair"
    );
    assert!(!redraws(&mut state, outside), "then none while outside");
}

/// Renders the panel alone at 760×420 (its share of a 1280×800 window) with the demo track,
/// its album and references, a few EQ moves and a live spectrum, on tiny-skia.
#[test]
fn tone_view_snapshot() {
    use iced::{Font, Settings};
    use iced_test::simulator::Simulator;
    let mut view = view();
    view.set_live(Some(live_spectrum(0)));
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let settings = Settings {
        default_font: Font::with_name("Fira Sans"),
        ..Settings::default()
    };
    let mut ui = Simulator::with_size(settings, (760.0, 420.0), view.view());
    ui.find("Mid").expect("the Mid/Side toggle");
    ui.find(demo::TITLES[0]).expect("the track's title");
    let snapshot = ui.snapshot(&crate::ui::theme()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/tone_view");
    assert!(
        snapshot.matches_image(path).unwrap(),
        "tone view differs from {path}-tiny-skia.png"
    );
}

/// A plausible live spectrum (a short-term snapshot wobbles around the long-term curve);
/// `frame` shifts the wobble so successive frames differ.
fn live_spectrum(frame: u32) -> Vec<f64> {
    let input = input();
    let spectrum = &input.analysis.spectrum;
    spectrum
        .mid_db
        .iter()
        .enumerate()
        .map(|(i, m)| m - 3.0 + 3.5 * ((i as f64 + f64::from(frame)) * 1.7).sin())
        .collect()
}

/// Prints how long the canvas takes at 760×420 on tiny-skia, per frame: the panel's update
/// (`set`/`update`: the model), building the layers' geometry (`Program::draw`) and
/// rasterising them into a pixmap, in four situations: the first draw after a new input,
/// a handle being dragged (an edit per frame: model recomputed, every layer rebuilt),
/// playing (only the live layer rebuilt) and hovering (only the overlay). Rasterising is of
/// the whole canvas (a window's damage tracking redraws less); "nothing" is the cost of
/// clearing and reading back the pixmap alone. Figures are this thread's CPU time per frame
/// (averaged over 100 frames), so other work on the machine disturbs them less.
#[test]
#[ignore = "prints timings: cargo test --lib draw_time -- --ignored --nocapture"]
fn draw_time_at_760_by_420_on_tiny_skia() {
    use iced::widget::canvas::Program;
    use iced::{Font, Pixels, Size};
    use iced_test::core::renderer::Headless;
    use iced_test::core::Renderer as _;
    use iced_test::renderer::geometry::Renderer as _;
    use std::time::Instant;

    let mut renderer =
        iced_test::futures::futures::executor::block_on(<iced::Renderer as Headless>::new(
            Font::with_name("Fira Sans"),
            Pixels(16.0),
            Some("tiny-skia"),
        ))
        .expect("a tiny-skia renderer");
    let size = Size::new(760.0, 420.0);
    let bounds = Rectangle::new(Point::ORIGIN, size);
    let hover = Cursor::Available(Layout::new(size).plot.center());
    let theme = crate::ui::theme();
    let state = Pointer::default();
    let frames = 100;
    let mean = |ms: Vec<f64>| format!("{:6.2}", ms.iter().sum::<f64>() / ms.len() as f64);
    // CPU time of this thread (Linux schedstat, ns), so four other builds sharing the two
    // cores do not count; wall-clock time elsewhere.
    let cpu_ms = || -> f64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .map_or_else(
                || START.with(|t| t.elapsed().as_secs_f64() * 1e3),
                |ns| ns / 1e6,
            )
    };
    thread_local!(static START: Instant = Instant::now());
    let elapsed = |since: f64| cpu_ms() - since;
    // `layers`: which of grid, live, curves, overlay to rasterise (all for a real frame).
    let mut measure =
        |name: &str, view: &mut ToneView, layers: &[usize], step: &dyn Fn(&mut ToneView, u32)| {
            let (mut update, mut geometry, mut raster) = (Vec::new(), Vec::new(), Vec::new());
            for i in 0..frames {
                let t = cpu_ms();
                step(view, i);
                update.push(elapsed(t));
                let t = cpu_ms();
                let drawn = <ToneView as Program<Message>>::draw(
                    view, &state, &renderer, &theme, bounds, hover,
                );
                geometry.push(elapsed(t));
                let t = cpu_ms();
                renderer.reset(bounds);
                for (k, layer) in drawn.into_iter().enumerate() {
                    if layers.contains(&k) {
                        renderer.draw_geometry(layer);
                    }
                }
                let _ = renderer.screenshot(iced::Size::new(760, 420), 1.0, theme::BACKGROUND);
                raster.push(elapsed(t));
            }
            println!(
                "{name:<34} update {}   geometry {}   rasterise {}   (CPU ms per frame)",
                mean(update),
                mean(geometry),
                mean(raster)
            );
        };
    let mut view = view();
    view.set_live(Some(live_spectrum(0)));
    let all = [0, 1, 2, 3];
    measure("new input (uncached)", &mut view, &all, &|view, i| {
        let mut input = input();
        input.tone.tilt_db = f64::from(i % 7) * 0.1;
        view.set(input);
    });
    measure(
        "dragging a bell (edit per frame)",
        &mut view,
        &all,
        &|view, i| {
            let _ = view.update(Message::DragTo {
                handle: Handle::Bell(1),
                freq_hz: 2_000.0 + 10.0 * f64::from(i),
                gain_db: 2.0,
            });
        },
    );
    measure(
        "playing (live layer per frame)",
        &mut view,
        &all,
        &|view, i| {
            view.set_live(Some(live_spectrum(i + 1)));
        },
    );
    measure("hovering (overlay only)", &mut view, &all, &|_, _| {});
    for (name, layers) in [
        ("  nothing", &[][..]),
        ("  grid, labels, legend", &[0]),
        ("  live spectrum", &[1]),
        ("  curves and strip", &[2]),
        ("  hover overlay", &[3]),
    ] {
        measure(name, &mut view, layers, &|_, _| {});
    }
}
