//! The export dialog's flow, message by message: setup from the project, edits of the album
//! settings, refusals, generations, and real exports of a tiny synthetic album (about a second
//! of audio per track) driven to completion, cancelled, or failing. Snapshots of the three
//! main screens pin the look.

use super::snapshots::demo_summary;
use super::summary::finished;
use super::*;
use crate::project::{
    AlbumInfo, LoudnessMode, Project, StereoSettings, ToneSettings, Track, TrackHeadroom, TrackId,
    SCHEMA_VERSION,
};
use crate::render::export::Stage;
use crate::ui::demo;
use iced::futures::executor::block_on;
use iced::futures::StreamExt;
use std::path::Path;

pub(super) fn demo_album() -> (Document, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (document, _) = demo::album(dir.path()).unwrap();
    (document, dir)
}

pub(super) fn opened(document: &Document) -> ExportDialog {
    let mut dialog = ExportDialog::default();
    let settings = document.project.settings.clone();
    let action = dialog.update(Message::Open, document, &settings);
    assert!(matches!(action, Action::None));
    dialog
}

fn album_edit(action: Action) -> AlbumSettings {
    match action {
        Action::Edit(Edit::Album(settings)) => settings,
        other => panic!("expected an album-settings edit, got {other:?}"),
    }
}

/// A stereo 44.1 kHz float WAV: two sines (220 Hz and 1 kHz) at `amplitude`, `seconds` long.
fn write_tone(path: &Path, seconds: f64, amplitude: f32) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(seconds * 44_100.0) as usize {
        let t = n as f32 / 44_100.0;
        let tau = 2.0 * std::f32::consts::PI;
        let s = amplitude * (0.6 * (tau * 220.0 * t).sin() + 0.4 * (tau * 1000.0 * t).sin());
        writer.write_sample(s).unwrap();
        writer.write_sample(0.9 * s).unwrap();
    }
    writer.finalize().unwrap();
}

/// Two tracks of about a second, quiet enough that reaching −14 LUFS needs no limiting.
fn tiny_album(dir: &Path) -> Document {
    let track = |id: u64, title: &str, file: &str| Track {
        id: TrackId(id),
        title: title.into(),
        source: file.into(),
        gap_before_s: 0.0,
        fade_in_s: 0.0,
        fade_out_s: 0.0,
        tone: ToneSettings::default(),
        stereo: StereoSettings::default(),
        headroom: TrackHeadroom::default(),
    };
    write_tone(&dir.join("one.wav"), 1.2, 0.05);
    write_tone(&dir.join("two.wav"), 1.2, 0.03);
    let settings = AlbumSettings {
        loudness_mode: LoudnessMode::Track,
        ..AlbumSettings::default()
    };
    Document {
        project: Project {
            schema_version: SCHEMA_VERSION,
            album: AlbumInfo {
                title: "Tiny".into(),
                artist: "Tests".into(),
            },
            settings,
            tracks: vec![track(1, "One", "one.wav"), track(2, "Two", "two.wav")],
            references: Vec::new(),
        },
        path: dir.join("tiny.lathe.json"),
    }
}

/// A dialog on `document` whose exports use a cache inside `dir`, not the user's.
fn tiny_dialog(document: &Document, dir: &Path) -> ExportDialog {
    let mut dialog = opened(document);
    dialog.cache = Some(AnalysisCache::at(&dir.join("cache")));
    dialog
}

/// Starts an export and feeds every message of its stream back into the dialog; `on_message`
/// sees each one first (to cancel midway, say).
fn run_to_end(
    dialog: &mut ExportDialog,
    document: &Document,
    mut on_message: impl FnMut(&mut ExportDialog, &Message),
) -> Vec<Message> {
    let settings = document.project.settings.clone();
    let stream = dialog
        .start(document, &settings)
        .unwrap_or_else(|| panic!("export refused: {:?}", dialog.notice()));
    assert!(dialog.is_running());
    let mut stream = Box::pin(stream);
    let mut seen = Vec::new();
    block_on(async {
        while let Some(message) = stream.next().await {
            on_message(dialog, &message);
            seen.push(message.clone());
            let _ = dialog.update(message, document, &settings);
        }
    });
    seen
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("master") || n.ends_with(".partial"))
        .collect()
}

