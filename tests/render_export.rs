//! The mastered album folder, end to end on synthetic albums: targets, ceilings, modes, formats,
//! transparency, and every bad-input case leaving nothing behind.

use lathe::analysis::analyze_file;
use lathe::project::*;
use lathe::render::export::{export_album, ExportError, ExportOptions, ExportProgress, Stage};
use lathe::render::folder::FolderError;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Deterministic noise, low-passed so it is more like music than white noise, plus a bass line.
fn music_like(seconds: f64, rate: u32, seed: u64, brightness: f64) -> Vec<[f32; 2]> {
    let mut state = seed | 1;
    let mut rnd = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let (mut l, mut r) = (0.0f64, 0.0f64);
    let a = brightness;
    (0..(seconds * rate as f64) as usize)
        .map(|n| {
            l = a * rnd() + (1.0 - a) * l;
            r = a * rnd() + (1.0 - a) * r;
            let t = n as f64 / rate as f64;
            let bass = 0.3 * (2.0 * std::f64::consts::PI * 55.0 * t).sin();
            // A slow swell gives the loudness some range.
            let swell = 0.6 + 0.4 * (2.0 * std::f64::consts::PI * 0.25 * t).sin();
            [(swell * (l + bass)) as f32, (swell * (r + bass)) as f32]
        })
        .collect()
}

fn write_wav(path: &Path, rate: u32, frames: &[[f32; 2]], gain: f32) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for f in frames {
        w.write_sample(f[0] * gain).unwrap();
        w.write_sample(f[1] * gain).unwrap();
    }
    w.finalize().unwrap();
}

fn lufs_of(path: &Path) -> f64 {
    analyze_file(path, &AtomicBool::new(false))
        .unwrap()
        .loudness
        .integrated_lufs
        .unwrap()
}

/// Writes `frames` scaled to `lufs` integrated loudness.
fn write_at_lufs(path: &Path, rate: u32, frames: &[[f32; 2]], lufs: f64) {
    write_wav(path, rate, frames, 1.0);
    let gain = 10f64.powf((lufs - lufs_of(path)) / 20.0) as f32;
    write_wav(path, rate, frames, gain);
}

/// Largest absolute sample difference between two buffers over both channels.
fn max_abs_diff(a: &lathe::media::AudioBuffer, b: &lathe::media::AudioBuffer) -> f32 {
    (0..2)
        .flat_map(|c| {
            a.channels[c]
                .iter()
                .zip(&b.channels[c])
                .map(|(x, y)| (x - y).abs())
        })
        .fold(0.0f32, f32::max)
}

fn track(id: u64, title: &str, file: &str) -> Track {
    Track {
        id: TrackId(id),
        title: title.into(),
        source: file.into(),
        gap_before_s: 0.0,
        fade_in_s: 0.0,
        fade_out_s: 0.0,
        tone: ToneSettings::default(),
        stereo: StereoSettings::default(),
        headroom: TrackHeadroom::default(),
    }
}

/// A three-track album at -10, -16 and -21 LUFS with different tone, 44.1 kHz.
fn synthetic_album(dir: &Path) -> Document {
    let specs = [
        ("one.wav", -10.0, 0.5),
        ("two.wav", -16.0, 0.2),
        ("three.wav", -21.0, 0.8),
    ];
    let mut tracks = Vec::new();
    for (i, (file, lufs, brightness)) in specs.iter().enumerate() {
        write_at_lufs(
            &dir.join(file),
            44_100,
            &music_like(6.0, 44_100, 7 + i as u64, *brightness),
            *lufs,
        );
        let mut t = track(i as u64 + 1, &format!("Song {}", i + 1), file);
        t.gap_before_s = if i == 0 { 0.0 } else { 1.0 };
        tracks.push(t);
    }
    tracks[1].tone.tilt_db = 1.5;
    tracks[2].tone.match_eq.amount = 0.5;
    tracks[2].fade_out_s = 1.0;
    let project = Project {
        schema_version: SCHEMA_VERSION,
        album: AlbumInfo {
            title: "Synthetic".into(),
            artist: "Tests".into(),
        },
        settings: AlbumSettings::default(),
        tracks,
        references: vec![],
    };
    Document {
        project,
        path: dir.join("album.json"),
    }
}

fn options(out: PathBuf, settings: AlbumSettings) -> ExportOptions {
    ExportOptions {
        out_dir: out,
        settings,
        force: false,
        album_image: false,
        cache: None,
    }
}

fn export(
    doc: &Document,
    opts: &ExportOptions,
) -> Result<lathe::render::export::ExportSummary, ExportError> {
    export_album(doc, opts, &|_| {}, &AtomicBool::new(false))
}

/// The analysis of a written file's music: the file after the `gap_s` of silence it starts with
/// (checked to be silence, give or take the dither).
fn analyze_music(path: &Path, gap_s: f64) -> lathe::analysis::TrackAnalysis {
    let mut audio = lathe::media::decode_file(path).unwrap().audio;
    let gap = (gap_s * audio.sample_rate_hz as f64).round() as usize;
    for ch in &mut audio.channels {
        assert!(ch[..gap].iter().all(|s| s.abs() < 1e-4), "{path:?}: gap");
        ch.drain(..gap);
    }
    lathe::analysis::analyze_audio(&audio, 2)
}

