//! Project files: golden schema, clear errors, atomic save, missing sources.

use lathe::project::*;
use std::path::{Path, PathBuf};

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/project-v1.json")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn golden_v1_file_keeps_loading_with_every_field() {
    let doc =
        Document::load(&golden()).expect("golden v1 project must load in every later version");
    let p = &doc.project;
    assert_eq!(p.album.title, "Golden Album");
    assert_eq!(p.settings.preset, DeliveryPreset::Cd);
    assert_eq!(p.settings.loudness_mode, LoudnessMode::Track);
    assert_eq!(p.settings.export.format, ExportFormat::Flac);
    assert_eq!(p.settings.export.bit_depth, BitDepth::Int16);
    assert_eq!(p.settings.export.sample_rate_hz, Some(44100));
    assert_eq!(p.settings.album_spread_lu, Some(6.0));
    assert_eq!(p.tracks.len(), 2);
    let t = &p.tracks[0];
    assert_eq!(t.id, TrackId(7));
    assert_eq!((t.fade_in_s, t.fade_out_s), (0.5, 3.0));
    assert_eq!(t.tone.input_trim_db, -1.5);
    assert_eq!(
        t.tone.high_shelf,
        Shelf {
            freq_hz: 9000.0,
            gain_db: 1.5
        }
    );
    assert_eq!(
        t.tone.bells,
        vec![Bell {
            freq_hz: 250.0,
            gain_db: -2.0,
            q: 0.7
        }]
    );
    assert_eq!(t.tone.match_eq.target, MatchTarget::Blend);
    assert_eq!(t.stereo.mono_bass_hz, Some(120.0));
    assert_eq!(t.headroom.offset_lu, -1.0);
    // Omitted fields take neutral defaults.
    let second = &p.tracks[1];
    assert_eq!(second.tone, ToneSettings::default());
    assert_eq!(second.stereo.width, 1.0);
    assert_eq!(p.references[1].weight, 1.0);
    assert_eq!(
        doc.source_path(&second.source),
        PathBuf::from("/absolute/elsewhere/second.wav")
    );
    // Sources don't exist: the project still opens, with both tracks marked missing.
    assert_eq!(doc.missing_tracks(), vec![TrackId(7), TrackId(3)]);
}

#[test]
fn save_then_load_round_trips_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::load(&golden()).unwrap();
    doc.path = dir.path().join("album.json");
    doc.project.tracks[0].tone.tilt_db = -2.25;
    doc.save().unwrap();
    let again = Document::load(&doc.path).unwrap();
    assert_eq!(again.project, doc.project);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("album.json")]);
    // Human-readable: pretty-printed with the schema version first.
    let text = std::fs::read_to_string(&doc.path).unwrap();
    assert!(text.starts_with("{\n  \"schema_version\": 1,"), "{text}");
}

#[test]
fn malformed_json_reports_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.json",
        "{\n  \"schema_version\": 1,\n  \"album\": { \"title\": \"x\" \n  \"tracks\": []\n}\n",
    );
    let err = Document::load(&p).unwrap_err();
    match &err {
        ProjectError::Malformed { line, column, .. } => assert_eq!((*line, *column), (4, 3)),
        other => panic!("expected Malformed, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("bad.json") && msg.contains("line 4, column 3"),
        "{msg}"
    );
}

#[test]
fn missing_fields_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.json",
        r#"{"schema_version": 1, "album": {"title": "x"}, "tracks": [{"id": 1, "source": "a.wav"}]}"#,
    );
    let msg = Document::load(&p).unwrap_err().to_string();
    assert!(msg.contains("missing field `title`"), "{msg}");
    let p = write(
        dir.path(),
        "q.json",
        r#"{"album": {"title": "x"}, "tracks": []}"#,
    );
    let msg = Document::load(&p).unwrap_err().to_string();
    assert!(msg.contains("schema_version"), "{msg}");
}

#[test]
fn newer_schema_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "new.json",
        r#"{"schema_version": 2, "album": {"title": "x"}, "tracks": [], "renamed": 1}"#,
    );
    let err = Document::load(&p).unwrap_err();
    assert!(
        matches!(
            err,
            ProjectError::NewerSchema {
                found: 2,
                supported: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer Lathe"));
}

#[test]
fn invalid_values_are_refused_with_the_track_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.json",
        r#"{"schema_version": 1, "album": {"title": "x"}, "tracks": [
            {"id": 1, "title": "One", "source": "a.wav"},
            {"id": 1, "title": "Two", "source": "b.wav"}]}"#,
    );
    let msg = Document::load(&p).unwrap_err().to_string();
    assert!(
        msg.contains("track 2") && msg.contains("Two") && msg.contains("id 1"),
        "{msg}"
    );
    let p = write(
        dir.path(),
        "q.json",
        r#"{"schema_version": 1, "album": {"title": "x"}, "tracks": [{"id": 1, "title": "One", "source": "a.wav", "gap_before_s": -1}]}"#,
    );
    assert!(Document::load(&p)
        .unwrap_err()
        .to_string()
        .contains("gap_before_s"));
    // Numbers that would make the export or the chain explode are refused, with the field named
    // and the range given (a gap of 10⁹ s asked for 80 GB; an export rate of 1 Hz panicked).
    for (field, json) in [
        (
            "gap_before_s is 1000000000",
            r#""tracks": [{"id": 1, "title": "One", "source": "a.wav", "gap_before_s": 1e9}]"#,
        ),
        (
            "export.sample_rate_hz is 1;",
            r#""settings": {"export": {"sample_rate_hz": 1}}, "tracks": []"#,
        ),
        (
            "bell 1 q is 0;",
            r#""tracks": [{"id": 1, "title": "One", "source": "a.wav", "tone": {"bells": [{"freq_hz": 100, "gain_db": 1, "q": 0}]}}]"#,
        ),
        (
            "target_lufs is 1000;",
            r#""settings": {"target_lufs": 1000}, "tracks": []"#,
        ),
        (
            "stereo.width is -5;",
            r#""tracks": [{"id": 1, "title": "One", "source": "a.wav", "stereo": {"width": -5}}]"#,
        ),
    ] {
        let p = write(
            dir.path(),
            "range.json",
            &format!(r#"{{"schema_version": 1, "album": {{"title": "x"}}, {json}}}"#),
        );
        let msg = Document::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains(field) && msg.contains("must be from"),
            "{field}: {msg}"
        );
    }
    // A stored match curve with a point at 0 Hz is refused, and the message says how to recover.
    let p = write(
        dir.path(),
        "r.json",
        r#"{"schema_version": 1, "album": {"title": "x"}, "tracks": [{"id": 1, "title": "One", "source": "a.wav",
            "tone": {"match_eq": {"amount": 1, "curve": [{"freq_hz": 100, "gain_db": 2}, {"freq_hz": 0, "gain_db": 1}]}}}]}"#,
    );
    let msg = Document::load(&p).unwrap_err().to_string();
    assert!(
        msg.contains("track 1") && msg.contains("match curve") && msg.contains("0 Hz"),
        "{msg}"
    );
}

