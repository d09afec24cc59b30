//! `lathe analyze`: loudness and tonal balance of a project or of loose files.

use crate::analysis::{
    album_stats, analyze_batch, references_average, AnalysisCache, BatchProgress, TrackAnalysis,
};
use crate::project::{collect_audio_files, title_from_file_name, Document};
use crate::units;
use anyhow::bail;
use serde_json::json;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// A file to analyse and the name it is shown under.
struct Item {
    title: String,
    path: PathBuf,
}

pub fn run(inputs: &[PathBuf], as_json: bool, use_cache: bool) -> anyhow::Result<i32> {
    let (tracks, references) = items(inputs)?;
    if tracks.is_empty() {
        bail!("nothing to analyse: the project has no tracks");
    }
    let paths: Vec<PathBuf> = tracks
        .iter()
        .chain(&references)
        .map(|i| i.path.clone())
        .collect();
    let cache = use_cache.then(AnalysisCache::user_default);
    let results = analyse_with_progress(&paths, cache.as_ref());
    let (track_results, reference_results) = results.split_at(tracks.len());
    let ok: Vec<Option<&TrackAnalysis>> = track_results.iter().map(|r| r.as_ref().ok()).collect();
    let stats = album_stats(&ok);
    // Album figures need at least one measured track: with none, a spread of 0.0 LU is no finding.
    let measured = ok
        .iter()
        .any(|a| a.is_some_and(|a| a.loudness.integrated_lufs.is_some()));
    let spread_lu = measured.then_some(stats.loudness_spread_lu);
    let refs_ok: Vec<(&TrackAnalysis, f64)> = reference_results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|a| (a, 1.0))
        .collect();

    if as_json {
        let tracks_json: Vec<_> = tracks
            .iter()
            .zip(track_results)
            .enumerate()
            .map(|(i, (item, result))| {
                track_json(
                    item,
                    result,
                    stats.tonal_deviation_db.get(i).copied().flatten(),
                )
            })
            .collect();
        let mut out = json!({
            "album": {
                "loudness_spread_lu": spread_lu,
                "spectrum": { "bands_hz": stats.average.bands_hz, "mid_db": stats.average.mid_db, "side_db": stats.average.side_db },
            },
            "tracks": tracks_json,
        });
        if !references.is_empty() {
            let refs: Vec<_> = references
                .iter()
                .zip(reference_results)
                .map(|(item, r)| track_json(item, r, None))
                .collect();
            out["references"] = json!(refs);
            if !refs_ok.is_empty() {
                let avg = references_average(&refs_ok);
                out["references_average"] = json!({ "bands_hz": avg.bands_hz, "mid_db": avg.mid_db, "side_db": avg.side_db });
            }
        }
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_table(&tracks, track_results, &stats.tonal_deviation_db);
        if let Some(spread) = spread_lu {
            outln!("album loudness spread: {spread:.1} LU");
        }
        if !references.is_empty() {
            outln!("\nreferences:");
            print_table(
                &references,
                reference_results,
                &vec![None; references.len()],
            );
        }
    }
    let track_failures = (tracks.iter().zip(track_results))
        .filter_map(|(item, r)| r.as_ref().err().map(|e| format!("{} ({e})", item.title)));
    // References exist only in a project, which is then the one input.
    let reference_failures =
        (references.iter().zip(reference_results).enumerate()).filter_map(|(i, (item, r))| {
            let e = r.as_ref().err()?;
            let remove = super::references::how_to_remove(&inputs[0], i + 1);
            Some(format!(
                "reference {} “{}” ({e}; {remove})",
                i + 1,
                item.title
            ))
        });
    let failures: Vec<String> = track_failures.chain(reference_failures).collect();
    if !failures.is_empty() {
        errln!(
            "lathe: {} of {} files could not be analysed: {}",
            failures.len(),
            results.len(),
            failures.join("; ")
        );
        return Ok(1);
    }
    Ok(0)
}

