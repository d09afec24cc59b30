//! Headroom controls: presets, hand changes, clamping, the offset, the warning, the combined panel.

use super::{album_of, figures, project, tone_of};
use crate::project::{
    AlbumSettings, DeliveryPreset, LimiterCharacter, LoudnessMode, Track, TrackId,
};
use crate::ui::controls::headroom::{self, Headroom, PresetChoice};
use crate::ui::controls::tone::{self, Param};
use crate::ui::controls::{Action, Context, Controls, Message};
use crate::ui::edit::Edit;
use crate::ui::figures::TrackFigures;

fn hset(
    h: &mut Headroom,
    s: &AlbumSettings,
    track: Option<&Track>,
    param: headroom::Param,
    value: f64,
) -> Action {
    h.update(headroom::Message::Set(param, value), s, track)
}

#[test]
fn a_preset_applies_its_target_ceiling_and_format() {
    let mut h = Headroom::default();
    let s = AlbumSettings::default();
    let a = h.update(headroom::Message::Preset(DeliveryPreset::Cd), &s, None);
    assert!(matches!(a, Action::Commit(_)));
    let cd = album_of(&a);
    let mut expected = s.clone();
    expected.apply_preset(DeliveryPreset::Cd);
    assert_eq!(cd, &expected);
    assert_eq!((cd.target_lufs, cd.ceiling_dbtp), (-10.0, -0.3));
    // Custom keeps the current figures.
    let a = h.update(headroom::Message::Preset(DeliveryPreset::Custom), cd, None);
    assert_eq!(album_of(&a).target_lufs, -10.0);
    assert_eq!(album_of(&a).preset, DeliveryPreset::Custom);
}

#[test]
fn hand_changes_leave_the_preset_only_when_its_figures_no_longer_hold() {
    let mut h = Headroom::default();
    let s = AlbumSettings::default(); // Spotify, −14 LUFS, −1 dBTP
    let a = hset(&mut h, &s, None, headroom::Param::Target, -16.04);
    let changed = album_of(&a);
    assert!(matches!(a, Action::Edit(_)));
    assert_eq!(
        (changed.target_lufs, changed.preset),
        (-16.0, DeliveryPreset::Custom)
    );
    // Dragged back onto the preset's figures: still Spotify (never left it).
    let a = hset(&mut h, &s, None, headroom::Param::Ceiling, -1.02);
    assert_eq!(album_of(&a).preset, DeliveryPreset::Spotify);
    // Custom stays Custom even on a preset's figures (the user chose them).
    let mut custom = s.clone();
    custom.preset = DeliveryPreset::Custom;
    let a = hset(&mut h, &custom, None, headroom::Param::Target, -14.0);
    assert_eq!(album_of(&a).preset, DeliveryPreset::Custom);
    // A reset goes back to the preset's own figures.
    let mut apple = s.clone();
    apple.apply_preset(DeliveryPreset::Apple);
    apple.target_lufs = -12.0;
    let a = h.update(
        headroom::Message::Reset(headroom::Param::Target),
        &apple,
        None,
    );
    assert!(matches!(a, Action::Commit(_)));
    assert_eq!(
        (album_of(&a).target_lufs, album_of(&a).preset),
        (-16.0, DeliveryPreset::Apple)
    );
    assert_eq!(
        headroom::preset_after_hand_change(&apple),
        DeliveryPreset::Custom
    );
}

#[test]
fn headroom_controls_clamp_to_their_ranges() {
    let mut h = Headroom::default();
    let s = AlbumSettings::default();
    let get = |a: Action| album_of(&a).clone();
    assert_eq!(
        get(hset(&mut h, &s, None, headroom::Param::Target, -40.0)).target_lufs,
        -24.0
    );
    assert_eq!(
        get(hset(&mut h, &s, None, headroom::Param::Target, 0.0)).target_lufs,
        -6.0
    );
    assert_eq!(
        get(hset(&mut h, &s, None, headroom::Param::Ceiling, 1.0)).ceiling_dbtp,
        0.0
    );
    assert_eq!(
        get(hset(&mut h, &s, None, headroom::Param::Ceiling, -9.0)).ceiling_dbtp,
        -3.0
    );
    let max_gr = get(hset(
        &mut h,
        &s,
        None,
        headroom::Param::MaxGainReduction,
        40.0,
    ));
    assert_eq!(max_gr.max_gain_reduction_db, 12.0);
    assert_eq!(
        max_gr.preset,
        DeliveryPreset::Spotify,
        "not a preset figure"
    );
    // Spread: off cannot be dragged; on starts at 6 LU, clamps to 12 LU.
    assert_eq!(
        hset(&mut h, &s, None, headroom::Param::Spread, 3.0),
        Action::None
    );
    let on = get(h.update(headroom::Message::SpreadOn(true), &s, None));
    assert_eq!(on.album_spread_lu, Some(6.0));
    assert_eq!(
        get(hset(&mut h, &on, None, headroom::Param::Spread, 20.0)).album_spread_lu,
        Some(12.0)
    );
    let off = get(h.update(headroom::Message::SpreadOn(false), &on, None));
    assert_eq!(off.album_spread_lu, None);
    let mode = get(h.update(headroom::Message::Mode(LoudnessMode::Track), &s, None));
    assert_eq!(mode.loudness_mode, LoudnessMode::Track);
    let fast = get(h.update(headroom::Message::Limiter(LimiterCharacter::Fast), &s, None));
    assert_eq!(fast.limiter, LimiterCharacter::Fast);
    assert_eq!(
        h.update(headroom::Message::Released, &s, None),
        Action::GestureEnd
    );
}

