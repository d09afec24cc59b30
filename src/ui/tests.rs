//! Update-level tests: build the app from the demo album and hand-built analysis, send
//! messages, assert on state. No window, no decoding, no analysis code runs.

use super::analysis::{Event, Outcome};
use super::app::{App, Message};
use super::spectrum_plot::Content;
use super::{demo, tracks, transport};
use crate::analysis::BatchProgress;
use crate::dsp::ChainParams;
use crate::engine::{Engine, NullBackend, Source, SourceSettings};
use crate::media::AudioBuffer;
use crate::project::TrackId;
use std::sync::Arc;

fn app_with(engine: Engine) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (document, _) = demo::album(dir.path()).unwrap();
    (App::new(document, engine), dir)
}

fn null_engine() -> (Engine, NullBackend) {
    Engine::with_null_backend(48_000, 2)
}

fn finish(app: &mut App, generation: u64, outcome: Outcome) {
    let _ = app.update(Message::Analysis {
        generation,
        event: Event::Finished(Arc::new(outcome)),
    });
}

#[test]
fn first_track_is_selected_and_a_click_selects_another() {
    let (mut app, _dir) = app_with(Engine::disabled("test"));
    assert_eq!(app.selected(), Some(TrackId(100)));
    let _ = app.update(Message::Tracks(tracks::Message::Select(TrackId(102))));
    assert_eq!(app.selected(), Some(TrackId(102)));
    assert_eq!(app.title(), "Lathe — Tidewater");
}

#[test]
fn progress_is_shown_until_the_outcome_arrives_then_the_plot_shows_curves() {
    let (mut app, _dir) = app_with(Engine::disabled("test"));
    let _task = app.start_analysis();
    let generation = app.analysis_generation();
    // Track 4 is missing: five files to analyse.
    assert_eq!(app.analysis_progress(), Some((0.0, 0, 5)));
    assert_eq!(app.plot(), &Content::Note("Analysing…".into()));

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
    let Content::Curves(curves) = app.plot() else {
        panic!("expected curves, got {:?}", app.plot())
    };
    let first = outcome.tracks[0].as_ref().unwrap();
    assert_eq!(curves.track_db, first.spectrum.mid_db);
    assert_eq!(curves.album_db, outcome.stats.average.mid_db);
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
    assert!(app.outcome().is_none(), "stale outcome must be ignored");
    assert_eq!(app.analysis_progress(), Some((0.0, 0, 5)));

    finish(&mut app, old + 1, demo::outcome());
    assert!(app.outcome().is_some());
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
    let _ = app.update(Message::Tracks(tracks::Message::Select(TrackId(103))));
    assert_eq!(
        app.plot(),
        &Content::Note("“The Long Field”: file missing".into())
    );
}

#[test]
fn without_a_device_play_does_nothing_and_raises_no_error() {
    let (mut app, _dir) = app_with(Engine::disabled("no sound card"));
    let _ = app.update(Message::Transport(transport::Message::Play));
    assert!(app.banners().is_empty());
    assert!(!app.transport.is_busy());
}

fn tone(frames: usize) -> Arc<Source> {
    let left: Vec<f32> = (0..frames).map(|i| 0.5 * (i as f32 * 0.05).sin()).collect();
    Arc::new(Source {
        key: 100,
        audio: AudioBuffer {
            sample_rate_hz: 48_000,
            channels: [left.clone(), left],
        },
        settings: SourceSettings {
            params: ChainParams {
                limiter_enabled: false,
                ..ChainParams::default()
            },
            ..SourceSettings::default()
        },
        kernel: None,
    })
}

#[test]
fn play_decodes_then_plays_and_stale_or_failed_decodes_are_handled() {
    let (engine, mut backend) = null_engine();
    let (mut app, _dir) = app_with(engine);
    let _ = app.update(Message::Transport(transport::Message::Play));
    assert!(app.transport.is_busy(), "decoding");
    let error = "Cannot play “Harbour Lights”: corrupt — re-export the file".to_string();
    let _ = app.update(Message::Decoded {
        generation: 1,
        result: Err(error.clone()),
    });
    assert_eq!(app.banners()[0].text, error);

    let _ = app.update(Message::Transport(transport::Message::Play));
    let _ = app.update(Message::Decoded {
        generation: 1,
        result: Ok(tone(480)),
    });
    assert_eq!(app.transport.loaded(), None, "generation 1 is stale");
    let _ = app.update(Message::Decoded {
        generation: 2,
        result: Ok(tone(4_800)),
    });
    assert_eq!(app.transport.loaded(), Some(TrackId(100)));

    let out = backend.render(2_400);
    assert!(
        out.iter().any(|s| s.abs() > 0.4),
        "the engine plays the decoded audio"
    );
    backend.render(4_800);
    let _ = app.update(Message::Tick);
    assert!(!app.transport.playing, "Ended clears playing");
}

#[test]
fn original_switch_reaches_the_engine_and_switches_back() {
    let (engine, mut backend) = null_engine();
    let (mut app, _dir) = app_with(engine);
    let _ = app.update(Message::Transport(transport::Message::Play));
    let _ = app.update(Message::Decoded {
        generation: 1,
        result: Ok(tone(48_000)),
    });
    backend.render(480);
    let _ = app.update(Message::Transport(transport::Message::ToggleOriginal));
    backend.render(480);
    assert_eq!(app.transport.monitor, crate::engine::Monitor::Original);
    assert_eq!(
        app.engine.position().monitor,
        crate::engine::Monitor::Original
    );
    let _ = app.update(Message::Transport(transport::Message::ToggleOriginal));
    backend.render(480);
    assert_eq!(
        app.engine.position().monitor,
        crate::engine::Monitor::Mastered
    );
    let _ = app.update(Message::Tick);
    assert!(
        app.transport.meters.true_peak_dbtp.is_some(),
        "the meters read what was heard"
    );
}
