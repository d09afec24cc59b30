//! The ranges a project's numbers must lie in to be loaded. Wide enough for anything the desk or
//! the CLI writes, narrow enough that no value makes the chain or the export explode (a gap of
//! 10⁹ s asked for 80 GB; an export rate of 1 Hz panicked the assistant's filter design). The CLI
//! checks its overriding flags against the same ranges.

use super::model::{Project, ToneSettings};

/// Album loudness target, LUFS.
pub const TARGET_LUFS_RANGE: (f64, f64) = (-70.0, 0.0);
/// True-peak ceiling, dBTP.
pub const CEILING_DBTP_RANGE: (f64, f64) = (-30.0, 0.0);
/// Export sample rate, Hz.
pub const EXPORT_RATE_HZ_RANGE: (u32, u32) = (8_000, 384_000);

const FREQ_HZ: (f64, f64) = (10.0, 30_000.0);
const GAIN_DB: (f64, f64) = (-24.0, 24.0);

/// (what, value, (lowest, highest)): one checked number.
type Check = (String, f64, (f64, f64));

/// The first value out of its range, in words with where it is and what is allowed.
pub(super) fn out_of_range(project: &Project) -> Option<String> {
    let s = &project.settings;
    let rates = (
        f64::from(EXPORT_RATE_HZ_RANGE.0),
        f64::from(EXPORT_RATE_HZ_RANGE.1),
    );
    let mut checks: Vec<Check> = vec![
        (
            "settings: target_lufs".into(),
            s.target_lufs,
            TARGET_LUFS_RANGE,
        ),
        (
            "settings: ceiling_dbtp".into(),
            s.ceiling_dbtp,
            CEILING_DBTP_RANGE,
        ),
        (
            "settings: max_gain_reduction_db".into(),
            s.max_gain_reduction_db,
            (0.0, 60.0),
        ),
    ];
    if let Some(spread) = s.album_spread_lu {
        checks.push(("settings: album_spread_lu".into(), spread, (0.0, 60.0)));
    }
    if let Some(rate) = s.export.sample_rate_hz {
        checks.push((
            "settings: export.sample_rate_hz".into(),
            f64::from(rate),
            rates,
        ));
    }
    for (i, t) in project.tracks.iter().enumerate() {
        let at = |what: &str| format!("track {} (\"{}\"): {what}", i + 1, t.title);
        checks.extend([
            (at("gap_before_s"), t.gap_before_s, (0.0, 600.0)),
            (at("fade_in_s"), t.fade_in_s, (0.0, 600.0)),
            (at("fade_out_s"), t.fade_out_s, (0.0, 600.0)),
            (
                at("headroom.offset_lu"),
                t.headroom.offset_lu,
                (-40.0, 40.0),
            ),
            (at("stereo.width"), t.stereo.width, (0.0, 4.0)),
        ]);
        if let Some(f) = t.stereo.mono_bass_hz {
            checks.push((at("stereo.mono_bass_hz"), f, (10.0, 1_000.0)));
        }
        tone_checks(&t.tone, &at, &mut checks);
    }
    checks
        .into_iter()
        .find(|(_, v, (lo, hi))| !(v.is_finite() && (*lo..=*hi).contains(v)))
        .map(|(what, v, (lo, hi))| format!("{what} is {v}; it must be from {lo} to {hi}"))
}

fn tone_checks(tone: &ToneSettings, at: &dyn Fn(&str) -> String, checks: &mut Vec<Check>) {
    checks.extend([
        (at("tone.input_trim_db"), tone.input_trim_db, (-48.0, 48.0)),
        (at("tone.tilt_db"), tone.tilt_db, GAIN_DB),
        (
            at("tone.tilt_pivot_hz"),
            tone.tilt_pivot_hz,
            (20.0, 20_000.0),
        ),
        (at("tone.match_eq.blend"), tone.match_eq.blend, (0.0, 1.0)),
        (at("tone.match_eq.amount"), tone.match_eq.amount, (0.0, 1.0)),
        (
            at("tone.match_eq.max_db"),
            tone.match_eq.max_db,
            (0.0, 24.0),
        ),
    ]);
    let shelves = [
        ("tone.low_shelf.", &tone.low_shelf),
        ("tone.high_shelf.", &tone.high_shelf),
    ]
    .map(|(name, s)| (name.to_string(), s.freq_hz, s.gain_db));
    let bells = tone
        .bells
        .iter()
        .enumerate()
        .map(|(k, b)| (format!("bell {} ", k + 1), b.freq_hz, b.gain_db));
    // "tone.low_shelf.freq_hz", "bell 2 gain_db": each named as before.
    for (prefix, freq_hz, gain_db) in shelves.into_iter().chain(bells) {
        checks.push((at(&format!("{prefix}freq_hz")), freq_hz, FREQ_HZ));
        checks.push((at(&format!("{prefix}gain_db")), gain_db, GAIN_DB));
    }
    for (k, b) in tone.bells.iter().enumerate() {
        checks.push((at(&format!("bell {} q", k + 1)), b.q, (0.1, 20.0)));
    }
}