/// Checks every written file against its target (±0.1 LU) and the ceiling, with Lathe's own meter
/// (BS.1770 true peak): not a hair over, since the limiter reads peaks at least as high as it does.
/// The report's integrated loudness and true peak are the file's, its range and tone the music's
/// after the gap (`doc`'s).
fn assert_on_target_and_under_ceiling(
    doc: &Document,
    summary: &lathe::render::export::ExportSummary,
    ceiling_dbtp: f64,
) {
    let mut written_all = Vec::new();
    let mut sources_all = Vec::new();
    for (t, track) in summary.report.tracks.iter().zip(&doc.project.tracks) {
        let path = summary.dir.join(&t.file);
        let written = analyze_file(&path, &AtomicBool::new(false)).unwrap();
        let music = analyze_music(&path, track.gap_before_s);
        sources_all.push(analyze_file(Path::new(&t.source), &AtomicBool::new(false)).unwrap());
        let target = t.target_lufs.unwrap();
        let lufs = written.loudness.integrated_lufs.unwrap();
        assert!(
            (lufs - target).abs() <= 0.1,
            "{}: {lufs:.3} LUFS vs target {target}",
            t.file
        );
        let tp = written.loudness.true_peak_dbtp.unwrap();
        assert!(
            tp <= ceiling_dbtp,
            "{}: true peak {tp:.3} over {ceiling_dbtp}",
            t.file
        );
        // Lathe's own integrated meter, which agrees with ebur128 within 1e-6 LU.
        assert!(
            (t.integrated_lufs.unwrap() - lufs).abs() < 1e-5,
            "report.json holds the written file's figure: {:?} vs {lufs}",
            t.integrated_lufs
        );
        assert_eq!(t.true_peak_dbtp, Some(tp), "{}", t.file);
        assert_eq!(t.lra_lu, music.defined_lra_lu(), "{}", t.file);
        written_all.push(music);
    }
    // The tone figures are the desk's: each file's deviation from the album average of the same
    // files, among the sources before and among the written files' music after.
    let of = |a: &[lathe::analysis::TrackAnalysis]| {
        lathe::analysis::album_stats(&a.iter().map(Some).collect::<Vec<_>>()).tonal_deviation_db
    };
    let (before, after) = (of(&sources_all), of(&written_all));
    for (i, t) in summary.report.tracks.iter().enumerate() {
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (a, b) => a.is_none() && b.is_none(),
        };
        assert!(
            close(t.tone_deviation_db, after[i]),
            "{}: {:?} vs {:?}",
            t.file,
            t.tone_deviation_db,
            after[i]
        );
        assert!(
            close(t.before.tone_deviation_db, before[i]),
            "{}: {:?} vs {:?}",
            t.file,
            t.before.tone_deviation_db,
            before[i]
        );
    }
}

