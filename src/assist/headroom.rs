//! The album's loudness plan as a proposal: album mode with the loudest track at the target, the
//! others' offsets kept in order and narrowed to a largest spread, and the limiter's expected work.
//!
//! The limiter's work is first estimated from each track's peak-to-loudness ratio (PLR): after the
//! gain to target the highest true peak sits at `target + PLR`, and everything above the ceiling
//! is the peak gain reduction the limiter must apply there. The export holds a track back when the
//! reduction would exceed `max_gain_reduction_db` (the render's rule), and so does the estimate.
//!
//! The estimate falls short where the limiter works: what it takes off the peaks it also takes
//! off the loudness, so reaching the target takes more gain and more reduction than `target + PLR`
//! says (on the corpus about 1 dB more at 5 dB), and tone moves change the PLR itself. So the
//! plan is made again from each track rendered as the export will render it
//! ([`crate::render::toned`], [`RenderedHeadroom`]), when the caller has those renders.

use crate::analysis::TrackAnalysis;
use crate::project::{AlbumSettings, DeliveryPreset, LoudnessMode, Project};
use crate::render::plan::plan_loudness;
use serde::{Deserialize, Serialize};

/// Peak gain reduction from which limiting counts as heavy, dB: beyond it transients audibly lose
/// their edge on most material.
pub const HEAVY_LIMITING_DB: f64 = 4.0;
/// Peak gain reduction below which limiting counts as light, dB.
pub const LIGHT_LIMITING_DB: f64 = 1.5;

/// How hard the limiter will work on a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimiterWork {
    /// No peak reaches the ceiling.
    None,
    /// Under 1.5 dB at the highest peak.
    Light,
    /// 1.5 to 4 dB.
    Moderate,
    /// 4 dB or more.
    Heavy,
    /// More than the album's allowed reduction: the export holds the track back.
    HeldBack,
}

/// One track's place in the loudness plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackHeadroomPlan {
    /// Album position, 1-based.
    pub number: usize,
    /// The source's integrated loudness, LUFS.
    pub source_lufs: Option<f64>,
    /// The source's true peak, dBTP.
    pub source_true_peak_dbtp: Option<f64>,
    /// Planned integrated loudness including the user's nudge, LUFS.
    pub target_lufs: Option<f64>,
    /// Expected loudness of the export, LUFS (lower than the target when held back).
    pub expected_lufs: Option<f64>,
    /// Expected true peak of the export, dBTP.
    pub expected_true_peak_dbtp: Option<f64>,
    /// Estimated peak gain reduction at the highest peak, dB.
    pub gain_reduction_db: f64,
    /// Its category.
    pub work: LimiterWork,
    /// The plan for this track in words.
    pub reason: String,
    /// A warning when the limiting is heavy or the track is held back.
    pub warning: Option<String>,
}

/// The album's loudness plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadroomProposal {
    /// The delivery preset the plan is for.
    pub preset: DeliveryPreset,
    /// The album target (the loudest track's loudness), LUFS.
    pub loudest_lufs: f64,
    /// The true-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    /// The source's loudness spread, LU.
    pub source_spread_lu: f64,
    /// The largest spread kept, LU.
    pub max_spread_lu: f64,
    /// Whether the spread is narrowed.
    pub narrowed: bool,
    /// Whether `apply` writes the plan (album mode and the spread) into the project.
    pub accepted: bool,
    /// Per track, album order.
    pub tracks: Vec<TrackHeadroomPlan>,
    /// Whether the project already uses this plan (nothing to apply).
    pub already_planned: bool,
    /// Whether the limiter's work and the expected loudness come from the tracks rendered as the
    /// export will render them (else estimated from the sources' peaks).
    #[serde(default, alias = "peaks_after_tone")]
    pub rendered: bool,
}

/// One track rendered as the export will render it under the plan (its moves, the plan's target,
/// the limiter): the figures the plan then states instead of its estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenderedHeadroom {
    /// True peak − integrated loudness after the moves, before gain and limiter, dB.
    pub plr_db: Option<f64>,
    /// Loudness the export reaches, LUFS.
    pub lufs: Option<f64>,
    /// True peak of the export, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// The limiter's largest peak gain reduction, dB.
    pub gain_reduction_db: f64,
    /// When held below the target: the reduction the target would have taken, estimated, dB.
    pub held_back_db: Option<f64>,
}

/// The settings the plan asks for: album mode and the largest spread.
pub fn planned_settings(settings: &AlbumSettings, max_spread_lu: f64) -> AlbumSettings {
    AlbumSettings {
        loudness_mode: LoudnessMode::Album,
        album_spread_lu: Some(max_spread_lu.max(0.0)),
        ..settings.clone()
    }
}

