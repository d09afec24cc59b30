//! The desk's main flows through iced_test's simulator (no display): open the demo album, select
//! a track, nudge tilt and see the curve and the figures change, toggle A/B, reorder, start and
//! cancel an export, review the assistant's proposal beside the tone view (a track amount,
//! Apply, Undo). Messages a click produces are fed back to `App::update`, as the runtime
//! would. A tiny-skia snapshot pins the look (tests/snapshots/desk-tiny-skia.png; delete it to
//! re-record).

use iced::{Font, Settings};
use iced_test::selector::{Bounded, Candidate, Target};
use iced_test::simulator::Simulator;
use iced_test::Selector;
use lathe::engine::{Engine, Monitor};
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
    simulator_sized(app, SIZE)
}

fn simulator_sized(app: &App, size: (f32, f32)) -> Simulator<'_, Message> {
    // Reproducible pixels: pin the software renderer (wgpu output differs by driver).
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let settings = Settings {
        default_font: Font::with_name("Fira Sans"),
        ..Settings::default()
    };
    Simulator::with_size(settings, size, app.view())
}

/// A track title as the sequence draws it: whole, or its start cut with "…" when the column is
/// narrower than the title (the tooltip then holds the whole).
fn title_on_screen(full: &'static str) -> impl FnMut(Candidate<'_>) -> Option<Target> + Send {
    move |candidate| match candidate {
        Candidate::Text {
            id,
            bounds,
            visible_bounds,
            content,
        } if content == full
            || content
                .strip_suffix('…')
                .is_some_and(|start| !start.is_empty() && full.starts_with(start)) =>
        {
            Some(Target::Text {
                id: id.cloned(),
                bounds,
                visible_bounds,
                content: content.to_string(),
            })
        }
        _ => None,
    }
}

/// Clicks what `selector` finds (a label, or a [`title_on_screen`]) in the current window and
/// feeds the resulting messages to the app.
fn click<S>(app: &mut App, selector: S) -> Vec<Message>
where
    S: Selector + Send,
    S::Output: Bounded + Clone + Send + Sync + 'static,
{
    let messages: Vec<Message> = {
        let mut ui = simulator(app);
        let what = selector.description();
        ui.click(selector)
            .unwrap_or_else(|_| panic!("{what} is on screen"));
        ui.into_messages().collect()
    };
    for message in &messages {
        // The assistant proposes on another thread: run its task as the runtime would.
        let proposes = match message {
            Message::OpenAssist => true,
            Message::Assist(m) => !matches!(m, lathe::ui::assist::Message::Apply),
            _ => false,
        };
        if proposes {
            update_and_settle(app, message.clone());
        } else {
            let _ = app.update(message.clone());
        }
    }
    messages
}

/// Sends `message` and then what its task answers.
fn update_and_settle(app: &mut App, message: Message) {
    let task = app.update(message);
    let Some(stream) = iced_runtime::task::into_stream(task) else {
        return;
    };
    use iced::futures::StreamExt;
    let answers: Vec<Message> = iced::futures::executor::block_on(
        stream
            .filter_map(|action| async move {
                match action {
                    iced_runtime::Action::Output(message) => Some(message),
                    _ => None,
                }
            })
            .collect(),
    );
    for answer in answers {
        update_and_settle(app, answer);
    }
}

fn processed_db(app: &App, freq_hz: f64) -> f64 {
    app.tone_readout(freq_hz)
        .iter()
        .find(|r| r.name == "Master")
        .expect("a processed reading")
        .level_db
}

#[test]
fn the_album_shows_titles_and_loudness_before_and_after_and_a_click_selects() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = analysed_app(dir.path(), Engine::disabled("test"));
    {
        let mut ui = simulator(&app);
        for lufs in demo::LUFS {
            let figure = format!("{lufs:.1}").replace('-', "−");
            ui.find(figure.as_str())
                .unwrap_or_else(|_| panic!("{figure} LUFS shown"));
        }
        ui.find("file missing").expect("missing track marked");
        ui.find("Locate…").expect("and it can be located");
    }
    let messages = click(&mut app, title_on_screen("Paper Boats"));
    assert!(
        messages
            .iter()
            .any(|m| matches!(m, Message::Album(album::Message::Select(TrackId(102))))),
        "clicking a title selects its track: {messages:?}"
    );
    assert_eq!(app.selected(), Some(TrackId(102)));
    assert_eq!(app.tone_shown().unwrap().title, "Paper Boats");
}

#[test]
fn titles_cut_in_the_default_window_read_whole_in_a_wider_one() {
    let dir = tempfile::tempdir().unwrap();
    let app = analysed_app(dir.path(), Engine::disabled("test"));
    let title = "Glasshouse";
    assert!(demo::TITLES.contains(&title));
    let cut = simulator(&app)
        .find(title_on_screen(title))
        .expect("shown in the default window");
    assert!(
        matches!(&cut, Target::Text { content, .. } if content != title && content.ends_with('…')),
        "cut at 1280 px: {cut:?}"
    );
    let mut wide = simulator_sized(&app, (1920.0, 1080.0));
    for title in demo::TITLES {
        wide.find(title)
            .unwrap_or_else(|_| panic!("“{title}” whole at 1920 px"));
    }
}