#[test]
fn the_offset_moves_the_selected_track_in_album_mode_only() {
    let (p, _dir) = project();
    let track = &p.tracks[2];
    let mut h = Headroom::default();
    let album = AlbumSettings::default();
    assert_eq!(
        hset(&mut h, &album, Some(track), headroom::Param::Offset, -9.0),
        Action::Edit(Edit::Offset {
            track: TrackId(102),
            offset_lu: -6.0
        })
    );
    assert_eq!(
        hset(&mut h, &album, Some(track), headroom::Param::Offset, 1.26),
        Action::Edit(Edit::Offset {
            track: TrackId(102),
            offset_lu: 1.3
        })
    );
    assert_eq!(
        h.update(
            headroom::Message::Reset(headroom::Param::Offset),
            &album,
            Some(track)
        ),
        Action::Commit(Edit::Offset {
            track: TrackId(102),
            offset_lu: 0.0
        })
    );
    assert_eq!(
        hset(&mut h, &album, None, headroom::Param::Offset, 1.0),
        Action::None,
        "no track selected"
    );
    let track_mode = AlbumSettings {
        loudness_mode: LoudnessMode::Track,
        ..album
    };
    assert_eq!(
        hset(
            &mut h,
            &track_mode,
            Some(track),
            headroom::Param::Offset,
            2.0
        ),
        Action::None
    );
    assert_eq!(
        h.update(
            headroom::Message::Reset(headroom::Param::Offset),
            &track_mode,
            Some(track)
        ),
        Action::None
    );
}

#[test]
fn the_limiter_warning_speaks_from_three_db_and_names_a_held_back_track() {
    let s = AlbumSettings::default();
    let warn = |f: TrackFigures| headroom::limiter_warning(&f, &s);
    assert_eq!(warn(figures(None, false, None)), None, "not rendered yet");
    assert_eq!(warn(figures(Some(2.94), false, None)), None);
    assert_eq!(
        warn(figures(Some(3.0), false, None)).as_deref(),
        Some("−3.0 dB peak reduction: consider a lower target")
    );
    assert_eq!(
        warn(figures(Some(4.24), false, Some(-14.0))).as_deref(),
        Some("−4.2 dB peak reduction: consider a lower target")
    );
    assert_eq!(
        warn(figures(Some(6.0), true, Some(-15.6))).as_deref(),
        Some("Held back at −15.6 LUFS: the target needs more than 6 dB of limiting")
    );
    let strict = AlbumSettings {
        max_gain_reduction_db: 4.5,
        ..s.clone()
    };
    assert_eq!(
        headroom::limiter_warning(&figures(Some(4.5), true, None), &strict).as_deref(),
        Some("Held back below the target: it needs more than 4.5 dB of limiting")
    );
}

#[test]
fn presets_read_by_short_name_and_summary() {
    assert_eq!(PresetChoice(DeliveryPreset::Spotify).to_string(), "Spotify");
    assert_eq!(
        PresetChoice(DeliveryPreset::Aes).to_string(),
        "AES TD1008 streaming"
    );
    assert_eq!(
        headroom::preset_summary(DeliveryPreset::Spotify),
        "−14 LUFS, −1 dBTP · WAV 24-bit, source rate"
    );
    assert_eq!(
        headroom::preset_summary(DeliveryPreset::Cd),
        "−10 LUFS, −0.3 dBTP · WAV 16-bit, 44.1 kHz"
    );
    assert_eq!(
        headroom::preset_summary(DeliveryPreset::Aes),
        "−16 LUFS (loudest −14), −1 dBTP · WAV 24-bit, source rate"
    );
    assert_eq!(
        headroom::preset_summary(DeliveryPreset::Hires),
        "−14 LUFS, −1 dBTP · FLAC 24-bit, source rate"
    );
}

#[test]
fn the_combined_panel_routes_and_needs_a_track_for_tone() {
    let (p, _dir) = project();
    let mut c = Controls::default();
    let cx = |track| Context {
        settings: &p.settings,
        track,
        figures: None,
        has_references: false,
        live_gain_reduction_db: 0.0,
    };
    assert_eq!(
        c.update(
            Message::Tone(tone::Message::Set(Param::Tilt, 1.0)),
            cx(None)
        ),
        Action::None
    );
    let a = c.update(
        Message::Tone(tone::Message::Set(Param::Tilt, 1.0)),
        cx(Some(&p.tracks[0])),
    );
    assert_eq!(tone_of(&a).tilt_db, 1.0);
    let a = c.update(
        Message::Headroom(headroom::Message::Preset(DeliveryPreset::Apple)),
        cx(None),
    );
    assert_eq!(album_of(&a).target_lufs, -16.0);
}