#[test]
fn album_mode_keeps_offsets_track_mode_levels_them_wav_24() {
    let dir = tempfile::tempdir().unwrap();
    let doc = synthetic_album(dir.path());
    let album = export(
        &doc,
        &options(dir.path().join("album-mode"), AlbumSettings::default()),
    )
    .unwrap();
    let targets: Vec<f64> = album
        .report
        .tracks
        .iter()
        .map(|t| t.target_lufs.unwrap())
        .collect();
    assert!(
        (targets[0] - -14.0).abs() < 0.02
            && (targets[1] - -20.0).abs() < 0.05
            && (targets[2] - -25.0).abs() < 0.05,
        "{targets:?}"
    );
    assert_on_target_and_under_ceiling(&doc, &album, -1.0);
    let files: Vec<String> = std::fs::read_dir(&album.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for name in [
        "01 Song 1.wav",
        "02 Song 2.wav",
        "03 Song 3.wav",
        "report.json",
        "report.md",
        "album.json",
    ] {
        assert!(
            files.contains(&name.to_string()),
            "{name} missing from {files:?}"
        );
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(album.dir.join("report.json")).unwrap())
            .unwrap();
    for key in [
        "title",
        "file",
        "target_lufs",
        "ceiling_dbtp",
        "integrated_lufs",
        "true_peak_dbtp",
        "lra_lu",
    ] {
        assert!(
            report["tracks"][0].get(key).is_some(),
            "report.json lacks {key}"
        );
    }
    let copy = Document::load(&album.dir.join("album.json")).unwrap();
    assert!(
        copy.missing_tracks().is_empty(),
        "the project copy points at the sources"
    );
    // The gap is written as leading silence: 1 s at 44.1 kHz.
    let two = lathe::media::decode_file(&album.dir.join("02 Song 2.wav")).unwrap();
    assert!(
        two.audio.channels[0][..44_000].iter().all(|&s| s == 0.0)
            || two.audio.channels[0][..44_000]
                .iter()
                .all(|s| s.abs() < 1e-6)
    );

    let mut s = AlbumSettings {
        loudness_mode: LoudnessMode::Track,
        ..AlbumSettings::default()
    };
    s.export.format = ExportFormat::Flac;
    s.export.bit_depth = BitDepth::Int16;
    let track = export(&doc, &options(dir.path().join("track-mode"), s)).unwrap();
    assert!(track
        .report
        .tracks
        .iter()
        .all(|t| t.target_lufs == Some(-14.0)));
    assert!(track.report.tracks[0].file.ends_with(".flac"));
    assert_on_target_and_under_ceiling(&doc, &track, -1.0);
}

#[test]
fn hard_limited_bright_tracks_stay_under_the_ceiling_on_the_meter() {
    // Loud targets on bright material: the limiter works for several dB, on peaks full of the
    // high-frequency content where a BS.1770 meter's short interpolator reads above the exact
    // band-limited peak (the case that measured up to +0.13 dB over on real music).
    let dir = tempfile::tempdir().unwrap();
    let mut doc = synthetic_album(dir.path());
    for (file, seed) in [("one.wav", 21), ("three.wav", 22)] {
        write_at_lufs(
            &dir.path().join(file),
            44_100,
            &music_like(6.0, 44_100, seed, 0.95),
            -12.0,
        );
    }
    // Song 2 (dark, quiet) could not reach so loud a target without more than 6 dB of limiting.
    doc.project.tracks.remove(1);
    let mut s = AlbumSettings {
        loudness_mode: LoudnessMode::Track,
        target_lufs: -7.0,
        ceiling_dbtp: -1.0,
        ..AlbumSettings::default()
    };
    for (bits, rate) in [(BitDepth::Int16, None), (BitDepth::Int24, Some(48_000))] {
        s.export.bit_depth = bits;
        s.export.sample_rate_hz = rate;
        let out = export(
            &doc,
            &options(dir.path().join(format!("{bits:?}")), s.clone()),
        )
        .unwrap();
        let worked: Vec<f64> = out
            .report
            .tracks
            .iter()
            .map(|t| t.max_gain_reduction_db)
            .collect();
        assert!(
            worked.iter().all(|gr| *gr > 1.0),
            "the limiter works hard: {worked:?}"
        );
        assert_on_target_and_under_ceiling(&doc, &out, -1.0);
    }
}

#[test]
fn flac_and_resampled_wav_hit_targets_under_the_ceiling() {
    let dir = tempfile::tempdir().unwrap();
    let doc = synthetic_album(dir.path());
    let mut s = AlbumSettings::default();
    s.apply_preset(DeliveryPreset::Amazon); // -14 LUFS, -2 dBTP
    s.export.format = ExportFormat::Flac;
    for (bits, bytes_per_sample) in [(BitDepth::Int24, 3), (BitDepth::Int16, 2)] {
        s.export.bit_depth = bits;
        let flac = export(
            &doc,
            &options(
                dir.path().join(format!("flac-{bytes_per_sample}")),
                s.clone(),
            ),
        )
        .unwrap();
        assert_on_target_and_under_ceiling(&doc, &flac, -2.0);
        let pcm_bytes = (3 * 6 * 44_100 * 2 * bytes_per_sample) as u64;
        let flac_bytes: u64 = flac
            .report
            .tracks
            .iter()
            .map(|t| std::fs::metadata(flac.dir.join(&t.file)).unwrap().len())
            .sum();
        assert!(
            flac_bytes < pcm_bytes,
            "{bits:?}: FLAC {flac_bytes} B vs PCM {pcm_bytes} B"
        );
    }
    s.export.format = ExportFormat::Wav;
    s.export.bit_depth = BitDepth::Int16;
    s.export.sample_rate_hz = Some(48_000);
    let wav = export(&doc, &options(dir.path().join("wav16-48k"), s)).unwrap();
    assert_eq!(wav.report.sample_rate_hz, 48_000);
    let d = lathe::media::decode_file(&wav.dir.join("01 Song 1.wav")).unwrap();
    assert_eq!(
        (d.audio.sample_rate_hz, d.bits_per_sample),
        (48_000, Some(16))
    );
    assert_on_target_and_under_ceiling(&doc, &wav, -2.0);
    assert!(wav.report.warnings.is_empty() && wav.report.sample_rates_hz.is_empty());
}

#[test]
fn sources_at_several_rates_and_a_dc_offset_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let doc = synthetic_album(dir.path());
    // At the sources' rates, with one source at 48 kHz: each file keeps its rate, and the report
    // says the album has two, instead of naming the first track's as the album's.
    write_at_lufs(
        &dir.path().join("two.wav"),
        48_000,
        &music_like(6.0, 48_000, 8, 0.2),
        -16.0,
    );
    let mut s = AlbumSettings::default();
    s.export.sample_rate_hz = None;
    let mixed = export(&doc, &options(dir.path().join("mixed"), s)).unwrap();
    assert_eq!(mixed.report.sample_rates_hz, vec![44_100, 48_000]);
    assert!(
        mixed
            .report
            .warnings
            .iter()
            .any(|w| w.contains("44100 Hz, 48000 Hz")),
        "{:?}",
        mixed.report.warnings
    );
    let md = std::fs::read_to_string(mixed.dir.join("report.md")).unwrap();
    assert!(
        md.contains("at 44100 / 48000 Hz (each track at its source's rate)"),
        "{md}"
    );
    // A DC offset in a source stays in its master (the chain does not remove it): the track's
    // warnings say so, with what to do.
    let dc: Vec<[f32; 2]> = music_like(6.0, 44_100, 9, 0.8)
        .iter()
        .map(|f| [0.1 * f[0] + 0.05, 0.1 * f[1]])
        .collect();
    write_wav(&dir.path().join("three.wav"), 44_100, &dc, 1.0);
    let with_dc = export(
        &doc,
        &options(dir.path().join("dc"), AlbumSettings::default()),
    )
    .unwrap();
    let warned: Vec<bool> = with_dc
        .report
        .tracks
        .iter()
        .map(|t| {
            t.warnings
                .iter()
                .any(|w| w.contains("DC offset") && w.contains("high-pass"))
        })
        .collect();
    assert_eq!(warned, [false, false, true], "{:#?}", with_dc.report.tracks);
}