/// Plans the album's loudness under `project.settings` (its preset, target, ceiling) in album
/// mode with at most `max_spread_lu` between the loudest and the quietest track. `rendered[i]`:
/// track i rendered under this plan, when the caller has it (missing or `None`: estimated from the
/// source's PLR).
pub fn plan_headroom(
    project: &Project,
    tracks: &[Option<TrackAnalysis>],
    max_spread_lu: f64,
    rendered: &[Option<RenderedHeadroom>],
) -> HeadroomProposal {
    let settings = planned_settings(&project.settings, max_spread_lu);
    let loudest_target = (settings.preset == DeliveryPreset::Aes)
        .then(|| settings.preset.spec().album_loudest_lufs)
        .flatten();
    let source_lufs: Vec<Option<f64>> = tracks
        .iter()
        .map(|a| a.as_ref().and_then(|a| a.loudness.integrated_lufs))
        .collect();
    let nudges: Vec<f64> = project
        .tracks
        .iter()
        .map(|t| t.headroom.offset_lu)
        .collect();
    let plan = plan_loudness(&settings, loudest_target, &source_lufs, &nudges);
    let loudest = source_lufs
        .iter()
        .flatten()
        .copied()
        .fold(f64::NAN, f64::max);
    let quietest = source_lufs
        .iter()
        .flatten()
        .copied()
        .fold(f64::NAN, f64::min);
    let source_spread_lu = if loudest.is_finite() {
        loudest - quietest
    } else {
        0.0
    };
    let loudest_number = source_lufs
        .iter()
        .position(|l| *l == Some(loudest))
        .map_or(0, |i| i + 1);
    let narrowed = source_spread_lu > max_spread_lu;
    let loudest_lufs = loudest_target.unwrap_or(settings.target_lufs);
    let ceiling = settings.ceiling_dbtp;
    let plans = tracks
        .iter()
        .zip(&plan)
        .enumerate()
        .map(|(i, (a, p))| {
            let number = i + 1;
            let source = a.as_ref().and_then(|a| a.loudness.integrated_lufs);
            let tp = a.as_ref().and_then(|a| a.loudness.true_peak_dbtp);
            let (Some(source), Some(target)) = (source, p.target_lufs) else {
                return TrackHeadroomPlan {
                    number,
                    source_lufs: source,
                    source_true_peak_dbtp: tp,
                    target_lufs: None,
                    expected_lufs: source,
                    expected_true_peak_dbtp: tp,
                    gain_reduction_db: 0.0,
                    work: LimiterWork::None,
                    reason: format!("Track {number} has no measurable loudness → left as it is"),
                    warning: None,
                };
            };
            let max_gr = settings.max_gain_reduction_db;
            // A render with no loudness (it failed to measure) says nothing: the estimate stands.
            let measured = rendered
                .get(i)
                .copied()
                .flatten()
                .and_then(|m| Some((m, m.lufs?)));
            let plr = measured
                .and_then(|(m, _)| m.plr_db)
                .or(tp.map(|tp| tp - source));
            // (reduction, held back, expected loudness, expected true peak)
            let (gr, held_back, expected_lufs, expected_tp) = match measured {
                Some((m, lufs)) => (
                    m.held_back_db.unwrap_or(m.gain_reduction_db),
                    m.held_back_db.is_some(),
                    lufs,
                    m.true_peak_dbtp,
                ),
                None => {
                    let peak_after = plr.map(|plr| target + plr);
                    let gr = peak_after.map_or(0.0, |p| (p - ceiling).max(0.0));
                    let held = (gr - max_gr).max(0.0);
                    (
                        gr,
                        held > 0.0,
                        target - held,
                        peak_after.map(|p| (p - held).min(ceiling)),
                    )
                }
            };
            let work = if held_back {
                LimiterWork::HeldBack
            } else if gr <= 0.0 {
                LimiterWork::None
            } else if gr >= HEAVY_LIMITING_DB {
                LimiterWork::Heavy
            } else if gr >= LIGHT_LIMITING_DB {
                LimiterWork::Moderate
            } else {
                LimiterWork::Light
            };
            let reason =
                super::words::loudness_reason(
                    number,
                    loudest_number,
                    source - loudest,
                    p.offset_lu,
                    target,
                    narrowed.then_some(max_spread_lu),
                ) + &super::words::limiter_reason(gr, held_back, expected_lufs, plr, max_gr);
            let warning =
                super::words::limiter_warning(number, work, gr, target, expected_lufs, max_gr);
            TrackHeadroomPlan {
                number,
                source_lufs: Some(source),
                source_true_peak_dbtp: tp,
                target_lufs: Some(target),
                expected_lufs: Some(expected_lufs),
                expected_true_peak_dbtp: expected_tp,
                gain_reduction_db: gr,
                work,
                reason,
                warning,
            }
        })
        .collect();
    let already_planned = project.settings.loudness_mode == LoudnessMode::Album
        && (!narrowed
            || project
                .settings
                .album_spread_lu
                .is_some_and(|s| s <= max_spread_lu));
    HeadroomProposal {
        preset: settings.preset,
        loudest_lufs,
        ceiling_dbtp: ceiling,
        source_spread_lu,
        max_spread_lu,
        narrowed,
        accepted: !already_planned,
        tracks: plans,
        already_planned,
        rendered: rendered.iter().any(Option::is_some),
    }
}
