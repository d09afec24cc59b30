//! Playback from the desk through the real engine (null backend) on a small album of real WAV
//! files: what plays is the master at its planned loudness, edits are heard at once, and the
//! transport keys do what they say even before the audio thread reports back.

use super::analysis::Outcome;
use super::app::{App, Message, Shortcut};
use super::edit::Edit;
use super::tests::{finish, null_engine};
use super::{demo, transport};
use crate::engine::{Engine, Monitor, NullBackend};
use crate::project::TrackId;

/// A two-track album of real WAV files (a chord at two levels), analysed for real.
fn real_album(engine: Engine) -> (App, tempfile::TempDir) {
    real_album_with(engine, |_| {})
}

/// [`real_album`] with the project changed by `adjust` before the app opens it.
pub(super) fn real_album_with(
    engine: Engine,
    adjust: impl FnOnce(&mut crate::project::Project),
) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (mut document, _) = demo::album(dir.path()).unwrap();
    document.project.tracks.truncate(2);
    document.project.references.clear();
    adjust(&mut document.project);
    let mut analyses = Vec::new();
    for (i, amplitude) in [0.3f32, 0.1].into_iter().enumerate() {
        let path = dir.path().join(format!("real{i}.wav"));
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 48_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for n in 0..48_000 * 4 {
            let t = n as f32 / 48_000.0;
            let v = amplitude
                * [220.0f32, 277.2, 329.6, 1760.0]
                    .iter()
                    .map(|f| (std::f32::consts::TAU * f * t).sin() * 0.25)
                    .sum::<f32>();
            w.write_sample(v).unwrap();
            w.write_sample(v * 0.9).unwrap();
        }
        w.finalize().unwrap();
        document.project.tracks[i].source = path.clone();
        let cancel = std::sync::atomic::AtomicBool::new(false);
        analyses.push(Some(crate::analysis::analyze_file(&path, &cancel).unwrap()));
    }
    let mut app = App::new(document, engine);
    let _ = app.start_analysis();
    let generation = app.analysis_generation();
    finish(
        &mut app,
        generation,
        Outcome::from_tracks(analyses, vec![None, None]),
    );
    (app, dir)
}

/// Renders and ticks until `done` holds (the loader prepares the master on its own thread).
pub(super) fn play_until(
    app: &mut App,
    backend: &mut NullBackend,
    done: impl Fn(&App) -> bool,
) -> Vec<f32> {
    let mut heard = Vec::new();
    for _ in 0..400 {
        heard.extend(backend.render(480));
        let _ = app.update(Message::Tick);
        if done(app) {
            return heard;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("timed out; position {:?}", app.position());
}

pub(super) fn integrated_lufs(interleaved: &[f32]) -> f64 {
    let mut meter = ebur128::EbuR128::new(2, 48_000, ebur128::Mode::I).unwrap();
    meter.add_frames_f32(interleaved).unwrap();
    meter.loudness_global().unwrap()
}

#[test]
fn play_masters_the_selected_track_at_its_planned_loudness_and_b_plays_the_original_matched() {
    let (engine, mut backend) = null_engine();
    let (mut app, _dir) = real_album(engine);
    let planned = app.figures()[0].mastered_lufs.unwrap();
    assert_eq!(
        planned, -14.0,
        "album mode: the loudest track at the target"
    );

    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    play_until(&mut app, &mut backend, |app| {
        app.position().playing && app.position().key == Some(100) && !app.position().waiting
    });
    let mastered = backend.render(48_000 * 2);
    let lufs = integrated_lufs(&mastered);
    assert!((lufs - planned).abs() < 0.2, "heard {lufs:.2} LUFS");

    let _ = app.update(Message::Shortcut(Shortcut::ToggleOriginal));
    assert_eq!(app.monitor(), Monitor::Original);
    backend.render(4_800); // past the crossfade
    let original = backend.render(48_000);
    let lufs = integrated_lufs(&original);
    assert!(
        (lufs - planned).abs() < 0.2,
        "original matched: {lufs:.2} LUFS"
    );
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    backend.render(480); // the audio thread takes the command
    let _ = app.update(Message::Tick);
    assert!(!app.position().playing, "Space pauses");
}

#[test]
fn a_tone_edit_while_playing_is_heard_at_once_at_the_same_loudness() {
    let (engine, mut backend) = null_engine();
    let (mut app, _dir) = real_album(engine);
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    play_until(&mut app, &mut backend, |app| {
        app.position().playing && !app.position().waiting
    });
    backend.render(4_800);
    let before = integrated_lufs(&backend.render(48_000));
    // A strong treble cut: without the predicted gain the master would drop in loudness.
    let mut tone = app.document().unwrap().project.tracks[0].tone.clone();
    tone.high_shelf.gain_db = -9.0;
    tone.high_shelf.freq_hz = 1000.0;
    let _ = app.apply_edit(Edit::Tone {
        track: TrackId(100),
        tone,
    });
    backend.render(4_800); // the chain's glide
    let after = integrated_lufs(&backend.render(48_000));
    assert!(
        (after - before).abs() < 0.5,
        "loudness held through the edit: {before:.2} → {after:.2} LUFS"
    );
}

/// Plays, stops and presses Space: with `callback_between`, the audio thread takes the stop
/// before the desk hears of it; without, Stop and Space land in the same audio buffer.
fn stop_then_space_plays_again(callback_between: bool) {
    let (engine, mut backend) = null_engine();
    let (mut app, _dir) = real_album(engine);
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    play_until(&mut app, &mut backend, |app| {
        app.position().playing && !app.position().waiting
    });
    let _ = app.update(Message::Transport(transport::Message::Stop));
    assert!(
        !app.position().playing,
        "stopped at once, before the engine reports it: {:?}",
        app.position()
    );
    if callback_between {
        backend.render(480);
    }
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    let heard = play_until(&mut app, &mut backend, |app| {
        app.position().playing && !app.position().waiting && app.position().position_s > 0.2
    });
    assert!(heard.iter().any(|s| s.abs() > 0.01), "it plays sound again");
}

#[test]
fn space_right_after_stop_plays_again() {
    stop_then_space_plays_again(true);
}

#[test]
fn space_straight_after_stop_with_no_callback_between_plays_again() {
    stop_then_space_plays_again(false);
}
