//! `cargo bench` — Lathe's speed figures on the real albums of `../shared/corpus/fetch-albums.sh`,
//! side by side with ffmpeg in the same run. Medians of several runs; ratios against real time.
//!
//! `cargo bench -- analysis` runs one section (analysis, render, assist). The corpus folder is `$LATHE_CORPUS` or
//! `~/.cache/lathe-corpus`; without it the bench says how to get it and exits.

#[path = "sections/assist.rs"]
mod assist;
#[path = "sections/corpus.rs"]
mod corpus;

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
    let Some(albums) = corpus::albums() else {
        println!(
            "no corpus: run ../shared/corpus/fetch-albums.sh (or set LATHE_CORPUS) and try again"
        );
        return;
    };
    if wants("analysis") {
        analysis_vs_ffmpeg(&albums);
    }
    if wants("render") {
        render_vs_loudnorm(&albums);
    }
    if wants("assist") {
        assist::assist_on_albums(&albums);
    }
}

/// Lathe's export (decode, analyse, render, dither, write, measure back) vs ffmpeg's two-pass
/// `loudnorm` in linear mode, both to -14 LUFS / -1 dBTP, 24-bit WAV, same parallelism. The runs
/// alternate (Lathe, loudnorm, Lathe, ...) so both see the same machine; medians of `RUNS` each.
fn render_vs_loudnorm(albums: &[(String, Vec<PathBuf>)]) {
    use lathe::project::*;
    use lathe::render::export::{export_album, ExportOptions};
    const TARGET_LUFS: f64 = -14.0;
    const CEILING_DBTP: f64 = -1.0;
    println!("\n== render: whole album to -14 LUFS / -1 dBTP, 24-bit WAV, track mode, {} workers, decode to written files, median of {RUNS} alternating runs each", workers());
    println!(
        "{:<20} {:>8} {:>9} {:>10} {:>14} {:>13} {:>8}",
        "album", "audio s", "lathe s", "lathe ×RT", "loudnorm 2p s", "loudnorm ×RT", "speedup"
    );
    let tmp = std::env::temp_dir().join(format!("lathe-bench-{}", std::process::id()));
    let on_target = |i: Option<f64>, tp: Option<f64>| {
        i.is_some_and(|i| (i - TARGET_LUFS).abs() <= 0.1) && tp.is_some_and(|tp| tp <= CEILING_DBTP)
    };
    for (name, files) in albums {
        // Gaps of 0 s, so the render is compared file for file with loudnorm's.
        let mut project = project_from_files(files, &tmp, |f| {
            f.file_stem().map(|s| s.to_string_lossy().into_owned())
        });
        project.tracks.iter_mut().for_each(|t| t.gap_before_s = 0.0);
        let mut settings = AlbumSettings {
            loudness_mode: LoudnessMode::Track,
            target_lufs: TARGET_LUFS,
            ceiling_dbtp: CEILING_DBTP,
            ..AlbumSettings::default()
        };
        settings.export.bit_depth = BitDepth::Int24;
        project.album.title = name.clone();
        project.settings = settings.clone();
        let doc = lathe::project::Document {
            project,
            path: tmp.join("album.json"),
        };
        let _ = std::fs::create_dir_all(&tmp);
        let (mut lathe_s, mut ff_s) = (Vec::new(), Vec::new());
        let (mut summary, mut ff) = (None, Vec::new());
        for run in 0..RUNS {
            let out = tmp.join(format!("{name}-{run}"));
            let opts = ExportOptions {
                out_dir: out.clone(),
                settings: settings.clone(),
                force: true,
                album_image: false,
                cache: None,
            };
            let start = Instant::now();
            let s = export_album(&doc, &opts, &|_| {}, &AtomicBool::new(false)).expect("export");
            lathe_s.push(start.elapsed().as_secs_f64());
            let _ = std::fs::remove_dir_all(&out);
            summary = Some(s);
            let (seconds, measured) = loudnorm_two_pass(files, &tmp);
            ff_s.push(seconds);
            ff = measured;
        }
        let summary = summary.unwrap();
        let (lathe, ff_median) = (median(lathe_s), median(ff_s));
        let audio_s: f64 = files
            .iter()
            .map(|f| {
                lathe::media::decode_file(f)
                    .map(|d| d.audio.duration_s())
                    .unwrap_or(0.0)
            })
            .sum();
        println!(
            "{:<20} {:>8.1} {:>9.2} {:>10.0} {:>14.2} {:>13.0} {:>7.1}×",
            name,
            audio_s,
            lathe,
            audio_s / lathe,
            ff_median,
            audio_s / ff_median,
            ff_median / lathe
        );
        let (mut lathe_ok, mut ff_ok) = (0, 0);
        for (t, (i, tp, kind)) in summary.report.tracks.iter().zip(&ff) {
            let ok = on_target(t.integrated_lufs, t.true_peak_dbtp);
            let held = t.warnings.iter().any(|w| w.contains("peak gain reduction"));
            lathe_ok += ok as usize;
            ff_ok += on_target(*i, *tp) as usize;
            let status = match (ok, held, t.true_peak_dbtp) {
                (true, _, _) => "on target".to_string(),
                (false, true, _) => "held back: GR > 6 dB".to_string(),
                (false, false, Some(tp)) if tp > CEILING_DBTP => {
                    format!("TP {:+.2} dB over", tp - CEILING_DBTP)
                }
                _ => "missed".to_string(),
            };
            println!(
                "    {:<38} lathe I {:>6.2} TP {:>6.2} {status:<20} | loudnorm I {:>6} TP {:>6} ({kind})",
                t.file,
                t.integrated_lufs.unwrap_or(f64::NAN),
                t.true_peak_dbtp.unwrap_or(f64::NAN),
                i.map_or("—".into(), |v| format!("{v:.2}")),
                tp.map_or("—".into(), |v| format!("{v:.2}")),
            );
        }
        println!(
            "    I within ±0.1 LU and TP ≤ {CEILING_DBTP} dBTP (Lathe's meter on the written files): lathe {lathe_ok}/{n}, loudnorm {ff_ok}/{n}",
            n = ff.len()
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// A file's integrated loudness (LUFS), true peak (dBTP) and loudnorm's normalisation type.
type Measured = (Option<f64>, Option<f64>, String);

/// ffmpeg loudnorm, two passes (measure, then linear normalisation), per file with the bench's
/// parallelism; the output is measured with Lathe's meter. Returns (seconds, per file (I, TP, mode)).
fn loudnorm_two_pass(files: &[PathBuf], tmp: &Path) -> (f64, Vec<Measured>) {
    let start = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results =
        std::sync::Mutex::new(vec![(None::<PathBuf>, String::from("failed")); files.len()]);
    std::thread::scope(|s| {
        for _ in 0..workers() {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(file) = files.get(i) else { break };
                let base = "I=-14:TP=-1:LRA=20";
                let pass1 = Command::new("ffmpeg")
                    .args(["-nostats", "-hide_banner", "-i"])
                    .arg(file)
                    .args(["-af", &format!("loudnorm={base}:print_format=json"), "-f", "null", "-"])
                    .output();
                let Ok(pass1) = pass1 else { continue };
                let text = String::from_utf8_lossy(&pass1.stderr).into_owned();
                let field = |name: &str| -> Option<String> {
                    let at = text.rfind(&format!("\"{name}\""))?;
                    let rest = &text[at..];
                    let v = rest.split(':').nth(1)?.split('"').nth(1)?;
                    Some(v.to_string())
                };
                let (Some(mi), Some(mtp), Some(mlra), Some(mth), Some(off)) =
                    (field("input_i"), field("input_tp"), field("input_lra"), field("input_thresh"), field("target_offset"))
                else {
                    continue;
                };
                let out = tmp.join(format!("loudnorm-{i}.wav"));
                let filter = format!("loudnorm={base}:measured_I={mi}:measured_TP={mtp}:measured_LRA={mlra}:measured_thresh={mth}:offset={off}:linear=true:print_format=json");
                let pass2 = Command::new("ffmpeg")
                    .args(["-nostats", "-hide_banner", "-y", "-i"])
                    .arg(file)
                    .args(["-af", &filter, "-ar", "44100", "-c:a", "pcm_s24le"])
                    .arg(&out)
                    .output();
                let kind = pass2
                    .ok()
                    .and_then(|o| {
                        let t = String::from_utf8_lossy(&o.stderr).into_owned();
                        let at = t.rfind("\"normalization_type\"")?;
                        Some(t[at..].split('"').nth(3)?.to_string())
                    })
                    .unwrap_or_else(|| "?".into());
                results.lock().unwrap()[i] = (Some(out), kind);
            });
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    // Measured after the clock stops: the comparison times ffmpeg's work only.
    let measured = results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|(out, kind)| {
            let a = out
                .as_ref()
                .and_then(|o| lathe::analysis::analyze_file(o, &AtomicBool::new(false)).ok());
            if let Some(o) = out {
                let _ = std::fs::remove_file(o);
            }
            (
                a.as_ref().and_then(|a| a.loudness.integrated_lufs),
                a.as_ref().and_then(|a| a.loudness.true_peak_dbtp),
                kind,
            )
        })
        .collect();
    (seconds, measured)
}

/// Albums (folders of FLAC files) in the corpus, sorted.
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