#[test]
fn nudging_tilt_changes_the_curve_and_the_figures_and_undo_restores_both() {
    use lathe::ui::controls::{self, tone};
    let dir = tempfile::tempdir().unwrap();
    let mut app = analysed_app(dir.path(), Engine::disabled("test"));
    let high_before = processed_db(&app, 10_000.0);
    let low_before = processed_db(&app, 50.0);
    let message = Message::Controls(controls::Message::Tone(tone::Message::Set(
        tone::Param::Tilt,
        2.0,
    )));
    let _ = app.update(message);
    let _ = app.update(Message::Controls(controls::Message::Tone(
        tone::Message::Released,
    )));
    assert_eq!(app.tone_shown().unwrap().tone.tilt_db, 2.0);
    let (high, low) = (processed_db(&app, 10_000.0), processed_db(&app, 50.0));
    assert!(
        high - high_before > 0.6 && low_before - low > 0.6,
        "brighter: +{:.2} dB at 10 kHz, {:.2} dB at 50 Hz",
        high - high_before,
        low - low_before
    );
    assert!(app.title().ends_with('•'), "modified marker");
    let mut ui = simulator(&app);
    ui.find("+2.0 dB")
        .expect("the tilt figure shows the new value");
    drop(ui);
    let _ = app.update(Message::Undo);
    assert!((processed_db(&app, 10_000.0) - high_before).abs() < 1e-9);
}

#[test]
fn original_mastered_and_reference_switch_what_is_heard() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _backend) = Engine::with_null_backend(48_000, 2);
    let mut app = analysed_app(dir.path(), engine);
    click(&mut app, "Original");
    assert_eq!(app.monitor(), Monitor::Original);
    click(&mut app, "Mastered");
    assert_eq!(app.monitor(), Monitor::Mastered);
}

#[test]
fn the_selected_track_moves_down_with_its_button_and_back_with_undo() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = analysed_app(dir.path(), Engine::disabled("test"));
    let order = |app: &App| -> Vec<u64> {
        let tracks = &app.document().unwrap().project.tracks;
        tracks.iter().map(|t| t.id.0).collect()
    };
    click(&mut app, "↓");
    assert_eq!(order(&app), [101, 100, 102, 103, 104, 105]);
    let _ = app.update(Message::Shortcut(lathe::ui::Shortcut::Move(1)));
    assert_eq!(order(&app), [101, 102, 100, 103, 104, 105]);
    let _ = app.update(Message::Undo);
    let _ = app.update(Message::Undo);
    assert_eq!(order(&app), [100, 101, 102, 103, 104, 105]);
}

#[test]
fn an_export_is_started_from_the_dialog_and_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = analysed_app(dir.path(), Engine::disabled("test"));
    // The demo's track 4 is missing: drop it so the export can start.
    let _ = app.apply_edit(lathe::ui::edit::Edit::Remove {
        track: TrackId(103),
    });
    click(&mut app, "Export…");
    assert_eq!(app.export_state(), (true, false), "the dialog is open");
    click(&mut app, "Export");
    assert_eq!(app.export_state(), (true, true), "the export runs");
    click(&mut app, "Cancel");
    let mut ui = simulator(&app);
    ui.find("Cancelling…")
        .expect("the dialog says it is cancelling");
}

#[test]
fn without_audio_output_the_window_says_playback_is_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let app = analysed_app(dir.path(), Engine::disabled("no sound card found"));
    let mut ui = simulator(&app);
    ui.find("No audio output — playback disabled")
        .expect("no-device line");
    ui.find("Harbour Lights").expect("the rest still works");
    // The transport's buttons are off: pressing them does nothing.
    for label in ["Play", "Next", "Transition", "Mastered"] {
        let _ = ui.click(label);
    }
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(messages.is_empty(), "{messages:?}");
}

#[test]
fn desk_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let app = analysed_app(dir.path(), Engine::disabled("no sound card found"));
    let mut ui = simulator(&app);
    let snapshot = ui.snapshot(&app.theme()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/desk");
    assert!(
        snapshot.matches_image(path).unwrap(),
        "window differs from {path}-tiny-skia.png"
    );
}

