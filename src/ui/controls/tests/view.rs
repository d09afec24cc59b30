//! The column through iced_test: double-click on a label, disabled controls with their
//! reasons, and the tiny-skia snapshot (tests/snapshots/controls-tiny-skia.png).

use super::{figures, project};
use crate::project::{Bell, LoudnessMode, MatchTarget, Project};
use crate::ui::controls::tone::{self, Param};
use crate::ui::controls::{Context, Controls, Message};
use crate::ui::figures::TrackFigures;

fn simulator<'a>(
    view: iced::Element<'a, Message>,
    size: (f32, f32),
) -> iced_test::Simulator<'a, Message> {
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let settings = iced::Settings {
        default_font: iced::Font::with_name("Fira Sans"),
        ..iced::Settings::default()
    };
    iced_test::Simulator::with_size(settings, size, view)
}

/// "Slow Weather" with a realistic hand: a little trim, a brighter tilt, bass shelf, one
/// bell, some match, a touch wider, mono bass; album in Spotify mode with a 6 LU spread, and
/// a master whose limiter worked 4.2 dB.
fn realistic() -> (Project, TrackFigures, tempfile::TempDir) {
    let (mut p, dir) = project();
    let t = &mut p.tracks[1];
    t.tone.input_trim_db = -1.5;
    t.tone.tilt_db = 1.2;
    t.tone.tilt_pivot_hz = 1_200.0;
    t.tone.low_shelf.gain_db = 2.0;
    t.tone.low_shelf.freq_hz = 90.0;
    t.tone.high_shelf.gain_db = -1.0;
    t.tone.high_shelf.freq_hz = 10_000.0;
    t.tone.bells.push(Bell {
        freq_hz: 320.0,
        gain_db: -2.5,
        q: 1.4,
    });
    t.tone.match_eq.amount = 0.6;
    t.stereo.width = 1.1;
    t.stereo.mono_bass_hz = Some(100.0);
    t.headroom.offset_lu = -1.0;
    p.settings.album_spread_lu = Some(6.0);
    let figures = TrackFigures {
        source_lufs: Some(-11.2),
        mastered_lufs: Some(-14.0),
        mastered_true_peak_dbtp: Some(-1.0),
        ..figures(Some(4.2), false, Some(-14.0))
    };
    (p, figures, dir)
}

#[test]
fn double_clicking_a_label_resets_and_track_mode_disables_the_offset() {
    let (mut p, figures, _dir) = realistic();
    let controls = Controls::default();
    let cx = Context {
        settings: &p.settings,
        track: Some(&p.tracks[1]),
        figures: Some(&figures),
        has_references: false,
        live_gain_reduction_db: 2.0,
    };
    let mut ui = simulator(controls.view(cx), (360.0, 1400.0));
    ui.find("+1.2 dB").expect("tilt shown with its unit");
    ui.find("−4.2 dB peak reduction: consider a lower target")
        .expect("warning shown");
    ui.click("Tilt").unwrap();
    ui.click("Tilt").unwrap();
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(
        messages
            .iter()
            .any(|m| matches!(m, Message::Tone(tone::Message::Reset(Param::Tilt)))),
        "{messages:?}"
    );

    p.settings.loudness_mode = LoudnessMode::Track;
    let cx = Context {
        settings: &p.settings,
        track: Some(&p.tracks[1]),
        figures: Some(&figures),
        has_references: false,
        live_gain_reduction_db: 2.0,
    };
    let mut ui = simulator(controls.view(cx), (360.0, 1400.0));
    ui.find("Track mode: every track goes to the target, so spread and offsets do not apply.")
        .expect("the reason is given");
    ui.click("Offset").unwrap();
    ui.click("Offset").unwrap();
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(
        messages.is_empty(),
        "a disabled offset sends nothing: {messages:?}"
    );
}

#[test]
fn references_are_offered_only_when_there_are_some() {
    let (p, figures, _dir) = realistic();
    let controls = Controls::default();
    let view = |refs| {
        controls.view(Context {
            settings: &p.settings,
            track: Some(&p.tracks[1]),
            figures: Some(&figures),
            has_references: refs,
            live_gain_reduction_db: 0.0,
        })
    };
    let mut ui = simulator(view(false), (360.0, 1400.0));
    ui.find("References: add a reference track to match toward it.")
        .expect("why references are disabled");
    ui.click("References").unwrap();
    assert_eq!(ui.into_messages().count(), 0);
    let mut ui = simulator(view(true), (360.0, 1400.0));
    ui.click("References").unwrap();
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(matches!(
        messages[..],
        [Message::Tone(tone::Message::Target(
            MatchTarget::References
        ))]
    ));
}

#[test]
fn controls_snapshot() {
    let (p, figures, _dir) = realistic();
    let controls = Controls::default();
    let cx = Context {
        settings: &p.settings,
        track: Some(&p.tracks[1]),
        figures: Some(&figures),
        has_references: false,
        live_gain_reduction_db: 2.1,
    };
    let mut ui = simulator(controls.view(cx), (360.0, 760.0));
    let snapshot = ui.snapshot(&crate::ui::theme()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/controls");
    assert!(
        snapshot.matches_image(path).unwrap(),
        "controls differ from {path}-tiny-skia.png"
    );
}

#[test]
fn a_stored_curve_is_named_and_can_be_measured_instead() {
    let (mut p, figures, _dir) = realistic();
    p.tracks[1].tone.match_eq.amount = 0.8;
    p.tracks[1].tone.match_eq.curve = vec![
        crate::project::CurvePoint {
            freq_hz: 60.0,
            gain_db: -2.4,
        },
        crate::project::CurvePoint {
            freq_hz: 6000.0,
            gain_db: 1.1,
        },
    ];
    let controls = Controls::default();
    let view = || {
        controls.view(Context {
            settings: &p.settings,
            track: Some(&p.tracks[1]),
            figures: Some(&figures),
            has_references: false,
            live_gain_reduction_db: 0.0,
        })
    };
    let mut ui = simulator(view(), (360.0, 1400.0));
    ui.find("The assistant's curve, up to ±2.4 dB")
        .expect("the stored curve is named with its size");
    let mut ui = simulator(view(), (360.0, 1400.0));
    ui.click("Measure instead").unwrap();
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(matches!(
        messages[..],
        [Message::Tone(tone::Message::MeasureCurve)]
    ));
}
