//! Update-level tests: build the app from the demo album and hand-built analysis, send
//! messages, assert on state. No window, no decoding, no analysis code runs.

use super::analysis::{Event, Outcome};
use super::app::{App, Message, Shortcut};
use super::edit::Edit;
use super::{album, demo, transport};
use crate::analysis::BatchProgress;
use crate::engine::{Engine, Monitor, NullBackend};
use crate::project::{LoudnessMode, TrackId};
use std::sync::Arc;

fn app_with(engine: Engine) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (document, _) = demo::album(dir.path()).unwrap();
    (App::new(document, engine), dir)
}

pub(super) fn null_engine() -> (Engine, NullBackend) {
    Engine::with_null_backend(48_000, 2)
}

pub(super) fn finish(app: &mut App, generation: u64, outcome: Outcome) {
    let _ = app.update(Message::Analysis {
        generation,
        event: Event::Finished(Arc::new(outcome)),
    });
}

#[test]
fn first_track_is_selected_and_a_click_selects_another() {
    let (mut app, _dir) = app_with(Engine::disabled("test"));
    assert_eq!(app.selected(), Some(TrackId(100)));
    let _ = app.update(Message::Album(album::Message::Select(TrackId(102))));
    assert_eq!(app.selected(), Some(TrackId(102)));
    assert_eq!(app.title(), "Lathe — Tidewater");
}

#[test]
fn progress_is_shown_until_the_outcome_arrives_then_the_plot_shows_curves() {
    let (mut app, _dir) = app_with(Engine::disabled("test"));
    let _task = app.start_analysis();
    let generation = app.analysis_generation();
    // Track 4 is missing: five tracks and the reference to analyse.
    assert_eq!(app.analysis_progress(), Some((0.0, 0, 6)));
    assert_eq!(app.tone_note(), Some("Analysing…"));

    let progress = BatchProgress {
        done: 2,
        total: 5,
        fraction: 0.45,
    };
    let _ = app.update(Message::Analysis {
        generation,
        event: Event::Progress(progress),
    });
    assert_eq!(app.analysis_progress(), Some((0.45, 2, 5)));

    let outcome = demo::outcome();
    finish(&mut app, generation, outcome.clone());
    assert_eq!(app.analysis_progress(), None);
    let shown = app.tone_shown().expect("curves shown");
    let first = outcome.tracks[0].as_ref().unwrap();
    assert_eq!(shown.analysis.spectrum.mid_db, first.spectrum.mid_db);
    let curves = &shown.album;
    // The app recomputes the album average from the tracks in their current order.
    let tracks: Vec<Option<_>> = outcome.tracks.iter().map(Option::as_ref).collect();
    let stats = crate::analysis::album_stats(&tracks);
    assert_eq!(curves.mid_db, stats.average.mid_db);
    // The demo's one reference at its project weight (1).
    let reference = outcome.references[0].as_ref().unwrap();
    assert_eq!(
        shown.references,
        Some(crate::analysis::references_average(&[(reference, 1.0)])),
        "references drawn too"
    );
}

#[test]
fn results_of_a_superseded_analysis_are_dropped() {
    let (mut app, _dir) = app_with(Engine::disabled("test"));
    let _ = app.start_analysis();
    let old = app.analysis_generation();
    let _ = app.start_analysis();
    assert_eq!(app.analysis_generation(), old + 1);

    let progress = BatchProgress {
        done: 4,
        total: 5,
        fraction: 0.8,
    };
    let _ = app.update(Message::Analysis {
        generation: old,
        event: Event::Progress(progress),
    });
    finish(&mut app, old, demo::outcome());
    assert!(app.stats.is_none(), "stale outcome must be ignored");
    assert_eq!(app.analysis_progress(), Some((0.0, 0, 6)));

    finish(&mut app, old + 1, demo::outcome());
    assert!(app.stats.is_some());
}

