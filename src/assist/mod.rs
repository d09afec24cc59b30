//! The album assistant: proposals of tone and headroom for the whole album at once, each move with
//! its reason in words, an amount per track and for the album, and `apply` into a project.
//!
//! - [`propose`] fits tone moves per track toward a target (album average, references, a built-in
//!   curve, or a blend) and plans the album's loudness; [`apply`] writes the accepted moves into a
//!   copy of the project. Both are pure: the caller analyses the files and saves the result.
//! - [`platforms`] previews what each streaming service's normalisation does to each track.
//! - [`curves`] holds the built-in reference curves of `assets/references/`.

pub mod apply;
pub mod curves;
pub mod fit;
pub mod headroom;
pub mod platforms;
mod propose;
pub mod residual;
mod translation;
mod words;

pub use apply::{apply, writes_plan};
pub use curves::{built_in, ReferenceCurve, DEFAULT_CURVE};
pub use fit::ToneMoveKind;
pub use headroom::{HeadroomProposal, LimiterWork, RenderedHeadroom, TrackHeadroomPlan};
pub use platforms::{platform_gain_db, GainReason, Platform};
pub use propose::propose;
pub use translation::{translation_of_rendered, with_rendered_headroom};

use crate::analysis::TrackAnalysis;
use crate::project::{MatchTarget, Project, TrackId};
use serde::{Deserialize, Serialize};

/// The narrowest features a match curve may be given, octaves between half-gain points.
pub const NARROWEST_BANDS_OCT: [f64; 2] = [0.5, 1.0];

/// Half the width, in 1/6-octave bands, of the triangle that smooths a match curve whose
/// narrowest feature is `narrowest_oct` wide: a triangle's half-height width is its half span.
pub fn curve_half_span_bands(narrowest_oct: f64) -> usize {
    (6.0 * narrowest_oct).round().clamp(1.0, 12.0) as usize
}

/// A narrowest feature in words: "½ octave", "1 octave".
pub fn narrowest_words(narrowest_oct: f64) -> &'static str {
    if narrowest_oct < 1.0 {
        "½ octave"
    } else {
        "1 octave"
    }
}

/// "an octave", "two octaves": the span of that smoothing triangle, in words.
pub fn curve_span_words(half_span_bands: usize) -> String {
    match half_span_bands {
        3 => "an octave".into(),
        6 => "two octaves".into(),
        n => format!("{:.1} octaves", n as f64 / 3.0),
    }
}

/// What the assistant aims at and how far it may go.
#[derive(Debug, Clone, PartialEq)]
pub struct AssistOptions {
    /// Album average, references, or a blend of both.
    pub target: MatchTarget,
    /// With `Blend`: 0 = album average, 1 = references.
    pub blend: f64,
    /// Global amount of every tone move, 0..=1 (scales gains; the match curve's amount).
    pub amount: f64,
    /// No single move's own response may exceed ± this anywhere, dB.
    pub max_move_db: f64,
    /// A track whose broad balance (deviation from the target smoothed over one octave, level
    /// removed) stays within ± this everywhere in 40 Hz–16 kHz gets no move, dB.
    pub tolerance_db: f64,
    /// Once moving, moves are added until the deviation left (RMS, level removed) is at or below
    /// this, or no further move helps, dB.
    pub goal_db: f64,
    /// Most bells per track (each one octave or wider).
    pub max_bells: usize,
    /// Whether a stored match curve may follow the broad moves where they cannot reach the tolerance.
    pub allow_match_curve: bool,
    /// The narrowest feature a match curve may have, octaves between its half-gain points:
    /// [`NARROWEST_BANDS_OCT`] offers ½ (the default: the curve is smoothed over an octave, and
    /// follows balance down to half an octave) and 1 (smoothed over two octaves: nothing narrower
    /// than the widest bell, the strict reading of "no band narrower than one octave").
    pub narrowest_band_oct: f64,
    /// Album mode: the largest loudness spread kept between tracks, LU.
    pub max_spread_lu: f64,
}

impl Default for AssistOptions {
    fn default() -> Self {
        Self {
            target: MatchTarget::AlbumAverage,
            blend: 0.5,
            amount: 1.0,
            max_move_db: 3.0,
            narrowest_band_oct: NARROWEST_BANDS_OCT[0],
            tolerance_db: 1.0,
            goal_db: 0.5,
            max_bells: 2,
            allow_match_curve: true,
            max_spread_lu: 6.0,
        }
    }
}

/// What the assistant works from: the project and the analyses the caller made.
#[derive(Debug, Clone, Copy)]
pub struct AssistInput<'a> {
    /// The album.
    pub project: &'a Project,
    /// Analysis of each track's source, in album order (`None`: not analysable).
    pub tracks: &'a [Option<TrackAnalysis>],
    /// Analyses of the project's references with their weights.
    pub references: &'a [(TrackAnalysis, f64)],
    /// A built-in or loaded reference curve, used as "the references" when there are no reference tracks.
    pub curve: Option<&'a ReferenceCurve>,
}

/// One proposed tone move, its reason, and whether the user accepts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToneMove {
    /// The move at full amount.
    pub kind: ToneMoveKind,
    /// Why, in words ("Track 3 is 2.4 dB darker than the album above 5 kHz → +1.5 dB high shelf at 6 kHz").
    pub reason: String,
    /// Whether `apply` writes it (all are accepted when proposed).
    pub accepted: bool,
}

