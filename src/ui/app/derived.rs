//! What the desk derives from the project and the analyses: album statistics in the current
//! order, the mastering plan (the same `AlbumPlan` the export uses), each track's figures and
//! what the tone view draws. Recomputed after every edit; all of it is cheap (no I/O).

use super::{App, Message};
use crate::analysis::{album_stats, TrackAnalysis};
use crate::project::Document;
use crate::render::album::AlbumPlan;
use crate::ui::analysis;
use crate::ui::figures::{TrackFigures, TrackState};
use crate::ui::mastered_tone::TrackTone;
use crate::ui::tone_view::ToneInput;
use iced::Task;
use std::path::PathBuf;
use std::sync::Arc;

impl App {
    pub(crate) fn on_analysis(&mut self, generation: u64, event: analysis::Event) -> Task<Message> {
        if !self.job.is_current(generation) {
            return Task::none(); // a superseded or cancelled run
        }
        match event {
            analysis::Event::Progress(p) => {
                self.job.progress = Some((p.fraction, p.done, p.total));
                return Task::none();
            }
            analysis::Event::Finished(outcome) => {
                self.job.progress = None;
                self.analyses.clear();
                self.errors.clear();
                for (id, (analysis, error)) in self
                    .job_tracks
                    .iter()
                    .zip(outcome.tracks.iter().zip(&outcome.errors))
                {
                    if let Some(a) = analysis {
                        self.analyses.insert(*id, a.clone());
                    }
                    if let Some(e) = error {
                        self.errors.insert(*id, e.clone());
                    }
                }
                // Said once per file: a reference that already failed is not announced again
                // by every later run (each reference edit runs the analysis).
                let failed_before: Vec<super::ReferenceKey> = self
                    .reference_keys
                    .iter()
                    .zip(&self.references)
                    .filter(|(_, r)| r.is_err())
                    .map(|(k, _)| k.clone())
                    .collect();
                self.references = outcome.references.clone();
                self.reference_keys = std::mem::take(&mut self.job_references);
                let newly_failed: Vec<String> = self
                    .reference_keys
                    .iter()
                    .zip(&outcome.references)
                    .filter(|(k, _)| !failed_before.contains(k))
                    .filter_map(|(_, r)| r.as_ref().err().cloned())
                    .collect();
                for error in newly_failed {
                    let text = format!("{error} — the comparison leaves it out; check the file or remove the reference");
                    self.push_banner(text);
                }
            }
            analysis::Event::Stopped(reason) => {
                self.job.progress = None;
                self.push_banner(format!("Analysis: {reason}"));
            }
        }
        self.refresh();
        // New analyses (a reference added, say) change the plan the loaded masters play by.
        Task::batch([self.schedule_proofs(), self.follow_edit()])
    }

    /// What the last analysis made of reference `r` (`None`: it has not read that file yet).
    pub(crate) fn reference_analysis(
        &self,
        r: &crate::project::Reference,
    ) -> Option<Result<&TrackAnalysis, &String>> {
        self.analysis_of_reference(r.id, &r.source)
    }

    /// What the last analysis made of the reference with this id and source.
    pub(super) fn analysis_of_reference(
        &self,
        id: crate::project::TrackId,
        source: &std::path::Path,
    ) -> Option<Result<&TrackAnalysis, &String>> {
        let i = self
            .reference_keys
            .iter()
            .position(|(k, s)| *k == id && s == source)?;
        self.references.get(i).map(Result::as_ref)
    }

    /// Each of the project's references in its order: its file and its analysis when it has one.
    pub(super) fn reference_analyses(
        &self,
        document: &Document,
    ) -> Vec<(PathBuf, Option<TrackAnalysis>)> {
        document
            .project
            .references
            .iter()
            .map(|r| {
                let analysis = self.reference_analysis(r).and_then(|a| a.ok()).cloned();
                (document.source_path(&r.source), analysis)
            })
            .collect()
    }