#[test]
fn a_stopped_analysis_explains_itself_in_a_dismissible_banner() {
    let (mut app, _dir) = app_with(Engine::disabled("test"));
    let _ = app.start_analysis();
    let generation = app.analysis_generation();
    let _ = app.update(Message::Analysis {
        generation,
        event: Event::Stopped("worker failed".into()),
    });
    assert!(app.analysis_progress().is_none());
    assert_eq!(app.banners().len(), 1);
    assert!(app.banners()[0].text.contains("worker failed"));
}

#[test]
fn a_project_that_fails_to_load_shows_a_banner_that_can_be_dismissed() {
    let path = std::path::PathBuf::from("/nowhere/album.lathe.json");
    let mut app = App::failed(path, "file not found", Engine::disabled("test"));
    assert_eq!(app.banners().len(), 1);
    let banner = app.banners()[0].clone();
    assert!(
        banner.text.contains("/nowhere/album.lathe.json") && banner.text.contains("file not found")
    );
    assert!(
        banner.text.contains("open another project"),
        "says what to do: {}",
        banner.text
    );
    assert_eq!(app.title(), "Lathe");
    let _ = app.update(Message::DismissBanner(banner.id));
    assert!(app.banners().is_empty());
}

#[test]
fn a_missing_track_can_be_selected_and_says_so() {
    let (mut app, _dir) = app_with(Engine::disabled("test"));
    let _ = app.start_analysis();
    let generation = app.analysis_generation();
    finish(&mut app, generation, demo::outcome());
    let _ = app.update(Message::Album(album::Message::Select(TrackId(103))));
    assert_eq!(app.tone_note(), Some("“The Long Field”: file missing"));
}

/// What `task` answers, run to the end on this thread as the runtime would run it.
pub(super) fn task_answers(task: iced::Task<Message>) -> Vec<Message> {
    let Some(stream) = iced_runtime::task::into_stream(task) else {
        return Vec::new();
    };
    use iced::futures::StreamExt;
    iced::futures::executor::block_on(
        stream
            .filter_map(|action| async move {
                match action {
                    iced_runtime::Action::Output(message) => Some(message),
                    _ => None,
                }
            })
            .collect(),
    )
}

/// Sends `message` and then what its task answers (used for the assistant, whose proposal is
/// made on another thread and comes back as a message).
pub(super) fn update_and_settle(app: &mut App, message: Message) {
    let task = app.update(message);
    for answer in task_answers(task) {
        update_and_settle(app, answer);
    }
}

pub(super) fn analysed(engine: Engine) -> (App, tempfile::TempDir) {
    let (mut app, dir) = app_with(engine);
    let _ = app.start_analysis();
    let generation = app.analysis_generation();
    finish(&mut app, generation, demo::outcome());
    (app, dir)
}

fn order(app: &App) -> Vec<u64> {
    let tracks = &app.document().unwrap().project.tracks;
    tracks.iter().map(|t| t.id.0).collect()
}

fn tilt(app: &App, track: usize, db: f64) -> Edit {
    let t = &app.document().unwrap().project.tracks[track];
    let mut tone = t.tone.clone();
    tone.tilt_db = db;
    Edit::Tone { track: t.id, tone }
}

#[test]
fn without_a_device_play_does_nothing_and_raises_no_error() {
    let (mut app, _dir) = analysed(Engine::disabled("no sound card"));
    let _ = app.update(Message::Transport(transport::Message::PlayPause));
    assert!(app.banners().is_empty());
    assert!(!app.position().playing);
}

#[test]
fn an_edit_marks_the_project_modified_and_undo_redo_walk_it_back_and_forth() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    assert!(!app.is_modified());
    assert_eq!(app.title(), "Lathe — Tidewater");
    let _ = app.apply_edit(tilt(&app, 0, 1.5));
    assert!(app.is_modified());
    assert_eq!(app.title(), "Lathe — Tidewater •");
    let _ = app.update(Message::Undo);
    assert!(!app.is_modified(), "undone back to the saved state");
    assert_eq!(app.document().unwrap().project.tracks[0].tone.tilt_db, 0.0);
    let _ = app.update(Message::Shortcut(Shortcut::Redo));
    assert_eq!(app.document().unwrap().project.tracks[0].tone.tilt_db, 1.5);
}

