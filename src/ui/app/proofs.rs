//! "Proofs": each track's master is rendered in the background (one at a time, the selected
//! track first, once edits settle) so the album panel shows measured loudness, true peak and
//! gain reduction instead of the plan. A proof stays current while its stamp (what determines
//! the master) matches.

use super::{background, App, Message};
use crate::player;
use crate::project::TrackId;
use iced::Task;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Quiet time after an edit before proofs are rendered again.
const PROOF_AFTER: Duration = Duration::from_millis(1500);

/// A track's master as rendered in the background.
#[derive(Debug, Clone, PartialEq)]
pub struct Proof {
    pub mastered_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
    pub peak_gain_reduction_db: f64,
    pub held_back: bool,
}

/// Measured masters, each with the settings it was rendered with (`stamp`).
#[derive(Debug, Default)]
pub struct Proofs {
    done: HashMap<TrackId, (String, Proof)>,
    running: Option<(TrackId, String)>,
    generation: u64,
    /// Start rendering no earlier than this (after edits settle).
    due_at: Option<Instant>,
}

impl Proofs {
    /// The proof of `track` if it was rendered with the current settings.
    pub fn current(&self, track: TrackId, stamp: &str) -> Option<&Proof> {
        self.done
            .get(&track)
            .filter(|(s, _)| s == stamp)
            .map(|(_, p)| p)
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some() || self.due_at.is_some()
    }

    /// Called after an edit: wait until edits settle before rendering again (stale proofs are
    /// recognised by their stamps).
    pub fn settle(&mut self) {
        self.due_at = Some(Instant::now() + PROOF_AFTER);
    }
}

impl App {
    /// What determines a track's master: its settings, its planned target and the album's
    /// headroom settings. A proof is current while its stamp matches.
    pub(crate) fn proof_stamp(&self, track: TrackId) -> Option<String> {
        let (doc, plan) = self.planned()?;
        let i = doc.project.tracks.iter().position(|t| t.id == track)?;
        let t = &doc.project.tracks[i];
        let s = &plan.settings;
        Some(format!(
            "{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}",
            t.tone,
            t.stereo,
            plan.targets[i].target_lufs,
            (s.ceiling_dbtp, s.max_gain_reduction_db),
            t.fade_in_s,
            t.fade_out_s,
            s.limiter,
            s.export.sample_rate_hz,
            (t.tone.match_eq.amount > 0.0).then_some(&plan.album_average.mid_db),
            // The references reach a master only through a match aiming at them: a weight
            // changed or a reference added must not send every other master back to "≈".
            plan.references_average
                .as_ref()
                .filter(|_| t.tone.match_eq.amount > 0.0
                    && t.tone.match_eq.target != crate::project::MatchTarget::AlbumAverage)
                .map(|r| &r.mid_db),
        ))
    }

    /// Starts the next due proof render, if any (selected track first).
    pub(crate) fn schedule_proofs(&mut self) -> Task<Message> {
        if self.proofs.running.is_some() {
            return Task::none();
        }
        if let Some(due) = self.proofs.due_at {
            if Instant::now() < due {
                return Task::none();
            }
            self.proofs.due_at = None;
        }
        let Some((doc, plan)) = self.planned().map(|(d, p)| (d.clone(), p.clone())) else {
            return Task::none();
        };
        let mut order: Vec<TrackId> = doc.project.tracks.iter().map(|t| t.id).collect();
        if let Some(selected) = self.selected {
            order.retain(|t| *t != selected);
            order.insert(0, selected);
        }
        let next = order.into_iter().find_map(|id| {
            let stamp = self.proof_stamp(id)?;
            self.proofs
                .current(id, &stamp)
                .is_none()
                .then_some((id, stamp))
        });
        let Some((track, stamp)) = next else {
            return Task::none();
        };
        let Some(index) = doc.project.tracks.iter().position(|t| t.id == track) else {
            return Task::none();
        };
        self.proofs.generation += 1;
        self.proofs.running = Some((track, stamp));
        let generation = self.proofs.generation;
        let rate_hz = plan
            .settings
            .export
            .sample_rate_hz
            .unwrap_or(plan.analyses[index].sample_rate_hz);
        background("render", move || {
            let live = player::prepare_live(&doc, &plan, track.0, rate_hz)?;
            Ok(Proof {
                mastered_lufs: live.mastered_lufs,
                true_peak_dbtp: live.mastered_true_peak_dbtp,
                peak_gain_reduction_db: live.peak_gain_reduction_db,
                held_back: live.held_back,
            })
        })
        .map(move |result| Message::Proofed {
            generation,
            track,
            result,
        })
    }

    pub(crate) fn on_proofed(
        &mut self,
        generation: u64,
        track: TrackId,
        result: Result<Proof, String>,
    ) -> Task<Message> {
        if generation != self.proofs.generation {
            return Task::none();
        }
        let Some((_, stamp)) = self.proofs.running.take() else {
            return Task::none();
        };
        match result {
            Ok(proof) => {
                self.proofs.done.insert(track, (stamp, proof));
                self.refresh();
            }
            // The analysis already reported unreadable files; a failed proof keeps the plan's
            // figures and is not retried until the settings change.
            Err(_) => {
                let failed = Proof {
                    mastered_lufs: None,
                    true_peak_dbtp: None,
                    peak_gain_reduction_db: 0.0,
                    held_back: false,
                };
                self.proofs.done.insert(track, (stamp, failed));
            }
        }
        self.schedule_proofs()
    }
}