    /// The weighted average of the project's references that were read, with the weights the
    /// project holds now (a weight edit needs no new analysis).
    fn refresh_references_average(&mut self) {
        self.references_average = self.document.as_ref().and_then(|document| {
            let weighted: Vec<(&TrackAnalysis, f64)> = document
                .project
                .references
                .iter()
                .filter_map(|r| Some((self.reference_analysis(r)?.ok()?, r.weight)))
                .collect();
            (!weighted.is_empty()).then(|| crate::analysis::references_average(&weighted))
        });
    }

    fn refresh_reference_statuses(&mut self) {
        use crate::ui::album::ReferenceStatus;
        let Some(document) = &self.document else {
            self.reference_statuses.clear();
            return;
        };
        let plays = self.played_reference().map(|(index, _)| index);
        self.reference_statuses = document
            .project
            .references
            .iter()
            .enumerate()
            .map(|(i, r)| match self.reference_analysis(r) {
                None => ReferenceStatus::Analysing,
                Some(Ok(a)) => ReferenceStatus::Read {
                    lufs: a.loudness.integrated_lufs,
                    plays: plays == Some(i),
                },
                Some(Err(why)) => ReferenceStatus::Failed(why.clone()),
            })
            .collect();
    }

    /// Re-checks which source files exist (after load, add, relocate).
    pub(crate) fn check_missing(&mut self) {
        let Some(document) = &self.document else {
            return;
        };
        self.missing = document
            .project
            .tracks
            .iter()
            .map(|t| (t.id, document.is_missing(t)))
            .collect();
    }

    /// Recomputes everything derived from the project and the analyses.
    pub(crate) fn refresh(&mut self) {
        self.refresh_references_average();
        self.refresh_reference_statuses();
        self.refresh_plan();
        self.refresh_figures();
        if let Some(document) = &self.document {
            self.assist.set_project(&document.project);
        }
        self.refresh_tone();
        let (loudness, duration_s) = self.playing_loudness();
        let points = loudness.len();
        let track = self.playback.current_track().or(self.selected).map(|t| t.0);
        self.transport.refresh(track, points, duration_s);
    }

    /// Hands the tone view the selected track (and the assistant's proposal for it).
    pub(crate) fn refresh_tone(&mut self) {
        match self.tone_input() {
            Ok(input) => self.tone_view.set(input),
            Err(note) => self.tone_view.set_note(note),
        }
    }

    fn refresh_plan(&mut self) {
        self.stats = None;
        self.plan = None;
        let Some(document) = &self.document else {
            return;
        };
        // Only analysed tracks can be mastered; the plan covers them in album order.
        let playable: Vec<usize> = document
            .project
            .tracks
            .iter()
            .enumerate()
            .filter(|(_, t)| self.analyses.contains_key(&t.id))
            .map(|(i, _)| i)
            .collect();
        if playable.is_empty() {
            return;
        }
        let all: Vec<Option<&_>> = document
            .project
            .tracks
            .iter()
            .map(|t| self.analyses.get(&t.id))
            .collect();
        self.stats = Some(album_stats(&all));
        let mut sub = document.clone();
        sub.project.tracks = playable
            .iter()
            .map(|&i| document.project.tracks[i].clone())
            .collect();
        let sources = sub
            .project
            .tracks
            .iter()
            .map(|t| document.source_path(&t.source))
            .collect();
        let analyses = sub
            .project
            .tracks
            .iter()
            .map(|t| self.analyses[&t.id].clone())
            .collect();
        let references = self.reference_analyses(document);
        let plan =
            AlbumPlan::from_analyses(&sub, &sub.project.settings, sources, analyses, references);
        self.plan = Some((Arc::new(sub), Arc::new(plan)));
    }