#[test]
fn keyboard_selects_and_reorders_and_the_selection_follows_the_moved_track() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    let _ = app.update(Message::Shortcut(Shortcut::Select(1)));
    assert_eq!(app.selected(), Some(TrackId(101)));
    let _ = app.update(Message::Shortcut(Shortcut::Move(1)));
    assert_eq!(order(&app), [100, 102, 101, 103, 104, 105]);
    assert_eq!(app.selected(), Some(TrackId(101)));
    let _ = app.update(Message::Shortcut(Shortcut::Select(-5)));
    assert_eq!(app.selected(), Some(TrackId(100)), "clamped at the top");
    let _ = app.update(Message::Shortcut(Shortcut::Move(-1)));
    assert_eq!(
        order(&app),
        [100, 102, 101, 103, 104, 105],
        "no move past the top"
    );
    let _ = app.update(Message::Undo);
    assert_eq!(order(&app), [100, 101, 102, 103, 104, 105]);
}

#[test]
fn figures_follow_the_loudness_plan_in_track_and_album_mode() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    // Album mode (default): the loudest source (−8.9 LUFS) goes to −14, the others keep offsets.
    let mastered: Vec<Option<f64>> = app.figures().iter().map(|f| f.mastered_lufs).collect();
    let expected = [-14.9, -16.3, -14.0, f64::NAN, -17.6, -15.5];
    for (i, (m, e)) in mastered.iter().zip(expected).enumerate() {
        match m {
            Some(m) => assert!((m - e).abs() < 1e-9, "track {i}: {m} vs {e}"),
            None => assert!(e.is_nan(), "track {i} has no figure"),
        }
    }
    assert!(
        app.figures().iter().all(|f| !f.measured),
        "planned, not yet rendered"
    );
    let mut settings = app.document().unwrap().project.settings.clone();
    settings.loudness_mode = LoudnessMode::Track;
    let _ = app.apply_edit(Edit::Album(settings));
    let present: Vec<f64> = app
        .figures()
        .iter()
        .filter_map(|f| f.mastered_lufs)
        .collect();
    assert_eq!(present, [-14.0; 5]);
    assert_eq!(
        app.figures()[3].state,
        crate::ui::figures::TrackState::Missing
    );
}

#[test]
fn the_tone_column_follows_the_masters_once_a_track_has_tone_eq() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    let pairs = |app: &App| -> Vec<(Option<f64>, Option<f64>)> {
        app.figures()
            .iter()
            .map(|f| (f.deviation_db, f.mastered_deviation_db))
            .collect()
    };
    let before = pairs(&app);
    // Neutral tone: the masters' tone is the sources'.
    for (source, mastered) in &before {
        match (source, mastered) {
            (Some(s), Some(m)) => assert!((s - m).abs() < 1e-9, "{s} vs {m}"),
            (s, m) => assert!(s.is_none() && m.is_none()),
        }
    }
    // A 6 dB tilt on the first track moves it away from the album, and the album with it.
    let _ = app.apply_edit(tilt(&app, 0, 6.0));
    let after = pairs(&app);
    let (s0, m0) = (after[0].0.unwrap(), after[0].1.unwrap());
    assert_eq!(after[0].0, before[0].0, "the source's figure stays");
    assert!(m0 > s0 + 0.5, "{s0} → {m0}");
    let moved = (1..after.len())
        .filter(|&i| {
            after[i]
                .1
                .zip(before[i].1)
                .is_some_and(|(a, b)| (a - b).abs() > 0.01)
        })
        .count();
    assert!(moved >= 3, "{after:?}");
    // Undo: back to the sources' figures exactly.
    let _ = app.update(Message::Undo);
    assert_eq!(pairs(&app), before);
}