#[test]
fn a_track_on_target_with_neutral_tone_comes_out_identical() {
    let dir = tempfile::tempdir().unwrap();
    // A quiet-peaked signal (a 1 kHz tone and a little noise) at exactly the -14 LUFS target.
    let frames: Vec<[f32; 2]> = music_like(5.0, 48_000, 3, 0.3)
        .iter()
        .enumerate()
        .map(|(n, f)| {
            let s = (2.0 * std::f64::consts::PI * 1000.0 * n as f64 / 48_000.0).sin() as f32;
            [s + 0.05 * f[0], s + 0.05 * f[1]]
        })
        .collect();
    write_at_lufs(&dir.path().join("t.wav"), 48_000, &frames, -14.0);
    let mut doc = synthetic_album(dir.path());
    doc.project.tracks = vec![track(1, "Already mastered", "t.wav")];
    let source = lathe::media::decode_file(&dir.path().join("t.wav"))
        .unwrap()
        .audio;
    let mut s = AlbumSettings::default();
    s.export.bit_depth = BitDepth::Float32;
    let out = export(&doc, &options(dir.path().join("f32"), s.clone())).unwrap();
    assert_eq!(out.report.tracks[0].gain_db, 0.0);
    let written = lathe::media::decode_file(&out.dir.join("01 Already mastered.wav"))
        .unwrap()
        .audio;
    assert_eq!(written.frames(), source.frames());
    let max_diff = max_abs_diff(&written, &source);
    assert!(
        max_diff <= 1e-6,
        "32-bit float output differs by {max_diff}"
    );
    // 24-bit: within the dither's ±1 LSB plus rounding.
    s.export.bit_depth = BitDepth::Int24;
    let out = export(&doc, &options(dir.path().join("i24"), s)).unwrap();
    let written = lathe::media::decode_file(&out.dir.join("01 Already mastered.wav"))
        .unwrap()
        .audio;
    let lsb = 1.0 / 8_388_608.0;
    let max_diff = max_abs_diff(&written, &source);
    assert!(
        max_diff <= 2.0 * lsb,
        "24-bit output differs by {} LSB",
        max_diff / lsb
    );
}

#[test]
fn a_gap_is_silence_before_the_music_and_not_in_its_range_or_tone() {
    // Two copies of one track on target, the second after a 2 s gap: the files differ only by
    // the gap, so the music's figures must be the same, and the source's. The music is steady
    // (the swell taken out), so that any range read into it is the gap's.
    let dir = tempfile::tempdir().unwrap();
    let steady: Vec<[f32; 2]> = music_like(12.0, 48_000, 5, 0.3)
        .iter()
        .enumerate()
        .map(|(n, f)| {
            let t = n as f64 / 48_000.0;
            let swell = (0.6 + 0.4 * (2.0 * std::f64::consts::PI * 0.25 * t).sin()) as f32;
            [f[0] / swell, f[1] / swell]
        })
        .collect();
    write_at_lufs(&dir.path().join("t.wav"), 48_000, &steady, -20.0);
    let mut doc = synthetic_album(dir.path());
    doc.project.tracks = vec![track(1, "First", "t.wav"), track(2, "Second", "t.wav")];
    doc.project.tracks[1].gap_before_s = 2.0;
    let mut s = AlbumSettings::default();
    (s.target_lufs, s.ceiling_dbtp) = (-20.0, 0.0);
    s.export.bit_depth = BitDepth::Float32;
    let out = export(&doc, &options(dir.path().join("out"), s)).unwrap();
    let source = analyze_file(&dir.path().join("t.wav"), &AtomicBool::new(false)).unwrap();
    let (first, second) = (&out.report.tracks[0], &out.report.tracks[1]);
    // The file's loudness counts the 400 ms blocks that straddle the gap's end, so the second
    // comes up a hair to reach the target as a file.
    assert!(
        first.gain_db == 0.0 && second.gain_db.abs() < 0.1,
        "{first:?} {second:?}"
    );
    let file = analyze_file(&out.dir.join(&second.file), &AtomicBool::new(false)).unwrap();
    let music = analyze_music(&out.dir.join(&second.file), 2.0);
    assert_eq!(file.duration_s - music.duration_s, 2.0);
    // Measured on the whole file, the step from silence into the music is range it does not have.
    let lra = source.loudness.lra_lu;
    assert!(
        file.loudness.lra_lu - lra > 1.0,
        "the file reads {:.2} LU, the source {lra:.2} LU",
        file.loudness.lra_lu
    );
    for t in [first, second] {
        assert!(
            (t.lra_lu.unwrap() - lra).abs() < 0.01,
            "{}: {:?} vs {lra}",
            t.file,
            t.lra_lu
        );
        assert!(
            t.tone_deviation_db.unwrap() < 0.01,
            "{:?}",
            t.tone_deviation_db
        );
        // Loudness and true peak are the file's, as a platform measures them.
        assert!((t.integrated_lufs.unwrap() + 20.0).abs() < 0.05, "{t:?}");
    }
    assert_eq!(second.true_peak_dbtp, file.loudness.true_peak_dbtp);
    assert_eq!(second.lra_lu, Some(music.loudness.lra_lu));
}

