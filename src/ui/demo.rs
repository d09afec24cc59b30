//! A hand-built album with hand-built analysis, for tests and screenshots: no decoding and
//! no analysis code runs. Track 4's file is deliberately missing.

use super::analysis::Outcome;
use crate::analysis::{AlbumStats, Loudness, SpectralBalance, TrackAnalysis};
use crate::project::{AlbumInfo, Document, Project, Reference, Track, TrackId, SCHEMA_VERSION};
use std::path::{Path, PathBuf};

/// Titles, in album order. The fourth has no file.
pub const TITLES: [&str; 6] = [
    "Harbour Lights",
    "Slow Weather",
    "Paper Boats",
    "The Long Field",
    "Glasshouse",
    "Northbound",
];
/// Integrated loudness of the five present tracks, LUFS, in album order.
pub const LUFS: [f64; 5] = [-9.8, -11.2, -8.9, -12.5, -10.4];

/// Writes empty source files into `dir` (all but track 4) and returns the project and an
/// analysis outcome for it.
pub fn album(dir: &Path) -> std::io::Result<(Document, Outcome)> {
    std::fs::create_dir_all(dir)?;
    let mut tracks = Vec::new();
    for (i, title) in TITLES.iter().enumerate() {
        let source = PathBuf::from(format!("{:02} {title}.flac", i + 1));
        if i != 3 {
            std::fs::write(dir.join(&source), b"")?;
        }
        tracks.push(Track {
            id: TrackId(100 + i as u64),
            title: title.to_string(),
            source,
            gap_before_s: 0.0,
            fade_in_s: 0.0,
            fade_out_s: 0.0,
            tone: Default::default(),
            stereo: Default::default(),
            headroom: Default::default(),
        });
    }
    let project = Project {
        schema_version: SCHEMA_VERSION,
        album: AlbumInfo {
            title: "Tidewater".into(),
            artist: "The Quiet Hours".into(),
        },
        settings: Default::default(),
        tracks,
        references: vec![Reference {
            id: TrackId(900),
            title: REFERENCE_TITLE.into(),
            source: PathBuf::from("reference.flac"),
            weight: 1.0,
        }],
    };
    std::fs::write(dir.join("reference.flac"), b"")?;
    let document = Document {
        project,
        path: dir.join("tidewater.lathe.json"),
    };
    Ok((document, outcome()))
}

fn bands_hz() -> Vec<f64> {
    (-36..=30)
        .map(|k| 1000.0 * 2f64.powf(k as f64 / 6.0))
        .filter(|f| (19.0..=20_500.0).contains(f))
        .collect()
}

/// A plausible mix spectrum: pink-ish slope, roll-offs at both ends, a per-track tilt and bass.
fn spectrum(tilt_db_per_oct: f64, bass_db: f64) -> SpectralBalance {
    let bands_hz = bands_hz();
    let mid_db: Vec<f64> = bands_hz
        .iter()
        .map(|&f| {
            let octaves = (f / 1000.0).log2();
            let low_rolloff = -12.0 * ((30.0 / f).powi(2)).ln_1p();
            let high_rolloff = -8.0 * ((f / 16_000.0).powi(4)).ln_1p();
            let bass = bass_db * (-((f / 80.0).log2()).powi(2) / 2.0).exp();
            -18.0 + (-3.0 + tilt_db_per_oct) * octaves + low_rolloff + high_rolloff + bass
        })
        .collect();
    let side_db = mid_db.iter().map(|m| m - 9.0).collect();
    SpectralBalance {
        bands_hz,
        mid_db,
        side_db,
    }
}

fn track(
    duration_s: f64,
    lufs: f64,
    lra_lu: f64,
    true_peak_dbtp: f64,
    tilt: f64,
    bass: f64,
) -> TrackAnalysis {
    TrackAnalysis {
        duration_s,
        sample_rate_hz: 44_100,
        channels: 2,
        loudness: Loudness {
            integrated_lufs: Some(lufs),
            lra_lu,
            true_peak_dbtp: Some(true_peak_dbtp),
            sample_peak_dbfs: Some(true_peak_dbtp - 0.3),
            plr_db: Some(true_peak_dbtp - lufs),
            short_term_lufs: short_term(duration_s, lufs, lra_lu),
            short_term_step_s: 0.1,
        },
        spectrum: spectrum(tilt, bass),
        stereo: Vec::new(),
        nonfinite_samples: 0,
        notices: Vec::new(),
    }
}

