//! Tone and stereo controls: message → `Edit`, clamping, resets, bells, match target.

use super::{project, tone_of};
use crate::project::{Bell, CurvePoint, MatchTarget, Track, TrackId};
use crate::ui::controls::tone::{self, Param, Tone};
use crate::ui::controls::Action;
use crate::ui::edit::Edit;

fn set(t: &mut Tone, track: &Track, param: Param, value: f64) -> Action {
    t.update(tone::Message::Set(param, value), track, false)
}

#[test]
fn every_tone_control_edits_its_field_clamped_and_rounded() {
    let (p, _dir) = project();
    let mut track = p.tracks[1].clone();
    track.tone.bells.push(Bell {
        freq_hz: 1_000.0,
        gain_db: 0.0,
        q: 1.0,
    });
    let mut t = Tone::default();
    let cases: [(Param, f64, f64); 13] = [
        (Param::Trim, -30.0, -24.0),
        (Param::Tilt, 1.449, 1.4),
        (Param::Tilt, 9.0, 6.0),
        (Param::Pivot, 50.0, 100.0),
        (Param::LowShelfFreq, 84.6, 85.0),
        (Param::LowShelfGain, -13.0, -12.0),
        (Param::HighShelfFreq, 30_000.0, 20_000.0),
        (Param::HighShelfGain, 2.04, 2.0),
        (Param::BellFreq(0), 1_234.0, 1_230.0),
        (Param::BellGain(0), -3.5, -3.5),
        (Param::BellQ(0), 20.0, 8.0),
        (Param::Amount, 0.604, 0.6),
        (Param::MaxDb, 0.2, 1.0),
    ];
    for (param, value, expected) in cases {
        let action = set(&mut t, &track, param, value);
        assert!(matches!(action, Action::Edit(_)), "{param:?} drags merge");
        let tone = tone_of(&action);
        let got = match param {
            Param::Trim => tone.input_trim_db,
            Param::Tilt => tone.tilt_db,
            Param::Pivot => tone.tilt_pivot_hz,
            Param::LowShelfFreq => tone.low_shelf.freq_hz,
            Param::LowShelfGain => tone.low_shelf.gain_db,
            Param::HighShelfFreq => tone.high_shelf.freq_hz,
            Param::HighShelfGain => tone.high_shelf.gain_db,
            Param::BellFreq(i) => tone.bells[i].freq_hz,
            Param::BellGain(i) => tone.bells[i].gain_db,
            Param::BellQ(i) => tone.bells[i].q,
            Param::Amount => tone.match_eq.amount,
            Param::MaxDb => tone.match_eq.max_db,
            _ => unreachable!(),
        };
        assert_eq!(got, expected, "{param:?} set to {value}");
        // Only that field changed.
        let mut back = tone.clone();
        let mut expected_tone = track.tone.clone();
        match param {
            Param::Trim => back.input_trim_db = expected_tone.input_trim_db,
            Param::Tilt => back.tilt_db = expected_tone.tilt_db,
            Param::Pivot => back.tilt_pivot_hz = expected_tone.tilt_pivot_hz,
            Param::LowShelfFreq => back.low_shelf = expected_tone.low_shelf,
            Param::LowShelfGain => back.low_shelf = expected_tone.low_shelf,
            Param::HighShelfFreq | Param::HighShelfGain => {
                back.high_shelf = expected_tone.high_shelf
            }
            Param::BellFreq(_) | Param::BellGain(_) | Param::BellQ(_) => {
                expected_tone.bells = back.bells.clone()
            }
            _ => back.match_eq = expected_tone.match_eq.clone(),
        }
        assert_eq!(back, expected_tone, "{param:?} touched nothing else");
    }
}

#[test]
fn stereo_controls_edit_the_stereo_settings() {
    let (p, _dir) = project();
    let mut track = p.tracks[0].clone();
    let mut t = Tone::default();
    match set(&mut t, &track, Param::Width, 3.0) {
        Action::Edit(Edit::Stereo { track: id, stereo }) => {
            assert_eq!((id, stereo.width), (TrackId(100), 2.0));
        }
        other => panic!("{other:?}"),
    }
    // Mono bass off: its frequency cannot be dragged; switching on uses 120 Hz.
    assert_eq!(set(&mut t, &track, Param::MonoBassFreq, 80.0), Action::None);
    let on = t.update(tone::Message::MonoBass(true), &track, false);
    let Action::Commit(Edit::Stereo { stereo, .. }) = on else {
        panic!("{on:?}")
    };
    assert_eq!(stereo.mono_bass_hz, Some(120.0));
    track.stereo = stereo;
    let Action::Edit(Edit::Stereo { stereo, .. }) = set(&mut t, &track, Param::MonoBassFreq, 500.0)
    else {
        panic!()
    };
    assert_eq!(stereo.mono_bass_hz, Some(250.0), "clamped to 40–250 Hz");
    track.stereo = stereo;
    // Off then on again comes back at the frequency last used.
    let Action::Commit(Edit::Stereo { stereo, .. }) =
        t.update(tone::Message::MonoBass(false), &track, false)
    else {
        panic!()
    };
    assert_eq!(stereo.mono_bass_hz, None);
    track.stereo = stereo;
    let Action::Commit(Edit::Stereo { stereo, .. }) =
        t.update(tone::Message::MonoBass(true), &track, false)
    else {
        panic!()
    };
    assert_eq!(stereo.mono_bass_hz, Some(250.0));
}

