//! The tone view's tests: shared fixtures here; the canvas gestures (driven through
//! `canvas::Program::update` with synthetic mouse events) in `gestures.rs`; the computed curves
//! against the chain, the readout, caching, a tiny-skia snapshot and the draw-time printout in
//! `curves.rs`.

use super::axes::Layout;
use super::canvas::{Pointer, FINE};
use super::model::Model;
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
        corridor: None,
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

mod curves;
mod gestures;