#[test]
fn save_clears_the_marker_and_the_autosave_and_recovery_restores_unsaved_work() {
    let data = tempfile::tempdir().unwrap();
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    app.use_data_dir(Some(data.path().to_path_buf()));
    let _ = app.update(Message::Save);
    assert!(!app.is_modified());
    let _ = app.apply_edit(tilt(&app, 2, -2.0));
    let _ = app.update(Message::Tick);
    let path = app.project_path().to_path_buf();
    let autosave = crate::ui::session::autosave_path(data.path(), &path);
    assert!(autosave.is_file(), "a modified project is autosaved");

    // A crash now: a fresh app on the same file is offered the autosave.
    let document = crate::project::Document::load(&path).unwrap();
    assert_eq!(
        document.project.tracks[2].tone.tilt_db, 0.0,
        "file untouched"
    );
    let mut reopened = App::new(document, Engine::disabled("test"));
    reopened.use_data_dir(Some(data.path().to_path_buf()));
    let _ = reopened.update(Message::Recover(true));
    assert_eq!(
        reopened.document().unwrap().project.tracks[2].tone.tilt_db,
        -2.0
    );
    assert!(reopened.is_modified(), "recovered work still needs a save");

    let _ = app.update(Message::Save);
    assert!(!app.is_modified());
    assert!(!autosave.exists(), "saving removes the autosave");
    let saved = crate::project::Document::load(&path).unwrap();
    assert_eq!(saved.project.tracks[2].tone.tilt_db, -2.0);
}

#[test]
fn dropped_files_add_audio_tracks_and_refuse_the_rest_by_name() {
    let (mut app, dir) = analysed(Engine::disabled("test"));
    let text_file = dir.path().join("notes.txt");
    std::fs::write(&text_file, b"lyrics").unwrap();
    let _ = app.update(Message::FileDropped(text_file));
    assert_eq!(app.banners().len(), 1);
    assert!(app.banners()[0].text.contains("notes.txt"));
    assert_eq!(order(&app).len(), 6);

    let wav = dir.path().join("07 Last Light.wav");
    std::fs::write(&wav, b"").unwrap();
    let _ = app.update(Message::FileDropped(wav));
    let project = &app.document().unwrap().project;
    assert_eq!(project.tracks.len(), 7);
    assert_eq!(project.tracks[6].title, "Last Light");
    assert_eq!(
        project.tracks[6].id,
        TrackId(901),
        "ids stay unique (reference is 900)"
    );
    assert_eq!(app.selected(), Some(TrackId(901)));
    assert!(
        app.analysis_progress().is_some(),
        "the new file is analysed"
    );
    let _ = app.update(Message::Undo);
    assert_eq!(app.document().unwrap().project.tracks.len(), 6);
}

#[test]
fn the_reference_monitor_without_a_reference_explains_and_stays_on_the_master() {
    let (engine, _backend) = null_engine();
    let (mut app, _dir) = app_with(engine);
    let _ = app.update(Message::Transport(transport::Message::ToggleReference));
    assert_eq!(app.monitor(), Monitor::Mastered);
    assert!(app.banners()[0].text.contains("add a reference"));
}

#[test]
fn opening_a_recent_project_replaces_the_album_and_a_broken_one_keeps_the_current() {
    let data = tempfile::tempdir().unwrap();
    let (mut app, dir) = analysed(Engine::disabled("test"));
    app.use_data_dir(Some(data.path().to_path_buf()));
    let other_dir = tempfile::tempdir().unwrap();
    let (mut other, _) = demo::album(other_dir.path()).unwrap();
    other.project.album.title = "Second Album".into();
    other.save().unwrap();

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, b"{ nope").unwrap();
    let _ = app.update(Message::OpenRecent(broken));
    assert_eq!(app.title(), "Lathe — Tidewater", "still the current album");
    assert!(app.banners()[0].text.contains("broken.json"));

    let _ = app.update(Message::OpenRecent(other.path.clone()));
    assert_eq!(app.title(), "Lathe — Second Album");
    assert!(
        app.analysis_progress().is_some(),
        "the new album is analysed"
    );
    let recent = crate::ui::session::Recent::load(data.path());
    assert_eq!(
        recent.projects[0],
        std::path::absolute(&other.path).unwrap(),
        "remembered first"
    );
}
