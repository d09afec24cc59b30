//! The ranges a project's numbers must lie in to be loaded. Wide enough for anything the desk or
//! the CLI writes, narrow enough that no value makes the chain or the export explode (a gap of
//! 10⁹ s asked for 80 GB; an export rate of 1 Hz panicked the assistant's filter design).

use super::model::{Project, ToneSettings};

/// (what, value, lowest, highest): one checked number.
type Check = (String, f64, f64, f64);

/// The first value out of its range, in words with where it is and what is allowed.
pub(super) fn out_of_range(project: &Project) -> Option<String> {
    let s = &project.settings;
    let mut checks: Vec<Check> = vec![
        ("settings: target_lufs".into(), s.target_lufs, -70.0, 0.0),
        ("settings: ceiling_dbtp".into(), s.ceiling_dbtp, -30.0, 0.0),
        (
            "settings: max_gain_reduction_db".into(),
            s.max_gain_reduction_db,
            0.0,
            60.0,
        ),
    ];
    if let Some(spread) = s.album_spread_lu {
        checks.push(("settings: album_spread_lu".into(), spread, 0.0, 60.0));
    }
    if let Some(rate) = s.export.sample_rate_hz {
        checks.push((
            "settings: export.sample_rate_hz".into(),
            rate as f64,
            8_000.0,
            384_000.0,
        ));
    }
    for (i, t) in project.tracks.iter().enumerate() {
        let at = |what: &str| format!("track {} (\"{}\"): {what}", i + 1, t.title);
        checks.extend([
            (at("gap_before_s"), t.gap_before_s, 0.0, 600.0),
            (at("fade_in_s"), t.fade_in_s, 0.0, 600.0),
            (at("fade_out_s"), t.fade_out_s, 0.0, 600.0),
            (at("headroom.offset_lu"), t.headroom.offset_lu, -40.0, 40.0),
            (at("stereo.width"), t.stereo.width, 0.0, 4.0),
        ]);
        if let Some(f) = t.stereo.mono_bass_hz {
            checks.push((at("stereo.mono_bass_hz"), f, 10.0, 1_000.0));
        }
        tone_checks(&t.tone, &at, &mut checks);
    }
    checks
        .into_iter()
        .find(|(_, v, lo, hi)| !(v.is_finite() && (*lo..=*hi).contains(v)))
        .map(|(what, v, lo, hi)| format!("{what} is {v}; it must be from {lo} to {hi}"))
}

fn tone_checks(tone: &ToneSettings, at: &dyn Fn(&str) -> String, checks: &mut Vec<Check>) {
    const FREQ_HZ: (f64, f64) = (10.0, 30_000.0);
    const GAIN_DB: (f64, f64) = (-24.0, 24.0);
    checks.extend([
        (at("tone.input_trim_db"), tone.input_trim_db, -48.0, 48.0),
        (at("tone.tilt_db"), tone.tilt_db, GAIN_DB.0, GAIN_DB.1),
        (at("tone.tilt_pivot_hz"), tone.tilt_pivot_hz, 20.0, 20_000.0),
        (at("tone.match_eq.blend"), tone.match_eq.blend, 0.0, 1.0),
        (at("tone.match_eq.amount"), tone.match_eq.amount, 0.0, 1.0),
        (at("tone.match_eq.max_db"), tone.match_eq.max_db, 0.0, 24.0),
    ]);
    for (name, shelf) in [
        ("low_shelf", &tone.low_shelf),
        ("high_shelf", &tone.high_shelf),
    ] {
        checks.push((
            at(&format!("tone.{name}.freq_hz")),
            shelf.freq_hz,
            FREQ_HZ.0,
            FREQ_HZ.1,
        ));
        checks.push((
            at(&format!("tone.{name}.gain_db")),
            shelf.gain_db,
            GAIN_DB.0,
            GAIN_DB.1,
        ));
    }
    for (k, b) in tone.bells.iter().enumerate() {
        let n = k + 1;
        checks.push((
            at(&format!("bell {n} freq_hz")),
            b.freq_hz,
            FREQ_HZ.0,
            FREQ_HZ.1,
        ));
        checks.push((
            at(&format!("bell {n} gain_db")),
            b.gain_db,
            GAIN_DB.0,
            GAIN_DB.1,
        ));
        checks.push((at(&format!("bell {n} q")), b.q, 0.1, 20.0));
    }
}
