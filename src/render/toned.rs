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
use crate::project::{AlbumSettings, Document, Project, Reference, Track};
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

/// What an album render was made for.
#[derive(Debug, Clone, PartialEq)]
struct RenderedFor {
    /// The tracks: their moves, fades, offsets and sources.
    tracks: Vec<Track>,
    settings: AlbumSettings,
    /// The references and their weights (a match toward them is measured on them).
    references: Vec<Reference>,
    /// Which analyses there were, and of what: each track's length and loudness (a track
    /// analysed again after its file changed), each reference's too (`None`: not analysed).
    analysed: Vec<Option<(u64, Option<u64>)>>,
}

/// An analysis in brief, for [`RenderedFor::analysed`].
fn analysed(a: Option<&TrackAnalysis>) -> Option<(u64, Option<u64>)> {
    a.map(|a| {
        (
            a.duration_s.to_bits(),
            a.loudness.integrated_lufs.map(f64::to_bits),
        )
    })
}

/// Album renders already made while one proposal is under review, by what they were made for:
/// ticking the plan off and on, or a move off and on again, finds its renders here instead of
/// rendering the album again. Only for one proposal's review: the renders also depend on the
/// sources and the references, which a new proposal may have read anew.
#[derive(Debug, Clone, Default)]
pub struct RenderMemo {
    entries: Vec<(RenderedFor, Vec<Option<RenderedHeadroom>>)>,
    /// Album renders made through this memo (not found in it), for tests and figures.
    pub albums_rendered: usize,
}

impl RenderMemo {
    /// Renders kept: the plan and the kept settings for two sets of moves.
    const ENTRIES: usize = 4;

    fn get(&self, key: &RenderedFor) -> Option<&Vec<Option<RenderedHeadroom>>> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, r)| r)
    }

    fn put(&mut self, key: RenderedFor, renders: Vec<Option<RenderedHeadroom>>) {
        self.entries.retain(|(k, _)| *k != key);
        if self.entries.len() == Self::ENTRIES {
            self.entries.remove(0);
        }
        self.entries.push((key, renders));
    }
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
    let mut memo = RenderMemo::default();
    with_rendered_plan_memo(doc, proposal, analyses, references, cancel, &mut memo)
}

/// [`with_rendered_plan`], taking the renders `memo` already has and keeping the new ones in it
/// (unless cancelled).
pub fn with_rendered_plan_memo(
    doc: &Document,
    proposal: &AlbumProposal,
    analyses: &[Option<TrackAnalysis>],
    references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    cancel: &AtomicBool,
    memo: &mut RenderMemo,
) -> AlbumProposal {
    let applied = assist::apply(&doc.project, proposal);
    let planned =
        assist::headroom::planned_settings(&applied.settings, proposal.headroom.max_spread_lu);
    // Unticked, the export keeps the project's settings: the preview is of those, rendered from
    // the same decoded tracks.
    let kept = (applied.settings != planned).then_some(&applied.settings);
    let seen: Vec<_> = analyses
        .iter()
        .map(Option::as_ref)
        .chain(references.iter().map(|(_, a)| a.as_ref()))
        .map(analysed)
        .collect();
    let keys: Vec<RenderedFor> = std::iter::once(&planned)
        .chain(kept)
        .map(|s| RenderedFor {
            tracks: applied.tracks.clone(),
            settings: s.clone(),
            references: applied.references.clone(),
            analysed: seen.clone(),
        })
        .collect();
    let missing: Vec<&AlbumSettings> = keys
        .iter()
        .filter(|k| memo.get(k).is_none())
        .map(|k| &k.settings)
        .collect();
    let mut fresh = if missing.is_empty() {
        Vec::new()
    } else {
        render_all(doc, &applied, &missing, analyses, references, cancel)
    }
    .into_iter();
    let renders: Vec<Vec<Option<RenderedHeadroom>>> = keys
        .iter()
        .map(|k| match memo.get(k) {
            Some(r) => r.clone(),
            None => fresh.next().unwrap_or_default(),
        })
        .collect();
    if !missing.is_empty() && !cancel.load(Ordering::Relaxed) {
        memo.albums_rendered += missing.len();
        // Kept only whole: not a render stopped half-way, unmade for want of an analysis (which
        // may come), or missing a track whose file failed to decode (which may be fixed).
        for (k, r) in keys.iter().zip(&renders) {
            if memo.get(k).is_none() && r.iter().all(Option::is_some) {
                memo.put(k.clone(), r.clone());
            }
        }
    }
    with_renders(
        proposal,
        doc,
        analyses,
        &renders[0],
        renders.get(1).map(Vec::as_slice),
    )
}

/// `proposal` with its plan from `under_plan` and, when the plan is not ticked, its translation
/// preview from `under_kept`.
fn with_renders(
    proposal: &AlbumProposal,
    doc: &Document,
    analyses: &[Option<TrackAnalysis>],
    under_plan: &[Option<RenderedHeadroom>],
    under_kept: Option<&[Option<RenderedHeadroom>]>,
) -> AlbumProposal {
    let mut out = assist::with_rendered_headroom(proposal, &doc.project, analyses, under_plan);
    if let Some(kept) = under_kept {
        out.translation = assist::translation_of_rendered(kept);
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
