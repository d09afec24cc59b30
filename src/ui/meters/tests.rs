//! The meters strip: peak ballistics, numbers with units or "—", the reset action, and a
//! tiny-skia snapshot (tests/snapshots/meters-tiny-skia.png; delete it to re-record).

use super::*;
use std::time::Duration;

fn at(start: Instant, seconds: f64) -> Instant {
    start + Duration::from_secs_f64(seconds)
}

#[test]
fn the_hold_line_keeps_the_peak_two_seconds_then_falls() {
    let t0 = Instant::now();
    let mut p = PeakHold::default();
    assert_eq!(p.hold_dbtp(t0), None);
    p.observe(Some(-3.0), t0);
    p.observe(Some(-10.0), at(t0, 0.5));
    assert_eq!(p.hold_dbtp(at(t0, 1.9)), Some(-3.0), "held");
    let fallen = p.hold_dbtp(at(t0, 2.5)).unwrap();
    assert!(
        (fallen - (-3.0 - 0.5 * FALL_DB_PER_S)).abs() < 1e-9,
        "{fallen}"
    );
    // A new, higher peak takes over at once and is held afresh.
    p.observe(Some(-1.0), at(t0, 3.0));
    assert_eq!(p.hold_dbtp(at(t0, 4.9)), Some(-1.0));
    // It falls off the scale in the end.
    assert_eq!(p.hold_dbtp(at(t0, 10.0)), None);
}

#[test]
fn the_peak_bar_rises_at_once_and_falls_slowly() {
    let t0 = Instant::now();
    let mut p = PeakHold::default();
    p.observe(Some(-6.0), t0);
    p.observe(Some(-20.0), at(t0, 0.25));
    let bar = p.bar_dbtp(at(t0, 0.25)).unwrap();
    assert!((bar - (-6.0 - 0.25 * FALL_DB_PER_S)).abs() < 1e-9, "{bar}");
    p.observe(Some(-2.0), at(t0, 0.3));
    assert_eq!(p.bar_dbtp(at(t0, 0.3)), Some(-2.0));
    // Silence lets it fall; it does not vanish in one frame.
    p.observe(None, at(t0, 0.4));
    assert!(p.bar_dbtp(at(t0, 0.4)).is_some());
}

#[test]
fn reset_asks_the_app_to_reset_the_engine_meters_and_forgets_the_hold() {
    let mut strip = MeterStrip::default();
    let t0 = Instant::now();
    strip.observe(
        &Meters {
            true_peak_dbtp: Some(-1.0),
            ..Meters::default()
        },
        t0,
    );
    assert_eq!(strip.peak.hold_dbtp(t0), Some(-1.0));
    assert_eq!(strip.update(Message::ResetIntegration), Action::ResetMeters);
    assert_eq!(strip.peak.hold_dbtp(t0), None);
}

fn playing() -> Meters {
    Meters {
        momentary_lufs: Some(-12.6),
        short_term_lufs: Some(-13.4),
        true_peak_dbtp: Some(-0.6),
        integrated_lufs: Some(-14.04),
        lra_lu: Some(6.2),
        max_true_peak_dbtp: Some(-0.4),
        gain_reduction_db: 1.2,
        ..Meters::default()
    }
}

#[test]
fn plr_is_the_highest_peak_minus_the_integrated_loudness() {
    let m = playing();
    assert!((m.plr_lu().unwrap() - 13.64).abs() < 1e-9);
    assert_eq!(Meters::default().plr_lu(), None);
}

fn simulator<'a>(view: Element<'a, Message>) -> iced_test::Simulator<'a, Message> {
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let settings = iced::Settings {
        default_font: iced::Font::with_name("Fira Sans"),
        ..iced::Settings::default()
    };
    iced_test::Simulator::with_size(settings, (360.0, 120.0), view)
}

#[test]
fn numbers_read_with_units_and_dashes_when_nothing_plays() {
    let strip = MeterStrip::default();
    let silent = Meters::default();
    let mut ui = simulator(strip.view(&silent, -1.0, -14.0));
    ui.find("—").expect("dashes for what is not measured");
    assert!(ui.find("LUFS").is_err(), "no figure without a measurement");

    let mut strip = MeterStrip::default();
    let m = playing();
    strip.observe(&m, Instant::now());
    let mut ui = simulator(strip.view(&m, -1.0, -14.0));
    for figure in [
        "−12.6 LUFS",
        "−13.4 LUFS",
        "−14.0 LUFS",
        "−0.6 dBTP",
        "13.6 LU",
        "6.2 LU",
        "−0.4 dBTP",
    ] {
        ui.find(figure).unwrap_or_else(|_| panic!("{figure} shown"));
    }
    ui.click("Reset").unwrap();
    let messages: Vec<Message> = ui.into_messages().collect();
    assert_eq!(messages, [Message::ResetIntegration]);
}

#[test]
fn meters_snapshot() {
    let mut strip = MeterStrip::default();
    let t0 = Instant::now();
    // A loud moment that went over the −1 dBTP ceiling, then settled: the hold line stays
    // red beyond the ceiling while the bar has fallen back.
    strip.observe(
        &Meters {
            true_peak_dbtp: Some(-0.4),
            ..Meters::default()
        },
        t0,
    );
    let m = playing();
    strip.peak.observe(Some(-3.5), at(t0, 0.2));
    strip.now = Some(at(t0, 0.2));
    let mut ui = simulator(strip.view(&m, -1.0, -14.0));
    let snapshot = ui.snapshot(&crate::ui::theme()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/meters");
    assert!(
        snapshot.matches_image(path).unwrap(),
        "meters differ from {path}-tiny-skia.png"
    );
}