/// Tracks and references from a project file, or tracks from loose files/folders.
fn items(inputs: &[PathBuf]) -> anyhow::Result<(Vec<Item>, Vec<Item>)> {
    let is_project = inputs.len() == 1
        && inputs[0]
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_project {
        let doc = Document::load(&inputs[0])?;
        let tracks = doc.project.tracks.iter().map(|t| Item {
            title: t.title.clone(),
            path: doc.source_path(&t.source),
        });
        let refs = doc.project.references.iter().map(|r| Item {
            title: r.title.clone(),
            path: doc.source_path(&r.source),
        });
        return Ok((tracks.collect(), refs.collect()));
    }
    for input in inputs {
        if !input.exists() {
            bail!("{}: not found — check the path", input.display());
        }
    }
    let files = collect_audio_files(inputs)?;
    if files.is_empty() {
        bail!("no audio files found in the given folders");
    }
    let tracks = files
        .into_iter()
        .map(|path| {
            let title = crate::media::read_tags(&path)
                .ok()
                .and_then(|t| t.title)
                .unwrap_or_else(|| title_from_file_name(&path));
            Item { title, path }
        })
        .collect();
    Ok((tracks, Vec::new()))
}

fn track_json(
    item: &Item,
    result: &Result<TrackAnalysis, crate::analysis::AnalysisError>,
    deviation: Option<f64>,
) -> serde_json::Value {
    match result {
        Ok(a) => json!({
            "title": item.title,
            "path": item.path,
            "duration_s": a.duration_s,
            "sample_rate": a.sample_rate_hz,
            "channels": a.channels,
            "integrated_lufs": a.loudness.integrated_lufs,
            "lra_lu": a.defined_lra_lu(),
            "true_peak_dbtp": a.loudness.true_peak_dbtp,
            "sample_peak_dbfs": a.loudness.sample_peak_dbfs,
            "plr_db": a.loudness.plr_db,
            "tonal_deviation_db": deviation,
            "spectrum": { "bands_hz": a.spectrum.bands_hz, "mid_db": a.spectrum.mid_db, "side_db": a.spectrum.side_db },
            "stereo": a.stereo,
            "notices": a.notices,
        }),
        Err(e) => json!({ "title": item.title, "path": item.path, "error": e.to_string() }),
    }
}

fn print_table(
    items: &[Item],
    results: &[Result<TrackAnalysis, crate::analysis::AnalysisError>],
    deviation: &[Option<f64>],
) {
    outln!(
        "{:>3}  {:<28} {:>8} {:>11} {:>7} {:>10} {:>8} {:>9}",
        "#",
        "title",
        "duration",
        "integrated",
        "LRA",
        "true peak",
        "PLR",
        "tone dev"
    );
    for (i, (item, result)) in items.iter().zip(results).enumerate() {
        let title: String = item.title.chars().take(28).collect();
        match result {
            Ok(a) => outln!(
                "{:>3}  {:<28} {:>8} {:>11} {:>7} {:>10} {:>8} {:>9}",
                i + 1,
                title,
                duration(a.duration_s),
                units::unsigned_or_dash(a.loudness.integrated_lufs, 1, "LUFS"),
                units::unsigned_or_dash(a.defined_lra_lu(), 1, "LU"),
                units::signed_or_dash(a.loudness.true_peak_dbtp, 1, "dBTP"),
                units::unsigned_or_dash(a.loudness.plr_db, 1, "dB"),
                units::unsigned_or_dash(deviation.get(i).copied().flatten(), 1, "dB"),
            ),
            // The reason is said once, on standard error after the table (it explains the exit
            // code, and survives `> report.txt`).
            Err(_) => outln!(
                "{:>3}  {:<28} could not be analysed (reason below)",
                i + 1,
                title
            ),
        }
        if let Ok(a) = result {
            for notice in &a.notices {
                outln!("{:>5}note: {notice}", "");
            }
        }
    }
}

fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Analyses `paths` in parallel (cache first), with a progress line on stderr when it is a terminal.
pub(super) fn analyse_with_progress(
    paths: &[PathBuf],
    cache: Option<&AnalysisCache>,
) -> Vec<Result<TrackAnalysis, crate::analysis::AnalysisError>> {
    let show_progress = std::io::stderr().is_terminal();
    let progress = |p: BatchProgress| {
        if show_progress {
            err!(
                "\ranalysing {}/{} files  {:>3.0}%",
                p.done,
                p.total,
                p.fraction * 100.0
            );
        }
    };
    let results = analyze_batch(paths, cache, &progress, &AtomicBool::new(false));
    if show_progress {
        err!("\r{:60}\r", "");
    }
    results
}