#[test]
fn open_shows_the_setup_with_the_default_folder_beside_the_project() {
    let (document, dir) = demo_album();
    let mut dialog = ExportDialog::default();
    assert!(!dialog.is_open());
    let dialog_settings = document.project.settings.clone();
    let _ = dialog.update(Message::Open, &document, &dialog_settings);
    assert!(dialog.is_open() && !dialog.is_running());
    assert!(matches!(dialog.state(), State::Setup));
    let expected = dir.path().join("Tidewater (master)");
    assert_eq!(dialog.folder(), expected.display().to_string());
    assert!(!dialog.asks_to_replace());
    assert_eq!(dialog.presets.len(), DeliveryPreset::ALL.len());
    assert_eq!(dialog.refusal(&dialog_settings), None);

    // A folder the user typed survives closing and reopening.
    let _ = dialog.update(
        Message::FolderEdited("masters/cd".into()),
        &document,
        &dialog_settings,
    );
    let _ = dialog.update(Message::Close, &document, &dialog_settings);
    assert!(!dialog.is_open());
    let _ = dialog.update(Message::Open, &document, &dialog_settings);
    assert_eq!(dialog.folder(), "masters/cd");
}

#[test]
fn choosing_a_preset_returns_the_album_edit_it_prescribes() {
    let (document, _dir) = demo_album();
    let mut dialog = opened(&document);
    let settings = document.project.settings.clone();
    let cd = album_edit(dialog.update(Message::Preset(DeliveryPreset::Cd), &document, &settings));
    assert_eq!(cd.preset, DeliveryPreset::Cd);
    assert_eq!((cd.target_lufs, cd.ceiling_dbtp), (-10.0, -0.3));
    assert_eq!(
        (cd.export.bit_depth, cd.export.sample_rate_hz),
        (BitDepth::Int16, Some(44_100))
    );
    assert_eq!(cd.limiter, settings.limiter, "the rest is kept");
    // The preset already in force changes nothing: no edit, no undo step.
    let same = dialog.update(
        Message::Preset(DeliveryPreset::Spotify),
        &document,
        &settings,
    );
    assert!(matches!(same, Action::None), "{same:?}");
    let apple =
        album_edit(dialog.update(Message::Preset(DeliveryPreset::Apple), &document, &settings));
    assert_eq!(apple.target_lufs, -16.0);
}

#[test]
fn format_depth_rate_and_dither_are_album_edits() {
    let (document, _dir) = demo_album();
    let mut dialog = opened(&document);
    let settings = document.project.settings.clone();
    let flac = album_edit(dialog.update(Message::Format(ExportFormat::Flac), &document, &settings));
    assert_eq!(flac.export.format, ExportFormat::Flac);
    let rate = album_edit(dialog.update(Message::Rate(Some(48_000)), &document, &settings));
    assert_eq!(rate.export.sample_rate_hz, Some(48_000));
    let depth = album_edit(dialog.update(Message::BitDepth(BitDepth::Int16), &document, &settings));
    assert_eq!(depth.export.bit_depth, BitDepth::Int16);
    let dither = album_edit(dialog.update(Message::Dither(false), &document, &settings));
    assert!(!dither.export.dither);

    // Dither means nothing for float output: the switch does nothing there.
    let mut float = settings.clone();
    float.export.bit_depth = BitDepth::Float32;
    let action = dialog.update(Message::Dither(false), &document, &float);
    assert!(matches!(action, Action::None));
}

#[test]
fn flac_with_float_is_refused_with_an_explanation() {
    let (document, _dir) = demo_album();
    let mut dialog = opened(&document);
    let mut float = document.project.settings.clone();
    float.export.bit_depth = BitDepth::Float32;
    let action = dialog.update(Message::Format(ExportFormat::Flac), &document, &float);
    assert!(matches!(action, Action::None), "{action:?}");
    assert_eq!(dialog.notice(), Some(FLAC_FLOAT));
    assert!(FLAC_FLOAT.contains("16- or 24-bit") && FLAC_FLOAT.contains("WAV"));

    let mut flac = document.project.settings.clone();
    flac.export.format = ExportFormat::Flac;
    let action = dialog.update(Message::BitDepth(BitDepth::Float32), &document, &flac);
    assert!(matches!(action, Action::None));
    assert_eq!(dialog.notice(), Some(FLAC_FLOAT));

    // A project that already asks for it (edited by hand) cannot start.
    let mut both = flac.clone();
    both.export.bit_depth = BitDepth::Float32;
    let action = dialog.update(Message::Start, &document, &both);
    assert!(matches!(action, Action::None));
    assert!(matches!(dialog.state(), State::Setup));
    assert_eq!(dialog.notice(), Some(FLAC_FLOAT));
}

