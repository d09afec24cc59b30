//! The EQ strip's gestures: drag, double-click, the wheel, Shift for fine moves.

use super::*;

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