#[test]
fn double_click_resets_to_neutral_as_a_step_of_its_own() {
    let (p, _dir) = project();
    let mut track = p.tracks[0].clone();
    track.tone.tilt_db = 2.5;
    track.tone.tilt_pivot_hz = 700.0;
    track.tone.match_eq.amount = 0.8;
    track.stereo.width = 1.4;
    let mut t = Tone::default();
    let reset = |t: &mut Tone, param| t.update(tone::Message::Reset(param), &track, false);
    let a = reset(&mut t, Param::Tilt);
    assert!(matches!(a, Action::Commit(_)));
    assert_eq!(tone_of(&a).tilt_db, 0.0);
    assert_eq!(tone_of(&reset(&mut t, Param::Pivot)).tilt_pivot_hz, 1_000.0);
    assert_eq!(tone_of(&reset(&mut t, Param::Amount)).match_eq.amount, 0.0);
    let Action::Commit(Edit::Stereo { stereo, .. }) = reset(&mut t, Param::Width) else {
        panic!()
    };
    assert_eq!(stereo.width, 1.0);
    assert_eq!(
        t.update(tone::Message::Released, &track, false),
        Action::GestureEnd
    );
}

#[test]
fn bells_are_added_up_to_four_and_removed_by_index() {
    let (p, _dir) = project();
    let mut track = p.tracks[0].clone();
    let mut t = Tone::default();
    for n in 1..=4 {
        let a = t.update(tone::Message::AddBell, &track, false);
        assert!(matches!(a, Action::Commit(_)));
        track.tone = tone_of(&a).clone();
        assert_eq!(track.tone.bells.len(), n);
        assert_eq!(
            track.tone.bells[n - 1].gain_db,
            0.0,
            "a new bell is neutral"
        );
    }
    let freqs: Vec<f64> = track.tone.bells.iter().map(|b| b.freq_hz).collect();
    assert_eq!(freqs, tone::BELL_DEFAULT_HZ);
    assert_eq!(
        t.update(tone::Message::AddBell, &track, false),
        Action::None,
        "a fifth bell is refused"
    );
    let a = t.update(tone::Message::RemoveBell(1), &track, false);
    assert_eq!(
        tone_of(&a)
            .bells
            .iter()
            .map(|b| b.freq_hz)
            .collect::<Vec<_>>(),
        [250.0, 3_000.0, 8_000.0]
    );
    // The next bell takes the free default, not one on top of another.
    track.tone = tone_of(&a).clone();
    let a = t.update(tone::Message::AddBell, &track, false);
    assert_eq!(tone_of(&a).bells[3].freq_hz, 1_000.0);
    assert_eq!(
        t.update(tone::Message::RemoveBell(9), &track, false),
        Action::None
    );
    assert_eq!(
        set(&mut t, &p.tracks[0], Param::BellGain(0), 3.0),
        Action::None,
        "no such bell"
    );
}

#[test]
fn matching_toward_references_needs_references() {
    let (p, _dir) = project();
    let track = &p.tracks[0];
    let mut t = Tone::default();
    let to = |t: &mut Tone, target, refs| t.update(tone::Message::Target(target), track, refs);
    assert_eq!(to(&mut t, MatchTarget::References, false), Action::None);
    assert_eq!(to(&mut t, MatchTarget::Blend, false), Action::None);
    let a = to(&mut t, MatchTarget::Blend, true);
    assert_eq!(tone_of(&a).match_eq.target, MatchTarget::Blend);
    let a = to(&mut t, MatchTarget::AlbumAverage, false);
    assert_eq!(tone_of(&a).match_eq.target, MatchTarget::AlbumAverage);
    let a = set(&mut t, track, Param::Blend, 1.5);
    assert_eq!(tone_of(&a).match_eq.blend, 1.0);
}

#[test]
fn a_stored_curve_keeps_its_amount_and_gives_way_when_the_user_asks_for_a_measured_one() {
    let (p, _dir) = project();
    let mut track = p.tracks[0].clone();
    track.tone.match_eq.amount = 1.0;
    track.tone.match_eq.curve = vec![
        CurvePoint {
            freq_hz: 100.0,
            gain_db: 2.0,
        },
        CurvePoint {
            freq_hz: 8000.0,
            gain_db: -1.5,
        },
    ];
    let mut t = Tone::default();
    // The amount scales the stored curve: it stays.
    let a = set(&mut t, &track, Param::Amount, 0.5);
    assert_eq!(tone_of(&a).match_eq.amount, 0.5);
    assert_eq!(tone_of(&a).match_eq.curve, track.tone.match_eq.curve);
    // A target, the blend or the largest move are settings of a measured curve: it is measured again.
    let a = t.update(
        tone::Message::Target(MatchTarget::AlbumAverage),
        &track,
        false,
    );
    assert!(tone_of(&a).match_eq.curve.is_empty());
    assert_eq!(tone_of(&a).match_eq.amount, 1.0);
    let a = set(&mut t, &track, Param::MaxDb, 3.0);
    assert!(tone_of(&a).match_eq.curve.is_empty());
    assert_eq!(tone_of(&a).match_eq.max_db, 3.0);
    let a = t.update(tone::Message::MeasureCurve, &track, false);
    assert!(matches!(a, Action::Commit(_)));
    assert!(tone_of(&a).match_eq.curve.is_empty());
    // Without a stored curve there is nothing to measure again.
    track.tone.match_eq.curve.clear();
    assert_eq!(
        t.update(tone::Message::MeasureCurve, &track, false),
        Action::None
    );
}
