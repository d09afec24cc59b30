//! Writing accepted proposals into a project: a pure function, so the GUI can accept, reject and
//! undo each move by keeping the project before and after.
//!
//! A track with at least one accepted move gets a new tone EQ: its tilt, shelves, bells and match
//! curve are replaced by the accepted moves, each scaled by the album's amount times the track's
//! (gains in dB are scaled; the match curve's amount is set). Its input trim, stereo and headroom
//! settings are kept. Tracks with no accepted move, or at an amount of 0 %, are left exactly as
//! they were. An accepted headroom proposal sets album mode and the largest spread.

use super::fit::ToneMoveKind;
use super::headroom::planned_settings;
use super::AlbumProposal;
use crate::project::{Bell, MatchEq, Project, ToneSettings};

/// The project with the proposal's accepted moves written in. Pure.
pub fn apply(project: &Project, proposal: &AlbumProposal) -> Project {
    let mut out = project.clone();
    let album_amount = proposal.amount.clamp(0.0, 1.0);
    for tp in &proposal.tracks {
        let Some(track) = out.tracks.iter_mut().find(|t| t.id == tp.track_id) else {
            continue;
        };
        let accepted: Vec<ToneMoveKind> = tp
            .moves
            .iter()
            .filter(|m| m.accepted)
            .map(|m| m.kind.clone())
            .collect();
        let a = album_amount * tp.amount.clamp(0.0, 1.0);
        // At 0 % nothing is applied: the track keeps its own tone, not a flat EQ in its place.
        if accepted.is_empty() || a <= 0.0 {
            continue;
        }
        track.tone = tone_with(&track.tone, &accepted, a);
    }
    if writes_plan(proposal) {
        out.settings = planned_settings(&out.settings, proposal.headroom.max_spread_lu);
    }
    out
}

/// Whether [`apply`] writes the loudness plan's settings (else the project keeps its own).
pub fn writes_plan(proposal: &AlbumProposal) -> bool {
    proposal.headroom.accepted
}

/// `current` with its EQ replaced by `moves` scaled by `amount` (trim kept).
fn tone_with(current: &ToneSettings, moves: &[ToneMoveKind], amount: f64) -> ToneSettings {
    let neutral = ToneSettings::default();
    let mut tone = ToneSettings {
        input_trim_db: current.input_trim_db,
        ..neutral
    };
    // Round to 0.1 dB toward zero: what the user sees is what is stored, never above the bound.
    let scaled = |g: f64| (g * amount * 10.0).trunc() / 10.0;
    for m in moves {
        match *m {
            ToneMoveKind::Tilt { gain_db, pivot_hz } => {
                tone.tilt_db = scaled(gain_db);
                tone.tilt_pivot_hz = pivot_hz;
            }
            ToneMoveKind::LowShelf { freq_hz, gain_db } => {
                tone.low_shelf.freq_hz = freq_hz.round();
                tone.low_shelf.gain_db = scaled(gain_db);
            }
            ToneMoveKind::HighShelf { freq_hz, gain_db } => {
                tone.high_shelf.freq_hz = freq_hz.round();
                tone.high_shelf.gain_db = scaled(gain_db);
            }
            ToneMoveKind::Bell {
                freq_hz,
                gain_db,
                q,
            } if tone.bells.len() < 4 => {
                tone.bells.push(Bell {
                    freq_hz: freq_hz.round(),
                    gain_db: scaled(gain_db),
                    q,
                });
            }
            ToneMoveKind::Bell { .. } => {}
            ToneMoveKind::MatchCurve { max_db, ref points } => {
                // The curve is stored as proposed (100 %); the stage's amount scales it.
                tone.match_eq = MatchEq {
                    amount: amount.clamp(0.0, 1.0),
                    max_db,
                    curve: points.clone(),
                    ..MatchEq::default()
                };
            }
        }
    }
    tone
}