#[test]
fn desk_while_playing_snapshot() {
    use lathe::engine::{Meters, PlayPosition};
    let dir = tempfile::tempdir().unwrap();
    let mut app = analysed_app(dir.path(), Engine::disabled("no sound card found"));
    // Before posing: a transport message reads the (silent) engine's position.
    let spotify = lathe::ui::transport::Message::PlayAs(Some(lathe::assist::Platform::Spotify));
    let _ = app.update(Message::Transport(spotify));
    let bands: Vec<f64> = (0..61).map(|k| 20.0 * 2f64.powf(k as f64 / 6.0)).collect();
    app.pose_playing(
        PlayPosition {
            segment: 0,
            key: Some(101),
            position_s: 95.0,
            duration_s: 301.9,
            playing: true,
            waiting: false,
            monitor: Monitor::Mastered,
        },
        Meters {
            momentary_lufs: Some(-15.1),
            short_term_lufs: Some(-15.9),
            integrated_lufs: Some(-16.3),
            lra_lu: Some(6.2),
            true_peak_dbtp: Some(-1.3),
            max_true_peak_dbtp: Some(-1.1),
            gain_reduction_db: 1.8,
            spectrum_db: bands
                .iter()
                .map(|f| -22.0 - 3.0 * (f / 1000.0).log2())
                .collect(),
            bands_hz: bands,
        },
    );
    let mut ui = simulator(&app);
    let playing = ui
        .find(title_on_screen("Slow Weather"))
        .expect("now playing");
    assert!(
        matches!(&playing, Target::Text { content, .. } if content.ends_with('…')),
        "the 1280-wide window is narrower than the title column needs: {playing:?}"
    );
    let snapshot = ui.snapshot(&app.theme()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/desk-playing");
    assert!(
        snapshot.matches_image(path).unwrap(),
        "window differs from {path}-tiny-skia.png"
    );
}

/// Records or compares the window with `tests/snapshots/NAME-tiny-skia.png`.
fn assert_snapshot(app: &App, name: &str) {
    let mut ui = simulator(app);
    let snapshot = ui.snapshot(&app.theme()).unwrap();
    let path = format!("{}/tests/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    assert!(
        snapshot.matches_image(&path).unwrap(),
        "window differs from {path}-tiny-skia.png"
    );
}

#[test]
fn the_assistant_applies_a_track_amount_as_one_undo_step() {
    use lathe::ui::assist;
    let dir = tempfile::tempdir().unwrap();
    let mut app = analysed_app(dir.path(), Engine::disabled("test"));
    let original = app.document().unwrap().project.clone();
    click(&mut app, "Assist…");
    let proposal = app
        .assist_proposal()
        .expect("the assistant proposes")
        .clone();
    let t = proposal
        .tracks
        .iter()
        .position(|t| !t.moves.is_empty())
        .unwrap();
    // The first "50 %" on screen is the track amount of the first track with moves.
    let messages = click(&mut app, "50 %");
    assert!(
        messages.iter().any(|m| matches!(
            m,
            Message::Assist(assist::Message::TrackAmount { track, amount })
                if *track == t && *amount == 0.5
        )),
        "{messages:?}"
    );
    let proposal = app.assist_proposal().unwrap().clone();
    assert_eq!(proposal.tracks[t].amount, 0.5);
    let expected = lathe::assist::apply(&original, &proposal);
    let moves = proposal.tracks.iter().flat_map(|t| &t.moves).count();
    click(&mut app, format!("Apply {moves} moves"));
    assert!(app.assist_proposal().is_none(), "the panel closes");
    let project = &app.document().unwrap().project;
    assert_eq!(*project, expected);
    let mut at_full = proposal.clone();
    at_full.tracks[t].amount = 1.0;
    let full = lathe::assist::apply(&original, &at_full);
    assert_ne!(
        project.tracks[t].tone, full.tracks[t].tone,
        "the track's moves at half their size"
    );
    click(&mut app, "Undo");
    assert_eq!(app.document().unwrap().project, original, "one undo step");
}

#[test]
fn assistant_panel_snapshots() {
    use lathe::ui::assist::{Message as A, Tab};
    let dir = tempfile::tempdir().unwrap();
    let mut app = analysed_app(dir.path(), Engine::disabled("no sound card found"));
    click(&mut app, "Assist…");
    let proposal = app
        .assist_proposal()
        .expect("the assistant proposes")
        .clone();
    // The tone view shows the proposal of the track selected in the panel.
    let t = proposal
        .tracks
        .iter()
        .position(|t| t.moves.len() >= 2)
        .unwrap();
    let track = &proposal.tracks[t];
    click(&mut app, format!("{}  {}", track.number, track.title));
    assert_eq!(app.selected(), Some(proposal.tracks[t].track_id));
    assert!(app.tone_shown().unwrap().proposed.is_some());
    {
        let mut ui = simulator(&app);
        ui.find("Proposed").ok();
        ui.find("Reject all").expect("accept/reject all");
        ui.find("Track amount").expect("per-track amounts");
    }
    assert_snapshot(&app, "assist");
    // A narrower spread than the album's: the plan has something to apply, with its tick.
    update_and_settle(&mut app, Message::Assist(A::Spread(2.0)));
    let _ = app.update(Message::Assist(A::Tab(Tab::Headroom)));
    assert!(app.assist_proposal().unwrap().headroom.accepted);
    {
        let mut ui = simulator(&app);
        let reason = &app.assist_proposal().unwrap().headroom.tracks[0].reason;
        ui.find(reason.as_str()).expect("reasons in words");
        ui.find("Apply the loudness plan: album mode, spread at most 2 LU")
            .expect("the plan's tick box");
    }
    assert_snapshot(&app, "assist-headroom");
    let _ = app.update(Message::Assist(A::Tab(Tab::Translation)));
    {
        let mut ui = simulator(&app);
        ui.find("Apple Music").expect("a column per platform");
        ui.find("turned down").expect("why, in words");
    }
    assert_snapshot(&app, "assist-translation");
}