#[test]
fn start_runs_the_export_and_stale_generations_are_ignored() {
    let (document, _dir) = demo_album();
    let mut dialog = opened(&document);
    let settings = document.project.settings.clone();
    // The task is not polled here: nothing runs, nothing is written.
    let action = dialog.update(Message::Start, &document, &settings);
    assert!(matches!(action, Action::Run(_)), "{action:?}");
    assert!(dialog.is_running());
    let generation = dialog.generation();
    assert_eq!(generation, 1);
    let State::Running(running) = dialog.state() else {
        panic!("expected Running")
    };
    assert_eq!(running.tracks.len(), 6);
    assert_eq!(running.tracks[0].title, "01 Harbour Lights");
    assert_eq!(running.overall(), 0.0);

    let progress = |generation, track, stage| Message::Progress {
        generation,
        progress: ExportProgress {
            track,
            total: 6,
            stage,
        },
    };
    let _ = dialog.update(progress(0, 2, Stage::Done), &document, &settings);
    let _ = dialog.update(
        Message::Done {
            generation: 0,
            result: Err("old run".into()),
        },
        &document,
        &settings,
    );
    let State::Running(running) = dialog.state() else {
        panic!("a stale Done must not end the current run")
    };
    assert_eq!(running.tracks[2].stage, None, "stale progress ignored");

    let _ = dialog.update(progress(1, 0, Stage::Analysing), &document, &settings);
    let _ = dialog.update(progress(1, 2, Stage::Writing), &document, &settings);
    let _ = dialog.update(progress(1, 0, Stage::Done), &document, &settings);
    let State::Running(running) = dialog.state() else {
        panic!()
    };
    assert_eq!(running.tracks[2].stage, Some(Stage::Writing));
    assert_eq!(running.done(), 1);
    let expected = 0.1 + 0.9 * (stage_fraction(Some(Stage::Writing)) + 1.0) / 6.0;
    assert!((running.overall() - expected).abs() < 1e-6);

    // Neither closing nor reopening drops a running export.
    let _ = dialog.update(Message::Close, &document, &settings);
    let _ = dialog.update(Message::Open, &document, &settings);
    assert!(dialog.is_running());
}

#[test]
fn a_small_export_finishes_with_measured_figures_at_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let document = tiny_album(dir.path());
    let mut dialog = tiny_dialog(&document, dir.path());
    let messages = run_to_end(&mut dialog, &document, |_, _| {});
    let State::Finished(finished) = dialog.state() else {
        panic!("expected Finished, got {:?}", dialog.state())
    };
    assert!(messages.iter().any(|m| matches!(
        m,
        Message::Progress {
            progress: ExportProgress {
                stage: Stage::Rendering,
                ..
            },
            ..
        }
    )));
    let out = dir.path().join("Tiny (master)");
    assert_eq!(finished.summary.dir, out);
    assert!(out.join("01 One.wav").is_file() && out.join("report.md").is_file());
    assert!(!dir.path().join("Tiny (master).partial").exists());
    assert_eq!(finished.rows.len(), 2);
    for (track, row) in finished.summary.report.tracks.iter().zip(&finished.rows) {
        let lufs = track.integrated_lufs.unwrap();
        assert!(
            (lufs - -14.0).abs() <= 0.1,
            "track {} measures {lufs:.2} LUFS",
            track.number
        );
        assert_eq!(
            row.lufs,
            format!("{} LUFS", crate::units::unsigned(lufs, 1))
        );
        assert!(row.true_peak.ends_with(" dBTP") && row.gain_reduction.ends_with(" dB"));
        assert_eq!(row.held_back, None);
    }
    assert!(!dialog.is_running());

    // Opening the folder: a missing opener is an error that says what to do.
    dialog.opener = Some("lathe-no-such-opener".into());
    let action = dialog.update(Message::OpenFolder, &document, &document.project.settings);
    let Action::Error(error) = action else {
        panic!("expected an error, got {action:?}")
    };
    assert!(error.contains(&out.display().to_string()) && error.contains("file manager"));
    dialog.opener = Some("true".into());
    let action = dialog.update(Message::OpenFolder, &document, &document.project.settings);
    assert!(matches!(action, Action::None));

    // Exporting again to the same folder now asks to replace it.
    let _ = dialog.update(Message::Close, &document, &document.project.settings);
    let _ = dialog.update(Message::Open, &document, &document.project.settings);
    assert!(dialog.asks_to_replace());
}