    fn refresh_figures(&mut self) {
        let Some(document) = &self.document else {
            self.figures.clear();
            return;
        };
        let plan = self.plan.as_ref();
        let mastered = match &self.stats {
            Some(stats) => {
                let tracks: Vec<TrackTone> = document
                    .project
                    .tracks
                    .iter()
                    .map(|t| TrackTone {
                        id: t.id,
                        tone: &t.tone,
                        analysis: self.analyses.get(&t.id),
                    })
                    .collect();
                self.mastered_tone.deviations(
                    &tracks,
                    &stats.average,
                    self.references_average.as_ref(),
                )
            }
            None => Vec::new(),
        };
        self.figures = document
            .project
            .tracks
            .iter()
            .enumerate()
            .map(|(index, track)| {
                let state = if self.is_missing(track.id) {
                    TrackState::Missing
                } else if let Some(error) = self.errors.get(&track.id) {
                    TrackState::Unreadable(error.clone())
                } else if self.analyses.contains_key(&track.id) {
                    TrackState::Ready
                } else {
                    TrackState::Analysing
                };
                let Some(analysis) = self.analyses.get(&track.id) else {
                    return TrackFigures::empty(state);
                };
                let planned = plan.and_then(|(doc, plan)| {
                    let i = doc.project.tracks.iter().position(|t| t.id == track.id)?;
                    plan.targets[i].target_lufs
                });
                let stamp = self.proof_stamp(track.id);
                let proof = stamp.and_then(|s| self.proofs.current(track.id, &s).cloned());
                let proof = proof.as_ref();
                let deviation_db = self
                    .stats
                    .as_ref()
                    .and_then(|s| s.tonal_deviation_db.get(index).copied().flatten());
                let loudness = &analysis.loudness;
                TrackFigures {
                    state,
                    duration_s: Some(analysis.duration_s),
                    source_lufs: loudness.integrated_lufs,
                    source_true_peak_dbtp: loudness.true_peak_dbtp,
                    source_lra_lu: analysis.defined_lra_lu(),
                    mastered_lufs: proof.map_or(planned, |p| p.mastered_lufs),
                    mastered_true_peak_dbtp: proof.and_then(|p| p.true_peak_dbtp),
                    gain_reduction_db: proof.map(|p| p.peak_gain_reduction_db),
                    held_back: proof.is_some_and(|p| p.held_back),
                    measured: proof.is_some(),
                    deviation_db,
                    mastered_deviation_db: mastered.get(index).copied().flatten(),
                    notices: analysis.notices.clone(),
                }
            })
            .collect();
    }

    /// What the tone view shows for the selected track, or the sentence that says why not.
    pub(crate) fn tone_input(&self) -> Result<ToneInput, String> {
        let Some(document) = &self.document else {
            return Err("No project open".into());
        };
        let Some(index) = self.selected_index() else {
            return Err("Select a track to see its spectral balance".into());
        };
        let track = &document.project.tracks[index];
        if self.is_missing(track.id) {
            return Err(format!("“{}”: file missing", track.title));
        }
        if let Some(error) = self.errors.get(&track.id) {
            return Err(format!("“{}”: {error}", track.title));
        }
        let (Some(analysis), Some(stats)) = (self.analyses.get(&track.id), &self.stats) else {
            return Err(if self.job.is_running() {
                "Analysing…".into()
            } else {
                "Not analysed".into()
            });
        };
        if analysis.spectrum.mid_db.is_empty() || stats.average.mid_db.is_empty() {
            return Err("No spectrum for this track (silent or too short)".into());
        }
        Ok(ToneInput {
            track: track.id,
            title: track.title.clone(),
            analysis: analysis.clone(),
            album: stats.average.clone(),
            references: self.references_average.clone(),
            tone: track.tone.clone(),
            proposed: self.assist.proposed_tone(track.id).cloned(),
            corridor: self
                .assist
                .corridor()
                .filter(|(lo, _)| lo.len() == analysis.spectrum.mid_db.len()),
        })
    }

    /// The short-term loudness of the track at the playhead (or the selected one) and its length.
    pub(crate) fn playing_loudness(&self) -> (&[Option<f32>], f64) {
        let id = self.playback.current_track().or(self.selected);
        match id.and_then(|id| self.analyses.get(&id)) {
            Some(a) => (&a.loudness.short_term_lufs, a.duration_s),
            None => (&[], 0.0),
        }
    }

    /// The document the plan was made for (tracks with an analysis).
    pub(crate) fn planned(&self) -> Option<(&Arc<Document>, &Arc<AlbumPlan>)> {
        self.plan.as_ref().map(|(d, p)| (d, p))
    }
}