#[test]
fn a_silent_passage_stays_digital_silence_through_eq_and_dither() {
    // Music, 10 s of digital silence, music; low bells and shelves (the assistant's kind of
    // moves), 16-bit with dither. Once the filters' tails have died (well within 2 s) the
    // passage must be exact zeros, not dither over a cycle of 1e-30 the filters kept alive.
    let dir = tempfile::tempdir().unwrap();
    let rate = 44_100;
    let music = music_like(3.0, rate, 4, 1.0);
    let mut frames = music.clone();
    frames.extend(std::iter::repeat_n([0.0f32; 2], 10 * rate as usize));
    frames.extend(&music);
    write_at_lufs(&dir.path().join("pause.wav"), rate, &frames, -16.0);
    let mut doc = synthetic_album(dir.path());
    doc.project.tracks = vec![track(1, "Pause", "pause.wav")];
    let tone = &mut doc.project.tracks[0].tone;
    tone.low_shelf.freq_hz = 113.0;
    tone.low_shelf.gain_db = 3.0;
    tone.high_shelf.freq_hz = 3780.0;
    tone.high_shelf.gain_db = 3.0;
    tone.bells = vec![
        Bell {
            freq_hz: 56.0,
            gain_db: 3.0,
            q: 1.0,
        },
        Bell {
            freq_hz: 449.0,
            gain_db: -3.0,
            q: 0.5,
        },
    ];
    let mut s = AlbumSettings::default();
    s.export.bit_depth = BitDepth::Int16;
    let out = export(&doc, &options(dir.path().join("out"), s)).unwrap();
    let written = lathe::media::decode_file(&out.dir.join(&out.report.tracks[0].file))
        .unwrap()
        .audio;
    let passage = 5 * rate as usize..13 * rate as usize;
    for ch in &written.channels {
        let noisy = ch[passage.clone()].iter().filter(|s| **s != 0.0).count();
        assert_eq!(noisy, 0, "samples of dither in the silent passage");
    }
}

#[test]
fn a_low_rate_source_exported_at_a_higher_rate_keeps_its_tone_figure() {
    // Three copies of one piece, the third at 22.05 kHz, all exported at 44.1 kHz: the third's
    // top octave is empty before and after, which is not a darker tone (it read 4.3 → 16.7 dB).
    let dir = tempfile::tempdir().unwrap();
    let music = music_like(8.0, 44_100, 6, 0.5);
    write_at_lufs(&dir.path().join("full.wav"), 44_100, &music, -16.0);
    let full = lathe::media::decode_file(&dir.path().join("full.wav"))
        .unwrap()
        .audio;
    let low = lathe::media::resample(&full, 22_050).unwrap();
    let frames: Vec<[f32; 2]> = low.channels[0]
        .iter()
        .zip(&low.channels[1])
        .map(|(l, r)| [*l, *r])
        .collect();
    write_wav(&dir.path().join("low.wav"), 22_050, &frames, 1.0);
    let mut doc = synthetic_album(dir.path());
    doc.project.tracks = vec![
        track(1, "One", "full.wav"),
        track(2, "Two", "full.wav"),
        track(3, "Low", "low.wav"),
    ];
    let mut s = AlbumSettings::default();
    s.export.sample_rate_hz = Some(44_100);
    let out = export(&doc, &options(dir.path().join("out"), s)).unwrap();
    let low = &out.report.tracks[2];
    let (before, after) = (
        low.before.tone_deviation_db.unwrap(),
        low.tone_deviation_db.unwrap(),
    );
    assert!(
        (after - before).abs() < 1.0 && after < 3.0,
        "tone vs album {before:.1} → {after:.1} dB"
    );
}