#[test]
fn a_stored_match_curve_survives_a_save_and_is_absent_when_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::load(&golden()).unwrap();
    doc.path = dir.path().join("album.json");
    let empty = serde_json::to_string(&doc.project).unwrap();
    assert!(!empty.contains("\"curve\""), "no stored curve, no key");
    doc.project.tracks[0].tone.match_eq.curve = vec![
        lathe::project::CurvePoint {
            freq_hz: 63.0,
            gain_db: -2.5,
        },
        lathe::project::CurvePoint {
            freq_hz: 8000.0,
            gain_db: 1.25,
        },
    ];
    doc.save().unwrap();
    let back = Document::load(&doc.path).unwrap();
    assert_eq!(back.project, doc.project);
}

#[test]
fn missing_project_file_and_unwritable_folder_are_clear_errors() {
    let err = Document::load(Path::new("/nonexistent/album.json")).unwrap_err();
    assert!(matches!(err, ProjectError::NotFound { .. }));
    let mut doc = Document::load(&golden()).unwrap();
    doc.path = PathBuf::from("/nonexistent-dir/album.json");
    let err = doc.save().unwrap_err();
    assert!(matches!(err, ProjectError::Write { .. }));
    assert!(err
        .to_string()
        .contains("earlier version of the file is unchanged"));
}

#[test]
fn failed_save_keeps_the_previous_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::load(&golden()).unwrap();
    doc.path = dir.path().join("album.json");
    doc.save().unwrap();
    let before = std::fs::read(&doc.path).unwrap();
    // A directory squatting on the temp name makes the write fail part-way.
    let tmp = dir
        .path()
        .join(format!(".album.json.tmp-{}", std::process::id()));
    std::fs::create_dir(&tmp).unwrap();
    doc.project.album.title = "Changed".into();
    assert!(doc.save().is_err());
    assert_eq!(std::fs::read(&doc.path).unwrap(), before);
}

#[test]
fn save_as_rebases_relative_sources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/audio")).unwrap();
    std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
    std::fs::write(dir.path().join("a/audio/01 Opening.flac"), b"x").unwrap();
    let mut doc = Document::load(&golden()).unwrap();
    doc.path = dir.path().join("a/album.json");
    assert!(!doc.is_missing(&doc.project.tracks[0]));
    doc.save_as(&dir.path().join("b/c/album.json")).unwrap();
    assert_eq!(
        doc.project.tracks[0].source,
        PathBuf::from("../../a/audio/01 Opening.flac")
    );
    assert!(!doc.is_missing(&doc.project.tracks[0]));
    assert_eq!(
        doc.project.tracks[1].source,
        PathBuf::from("/absolute/elsewhere/second.wav")
    );
}

#[test]
fn demo_project_loads_and_finds_its_audio() {
    let doc =
        Document::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/demo.json")).unwrap();
    assert_eq!(doc.project.tracks.len(), 5);
    assert!(doc.missing_tracks().is_empty());
}

#[cfg(unix)]
#[test]
fn saving_through_a_symlink_updates_the_linked_file_and_keeps_the_link_and_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("projects");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("album.json");
    let mut doc = Document::load(&golden()).unwrap();
    doc.path = real.clone();
    doc.save().unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("album-link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let mut via_link = Document::load(&link).unwrap();
    via_link.project.tracks[0].tone.tilt_db = 1.75;
    via_link.save().unwrap();

    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let again = Document::load(&real).unwrap();
    assert_eq!(again.project.tracks[0].tone.tilt_db, 1.75);
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // The temp file lived (and died) next to the real file; nothing is left behind anywhere.
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .chain(std::fs::read_dir(&real_dir).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["album-link.json", "album.json", "projects"]);
}

#[test]
fn a_read_only_project_file_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::load(&golden()).unwrap();
    doc.path = dir.path().join("album.json");
    doc.save().unwrap();
    let before = std::fs::read(&doc.path).unwrap();
    let mut permissions = std::fs::metadata(&doc.path).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&doc.path, permissions).unwrap();

    doc.project.tracks[0].tone.tilt_db = -3.0;
    let err = doc.save().unwrap_err();
    assert!(matches!(err, ProjectError::ReadOnly { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("album.json") && msg.contains("read-only") && msg.contains("writable"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&doc.path).unwrap(), before);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temp file is left");
}