/// The tone proposal of one track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackProposal {
    /// The track it is for.
    pub track_id: TrackId,
    /// Album position, 1-based.
    pub number: usize,
    /// The track's title.
    pub title: String,
    /// Moves, most useful first; empty when the track is already close (or has no analysis).
    pub moves: Vec<ToneMove>,
    /// This track's amount, 0..=1, multiplied with the album's.
    pub amount: f64,
    /// Tonal deviation from the target before the moves, dB RMS over 40 Hz–16 kHz, level removed.
    pub deviation_db: Option<f64>,
    /// The same after all moves at full amount, as the chain's responses predict it.
    pub predicted_deviation_db: Option<f64>,
    /// The verdict in words (no move, which moves, or why there is no proposal).
    pub summary: String,
    /// The track already has tone settings that accepting a move replaces.
    pub replaces_settings: bool,
    /// What the track's balance needs to reach the target: target − source per band of the
    /// target curve's `bands_hz`, dB (empty without an analysis). With [`deviation_after`], the
    /// deviation the moves leave as the user ticks and scales them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wanted_db: Vec<f64>,
}

/// The tonal deviation (dB RMS over 40 Hz–16 kHz, level removed) a track is left with when the
/// EQ whose response is `response_db` (on the same bands as `wanted_db`) is applied: the figure
/// of [`TrackProposal::predicted_deviation_db`] for any ticks and amounts. `None` without `wanted_db`.
pub fn deviation_after(wanted_db: &[f64], bands_hz: &[f64], response_db: &[f64]) -> Option<f64> {
    if wanted_db.is_empty()
        || wanted_db.len() != bands_hz.len()
        || response_db.len() != bands_hz.len()
    {
        return None;
    }
    let (lo, hi) = crate::analysis::album::TONAL_DEVIATION_RANGE_HZ;
    let mask: Vec<bool> = bands_hz.iter().map(|f| (lo..=hi).contains(f)).collect();
    let left: Vec<f64> = wanted_db
        .iter()
        .zip(response_db)
        .map(|(w, r)| w - r)
        .collect();
    Some(fit::centered_rms(&left, &mask))
}

/// The curve the tone moves aim at (the fixed point of the album average, see [`propose`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetCurve {
    /// What it is, in words.
    pub label: String,
    /// Band centres, Hz.
    pub bands_hz: Vec<f64>,
    /// Target level per band, dB relative to loudness (or the curve's own offset).
    pub mid_db: Vec<f64>,
    /// A corridor around it, when the target is a reference curve.
    pub corridor_db: Option<(Vec<f64>, Vec<f64>)>,
}

impl TargetCurve {
    /// What the proposal's deviation figures are measured against, in words: the album part of a
    /// target is the album as it will be after the moves, not the sources' average the desk's
    /// and `lathe analyze`'s tone figures use.
    pub fn measured_against(&self) -> &'static str {
        if self.label == "the album average" {
            "the album as it will be after the moves"
        } else if self.label.starts_with("a blend") {
            "this blend, whose album part is the album as it will be after the moves"
        } else {
            "this target"
        }
    }
}

/// One track's fate on one platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformGain {
    /// The platform.
    pub platform: Platform,
    /// Playback gain the platform applies, dB.
    pub gain_db: f64,
    /// Why.
    pub reason: GainReason,
}

/// What normalisation does to one exported track on every platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackTranslation {
    /// Album position, 1-based.
    pub number: usize,
    /// Expected integrated loudness of the exported file, LUFS.
    pub exported_lufs: Option<f64>,
    /// Expected true peak of the exported file, dBTP.
    pub exported_true_peak_dbtp: Option<f64>,
    /// One entry per platform, in [`Platform::ALL`] order.
    pub platforms: Vec<PlatformGain>,
}

fn default_narrowest_band_oct() -> f64 {
    NARROWEST_BANDS_OCT[0]
}

/// Everything the assistant proposes for the album.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlbumProposal {
    /// The album's amount for every tone move, 0..=1.
    pub amount: f64,
    /// The bound each move respects, dB.
    pub max_move_db: f64,
    /// The deviation below which a track gets no move, dB.
    pub tolerance_db: f64,
    /// The narrowest feature a match curve was given, octaves between half-gain points.
    #[serde(default = "default_narrowest_band_oct")]
    pub narrowest_band_oct: f64,
    /// The target of the tone moves.
    pub target: TargetCurve,
    /// How many passes the album-average target took to settle.
    pub target_passes: usize,
    /// One per project track, in album order.
    pub tracks: Vec<TrackProposal>,
    /// The loudness plan.
    pub headroom: HeadroomProposal,
    /// What each platform will do to each exported track.
    pub translation: Vec<TrackTranslation>,
}

/// Why the assistant cannot propose.
#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    /// The project has no tracks.
    #[error("the project has no tracks to assist")]
    NoTracks,
    /// The analyses do not match the project's tracks.
    #[error("{analyses} analyses for {tracks} tracks")]
    TrackCountMismatch { tracks: usize, analyses: usize },
    /// No track could be analysed, so there is no album to compare with.
    #[error("no track has a spectrum (all silent or unreadable) — check the sources with `lathe analyze`")]
    NoAnalysis,
    /// References asked for, none available.
    #[error("the target needs references: add reference tracks to the project or choose a built-in curve")]
    NoReferences,
    /// No built-in curve of that name.
    #[error("no built-in reference curve \"{name}\" — choose one of {known}")]
    UnknownCurve { name: String, known: String },
    /// A curve file that does not parse or is inconsistent.
    #[error("reference curve \"{name}\": {message}")]
    BadCurve { name: String, message: String },
}