#[test]
fn cancel_midway_goes_back_to_setup_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let document = tiny_album(dir.path());
    let mut dialog = tiny_dialog(&document, dir.path());
    let settings = document.project.settings.clone();
    let mut cancelled = false;
    run_to_end(&mut dialog, &document, |dialog, message| {
        if !cancelled && matches!(message, Message::Progress { .. }) {
            cancelled = true;
            let _ = dialog.update(Message::Cancel, &document, &settings);
            let State::Running(running) = dialog.state() else {
                panic!()
            };
            assert!(
                running.cancelling,
                "the dialog waits for the worker to clean up"
            );
            assert!(dialog.is_running());
        }
    });
    assert!(cancelled);
    assert!(
        matches!(dialog.state(), State::Setup),
        "{:?}",
        dialog.state()
    );
    assert_eq!(
        dialog.notice(),
        Some("Export cancelled — nothing was written.")
    );
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn an_unwritable_folder_fails_with_a_message_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let document = tiny_album(dir.path());
    // A regular file cannot hold a folder, even for root.
    std::fs::write(dir.path().join("plain-file"), b"").unwrap();
    let out = dir.path().join("plain-file").join("Album");
    let mut dialog = tiny_dialog(&document, dir.path());
    let settings = document.project.settings.clone();
    let _ = dialog.update(
        Message::FolderEdited(out.display().to_string()),
        &document,
        &settings,
    );
    run_to_end(&mut dialog, &document, |_, _| {});
    let State::Failed(message) = dialog.state() else {
        panic!("expected Failed, got {:?}", dialog.state())
    };
    assert!(
        message.contains(&out.display().to_string()) && message.contains("writable"),
        "{message}"
    );
    let _ = dialog.update(Message::Back, &document, &settings);
    assert!(matches!(dialog.state(), State::Setup));
}

#[test]
fn an_existing_folder_asks_to_replace_and_the_project_folder_is_never_offered() {
    let (document, dir) = demo_album();
    let settings = document.project.settings.clone();
    let existing = dir.path().join("Old master");
    std::fs::create_dir(&existing).unwrap();
    let mut dialog = opened(&document);
    let _ = dialog.update(
        Message::FolderEdited("Old master".into()),
        &document,
        &settings,
    );
    assert!(dialog.asks_to_replace());
    let action = dialog.update(Message::Start, &document, &settings);
    assert!(matches!(action, Action::None));
    assert!(matches!(dialog.state(), State::Setup));
    assert!(dialog.notice().unwrap().contains("already exists"));

    let _ = dialog.update(Message::Replace(true), &document, &settings);
    assert_eq!(dialog.refusal(&settings), None);
    let action = dialog.update(Message::Start, &document, &settings);
    assert!(matches!(action, Action::Run(_)));
    assert!(dialog.is_running());

    // The project's own folder would delete the project and its sources: refused even with replace.
    let mut dialog = opened(&document);
    let _ = dialog.update(
        Message::FolderEdited(dir.path().display().to_string()),
        &document,
        &settings,
    );
    let _ = dialog.update(Message::Replace(true), &document, &settings);
    assert!(dialog
        .refusal(&settings)
        .unwrap()
        .contains("holds the project"));
    let action = dialog.update(Message::Start, &document, &settings);
    assert!(matches!(action, Action::None));

    // A different folder needs its own "replace".
    let _ = dialog.update(Message::FolderEdited("New".into()), &document, &settings);
    assert!(!dialog.asks_to_replace() && !dialog.replace);
}

#[test]
fn choose_opens_the_picker_and_the_album_gets_its_own_folder_inside_the_chosen_one() {
    let (document, dir) = demo_album();
    let settings = document.project.settings.clone();
    let mut dialog = opened(&document);
    let action = dialog.update(Message::ChooseFolder, &document, &settings);
    assert!(matches!(action, Action::Run(_)));
    let _ = dialog.update(Message::FolderChosen(None), &document, &settings);
    assert_eq!(
        dialog.folder(),
        dir.path().join("Tidewater (master)").display().to_string()
    );
    let _ = dialog.update(
        Message::FolderChosen(Some(PathBuf::from("/media/usb"))),
        &document,
        &settings,
    );
    assert_eq!(dialog.folder(), "/media/usb/Tidewater (master)");
}

#[test]
fn the_summary_marks_tracks_held_back_below_their_target() {
    let summary = demo_summary(Path::new("/tmp/x"));
    let finished = finished(Arc::new(summary));
    assert_eq!(finished.rows[0].held_back, None);
    assert_eq!(
        finished.rows[2].held_back.as_deref(),
        Some("held back 1.6 LU")
    );
    assert_eq!(finished.rows[2].lufs, "−15.6 LUFS");
    assert_eq!(finished.rows[2].gain_reduction, "6.0 dB");
}
