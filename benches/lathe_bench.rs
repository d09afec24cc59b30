//! `cargo bench` — Lathe's speed figures on the real albums of `../shared/corpus/fetch-albums.sh`,
//! side by side with ffmpeg in the same run. Medians of several runs; ratios against real time.
//!
//! `cargo bench -- analysis` runs one section. The corpus folder is `$LATHE_CORPUS` or
//! `~/.cache/lathe-corpus`; without it the bench says how to get it and exits.

use lathe::analysis::{analyze_batch, BatchProgress};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

const RUNS: usize = 3;

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let Some(albums) = corpus_albums() else {
        println!(
            "no corpus: run ../shared/corpus/fetch-albums.sh (or set LATHE_CORPUS) and try again"
        );
        return;
    };
    if wants("analysis") {
        analysis_vs_ffmpeg(&albums);
    }
}

/// Albums (folders of FLAC files) in the corpus, sorted.
fn corpus_albums() -> Option<Vec<(String, Vec<PathBuf>)>> {
    let root = std::env::var_os("LATHE_CORPUS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/lathe-corpus")))?;
    // fetch-albums.sh writes <root>/<album>/*.flac; ALBUMS.md names them albums/<album>.
    let root = if root.join("albums").is_dir() {
        root.join("albums")
    } else {
        root
    };
    let mut albums = Vec::new();
    for entry in std::fs::read_dir(root).ok()?.flatten() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(entry.path())
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "flac"))
            .collect();
        files.sort();
        if !files.is_empty() {
            albums.push((entry.file_name().to_string_lossy().into_owned(), files));
        }
    }
    albums.sort();
    (!albums.is_empty()).then_some(albums)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs ffmpeg's ebur128 meter on files with the same parallelism Lathe uses; returns (seconds, I per file).
fn ffmpeg_ebur128(files: &[PathBuf]) -> (f64, Vec<Option<f64>>) {
    let start = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(vec![None; files.len()]);
    std::thread::scope(|s| {
        for _ in 0..workers() {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(file) = files.get(i) else { break };
                let out = Command::new("ffmpeg")
                    .args(["-nostats", "-hide_banner", "-i"])
                    .arg(file)
                    .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
                    .output();
                let integrated = out
                    .ok()
                    .and_then(|o| parse_ffmpeg_integrated(&String::from_utf8_lossy(&o.stderr)));
                results.lock().unwrap()[i] = integrated;
            });
        }
    });
    (start.elapsed().as_secs_f64(), results.into_inner().unwrap())
}

/// The summary's "I: -14.1 LUFS" line (the last one printed).
fn parse_ffmpeg_integrated(stderr: &str) -> Option<f64> {
    stderr
        .lines()
        .rev()
        .filter_map(|l| l.trim().strip_prefix("I:"))
        .find_map(|rest| rest.trim().trim_end_matches("LUFS").trim().parse().ok())
}

fn analysis_vs_ffmpeg(albums: &[(String, Vec<PathBuf>)]) {
    let have_ffmpeg = Command::new("ffmpeg").arg("-version").output().is_ok();
    println!("\n== analysis: whole album, decode + loudness + true peak + LRA + spectra, {} workers, median of {RUNS} runs", workers());
    println!(
        "{:<20} {:>8} {:>12} {:>10} {:>16} {:>10} {:>8} {:>14}",
        "album",
        "audio s",
        "lathe s",
        "lathe ×RT",
        "ffmpeg ebur128 s",
        "ffmpeg ×RT",
        "speedup",
        "max |ΔI| LU"
    );
    for (name, files) in albums {
        let mut lathe_s = Vec::new();
        let mut analyses = Vec::new();
        for _ in 0..RUNS {
            let start = Instant::now();
            analyses = analyze_batch(files, None, &|_: BatchProgress| {}, &AtomicBool::new(false));
            lathe_s.push(start.elapsed().as_secs_f64());
        }
        let audio_s: f64 = analyses
            .iter()
            .filter_map(|a| a.as_ref().ok())
            .map(|a| a.duration_s)
            .sum();
        let lathe = median(lathe_s);
        let (ff, ff_i) = if have_ffmpeg {
            let runs: Vec<_> = (0..RUNS).map(|_| ffmpeg_ebur128(files)).collect();
            let i = runs[0].1.clone();
            (median(runs.iter().map(|r| r.0).collect()), i)
        } else {
            (f64::NAN, vec![None; files.len()])
        };
        let max_delta = analyses
            .iter()
            .zip(&ff_i)
            .filter_map(|(a, f)| Some((a.as_ref().ok()?.loudness.integrated_lufs? - (*f)?).abs()))
            .fold(f64::NAN, f64::max);
        println!(
            "{:<20} {:>8.1} {:>12.2} {:>10.0} {:>16.2} {:>10.0} {:>7.2}× {:>14.3}",
            name,
            audio_s,
            lathe,
            audio_s / lathe,
            ff,
            audio_s / ff,
            ff / lathe,
            max_delta
        );
        for ((file, a), f) in files.iter().zip(&analyses).zip(&ff_i) {
            let lathe_i = a.as_ref().ok().and_then(|a| a.loudness.integrated_lufs);
            println!(
                "    {:<44} lathe I {:>7}  ffmpeg I {:>7}",
                file.file_name().unwrap().to_string_lossy(),
                lathe_i.map_or("—".into(), |v| format!("{v:.2}")),
                f.map_or("—".into(), |v| format!("{v:.1}"))
            );
        }
    }
    if !have_ffmpeg {
        println!("(ffmpeg not found: apt-get install ffmpeg for the side-by-side figures)");
    }
}