#[test]
fn a_hot_float_source_reaches_targets_far_below_it() {
    // A float bounce 10 dB over full scale at about -1 LUFS, with a fade (so the unity-gain try
    // is rendered, and limited by 10 dB): loudness then barely follows gain near unity, and a
    // slope measured there sent the search to the -24 dB end of its range.
    let dir = tempfile::tempdir().unwrap();
    write_at_lufs(
        &dir.path().join("hot.wav"),
        48_000,
        &music_like(12.0, 48_000, 9, 0.5),
        -1.0,
    );
    let mut doc = synthetic_album(dir.path());
    doc.project.tracks = vec![track(1, "Hot", "hot.wav")];
    doc.project.tracks[0].fade_out_s = 2.0;
    for target in [-10.0, -14.0, -18.0, -23.0] {
        let mut s = AlbumSettings {
            target_lufs: target,
            ..AlbumSettings::default()
        };
        s.export.bit_depth = BitDepth::Float32;
        let out = export(&doc, &options(dir.path().join(format!("{target}")), s)).unwrap();
        let t = &out.report.tracks[0];
        let lufs = t.integrated_lufs.unwrap();
        assert!((lufs - target).abs() <= 0.1, "{target}: {lufs:.2} LUFS");
        assert!(t.warnings.is_empty(), "{target}: {:?}", t.warnings);
        assert!(t.held_back_db.is_none());
    }
}

#[test]
fn a_source_too_quiet_for_the_gain_range_says_so_and_is_not_called_limited() {
    // −50 LUFS to a −14 LUFS target needs +36 dB; the chain allows +24. The export says that,
    // and nothing about limiting (there is none): the track ends near −26 LUFS.
    let dir = tempfile::tempdir().unwrap();
    write_at_lufs(
        &dir.path().join("quiet.wav"),
        48_000,
        &music_like(8.0, 48_000, 3, 0.3),
        -50.0,
    );
    let mut doc = synthetic_album(dir.path());
    doc.project.tracks = vec![track(1, "Quiet", "quiet.wav")];
    doc.project.tracks[0].fade_out_s = 1.0; // rendered at unity first, as a non-neutral track is
    let out = export(
        &doc,
        &options(dir.path().join("out"), AlbumSettings::default()),
    )
    .unwrap();
    let t = &out.report.tracks[0];
    assert_eq!(t.gain_db, 24.0);
    // The fade takes a little loudness off: about +35.7 dB needed, −25.7 LUFS reached.
    assert!((t.integrated_lufs.unwrap() + 26.0).abs() < 0.5, "{t:?}");
    assert!(t.held_back_db.is_none(), "{t:?}");
    assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
    assert!(
        t.warnings[0].contains("needs +35.") && t.warnings[0].contains("the chain allows ±24 dB"),
        "{:?}",
        t.warnings
    );
}

#[test]
fn silence_nan_and_unreachable_targets_are_reported_not_exploded() {
    let dir = tempfile::tempdir().unwrap();
    write_wav(
        &dir.path().join("silence.wav"),
        44_100,
        &vec![[0.0, 0.0]; 44_100 * 3],
        1.0,
    );
    // Sparse loud clicks: very peaky, little loudness, so -6 LUFS would need far more than 6 dB of limiting.
    let clicks: Vec<[f32; 2]> = (0..44_100 * 6)
        .map(|n| {
            let phase = n % 11_025;
            let v = if phase < 40 {
                0.9 * (phase as f32 * 0.7).sin()
            } else {
                0.01 * ((n as f32) * 0.05).sin()
            };
            [v, v]
        })
        .collect();
    write_wav(&dir.path().join("clicks.wav"), 44_100, &clicks, 1.0);
    let mut nan = music_like(3.0, 44_100, 5, 0.5);
    nan[1000] = [f32::NAN, f32::INFINITY];
    write_wav(&dir.path().join("nan.wav"), 44_100, &nan, 0.2);
    let mut doc = synthetic_album(dir.path());
    doc.project.tracks = vec![
        track(1, "Silence", "silence.wav"),
        track(2, "Clicks", "clicks.wav"),
        track(3, "Nan", "nan.wav"),
    ];
    let s = AlbumSettings {
        target_lufs: -6.0,
        loudness_mode: LoudnessMode::Track,
        ..AlbumSettings::default()
    };
    let out = export(&doc, &options(dir.path().join("out"), s)).unwrap();
    let [silence, clicks, nan] = [
        &out.report.tracks[0],
        &out.report.tracks[1],
        &out.report.tracks[2],
    ];
    assert_eq!(silence.gain_db, 0.0);
    // No loudness, no range: "—", not 0.0 LU.
    assert_eq!((silence.before.lra_lu, silence.lra_lu), (None, None));
    let md = std::fs::read_to_string(out.dir.join("report.md")).unwrap();
    let row = md
        .lines()
        .find(|l| l.starts_with("| 1 | Silence |"))
        .unwrap();
    // | # | title | file | target | integrated | true peak | LRA | …
    assert_eq!(row.split(" | ").nth(6), Some("— → —"), "{row}");
    assert!(
        silence
            .warnings
            .iter()
            .any(|w| w.contains("no measurable loudness")),
        "{:?}",
        silence.warnings
    );
    let written = lathe::media::decode_file(&out.dir.join(&silence.file))
        .unwrap()
        .audio;
    assert!(
        written.channels[0].iter().all(|&s| s == 0.0),
        "digital silence stays digital silence, undithered"
    );
    assert!(
        clicks
            .warnings
            .iter()
            .any(|w| w.contains("peak gain reduction")),
        "{:?}",
        clicks.warnings
    );
    assert!(
        clicks.max_gain_reduction_db <= 6.1,
        "the limiter was held to the bound: {}",
        clicks.max_gain_reduction_db
    );
    assert!(
        clicks.integrated_lufs.unwrap() < -6.5,
        "the target was not forced"
    );
    // Track mode has no steps between tracks to break.
    assert!(!out.report.warnings.iter().any(|w| w.contains("album mode")));
    assert!(
        nan.warnings
            .iter()
            .any(|w| w.contains("NaN") || w.contains("non-finite")),
        "{:?}",
        nan.warnings
    );
    assert!(
        (nan.integrated_lufs.unwrap() - -6.0).abs() <= 0.1
            || nan.warnings.iter().any(|w| w.contains("gain reduction"))
    );
}

