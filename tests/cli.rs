//! The `lathe` command line, run as a user would: exit codes, messages, the JSON shape.

use std::path::Path;
use std::process::{Command, Output};

/// `lathe` with `args`, its analysis cache in a folder of the tests' own.
fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lathe"));
    c.args(args).env(
        "XDG_CACHE_HOME",
        std::env::temp_dir().join("lathe-cli-test-cache"),
    );
    c
}

fn lathe(args: &[&str]) -> Output {
    command(args).output().expect("lathe runs")
}

fn repo(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .to_string_lossy()
        .into_owned()
}

fn write_sine_wav(path: &Path, seconds: f64, amplitude: f32) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(seconds * 48000.0) as usize {
        let v = amplitude * (2.0 * std::f32::consts::PI * 997.0 * n as f32 / 48000.0).sin();
        let s = (v * 32767.0).round() as i16;
        w.write_sample(s).unwrap();
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

#[test]
fn analyze_demo_album_json_has_the_documented_shape_and_ffmpeg_agreeing_loudness() {
    let out = lathe(&[
        "analyze",
        &repo("projects/demo.json"),
        "--json",
        "--no-cache",
    ]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let tracks = v["tracks"].as_array().unwrap();
    assert_eq!(tracks.len(), 5);
    // Integrated loudness of the demo excerpts as measured by ffmpeg's ebur128 filter (0.1 LU resolution).
    let ffmpeg_lufs = [-13.6, -17.2, -18.3, -16.8, -20.6];
    for (t, expected) in tracks.iter().zip(ffmpeg_lufs) {
        for key in [
            "title",
            "path",
            "duration_s",
            "sample_rate",
            "channels",
            "integrated_lufs",
            "lra_lu",
            "true_peak_dbtp",
            "sample_peak_dbfs",
            "plr_db",
            "tonal_deviation_db",
        ] {
            assert!(t.get(key).is_some(), "track lacks {key}: {t}");
        }
        let i = t["integrated_lufs"].as_f64().unwrap();
        assert!(
            (i - expected).abs() <= 0.15,
            "{}: {i} LUFS vs ffmpeg {expected}",
            t["title"]
        );
        assert_eq!(t["sample_rate"], 44100);
        assert_eq!(t["channels"], 2);
        assert!((t["duration_s"].as_f64().unwrap() - 40.0).abs() < 0.1);
        let plr = t["plr_db"].as_f64().unwrap();
        assert!((plr - (t["true_peak_dbtp"].as_f64().unwrap() - i)).abs() < 1e-9);
        let bands = t["spectrum"]["bands_hz"].as_array().unwrap();
        assert!(
            bands.len() >= 60,
            "1/6 octave from 20 Hz to 20 kHz has about 60 bands"
        );
        assert_eq!(
            t["spectrum"]["mid_db"].as_array().unwrap().len(),
            bands.len()
        );
        assert_eq!(
            t["spectrum"]["side_db"].as_array().unwrap().len(),
            bands.len()
        );
        assert!(t["tonal_deviation_db"].as_f64().unwrap() > 0.0);
        // The demo decodes cleanly: no skipped packets, no silence filled in.
        assert_eq!(t["notices"], serde_json::json!([]), "{}", t["title"]);
    }
    assert_eq!(tracks[0]["title"], "Crushed Ice Cocktail");
    let spread = v["album"]["loudness_spread_lu"].as_f64().unwrap();
    assert!((spread - 7.0).abs() < 0.2, "spread {spread}");
    assert_eq!(
        v["album"]["spectrum"]["mid_db"].as_array().unwrap().len(),
        v["album"]["spectrum"]["bands_hz"].as_array().unwrap().len()
    );
}

#[test]
fn analyze_table_and_loose_files() {
    let dir = tempfile::tempdir().unwrap();
    write_sine_wav(&dir.path().join("02 second.wav"), 3.0, 0.1);
    write_sine_wav(&dir.path().join("01 first.wav"), 3.0, 0.2);
    let out = lathe(&["analyze", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.find("first").expect("first listed");
    let second = text.find("second").expect("second listed");
    assert!(first < second, "ordered by file name:\n{text}");
    assert!(text.contains("LUFS") && text.contains("dBTP"), "{text}");
    // 0.2 vs 0.1 amplitude: 6.0 dB apart.
    assert!(text.contains("album loudness spread: 6.0 LU"), "{text}");
}

#[test]
fn analyze_says_each_failure_once_and_shows_no_figure_it_cannot_know() {
    // Nothing could be measured: no album figure, and each file's reason said once.
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("a.wav"), "not audio at all").unwrap();
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    hound::WavWriter::create(bad.path().join("b.wav"), spec)
        .unwrap()
        .finalize()
        .unwrap();
    let o = lathe(&["analyze", bad.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(!stdout.contains("spread"), "{stdout}");
    assert!(
        stderr.contains("2 of 2 files could not be analysed"),
        "{stderr}"
    );
    for reason in ["not a supported audio file", "holds no audio"] {
        let said = stdout.matches(reason).count() + stderr.matches(reason).count();
        assert_eq!(said, 1, "{reason}:\n{stdout}{stderr}");
    }
    let json = lathe(&["analyze", bad.path().to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v["album"]["loudness_spread_lu"].is_null(), "{}", v["album"]);

    // Silence and a file shorter than one 3 s block have no loudness range; a steady tone has 0.
    let dir = tempfile::tempdir().unwrap();
    write_sine_wav(&dir.path().join("01 silent.wav"), 5.0, 0.0);
    write_sine_wav(&dir.path().join("02 short.wav"), 1.0, 0.3);
    write_sine_wav(&dir.path().join("03 steady.wav"), 4.0, 0.3);
    let o = lathe(&["analyze", dir.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.contains(name))
            .unwrap()
            .to_string()
    };
    let has_lu = |row: &str| row.split_whitespace().any(|t| t == "LU");
    assert!(!has_lu(&row("silent")), "{stdout}");
    assert!(!has_lu(&row("short")), "{stdout}");
    assert!(row("steady").contains("0.0 LU"), "{stdout}");
    let json = lathe(&["analyze", dir.path().to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let lra: Vec<_> = (v["tracks"].as_array().unwrap().iter())
        .map(|t| t["lra_lu"].as_f64())
        .collect();
    assert!(lra[0].is_none() && lra[1].is_none(), "{lra:?}");
    assert!(lra[2].is_some_and(|l| l < 0.05), "{lra:?}");
}

#[test]
fn analyze_missing_file_fails_with_one_line_naming_it() {
    let out = lathe(&["analyze", "/nonexistent/song.wav"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("/nonexistent/song.wav"), "{err}");
}

#[test]
fn analyze_project_with_a_corrupt_track_reports_it_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    write_sine_wav(&dir.path().join("good.wav"), 2.0, 0.3);
    let out = lathe(&[
        "new",
        dir.path().to_str().unwrap(),
        "-o",
        dir.path().join("album.json").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A track whose file went bad after the project was made (`new` leaves unreadable files out).
    std::fs::write(
        dir.path().join("bad.wav"),
        b"RIFF\x10\x00\x00\x00WAVEthis is not audio",
    )
    .unwrap();
    let mut doc = lathe::project::Document::load(&dir.path().join("album.json")).unwrap();
    let mut bad = doc.project.tracks[0].clone();
    bad.id = lathe::project::TrackId(99);
    bad.source = "bad.wav".into();
    doc.project.tracks.push(bad);
    doc.save().unwrap();
    let out = lathe(&["analyze", dir.path().join("album.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("good") && stdout.contains("LUFS"),
        "the good track is still measured:\n{stdout}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.wav") && err.contains("1 of 2"), "{err}");
}

#[test]
fn new_builds_a_project_from_a_folder_with_tag_titles() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("album.json");
    let out = lathe(&["new", &repo("assets/demo"), "-o", project.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = lathe::project::Document::load(&project).unwrap();
    let titles: Vec<_> = doc
        .project
        .tracks
        .iter()
        .map(|t| t.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Crushed Ice Cocktail",
            "Island Dreams",
            "Motorway",
            "Urban Bolero",
            "Lucid Dream"
        ]
    );
    assert!(doc.project.tracks.iter().all(|t| t.source.is_relative()));
    assert!(doc.missing_tracks().is_empty());
    assert_eq!(doc.project.album.title, "Lathe demo album");
    // An existing project is not overwritten without --force.
    let again = lathe(&["new", &repo("assets/demo"), "-o", project.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
}

#[test]
fn new_orders_files_by_their_numbers_and_keeps_a_number_that_is_part_of_a_name() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "10 - Outro.wav",
        "2 - Song.wav",
        "1 - Intro.wav",
        "192k.wav",
    ] {
        write_sine_wav(&dir.path().join(name), 0.5, 0.3);
    }
    let project = dir.path().join("album.json");
    let o = lathe(&[
        "new",
        dir.path().to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = lathe::project::Document::load(&project).unwrap();
    let tracks: Vec<_> = (doc.project.tracks.iter())
        .map(|t| (t.title.as_str(), t.source.to_string_lossy().into_owned()))
        .collect();
    assert_eq!(
        tracks,
        [
            ("Intro", "1 - Intro.wav".to_string()),
            ("Song", "2 - Song.wav".to_string()),
            ("Outro", "10 - Outro.wav".to_string()),
            ("192k", "192k.wav".to_string()),
        ]
    );
}

#[test]
fn new_refuses_a_folder_without_audio() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let out = lathe(&[
        "new",
        dir.path().to_str().unwrap(),
        "-o",
        dir.path().join("a.json").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no audio files"));
    assert!(!dir.path().join("a.json").exists());
}

#[test]
fn new_leaves_out_files_it_cannot_open_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    write_sine_wav(&dir.path().join("01 good.wav"), 1.0, 0.5);
    std::fs::write(dir.path().join("02 empty.wav"), b"").unwrap();
    std::fs::write(dir.path().join("03 text.wav"), "not audio at all").unwrap();
    // A header and no frames: a WAV that holds no audio.
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let header_only = dir.path().join("04 header only.wav");
    hound::WavWriter::create(&header_only, spec)
        .unwrap()
        .finalize()
        .unwrap();
    assert_eq!(std::fs::metadata(&header_only).unwrap().len(), 44);
    let project = dir.path().join("a.json");
    let out = lathe(&[
        "new",
        dir.path().to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "written, but not all files made it"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    // One last line says the project was written, with how many files, and which were not.
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("a.json written with 1 of 4 files"), "{err}");
    for name in ["02 empty.wav", "03 text.wav", "04 header only.wav"] {
        assert!(err.contains(name), "{name}: {err}");
    }
    assert!(err.contains("holds no audio"), "{err}");
    let doc = lathe::project::Document::load(&project).unwrap();
    assert_eq!(doc.project.tracks.len(), 1);
    // Nothing readable at all: refused, nothing written.
    std::fs::remove_file(dir.path().join("01 good.wav")).unwrap();
    std::fs::remove_file(&project).unwrap();
    let out = lathe(&[
        "new",
        dir.path().to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("none of the audio files"));
    assert!(!project.exists());
}

#[test]
fn export_writes_the_album_folder_and_refuses_bad_options_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("master");
    let o = lathe(&[
        "export",
        &repo("projects/demo.json"),
        "--out",
        out.to_str().unwrap(),
        "--preset",
        "apple",
        "--loudness",
        "track",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        stdout.matches("\u{2212}16.0 LUFS").count(),
        10,
        "target and measured per track:\n{stdout}"
    );
    for name in [
        "01 Crushed Ice Cocktail.wav",
        "05 Lucid Dream.wav",
        "report.json",
        "report.md",
        "demo.json",
    ] {
        assert!(out.join(name).is_file(), "{name}");
    }
    // The folder exists now: refused without --force, one line naming it.
    let again = lathe(&[
        "export",
        &repo("projects/demo.json"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("master") && err.contains("--force"), "{err}");
    let bad = lathe(&[
        "export",
        &repo("projects/demo.json"),
        "--out",
        dir.path().join("x").to_str().unwrap(),
        "--preset",
        "vinyl",
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown preset \"vinyl\""));
    assert!(!dir.path().join("x").exists() && !dir.path().join("x.partial").exists());
    // Not-a-number and absurd figures are refused before anything is written.
    for (flag, value) in [
        ("--target", "NaN"),
        ("--target", "-inf"),
        ("--ceiling", "nan"),
    ] {
        let bad = lathe(&[
            "export",
            &repo("projects/demo.json"),
            "--out",
            dir.path().join("x").to_str().unwrap(),
            flag,
            value,
        ]);
        assert_eq!(bad.status.code(), Some(1), "{flag} {value}");
        assert!(String::from_utf8_lossy(&bad.stderr).contains(flag));
        assert!(!dir.path().join("x").exists());
    }
}

#[cfg(unix)]
#[test]
fn sigterm_cancels_an_export_as_ctrl_c_does_and_leaves_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    // Long enough that the export is still at work when the signal comes.
    for n in 1..=4 {
        write_sine_wav(&dir.path().join(format!("{n:02} song.wav")), 60.0, 0.3);
    }
    let project = dir.path().join("album.json");
    let o = lathe(&[
        "new",
        dir.path().to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("x");
    let partial = dir.path().join("x.partial");
    let child = Command::new(env!("CARGO_BIN_EXE_lathe"))
        .args([
            "export",
            project.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        // An empty cache: the analysis runs too, so there is time to signal.
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The partial folder is made once the handler is in place; signal as soon as it is there.
    let start = std::time::Instant::now();
    while !partial.exists() {
        assert!(start.elapsed().as_secs() < 60, "the export never began");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "cancelled, not killed: {stderr}");
    assert!(
        stderr.contains("export cancelled; nothing was written"),
        "{stderr}"
    );
    assert!(!partial.exists(), "x.partial is left");
    assert!(!out.exists(), "x is left");
}

#[test]
fn export_names_files_whole_and_an_unreadable_reference_is_told_how_to_go() {
    let dir = tempfile::tempdir().unwrap();
    let long = "over-the-northern-mountains-and-far-away";
    write_sine_wav(&dir.path().join(format!("{long}.wav")), 2.0, 0.3);
    let project = dir.path().join("album.json");
    let p = project.to_str().unwrap();
    let o = lathe(&["new", dir.path().to_str().unwrap(), "-o", p]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.starts_with(&format!("{p}: 1 track\n")), "{stdout}");

    // A reference whose file was cut short after it was added.
    let refs = tempfile::tempdir().unwrap();
    let reference = refs.path().join("ref.wav");
    write_sine_wav(&reference, 3.0, 0.3);
    let o = lathe(&["references", p, "--add", reference.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&reference).unwrap();
    std::fs::write(&reference, &bytes[..1000]).unwrap();

    let out = dir.path().join("master");
    // `-o`, as `new` and `assist` take it.
    let o = lathe(&["export", p, "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains(&format!(" 01 {long}.wav ")), "{stdout}");
    assert!(out.join(format!("01 {long}.wav")).is_file());

    for args in [
        vec!["analyze", p],
        vec!["assist", p, "--target", "references"],
    ] {
        let o = lathe(&args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("ref.wav: corrupt or truncated"), "{stderr}");
        assert!(
            stderr.contains(&format!("`lathe references {p} --remove 1`")),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("remove the track"), "{args:?}: {stderr}");
    }
}

#[test]
fn assist_prints_reasons_applies_into_a_new_file_and_refuses_bad_options() {
    let demo = repo("projects/demo.json");
    let demo_before = std::fs::read(&demo).unwrap();
    let o = lathe(&["assist", &demo]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "Tone toward the album",
        "against the album as it will be after the moves",
        "Headroom for Spotify (−14 LUFS, −1 dBTP) — loudest at",
        "Track 1 is the loudest",
        "Translation",
        "Apple Music",
    ] {
        assert!(stdout.contains(needle), "{needle}:\n{stdout}");
    }

    assert!(
        stdout.contains("no curve feature narrower than ½ octave"),
        "{stdout}"
    );
    assert!(stdout.contains("smoothed over an octave"), "{stdout}");
    let strict = lathe(&["assist", &demo, "--narrowest-band", "1"]);
    let text = String::from_utf8_lossy(&strict.stdout);
    assert!(
        text.contains("no curve feature narrower than 1 octave"),
        "{text}"
    );
    assert!(
        text.contains("smoothed over two octaves") && !text.contains("over an octave,"),
        "{text}"
    );

    let json = lathe(&["assist", &demo, "--json", "--amount", "0.5"]);
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["tracks"].as_array().unwrap().len(), 5);
    assert_eq!(v["amount"], 0.5);
    assert_eq!(v["narrowest_band_oct"], 0.5);
    assert_eq!(
        v["translation"][0]["platforms"].as_array().unwrap().len(),
        6
    );

    // --apply -o: a new project whose sources still resolve; the input is untouched.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("assisted.json");
    let o = lathe(&["assist", &demo, "--apply", "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&demo).unwrap(), demo_before);
    let doc = lathe::project::Document::load(&out).unwrap();
    assert!(doc.missing_tracks().is_empty());
    assert_eq!(doc.project.settings.album_spread_lu, Some(6.0));

    // Run again on the applied project: the same proposal, and it says it is already applied.
    let again = lathe(&["assist", out.to_str().unwrap()]);
    assert!(again.status.success());
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("already applied"), "{text}");
    assert!(!text.contains("accepting replaces"), "{text}");

    // -o onto an existing file needs --force; onto one of the album's audio files, never.
    let before = std::fs::read(&out).unwrap();
    let o = lathe(&["assist", &demo, "--apply", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let source = doc.source_path(&doc.project.tracks[0].source);
    let audio_before = std::fs::read(&source).unwrap();
    let forced = |to: &Path| {
        lathe(&[
            "assist",
            &demo,
            "--apply",
            "--force",
            "-o",
            to.to_str().unwrap(),
        ])
    };
    let o = forced(&source);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("audio files"));
    assert_eq!(std::fs::read(&source).unwrap(), audio_before);
    let o = forced(&out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // References with none in the project: the built-in corridor, and the user is told so.
    let r = lathe(&["assist", &demo, "--target", "references"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(String::from_utf8_lossy(&r.stdout).contains("Elowsson"));
    assert!(String::from_utf8_lossy(&r.stdout).contains("against this target;"));
    assert!(String::from_utf8_lossy(&r.stderr).contains("no reference tracks"));

    for (args, needle) in [
        (vec!["--target", "nope"], "unknown target \"nope\""),
        (vec!["--amount", "2"], "--amount 2"),
        (vec!["-o", "x.json"], "add --apply"),
        (vec!["--force"], "add --apply -o FILE"),
        (vec!["--apply", "--force"], "add --apply -o FILE"),
        (
            vec!["--target", "references", "--curve", "nope"],
            "no built-in reference curve",
        ),
        // Options the chosen target would ignore are refused, not dropped silently.
        (vec!["--blend", "0.3"], "add --target blend"),
        (
            vec!["--curve", "elowsson-friberg-2017"],
            "add --target references",
        ),
    ] {
        let mut all = vec!["assist", demo.as_str()];
        all.extend(args);
        let bad = lathe(&all);
        assert_eq!(bad.status.code(), Some(1));
        let err = String::from_utf8_lossy(&bad.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{needle}: {err}");
    }
}

#[test]
fn negative_numbers_reach_the_range_check_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("album.json");
    std::fs::copy(repo("projects/demo.json"), &project).unwrap();
    let p = project.to_str().unwrap();
    let out = dir.path().join("x");
    let o = out.to_str().unwrap();
    // clap took "-1" for an option and said "unexpected argument"; each is the range message now.
    // (`play` checks its numbers before it looks for an audio output.)
    for (args, says) in [
        (
            vec!["assist", p, "--amount", "-1"],
            "--amount -1: choose a value from 0 to 1",
        ),
        (
            vec!["assist", p, "--max-spread", "-2"],
            "--max-spread -2: choose 0 to 40 LU",
        ),
        (
            vec!["assist", p, "--max-move", "-2"],
            "--max-move -2: choose more than 0",
        ),
        (
            vec!["assist", p, "--narrowest-band", "0.7"],
            "--narrowest-band 0.7: choose 0.5 or 1",
        ),
        (
            vec!["assist", p, "--target", "blend", "--blend", "-0.5"],
            "--blend -0.5: choose a value from 0 to 1",
        ),
        (
            vec!["export", p, "--out", o, "--rate", "-44100"],
            "--rate -44100: choose a sample rate",
        ),
        (vec!["play", p, "--track", "-1"], "there is no track -1"),
        (
            vec!["play", p, "--reference", "-1"],
            "there is no reference -1",
        ),
        (
            vec!["play", p, "--start", "-5"],
            "--start -5: choose 0 s or more",
        ),
        (
            vec!["play", p, "--duration", "-5"],
            "--duration -5: choose more than 0 s",
        ),
        (
            vec!["play", p, "--transition", "-5"],
            "--transition -5: choose more than 0 s",
        ),
        (
            vec!["references", p, "--remove", "-1"],
            "--remove -1: the project has 0 references",
        ),
        (
            vec!["references", p, "--weight", "-1=2"],
            "--weight -1: the project has 0 references",
        ),
    ] {
        let r = lathe(&args);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert!(!out.exists());
    // `--loop` is read by its own parser, which names a negative start.
    let r = lathe(&["play", p, "--loop", "-1:5"]);
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("the loop starts at -1 s"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_desk_without_a_display_says_so_in_one_line() {
    let o = Command::new(env!("CARGO_BIN_EXE_lathe"))
        .arg(repo("projects/demo.json"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "a message, not a panic (101)");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("no display") && err.contains("lathe --help"),
        "{err}"
    );
}

/// Runs `lathe` with its standard output closed before it writes anything, as a reader that
/// has gone (`| head -3`) leaves it.
fn lathe_with_stdout_closed(args: &[&str]) -> Output {
    let mut child = command(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lathe runs");
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_reader_that_goes_away_ends_the_printing_not_the_command() {
    let demo = repo("projects/demo.json");
    let o = lathe_with_stdout_closed(&["analyze", &demo]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{:?}: {stderr}", o.status.code());
    assert!(!stderr.contains("panicked"), "{stderr}");

    // What the command writes to disk is still written.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("assisted.json");
    let o = lathe_with_stdout_closed(&["assist", &demo, "--apply", "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{:?}: {stderr}", o.status.code());
    let doc = lathe::project::Document::load(&out).unwrap();
    assert!(doc
        .project
        .tracks
        .iter()
        .any(|t| t.tone != Default::default()));
}

/// Runs `lathe` with a standard error nobody reads: the pipe's reading end is closed before
/// the command starts, as `2>&1 | head -1` leaves it once `head` has its line.
fn lathe_with_stderr_closed(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command(args).stderr(writer).output().expect("lathe runs")
}

#[test]
fn a_closed_standard_error_ends_the_messages_not_the_command() {
    let demo = repo("projects/demo.json");
    // A warning (no reference tracks) on stderr, the report on stdout: exit 0, not a panic (101).
    let o = lathe_with_stderr_closed(&["assist", &demo, "--target", "references"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Elowsson"));
    // A failure keeps its own exit code when its one line cannot be shown.
    let o = lathe_with_stderr_closed(&["analyze", "/nonexistent/song.wav"]);
    assert_eq!(o.status.code(), Some(1));
    // Files left out by `new` are named on stderr; the project is still written.
    let dir = tempfile::tempdir().unwrap();
    write_sine_wav(&dir.path().join("01 good.wav"), 1.0, 0.5);
    std::fs::write(dir.path().join("02 text.wav"), "not audio at all").unwrap();
    let project = dir.path().join("a.json");
    let o = lathe_with_stderr_closed(&[
        "new",
        dir.path().to_str().unwrap(),
        "-o",
        project.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(project.is_file());
}

#[test]
fn references_are_listed_added_weighed_and_removed_and_bad_changes_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("album.json");
    // The tracks' files need not be there: the command reads only the references' files.
    std::fs::copy(repo("projects/demo.json"), &project).unwrap();
    let p = project.to_str().unwrap();
    let (a, b) = (dir.path().join("a.wav"), dir.path().join("b.wav"));
    write_sine_wav(&a, 2.0, 0.3);
    write_sine_wav(&b, 2.0, 0.1);

    let o = lathe(&["references", p]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("no reference tracks"));

    let o = lathe(&[
        "references",
        p,
        "--add",
        a.to_str().unwrap(),
        "--add",
        b.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("  1  a  ×1.00  (a.wav)"), "{stdout}");
    let refs = lathe::project::Document::load(&project)
        .unwrap()
        .project
        .references;
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[1].source, Path::new("b.wav"));

    let o = lathe(&["references", p, "--weight", "2=1.5", "--remove", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let refs = lathe::project::Document::load(&project)
        .unwrap()
        .project
        .references;
    assert_eq!(refs.len(), 1);
    assert_eq!((refs[0].title.as_str(), refs[0].weight), ("b", 1.5));

    // `play` checks the number before it looks for a device or prepares any audio.
    let o = lathe(&["play", p, "--track", "1", "--reference", "2"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("there is no reference 2 (the project has 1"),
        "{stderr}"
    );

    // Each bad change is refused in one line naming it, and the file is left as it was.
    let before = std::fs::read(&project).unwrap();
    let text = dir.path().join("notes.wav");
    std::fs::write(&text, "not audio").unwrap();
    for (args, says) in [
        (vec!["--weight", "1=9"], "from 0.25 to 4"),
        (vec!["--weight", "1"], "N=W"),
        (vec!["--remove", "2"], "has 1 reference"),
        (vec!["--add", "missing.wav"], "not found"),
        (vec!["--add", text.to_str().unwrap()], "notes.wav"),
        (vec!["--add", b.to_str().unwrap()], "already a reference"),
        (
            vec!["--add", a.to_str().unwrap(), "--add", a.to_str().unwrap()],
            "already a reference",
        ),
        (vec!["--weight", "1=2", "--remove", "5"], "--remove 5"),
        (
            vec!["--weight", "1=2", "--remove", "1"],
            "both weighed and removed",
        ),
        (vec!["--weight", "1=2", "--weight", "1=3"], "given twice"),
        (vec!["--weight", "1=1,5"], "decimal point"),
        (vec!["--add", dir.path().to_str().unwrap()], "a folder"),
    ] {
        let mut all = vec!["references", p];
        all.extend(args.iter().copied());
        let o = lathe(&all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert_eq!(std::fs::read(&project).unwrap(), before, "{args:?} wrote");
    }
}

/// A project of the demo album in `dir` (made by `lathe new`) with one reference, a 3 s sine
/// beside it: (project, reference).
fn demo_with_a_reference(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let project = dir.join("album.json");
    let p = project.to_str().unwrap();
    let o = lathe(&["new", &repo("assets/demo"), "-o", p]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reference = dir.join("ref.wav");
    write_sine_wav(&reference, 3.0, 0.3);
    let o = lathe(&["references", p, "--add", reference.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (project, reference)
}

#[test]
fn assist_says_a_curve_is_not_used_when_the_project_has_references() {
    let dir = tempfile::tempdir().unwrap();
    let (project, _) = demo_with_a_reference(dir.path());
    let p = project.to_str().unwrap();
    let curve = "elowsson-friberg-2017";
    let o = lathe(&["assist", p, "--target", "references", "--curve", curve]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("--curve {curve} is not used")),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stdout.contains("Tone toward the references"), "{stdout}");
    assert!(!stdout.contains("Elowsson"), "{stdout}");
    // Without references the curve is the target, and nothing is said of it.
    let o = lathe(&[
        "assist",
        &repo("projects/demo.json"),
        "--target",
        "references",
        "--curve",
        curve,
    ]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("is not used"));
}

#[test]
fn assist_names_a_reference_it_could_not_read_as_a_reference_not_a_track() {
    let dir = tempfile::tempdir().unwrap();
    let (project, reference) = demo_with_a_reference(dir.path());
    let p = project.to_str().unwrap();
    std::fs::remove_file(&reference).unwrap();
    let o = lathe(&["assist", p, "--target", "references"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("1 reference(s) could not be analysed"),
        "{stderr}"
    );
    assert!(stderr.contains("ref.wav"), "{stderr}");
    assert!(
        !stderr.contains("track(s)"),
        "every track got its proposal: {stderr}"
    );
}
