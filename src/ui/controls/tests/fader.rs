//! The fader: grab, jump, live drag, Shift for fine moves, double-click reset, release.

use crate::ui::controls::knob::{Fader, FaderState, Spec};
use crate::ui::controls::scale::{Scale, Unit};
use crate::ui::controls::tone::Param;
use iced::widget::canvas::Program;
use iced::{keyboard, mouse, Event, Point, Rectangle};

#[derive(Debug, Clone, PartialEq)]
enum Got {
    Change(f64),
    Reset,
    Release,
}

fn tilt_fader(value: f64, enabled: bool) -> Fader<'static, Got> {
    Fader {
        spec: Param::Tilt.spec(),
        value,
        enabled,
        on_change: Box::new(Got::Change),
        on_reset: Got::Reset,
        on_release: Got::Release,
    }
}

/// 200 px of travel (the handle is 10 px wide) starting at x = 105.
const BOUNDS: Rectangle = Rectangle {
    x: 100.0,
    y: 0.0,
    width: 210.0,
    height: 18.0,
};

fn send(fader: &Fader<'_, Got>, state: &mut FaderState, event: Event, x: f32) -> Option<Got> {
    let cursor = mouse::Cursor::Available(Point::new(x, 9.0));
    fader
        .update(state, &event, BOUNDS, cursor)
        .and_then(|a| a.into_inner().0)
}

fn press() -> Event {
    Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left))
}
fn release() -> Event {
    Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left))
}
fn move_to(x: f32) -> Event {
    Event::Mouse(mouse::Event::CursorMoved {
        position: Point::new(x, 9.0),
    })
}
fn shift(on: bool) -> Event {
    Event::Keyboard(keyboard::Event::ModifiersChanged(if on {
        keyboard::Modifiers::SHIFT
    } else {
        keyboard::Modifiers::empty()
    }))
}

#[test]
fn the_fader_drags_live_shift_is_ten_times_finer_and_release_ends_the_gesture() {
    let f = tilt_fader(0.0, true);
    let mut st = FaderState::default();
    // The handle of 0 dB sits mid-travel at x = 205: grabbing it changes nothing.
    assert_eq!(send(&f, &mut st, press(), 205.0), None);
    // 20 px = a tenth of ±6 dB's travel = 1.2 dB, sent at once.
    assert_eq!(
        send(&f, &mut st, move_to(225.0), 225.0),
        Some(Got::Change(1.2))
    );
    assert_eq!(
        send(&f, &mut st, move_to(226.0), 226.0),
        Some(Got::Change(1.3))
    );
    // With Shift the same 20 px move 0.12 dB.
    send(&f, &mut st, shift(true), 226.0);
    assert_eq!(
        send(&f, &mut st, move_to(246.0), 246.0),
        Some(Got::Change(1.4))
    );
    send(&f, &mut st, shift(false), 246.0);
    assert_eq!(
        send(&f, &mut st, move_to(266.0), 266.0),
        Some(Got::Change(2.6))
    );
    // Past the end it stops at +6 dB, and coming back moves at once.
    assert_eq!(
        send(&f, &mut st, move_to(900.0), 900.0),
        Some(Got::Change(6.0))
    );
    assert_eq!(
        send(&f, &mut st, move_to(880.0), 880.0),
        Some(Got::Change(4.8))
    );
    assert_eq!(send(&f, &mut st, release(), 880.0), Some(Got::Release));
    assert_eq!(send(&f, &mut st, move_to(700.0), 700.0), None, "released");
}

#[test]
fn a_press_beside_the_handle_jumps_and_a_double_click_resets() {
    let f = tilt_fader(2.0, true);
    let mut st = FaderState::default();
    // The left end of the travel is −6 dB.
    assert_eq!(send(&f, &mut st, press(), 105.0), Some(Got::Change(-6.0)));
    assert_eq!(send(&f, &mut st, release(), 105.0), Some(Got::Release));
    assert_eq!(send(&f, &mut st, press(), 105.0), Some(Got::Reset));
    assert_eq!(
        send(&f, &mut st, release(), 105.0),
        Some(Got::Release),
        "the reset's own step is closed too"
    );
    // A press elsewhere is a new single click.
    assert_eq!(send(&f, &mut st, press(), 305.0), Some(Got::Change(6.0)));
}

#[test]
fn a_disabled_fader_ignores_the_mouse() {
    let f = tilt_fader(0.0, false);
    let mut st = FaderState::default();
    assert_eq!(send(&f, &mut st, press(), 150.0), None);
    assert_eq!(send(&f, &mut st, move_to(250.0), 250.0), None);
    assert_eq!(send(&f, &mut st, release(), 250.0), None);
}

#[test]
fn log_faders_move_evenly_in_octaves() {
    let spec = Spec {
        label: "Freq",
        scale: Scale::Log {
            min: 20.0,
            max: 20_000.0,
        },
        unit: Unit::Hz,
        neutral: 1_000.0,
        origin: None,
    };
    // A third of the travel per decade.
    assert_eq!(spec.value_at(1.0 / 3.0), 200.0);
    assert_eq!(spec.value_at(2.0 / 3.0), 2_000.0);
    assert_eq!(spec.value_at(0.5), 632.0, "√(20 × 20 000) Hz, to the hertz");
    assert_eq!(spec.settle(25_000.0), 20_000.0);
}