/// A song-shaped short-term loudness curve: quiet intro, verses and louder choruses, an outro.
fn short_term(duration_s: f64, lufs: f64, lra_lu: f64) -> Vec<Option<f32>> {
    let steps = (duration_s / 0.1) as usize;
    (0..steps)
        .map(|i| {
            let t = i as f64 / steps as f64;
            let envelope = (t * 12.0).min(1.0) * ((1.0 - t) * 16.0).min(1.0);
            let section = if (t * 6.0) as usize % 2 == 1 {
                0.4
            } else {
                -0.4
            };
            let wobble = (i as f64 * 0.37).sin() * 0.15;
            let value = lufs + lra_lu * (section + wobble) - 20.0 * (1.0 - envelope);
            (value > -70.0).then_some(value as f32)
        })
        .collect()
}

/// The demo album's one reference: a bright, bass-heavy commercial master.
pub const REFERENCE_TITLE: &str = "Commercial Reference";

/// The analysis of the demo album, with album statistics computed the simple way
/// (mean of the dB curves), good enough for a picture.
pub fn outcome() -> Outcome {
    let present = [
        track(232.4, LUFS[0], 6.1, -0.4, 0.7, 5.0),
        track(301.9, LUFS[1], 8.4, -1.1, -0.8, 1.0),
        track(198.0, LUFS[2], 4.9, 0.2, 0.9, -1.0),
        track(276.5, LUFS[3], 9.7, -2.3, -0.6, 6.0),
        track(254.3, LUFS[4], 5.6, -0.7, 0.2, 0.0),
    ];
    let average_db: Vec<f64> = (0..present[0].spectrum.mid_db.len())
        .map(|b| present.iter().map(|t| t.spectrum.mid_db[b]).sum::<f64>() / present.len() as f64)
        .collect();
    let side_average_db: Vec<f64> = (0..present[0].spectrum.side_db.len())
        .map(|b| present.iter().map(|t| t.spectrum.side_db[b]).sum::<f64>() / present.len() as f64)
        .collect();
    let mut tracks: Vec<Option<TrackAnalysis>> = present.into_iter().map(Some).collect();
    tracks.insert(3, None);
    let deviation_db: Vec<Vec<f64>> = tracks
        .iter()
        .map(|t| {
            t.as_ref().map_or(Vec::new(), |t| {
                t.spectrum
                    .mid_db
                    .iter()
                    .zip(&average_db)
                    .map(|(m, a)| m - a)
                    .collect()
            })
        })
        .collect();
    let tonal_deviation_db = deviation_db
        .iter()
        .map(|d| {
            (!d.is_empty()).then(|| (d.iter().map(|v| v * v).sum::<f64>() / d.len() as f64).sqrt())
        })
        .collect();
    let stats = AlbumStats {
        average: SpectralBalance {
            bands_hz: bands_hz(),
            mid_db: average_db,
            side_db: side_average_db,
        },
        deviation_db,
        tonal_deviation_db,
        loudness_spread_lu: 12.5 - 8.9,
    };
    let reference = track(215.0, -8.5, 5.0, -0.3, 0.5, 3.0);
    Outcome::from_tracks(tracks, vec![None; 6])
        .with_stats(stats)
        .with_references(vec![Ok(reference)])
}

/// An album of `count` present tracks with varied hand-built analyses (frame-time benchmark).
pub fn large_album(dir: &Path, count: usize) -> std::io::Result<(Document, Outcome)> {
    let (mut document, _) = album(dir)?;
    let template = document.project.tracks[0].clone();
    document.project.tracks = (0..count)
        .map(|i| {
            let source = PathBuf::from(format!("{:02} Song {}.flac", i + 1, i + 1));
            std::fs::write(dir.join(&source), b"")?;
            Ok(Track {
                id: TrackId(100 + i as u64),
                title: format!("Song number {}", i + 1),
                source,
                gap_before_s: 2.0,
                ..template.clone()
            })
        })
        .collect::<std::io::Result<_>>()?;
    let analyses: Vec<Option<TrackAnalysis>> = (0..count)
        .map(|i| {
            let x = i as f64;
            Some(track(
                180.0 + 13.0 * x,
                -8.5 - (x * 1.7) % 5.0,
                4.0 + (x * 0.9) % 6.0,
                -0.2 - (x * 0.3) % 2.0,
                ((x * 0.77).sin()) * 0.9,
                ((x * 1.3).cos()) * 5.0,
            ))
        })
        .collect();
    let tracks: Vec<Option<&TrackAnalysis>> = analyses.iter().map(Option::as_ref).collect();
    let stats = crate::analysis::album_stats(&tracks);
    let reference = track(215.0, -8.5, 5.0, -0.3, 0.5, 3.0);
    let outcome = Outcome::from_tracks(analyses, vec![None; count])
        .with_stats(stats)
        .with_references(vec![Ok(reference)]);
    Ok((document, outcome))
}
