//! The album's reference tracks in the desk: added from files (read by the analysis, their
//! loudness shown), weighed (the references' average follows without reading them again),
//! removed and restored by undo; a file that cannot be read says so on its row.

use super::album::{Message as AlbumMessage, ReferenceStatus, WEIGHT_STEP};
use super::app::Shortcut;
use super::app::{App, Message};
use super::tests::{null_engine, task_answers, update_and_settle};
use super::tests_playback::{play_until, real_album_with};
use crate::analysis::{analyze_file, references_average, TrackAnalysis};
use crate::engine::Engine;
use crate::engine::Monitor;
use crate::player::reference_key;
use std::path::Path;

/// Runs `task` and everything its answers start, as the runtime would.
fn settle(app: &mut App, task: iced::Task<Message>) {
    for answer in task_answers(task) {
        update_and_settle(app, answer);
    }
}

/// A 6 s stereo WAV of two tones at `low_hz` and `high_hz` (different references have
/// different spectra, so their weights show in the average).
fn write_reference(path: &Path, low_hz: f32, high_hz: f32) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..48_000 * 6 {
        let t = n as f32 / 48_000.0;
        let v = 0.2 * (std::f32::consts::TAU * low_hz * t).sin()
            + 0.1 * (std::f32::consts::TAU * high_hz * t).sin();
        let s = (v * 32767.0) as i16;
        w.write_sample(s).unwrap();
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

fn album(app: &mut App, message: AlbumMessage) {
    update_and_settle(app, Message::Album(message));
}

/// Largest difference of two spectra's mid bands, dB.
fn apart_db(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn references_are_added_weighed_removed_and_restored_by_undo() {
    let (mut app, dir) = real_album_with(Engine::disabled("test"), |_| {});
    let (dark, bright) = (dir.path().join("dark.wav"), dir.path().join("bright.wav"));
    write_reference(&dark, 80.0, 500.0);
    write_reference(&bright, 400.0, 6000.0);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let measured: Vec<TrackAnalysis> = [&dark, &bright]
        .iter()
        .map(|p| analyze_file(p, &cancel).unwrap())
        .collect();

    let task = app.add_references(vec![dark.clone(), bright.clone()]);
    settle(&mut app, task);
    let project = &app.document().unwrap().project;
    assert_eq!(project.references.len(), 2);
    assert_eq!(project.references[0].title, "dark");
    assert_eq!(project.references[0].source, Path::new("dark.wav"));
    assert!(project.references.iter().all(|r| r.weight == 1.0));
    let ids: Vec<_> = project.references.iter().map(|r| r.id).collect();
    assert!(ids
        .iter()
        .all(|id| project.tracks.iter().all(|t| t.id != *id)));
    for (i, (status, analysis)) in app.reference_statuses.iter().zip(&measured).enumerate() {
        assert_eq!(
            *status,
            ReferenceStatus::Read {
                lufs: analysis.loudness.integrated_lufs,
                plays: i == 0,
            },
            "the first plays until another is chosen"
        );
    }
    let even = references_average(&[(&measured[0], 1.0), (&measured[1], 1.0)]);
    let shown = app.references_average.clone().unwrap();
    assert!(apart_db(&shown.mid_db, &even.mid_db) < 1e-9);

    // Weighing the bright one up moves the average toward it, with no new analysis.
    let analyses_before = app.analysis_generation();
    let track_ids: Vec<_> = app
        .document()
        .unwrap()
        .project
        .tracks
        .iter()
        .map(|t| t.id)
        .collect();
    let stamps =
        |app: &App| -> Vec<_> { track_ids.iter().map(|&id| app.proof_stamp(id)).collect() };
    let masters_before = stamps(&app);
    assert!(masters_before.iter().all(Option::is_some));
    for _ in 0..4 {
        album(&mut app, AlbumMessage::ReferenceWeight(ids[1], WEIGHT_STEP));
    }
    assert_eq!(
        stamps(&app),
        masters_before,
        "no track matches toward the references: every master stays as rendered"
    );
    assert_eq!(app.document().unwrap().project.references[1].weight, 2.0);
    assert_eq!(
        app.analysis_generation(),
        analyses_before,
        "nothing read again"
    );
    let heavier = references_average(&[(&measured[0], 1.0), (&measured[1], 2.0)]);
    let shown = app.references_average.clone().unwrap();
    assert!(apart_db(&shown.mid_db, &heavier.mid_db) < 1e-9);
    assert!(apart_db(&heavier.mid_db, &even.mid_db) > 0.5);

    // Removed: the average is the other one's; undo brings it back, as it was.
    album(&mut app, AlbumMessage::RemoveReference(ids[0]));
    assert_eq!(app.document().unwrap().project.references.len(), 1);
    let alone = references_average(&[(&measured[1], 2.0)]);
    let shown = app.references_average.clone().unwrap();
    assert!(apart_db(&shown.mid_db, &alone.mid_db) < 1e-9);
    update_and_settle(&mut app, Message::Undo);
    let project = &app.document().unwrap().project;
    assert_eq!(project.references.len(), 2);
    assert_eq!(project.references[1].weight, 2.0);
    assert!(app
        .reference_statuses
        .iter()
        .all(|s| matches!(s, ReferenceStatus::Read { .. })));
    let shown = app.references_average.clone().unwrap();
    assert!(apart_db(&shown.mid_db, &heavier.mid_db) < 1e-9);
}

#[test]
fn a_reference_that_cannot_be_read_says_so_on_its_row_and_is_left_out_of_the_average() {
    let (mut app, dir) = real_album_with(Engine::disabled("test"), |_| {});
    let good = dir.path().join("good.wav");
    write_reference(&good, 100.0, 2000.0);
    let bad = dir.path().join("notes.wav");
    std::fs::write(&bad, "not audio").unwrap();
    let task = app.add_references(vec![good.clone(), bad]);
    settle(&mut app, task);
    assert!(matches!(
        app.reference_statuses[0],
        ReferenceStatus::Read { lufs: Some(_), .. }
    ));
    match &app.reference_statuses[1] {
        ReferenceStatus::Failed(why) => assert!(why.contains("notes.wav"), "{why}"),
        other => panic!("{other:?}"),
    }
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let alone = analyze_file(&good, &cancel).unwrap();
    let expected = references_average(&[(&alone, 1.0)]);
    let shown = app.references_average.clone().unwrap();
    assert!(apart_db(&shown.mid_db, &expected.mid_db) < 1e-9);
}

/// Power of `samples` (interleaved stereo, left read) at `freq_hz`, relative (Goertzel).
fn power_at(samples: &[f32], freq_hz: f64) -> f64 {
    let w = std::f64::consts::TAU * freq_hz / 48_000.0;
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for x in samples.iter().step_by(2) {
        let s0 = f64::from(*x) + 2.0 * w.cos() * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    s1 * s1 + s2 * s2 - 2.0 * w.cos() * s1 * s2
}

#[test]
fn listening_to_a_reference_plays_it_and_it_stays_the_one_played_when_the_list_changes() {
    let (engine, mut backend) = null_engine();
    let (mut app, dir) = real_album_with(engine, |_| {});
    let (dark, bright) = (dir.path().join("dark.wav"), dir.path().join("bright.wav"));
    write_reference(&dark, 80.0, 500.0);
    write_reference(&bright, 400.0, 6000.0);
    let task = app.add_references(vec![dark, bright]);
    settle(&mut app, task);
    let ids: Vec<_> = app
        .document()
        .unwrap()
        .project
        .references
        .iter()
        .map(|r| r.id)
        .collect();
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    play_until(&mut app, &mut backend, |app| {
        app.position().playing && !app.position().waiting
    });

    // "▶" on the bright one: the monitor switches to it, and it is what is heard.
    album(&mut app, AlbumMessage::ChooseReference(ids[1]));
    assert_eq!(app.monitor(), Monitor::Reference);
    assert!(matches!(
        app.reference_statuses[..],
        [
            ReferenceStatus::Read { plays: false, .. },
            ReferenceStatus::Read { plays: true, .. }
        ]
    ));
    // 3 s of playback (the loader prepares the reference meanwhile); the last half second.
    let heard_bright = |app: &mut App, backend: &mut crate::engine::NullBackend| {
        let mut heard = Vec::new();
        for _ in 0..300 {
            heard.extend(backend.render(480));
            let _ = app.update(Message::Tick);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let last = &heard[heard.len() - 48_000..];
        power_at(last, 6000.0) > 100.0 * power_at(last, 80.0)
    };
    assert!(
        heard_bright(&mut app, &mut backend),
        "the bright reference plays"
    );
    assert!(app.engine.resident().contains(&reference_key(1)));

    // The dark one removed: the bright one is now first, reloaded under its new place.
    album(&mut app, AlbumMessage::RemoveReference(ids[0]));
    assert_eq!(app.monitor(), Monitor::Reference);
    assert!(matches!(
        app.reference_statuses[..],
        [ReferenceStatus::Read { plays: true, .. }]
    ));
    assert!(!app.engine.resident().contains(&reference_key(1)));
    assert!(heard_bright(&mut app, &mut backend), "still the bright one");
    assert!(app.engine.resident().contains(&reference_key(0)));
}

#[test]
fn a_file_already_a_reference_is_not_added_twice_and_a_failure_is_announced_once() {
    let (mut app, dir) = real_album_with(Engine::disabled("test"), |_| {});
    let good = dir.path().join("good.wav");
    write_reference(&good, 100.0, 2000.0);
    let bad = dir.path().join("notes.wav");
    std::fs::write(&bad, "not audio").unwrap();
    let task = app.add_references(vec![good.clone(), bad.clone(), good.clone()]);
    settle(&mut app, task);
    let task = app.add_references(vec![good.clone()]);
    settle(&mut app, task);
    assert_eq!(app.document().unwrap().project.references.len(), 2);
    let said = |app: &App, what: &str| {
        app.banners()
            .iter()
            .filter(|b| b.text.contains(what))
            .count()
    };
    assert_eq!(
        said(&app, "already a reference"),
        2,
        "the repeat in the pick, then the later one"
    );
    // Another reference edit runs the analysis again; the failure is not announced again.
    let other = dir.path().join("other.wav");
    write_reference(&other, 300.0, 3000.0);
    let task = app.add_references(vec![other]);
    settle(&mut app, task);
    assert_eq!(said(&app, "notes.wav"), 1, "{:?}", app.banners());
}

#[test]
fn a_weight_click_during_the_analysis_does_not_start_it_again() {
    let (mut app, dir) = real_album_with(Engine::disabled("test"), |_| {});
    let good = dir.path().join("good.wav");
    write_reference(&good, 100.0, 2000.0);
    let task = app.add_references(vec![good]);
    settle(&mut app, task);
    let id = app.document().unwrap().project.references[0].id;
    // An analysis under way (for the same files): a weight needs no new one.
    let _running = app.start_analysis();
    let generation = app.analysis_generation();
    let _ = app.update(Message::Album(AlbumMessage::ReferenceWeight(
        id,
        WEIGHT_STEP,
    )));
    assert_eq!(app.document().unwrap().project.references[0].weight, 1.25);
    assert_eq!(app.analysis_generation(), generation);
    // Removing it changes the files: that one does.
    let _ = app.update(Message::Album(AlbumMessage::RemoveReference(id)));
    assert_ne!(app.analysis_generation(), generation);
}

#[test]
fn removing_the_only_reference_while_it_plays_returns_to_the_master() {
    let (engine, mut backend) = null_engine();
    let (mut app, dir) = real_album_with(engine, |_| {});
    let good = dir.path().join("good.wav");
    write_reference(&good, 100.0, 2000.0);
    let task = app.add_references(vec![good]);
    settle(&mut app, task);
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    play_until(&mut app, &mut backend, |app| {
        app.position().playing && !app.position().waiting
    });
    let id = app.document().unwrap().project.references[0].id;
    album(&mut app, AlbumMessage::ChooseReference(id));
    assert_eq!(app.monitor(), Monitor::Reference);
    album(&mut app, AlbumMessage::RemoveReference(id));
    assert_eq!(
        app.monitor(),
        Monitor::Mastered,
        "not left on a monitor with nothing to play"
    );
}
