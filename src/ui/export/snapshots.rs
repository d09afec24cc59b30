//! Pinned tiny-skia snapshots of the three main screens (delete a PNG to re-record it), and
//! the buttons found and clicked through iced_test's simulator.

use super::summary::finished;
use super::tests::{demo_album, opened};
use super::*;
use crate::project::ExportFormat;
use crate::render::export::Stage;
use crate::render::report::{AlbumReport, Figures, TrackReport};
use crate::ui::demo;
use std::path::Path;

/// The demo album at a fixed path, so the folder shown is the same on every machine.
fn snapshot_album() -> (Document, tempfile::TempDir) {
    let (mut document, dir) = demo_album();
    document.path = PathBuf::from("/home/sam/Music/Tidewater/tidewater.lathe.json");
    (document, dir)
}

pub(super) fn demo_summary(dir: &Path) -> ExportSummary {
    let tracks = demo::TITLES
        .iter()
        .enumerate()
        .map(|(i, title)| {
            let (lufs, tp, gr) = match i {
                2 => (-15.6, -1.0, 6.0),
                _ => (
                    -14.0 - 0.02 * i as f64,
                    -1.1 - 0.3 * i as f64,
                    0.4 * i as f64,
                ),
            };
            TrackReport {
                number: i + 1,
                title: title.to_string(),
                file: format!("{:02} {title}.wav", i + 1),
                source: String::new(),
                target_lufs: Some(-14.0),
                ceiling_dbtp: -1.0,
                integrated_lufs: Some(lufs),
                true_peak_dbtp: Some(tp),
                lra_lu: Some(6.0),
                plr_db: Some(tp - lufs),
                tone_deviation_db: Some(0.8 + 0.2 * i as f64),
                before: Figures {
                    tone_deviation_db: Some(3.1 - 0.4 * i as f64),
                    ..Figures::default()
                },
                gain_db: 3.0,
                max_gain_reduction_db: gr,
                mean_gain_reduction_db: gr / 4.0,
                held_back_db: None,
                moves: Vec::new(),
                warnings: if i == 2 {
                    vec![
                        "reaching -14.0 LUFS needs about 7.6 dB of peak gain reduction \
                          (limit 6.0 dB): rendered at -15.6 LUFS instead — consider a lower target"
                            .into(),
                    ]
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    ExportSummary {
        dir: dir.to_path_buf(),
        report: AlbumReport {
            album: "Tidewater".into(),
            artist: "The Quiet Hours".into(),
            preset: "spotify".into(),
            loudness_mode: "album".into(),
            format: "WAV 24-bit".into(),
            sample_rate_hz: 44_100,
            dither: true,
            tracks,
            album_wav: None,
            warnings: Vec::new(),
            sample_rates_hz: Vec::new(),
        },
    }
}

fn assert_snapshot(dialog: &ExportDialog, settings: &AlbumSettings, name: &str) {
    use iced::{Font, Settings};
    use iced_test::simulator::Simulator;
    // Reproducible pixels: pin the software renderer (wgpu output differs by driver).
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let ui_settings = Settings {
        default_font: Font::with_name("Fira Sans"),
        ..Settings::default()
    };
    let mut ui = Simulator::with_size(ui_settings, (1280.0, 800.0), dialog.view(settings));
    let snapshot = ui.snapshot(&crate::ui::theme()).unwrap();
    let path = format!("{}/tests/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    assert!(
        snapshot.matches_image(&path).unwrap(),
        "dialog differs from {path}-tiny-skia.png"
    );
}

#[test]
fn setup_snapshot() {
    let (document, _dir) = snapshot_album();
    let dialog = opened(&document);
    assert_snapshot(&dialog, &document.project.settings, "export_setup");
}

#[test]
fn running_snapshot() {
    let (document, _dir) = snapshot_album();
    let mut dialog = opened(&document);
    let settings = document.project.settings.clone();
    let _ = dialog.update(Message::Start, &document, &settings);
    let generation = dialog.generation();
    let stages = [
        (0, Stage::Done),
        (1, Stage::Measuring),
        (2, Stage::Rendering),
        (4, Stage::Writing),
    ];
    for (track, stage) in stages {
        let progress = ExportProgress {
            track,
            total: 6,
            stage,
        };
        let _ = dialog.update(
            Message::Progress {
                generation,
                progress,
            },
            &document,
            &settings,
        );
    }
    assert_snapshot(&dialog, &settings, "export_running");
}

#[test]
fn summary_snapshot() {
    let (document, _dir) = snapshot_album();
    let mut dialog = opened(&document);
    let settings = document.project.settings.clone();
    let summary = demo_summary(Path::new("/home/sam/Music/Tidewater/Tidewater (master)"));
    dialog.state = State::Finished(finished(Arc::new(summary)));
    assert_snapshot(&dialog, &settings, "export_summary");
}

#[test]
fn the_buttons_send_start_cancel_and_open_folder() {
    use iced::{Font, Settings};
    use iced_test::simulator::Simulator;
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let clicked = |dialog: &ExportDialog, settings: &AlbumSettings, label: &str| {
        let ui_settings = Settings {
            default_font: Font::with_name("Fira Sans"),
            ..Settings::default()
        };
        let mut ui = Simulator::with_size(ui_settings, (1280.0, 800.0), dialog.view(settings));
        ui.click(label)
            .unwrap_or_else(|_| panic!("a “{label}” button"));
        ui.into_messages().collect::<Vec<_>>()
    };
    let (document, _dir) = snapshot_album();
    let settings = document.project.settings.clone();
    let mut dialog = opened(&document);
    let messages = clicked(&dialog, &settings, "Export");
    assert!(
        matches!(messages.as_slice(), [Message::Start]),
        "{messages:?}"
    );
    let messages = clicked(&dialog, &settings, "FLAC");
    assert!(matches!(
        messages.as_slice(),
        [Message::Format(ExportFormat::Flac)]
    ));

    let _ = dialog.update(Message::Start, &document, &settings);
    let messages = clicked(&dialog, &settings, "Cancel");
    assert!(
        matches!(messages.as_slice(), [Message::Cancel]),
        "{messages:?}"
    );

    let summary = demo_summary(Path::new("/tmp/nowhere"));
    dialog.state = State::Finished(finished(Arc::new(summary)));
    let messages = clicked(&dialog, &settings, "Open folder");
    assert!(
        matches!(messages.as_slice(), [Message::OpenFolder]),
        "{messages:?}"
    );
}