#[test]
fn missing_source_existing_and_unwritable_folders_and_cancel_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = synthetic_album(dir.path());
    let out = dir.path().join("out");
    // Existing folder.
    std::fs::create_dir(&out).unwrap();
    assert!(matches!(
        export(&doc, &options(out.clone(), AlbumSettings::default())),
        Err(ExportError::Folder(_))
    ));
    std::fs::remove_dir(&out).unwrap();
    // Forced into the project's own folder: refused by name, the sources untouched.
    let forced = |out: PathBuf| ExportOptions {
        force: true,
        ..options(out, AlbumSettings::default())
    };
    let source_bytes = std::fs::read(dir.path().join("two.wav")).unwrap();
    let err = export(&doc, &forced(dir.path().to_path_buf())).unwrap_err();
    assert!(
        matches!(err, ExportError::Folder(FolderError::HoldsInput { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("one.wav"), "{err}");
    // Forced onto a source file: refused, the file still a file.
    let err = export(&doc, &forced(dir.path().join("two.wav"))).unwrap_err();
    assert!(
        matches!(err, ExportError::Folder(FolderError::NotAFolder { .. })),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("two.wav")).unwrap(),
        source_bytes
    );
    // Unwritable: the parent is a file.
    std::fs::write(dir.path().join("file"), b"").unwrap();
    let err = export(
        &doc,
        &options(dir.path().join("file/out"), AlbumSettings::default()),
    )
    .unwrap_err();
    assert!(err.to_string().contains("writable"), "{err}");
    // Cancel while rendering: no folder, no partial.
    let cancel = AtomicBool::new(false);
    let progress = |p: ExportProgress| {
        if p.stage == Stage::Rendering {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let err = export_album(
        &doc,
        &options(out.clone(), AlbumSettings::default()),
        &progress,
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(err, ExportError::Cancelled), "{err:?}");
    assert!(!out.exists() && !dir.path().join("out.partial").exists());
    // Missing source: named, nothing written.
    doc.project.tracks[1].source = "gone.wav".into();
    let err = export(&doc, &options(out.clone(), AlbumSettings::default())).unwrap_err();
    assert!(
        matches!(err, ExportError::Missing { number: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("gone.wav"));
    assert!(!out.exists() && !dir.path().join("out.partial").exists());
    // Sources are never written.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        4,
        "only the three sources and the helper file: {names:?}"
    );
}

#[test]
fn cd_image_has_frame_aligned_indexes_and_the_same_samples() {
    let dir = tempfile::tempdir().unwrap();
    let doc = synthetic_album(dir.path());
    let mut s = AlbumSettings::default();
    s.apply_preset(DeliveryPreset::Cd);
    let mut opts = options(dir.path().join("cd"), s);
    opts.album_image = true;
    let out = export(&doc, &opts).unwrap();
    let cue = std::fs::read_to_string(out.dir.join("Synthetic.cue")).unwrap();
    assert!(cue.contains("FILE \"Synthetic.wav\" WAVE"));
    assert_eq!(cue.matches("TRACK ").count(), 3);
    // Track 2 has a 1 s gap: INDEX 00 where track 1 ends (frame-aligned), INDEX 01 one second (75 frames) later.
    let t1 = lathe::media::decode_file(&out.dir.join("01 Song 1.wav"))
        .unwrap()
        .audio;
    let t1_frames = t1.frames().div_ceil(588);
    let msf = |f: usize| format!("{:02}:{:02}:{:02}", f / 4500, (f % 4500) / 75, f % 75);
    assert!(
        cue.contains(&format!("INDEX 00 {}", msf(t1_frames))),
        "{cue}"
    );
    assert!(
        cue.contains(&format!("INDEX 01 {}", msf(t1_frames + 75))),
        "{cue}"
    );
    let image = lathe::media::decode_file(&out.dir.join("Synthetic.wav"))
        .unwrap()
        .audio;
    assert_eq!(image.frames() % 588, 0);
    assert_eq!(
        &image.channels[0][..t1.frames()],
        &t1.channels[0][..],
        "the image holds the track files' samples"
    );
}

#[test]
fn a_stored_match_curve_is_what_the_export_applies() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = synthetic_album(dir.path());
    doc.project.tracks.truncate(2);
    doc.project.tracks[1].tone = ToneSettings::default();
    // Quiet enough for no limiting: the spectra differ only by the curve.
    let s = AlbumSettings {
        target_lufs: -20.0,
        ..AlbumSettings::default()
    };
    let plain = export(&doc, &options(dir.path().join("plain"), s.clone())).unwrap();
    // +3 dB at 100 Hz and below, falling linearly in log frequency to 0 dB at 1 kHz and above.
    doc.project.tracks[1].tone.match_eq.amount = 1.0;
    doc.project.tracks[1].tone.match_eq.curve = vec![
        CurvePoint {
            freq_hz: 100.0,
            gain_db: 3.0,
        },
        CurvePoint {
            freq_hz: 1000.0,
            gain_db: 0.0,
        },
    ];
    let curved = export(&doc, &options(dir.path().join("curved"), s)).unwrap();
    let spectrum = |summary: &lathe::render::export::ExportSummary| {
        let file = summary.dir.join(&summary.report.tracks[1].file);
        analyze_file(&file, &AtomicBool::new(false))
            .unwrap()
            .spectrum
    };
    let (a, b) = (spectrum(&plain), spectrum(&curved));
    let diff: Vec<f64> = a.mid_db.iter().zip(&b.mid_db).map(|(x, y)| y - x).collect();
    // The spectra are loudness-normalised: read the change against 2–8 kHz, where the curve is 0.
    let at = |lo: f64, hi: f64| {
        let v: Vec<f64> = a
            .bands_hz
            .iter()
            .zip(&diff)
            .filter(|(f, _)| (lo..=hi).contains(*f))
            .map(|(_, d)| *d)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let reference = at(2000.0, 8000.0);
    let low = at(60.0, 80.0) - reference;
    let mid = at(300.0, 330.0) - reference;
    assert!((low - 3.0).abs() < 0.3, "below 100 Hz: {low:.2} dB");
    let expected_mid = 3.0 * (1.0 - (315f64 / 100.0).log10());
    assert!(
        (mid - expected_mid).abs() < 0.3,
        "at 315 Hz: {mid:.2} dB vs {expected_mid:.2}"
    );
}

#[test]
fn an_unreadable_reference_is_reported_and_a_match_toward_it_says_where_it_aimed() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = synthetic_album(dir.path());
    std::fs::write(dir.path().join("broken.wav"), b"RIFF....WAVEfmt not audio").unwrap();
    doc.project.references = vec![Reference {
        id: TrackId(50),
        title: "broken".into(),
        source: "broken.wav".into(),
        weight: 1.0,
    }];
    // Track 3 matches half way toward the references; the others do not match at all.
    doc.project.tracks[2].tone.match_eq.target = MatchTarget::References;
    let settings = doc.project.settings.clone();
    let summary = export(&doc, &options(dir.path().join("out"), settings)).unwrap();
    let report = &summary.report;
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("broken.wav") && w.contains("could not be read")),
        "{:?}",
        report.warnings
    );
    let aimed = |t: &lathe::render::report::TrackReport| {
        t.warnings
            .iter()
            .any(|w| w.contains("toward the album average instead"))
    };
    assert!(aimed(&report.tracks[2]), "{:?}", report.tracks[2].warnings);
    assert!(!aimed(&report.tracks[0]) && !aimed(&report.tracks[1]));
}

#[test]
fn album_mode_says_which_tracks_the_limit_held_below_their_step_and_by_how_much() {
    let dir = tempfile::tempdir().unwrap();
    let doc = synthetic_album(dir.path());
    // The loudest at -6 LUFS with at most 2 dB of peak reduction: it cannot get there.
    let s = AlbumSettings {
        target_lufs: -6.0,
        loudness_mode: LoudnessMode::Album,
        max_gain_reduction_db: 2.0,
        ..AlbumSettings::default()
    };
    let out = export(&doc, &options(dir.path().join("out"), s)).unwrap();
    let first = &out.report.tracks[0];
    let gap = first.target_lufs.unwrap() - first.integrated_lufs.unwrap();
    assert!(gap > 0.5, "track 1 is held back: {gap:.2} LU");
    let warning = out
        .report
        .warnings
        .iter()
        .find(|w| w.starts_with("album mode:"))
        .unwrap_or_else(|| panic!("{:?}", out.report.warnings));
    assert!(
        warning.contains(&format!("track 1 by {gap:.1} LU"))
            && warning.contains("lower the target"),
        "{warning}"
    );
}
