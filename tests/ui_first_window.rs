//! The first window through iced_test's simulator: the track list shows titles and loudness
//! figures, clicking a title selects it, no device is stated plainly, and a tiny-skia
//! snapshot pins the look (tests/snapshots/first_window-tiny-skia.png; delete it to re-record).

use iced::{Font, Settings};
use iced_test::simulator::Simulator;
use lathe::engine::Engine;
use lathe::project::TrackId;
use lathe::ui::{album, demo, AnalysisEvent, App, Message};
use std::sync::Arc;

const SIZE: (f32, f32) = (1280.0, 800.0);

/// The demo album with its analysis delivered, as after a finished background run.
fn analysed_app(dir: &std::path::Path, engine: Engine) -> App {
    let (document, outcome) = demo::album(dir).unwrap();
    let mut app = App::new(document, engine);
    let _ = app.start_analysis();
    let generation = app.analysis_generation();
    let event = AnalysisEvent::Finished(Arc::new(outcome));
    let _ = app.update(Message::Analysis { generation, event });
    app
}

fn simulator(app: &App) -> Simulator<'_, Message> {
    // Reproducible pixels: pin the software renderer (wgpu output differs by driver).
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let settings = Settings {
        default_font: Font::with_name("Fira Sans"),
        ..Settings::default()
    };
    Simulator::with_size(settings, SIZE, app.view())
}

#[test]
fn track_list_shows_titles_and_loudness_and_a_click_selects() {
    let dir = tempfile::tempdir().unwrap();
    let app = analysed_app(dir.path(), Engine::disabled("test"));
    let mut ui = simulator(&app);
    for title in demo::TITLES {
        ui.find(title)
            .unwrap_or_else(|_| panic!("title {title} shown"));
    }
    ui.find("LUFS").expect("LUFS column");
    for lufs in demo::LUFS {
        let figure = format!("{lufs:.1}");
        ui.find(figure.as_str())
            .unwrap_or_else(|_| panic!("{figure} LUFS shown"));
    }
    ui.find("file missing — locate it to analyse")
        .expect("missing track marked");

    ui.click("Slow Weather").expect("click the second title");
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(
        messages
            .iter()
            .any(|m| matches!(m, Message::Album(album::Message::Select(TrackId(101))))),
        "clicking a title selects its track: {messages:?}"
    );
}

#[test]
fn without_audio_output_the_window_says_playback_is_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let app = analysed_app(dir.path(), Engine::disabled("no sound card found"));
    let mut ui = simulator(&app);
    ui.find("No audio output — playback disabled")
        .expect("no-device line");
    ui.find("Harbour Lights").expect("the rest still works");
}

#[test]
fn first_window_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let app = analysed_app(dir.path(), Engine::disabled("no sound card found"));
    let mut ui = simulator(&app);
    let snapshot = ui.snapshot(&app.theme()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/first_window");
    assert!(
        snapshot.matches_image(path).unwrap(),
        "window differs from {path}-tiny-skia.png"
    );
}
