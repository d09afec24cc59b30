//! What a track's tone and stereo moves do to its peaks. An EQ changes a track's true peak and
//! its loudness by different amounts (cutting the low end of a bass-heavy mix barely lowers its
//! loudness but can raise its peak-to-loudness ratio by 2 dB), so a loudness plan that estimates
//! the limiter's work from the source's PLR misjudges a track once its tone is moved. Here the
//! track runs through the export's own render with its moves, at unity gain and without the
//! limiter, and its PLR is measured.

use super::album::AlbumPlan;
use super::live::true_peak_dbtp;
use super::track::render_track;
use crate::analysis::TrackAnalysis;
use crate::assist::{self, AlbumProposal};
use crate::media;
use crate::project::{Document, Project, StereoSettings, ToneSettings};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Peak-to-loudness ratio (true peak − integrated loudness, dB) of track `index` of `doc` after
/// its tone and stereo moves, at the rate the export writes; `None` when it has no measurable
/// loudness. `plan` must be made for `doc` (its match curves). Errors name the file.
pub fn toned_plr_db(
    plan: &AlbumPlan,
    doc: &Document,
    index: usize,
    cancel: &AtomicBool,
) -> Result<Option<f64>, String> {
    let source = &plan.sources[index];
    let decoded = media::decode_file(source).map_err(|e| e.to_string())?;
    let rate_hz = plan
        .settings
        .export
        .sample_rate_hz
        .unwrap_or(decoded.audio.sample_rate_hz);
    let mut job = plan.track_job(doc, index, rate_hz);
    // Unity gain, no limiter, no gap: the moves alone.
    job.target_lufs = None;
    job.params.limiter_enabled = false;
    job.gap_before_s = 0.0;
    let rendered = render_track(&decoded.audio, &job, cancel)
        .map_err(|e| format!("{}: {e}", source.display()))?;
    Ok(true_peak_dbtp(&rendered.audio)
        .zip(rendered.integrated_lufs)
        .map(|(peak, lufs)| peak - lufs))
}

/// `proposal` (made for `doc` from the source analyses `analyses`) with its loudness plan and
/// translation preview made again from the peaks its moves leave: what `lathe assist` and the
/// desk show. `references`: the project's, in its order, with their analyses when they have one.
pub fn with_measured_peaks(
    doc: &Document,
    proposal: &AlbumProposal,
    analyses: &[Option<TrackAnalysis>],
    references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    cancel: &AtomicBool,
) -> AlbumProposal {
    let applied = assist::apply(&doc.project, proposal);
    let toned = toned_plrs(doc, &applied, analyses, references, cancel);
    assist::with_toned_peaks(proposal, &doc.project, analyses, &toned)
}

/// Each track's PLR after the moves of `applied` (the project a proposal would write over `doc`),
/// measured on the tracks whose tone or stereo is not neutral there; `None` for the others, for a
/// track that cannot be measured, and for all when a source analysis is missing (no plan can be
/// made). `analyses[i]` is track i's source analysis; `references` the project's, in its order.
fn toned_plrs(
    doc: &Document,
    applied: &Project,
    analyses: &[Option<TrackAnalysis>],
    references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    cancel: &AtomicBool,
) -> Vec<Option<f64>> {
    let n = applied.tracks.len();
    let Some(analyses) = analyses
        .iter()
        .cloned()
        .collect::<Option<Vec<TrackAnalysis>>>()
    else {
        return vec![None; n];
    };
    let applied_doc = Document {
        project: applied.clone(),
        path: doc.path.clone(),
    };
    let sources = applied
        .tracks
        .iter()
        .map(|t| applied_doc.source_path(&t.source))
        .collect();
    let plan = AlbumPlan::from_analyses(
        &applied_doc,
        &applied.settings,
        sources,
        analyses,
        references,
    );
    let moved: Vec<usize> = (0..n)
        .filter(|&i| {
            let t = &applied.tracks[i];
            t.tone != ToneSettings::default() || t.stereo != StereoSettings::default()
        })
        .collect();
    // One track per core at a time, as the export renders.
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![None; n]);
    let workers = std::thread::available_parallelism()
        .map_or(1, |c| c.get())
        .min(moved.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&i) = moved.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let plr = toned_plr_db(&plan, &applied_doc, i, cancel).ok().flatten();
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = plr;
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}
