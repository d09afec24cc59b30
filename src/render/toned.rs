//! Each track rendered as the export will render it under a loudness plan, for the figures the
//! plan states. Estimating the limiter's work from the source's peak-to-loudness ratio (PLR)
//! misjudges it twice: an EQ changes a track's true peak and its loudness by different amounts
//! (cutting the low end of a bass-heavy mix barely lowers its loudness but can raise its PLR by
//! 2 dB), and whatever the limiter takes off the peaks it also takes off the loudness, so reaching
//! the target takes more gain than `target + PLR` says. Here every track runs through the export's
//! own render ([`render_track`]) with its moves, the plan's target and the limiter; the loudness,
//! true peak and limiting it reaches are what the export will write.

use super::album::AlbumPlan;
use super::live::true_peak_dbtp;
use super::track::render_track;
use crate::analysis::TrackAnalysis;
use crate::assist::{self, AlbumProposal, RenderedHeadroom};
use crate::media::{self, AudioBuffer};
use crate::project::{AlbumSettings, Document, Project};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Track `index` of `doc`, decoded as `audio`, rendered as the export renders it under `plan`
/// (`plan` made for `doc`: its match curves and targets), at the rate the export writes,
/// without its gap (the export measures after the gap). Errors name the file.
pub fn rendered_headroom(
    plan: &AlbumPlan,
    doc: &Document,
    index: usize,
    audio: &AudioBuffer,
    cancel: &AtomicBool,
) -> Result<RenderedHeadroom, String> {
    let rate_hz = plan
        .settings
        .export
        .sample_rate_hz
        .unwrap_or(audio.sample_rate_hz);
    let mut job = plan.track_job(doc, index, rate_hz);
    job.gap_before_s = 0.0;
    job.measure_unity_plr = true;
    let rendered = render_track(audio, &job, cancel)
        .map_err(|e| format!("{}: {e}", plan.sources[index].display()))?;
    Ok(RenderedHeadroom {
        plr_db: rendered.unity_plr_db,
        lufs: rendered.integrated_lufs,
        true_peak_dbtp: true_peak_dbtp(&rendered.audio),
        gain_reduction_db: rendered.gain_reduction.max_db,
        held_back_db: rendered.held_back_db,
    })
}

/// `proposal` (made for `doc` from the source analyses `analyses`) with its loudness plan made
/// again from every track rendered with the proposal's accepted moves under the plan, and its
/// translation preview from what the export will write: under the plan when it is ticked, else
/// under the project's own settings (rendered too). What `lathe assist` and the desk show.
/// `references`: the project's, in its order, with their analyses when they have one.
pub fn with_rendered_plan(
    doc: &Document,
    proposal: &AlbumProposal,
    analyses: &[Option<TrackAnalysis>],
    references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    cancel: &AtomicBool,
) -> AlbumProposal {
    let applied = assist::apply(&doc.project, proposal);
    let planned =
        assist::headroom::planned_settings(&applied.settings, proposal.headroom.max_spread_lu);
    // Unticked, the export keeps the project's settings: the preview is of those, rendered from
    // the same decoded tracks.
    let kept = (applied.settings != planned).then_some(&applied.settings);
    let settings: Vec<&AlbumSettings> = std::iter::once(&planned).chain(kept).collect();
    let mut rendered =
        render_all(doc, &applied, &settings, analyses, references, cancel).into_iter();
    let under_plan = rendered.next().unwrap_or_default();
    let mut out = assist::with_rendered_headroom(proposal, &doc.project, analyses, &under_plan);
    if let Some(kept) = rendered.next() {
        out.translation = assist::translation_of_rendered(&kept);
    }
    out
}

/// Every track of `applied` (the project a proposal would write over `doc`) rendered under each
/// of `settings` (each track decoded once): one list per settings, `None` for a track that
/// cannot be rendered, and for all when a source analysis is missing (no plan can be made).
/// `analyses[i]` is track i's source analysis; `references` the project's, in its order.
fn render_all(
    doc: &Document,
    applied: &Project,
    settings: &[&AlbumSettings],
    analyses: &[Option<TrackAnalysis>],
    references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    cancel: &AtomicBool,
) -> Vec<Vec<Option<RenderedHeadroom>>> {
    let n = applied.tracks.len();
    let Some(analyses) = analyses
        .iter()
        .cloned()
        .collect::<Option<Vec<TrackAnalysis>>>()
    else {
        return vec![vec![None; n]; settings.len()];
    };
    let applied_doc = Document {
        project: applied.clone(),
        path: doc.path.clone(),
    };
    let sources: Vec<PathBuf> = applied
        .tracks
        .iter()
        .map(|t| applied_doc.source_path(&t.source))
        .collect();
    let plans: Vec<AlbumPlan> = settings
        .iter()
        .map(|s| {
            AlbumPlan::from_analyses(
                &applied_doc,
                s,
                sources.clone(),
                analyses.clone(),
                references.clone(),
            )
        })
        .collect();
    // One track per core at a time, as the export renders.
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![vec![None; n]; plans.len()]);
    let workers = std::thread::available_parallelism()
        .map_or(1, |c| c.get())
        .min(n);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n || cancel.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(decoded) = media::decode_file(&sources[i]) else {
                    continue;
                };
                for (k, plan) in plans.iter().enumerate() {
                    let r = rendered_headroom(plan, &applied_doc, i, &decoded.audio, cancel).ok();
                    results.lock().unwrap_or_else(|e| e.into_inner())[k][i] = r;
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}
