//! The desk's side of playback:
//! - the transport's messages become engine programs (track, album, transition), seeks, loops
//!   and monitor switches; tracks load through a provider that masters them as the export does;
//! - an edit is heard at once: the new settings go to the engine with the gain corrected by a
//!   spectral prediction (`player::live`), and a re-solve a moment later replaces it with the
//!   export's exact gain;
//! - "As on …": every track source the engine plays carries the platform's normalisation gain
//!   (`player::as_on`, the same rule as `lathe play --as`), recomputed whenever its loudness
//!   changes; the original and the reference follow the master's loudness, so A/B stays matched.
//!
//! The background renders of each master ("proofs") are in `proofs.rs`.

use super::{background, App, Message};
use crate::assist::Platform;
use crate::dsp::MatchKernel;
use crate::engine::{
    EngineEvent, LoadJob, Monitor, PlayPosition, Program, Provider, SourceKey, SourceSettings,
};
use crate::player::{self, live::predicted_loudness_change_db, REFERENCE_KEY_BASE};
use crate::project::{Document, TrackId};
use crate::render::album::AlbumPlan;
use crate::ui::transport::{self, Mode};
use iced::Task;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Quiet time after the last edit before the exact gain is re-solved (a drag is not re-rendered
/// at every step).
const RESOLVE_AFTER: Duration = Duration::from_millis(400);

/// What the engine is playing with, per track key: the settings and the match curve the
/// provider (or the last live edit) gave it. Written by the loader thread, read here.
type Sent = Arc<Mutex<HashMap<SourceKey, (SourceSettings, Option<Vec<f64>>)>>>;

/// Playback as the desk sees it.
#[derive(Default)]
pub struct Playback {
    pub mode: Mode,
    pub monitor: Monitor,
    /// Monitor to return to when the reference is toggled off.
    before_reference: Monitor,
    pub position: PlayPosition,
    pub loop_region: Option<(f64, f64)>,
    /// The platform whose loudness normalisation playback applies (`None`: as exported).
    pub platform: Option<Platform>,
    /// A program has been set (Play was pressed at least once since the last stop).
    started: bool,
    pub(super) sent: Sent,
    /// The track whose exact gain must be re-solved, and when it was last edited.
    resolve: Option<(TrackId, Instant)>,
    resolve_generation: u64,
}

impl Playback {
    /// Whether anything moves (the tick runs).
    pub fn is_busy(&self) -> bool {
        self.position.playing || self.position.waiting || self.resolve.is_some()
    }

    /// The track at the playhead.
    pub fn current_track(&self) -> Option<TrackId> {
        self.position
            .key
            .filter(|k| *k < REFERENCE_KEY_BASE)
            .map(TrackId)
    }
}

impl App {
    /// A provider that masters tracks (and prepares references) as the export does, and
    /// remembers what it gave the engine for live edits.
    pub(super) fn provider(&self, rate_hz: u32) -> Option<Provider> {
        let (doc, plan) = self.planned().map(|(d, p)| (d.clone(), p.clone()))?;
        let sent = self.playback.sent.clone();
        let platform = self.playback.platform;
        Some(Arc::new(move |key| -> LoadJob {
            let (doc, plan, sent) = (doc.clone(), plan.clone(), sent.clone());
            Box::new(move || {
                let mut source = player::prepare(&doc, &plan, key, rate_hz)?;
                if key < REFERENCE_KEY_BASE {
                    source.settings = player::as_on(source.settings, platform).0;
                }
                let curve = curve_of(&doc, &plan, key);
                if let Ok(mut sent) = sent.lock() {
                    sent.insert(key, (source.settings, curve));
                }
                Ok(source)
            })
        }))
    }

    pub(crate) fn transport_message(&mut self, message: transport::Message) -> Task<Message> {
        use transport::Message as T;
        // The engine reports a pause or stop on its next callback; until then the desk must not
        // think it still plays (Space right after would pause instead of playing).
        let mut halted = false;
        match message {
            T::PlayPause => {
                let selected = self.selected;
                let here = self.playback.current_track();
                if self.playback.position.playing {
                    self.engine.pause();
                    halted = true;
                } else if self.playback.started && (here == selected || here.is_none()) {
                    self.engine.play();
                } else {
                    self.start(Mode::Track);
                }
            }
            T::Stop => {
                self.engine.stop();
                self.playback.started = false;
                halted = true;
            }
            T::PlayAlbum => self.start(Mode::Album),
            T::Transition => self.start(Mode::Transition),
            T::Previous | T::Next => {
                let step = if message == T::Next { 1 } else { -1 };
                if self.playback.started && self.playback.mode == Mode::Album {
                    self.engine.skip_tracks(step);
                } else {
                    self.select_step(step);
                    if self.playback.started {
                        self.start(Mode::Track);
                    }
                }
            }
            T::Seek(seconds) => self.engine.seek(seconds),
            T::SeekBy(delta) => {
                let p = self.engine.position();
                self.engine.seek((p.position_s + delta).max(0.0));
            }
            T::SetLoop(region) => {
                self.playback.loop_region = region;
                self.engine.set_loop(region);
            }
            T::Monitor(monitor) => self.set_monitor(monitor),
            T::PlayAs(platform) => self.set_platform(platform),
            T::ToggleOriginal => {
                let next = match self.playback.monitor {
                    Monitor::Original => Monitor::Mastered,
                    _ => Monitor::Original,
                };
                self.set_monitor(next);
            }
            T::ToggleReference => {
                let next = match self.playback.monitor {
                    Monitor::Reference => self.playback.before_reference,
                    other => {
                        self.playback.before_reference = other;
                        Monitor::Reference
                    }
                };
                self.set_monitor(next);
            }
        }
        self.playback.position = self.engine.position();
        if halted {
            self.playback.position.playing = false;
            self.playback.position.waiting = false;
        }
        Task::none()
    }

    /// The reference Reference plays: the one chosen in the album panel, else the first; its
    /// index in the project's list and its key.
    pub(super) fn played_reference(&self) -> Option<(usize, super::ReferenceKey)> {
        let keys = super::reference_keys(&self.document.as_ref()?.project);
        let index = self
            .reference_chosen
            .as_ref()
            .and_then(|chosen| keys.iter().position(|k| k == chosen))
            .unwrap_or(0);
        let key = keys.into_iter().nth(index)?;
        Some((index, key))
    }

    /// After an edit of the references or a new choice: when the reference the engine holds is
    /// no longer the one to play, it is let go (and the new one loaded if Reference is on).
    pub(super) fn follow_references(&mut self) {
        let Some((key, loaded)) = self.reference_loaded.clone() else {
            return;
        };
        let wanted = self.played_reference();
        if wanted
            .as_ref()
            .is_some_and(|(index, k)| *k == loaded && player::reference_key(*index) == key)
        {
            return;
        }
        self.engine.unload(key);
        self.reference_loaded = None;
        if self.playback.monitor == Monitor::Reference {
            self.set_monitor(Monitor::Reference);
        }
    }

    fn set_monitor(&mut self, monitor: Monitor) {
        if monitor == Monitor::Reference {
            let played = self.played_reference();
            let readable = played.as_ref().is_some_and(|(_, (id, source))| {
                self.analysis_of_reference(*id, source)
                    .is_some_and(|a| a.is_ok())
            });
            let Some(rate) = self.engine.output_rate_hz() else {
                return;
            };
            let Some((index, loaded)) = played.filter(|_| readable) else {
                self.push_banner(
                    "No reference to compare with — add a reference track under the sequence (or check that its file reads)."
                        .into(),
                );
                // Never left on a monitor with nothing to play.
                if self.playback.monitor == Monitor::Reference {
                    let back = self.playback.before_reference;
                    self.playback.monitor = back;
                    self.engine.set_monitor(back);
                }
                return;
            };
            let key = player::reference_key(index);
            if !self.engine.resident().contains(&key) {
                if let Some(provider) = self.provider(rate) {
                    self.engine.request(key, provider(key));
                    self.reference_loaded = Some((key, loaded));
                }
            }
            self.engine.set_reference(Some(key));
        }
        self.playback.monitor = monitor;
        self.engine.set_monitor(monitor);
    }

    /// Makes `reference` the one Reference plays, and plays it (as R does) when audio is on.
    pub(super) fn choose_reference(&mut self, reference: crate::project::TrackId) {
        self.reference_chosen = self.document.as_ref().and_then(|d| {
            super::reference_keys(&d.project)
                .into_iter()
                .find(|(id, _)| *id == reference)
        });
        self.follow_references();
        if self.playback.monitor != Monitor::Reference && self.engine.output_rate_hz().is_some() {
            self.playback.before_reference = self.playback.monitor;
            self.set_monitor(Monitor::Reference);
        }
        self.refresh();
    }

    /// Plays the selected track alone, the album from it, or its transition to the next.
    fn start(&mut self, mode: Mode) {
        let (Some(rate), Some(selected)) = (self.engine.output_rate_hz(), self.selected) else {
            return;
        };
        let Some((doc, _)) = self.planned().map(|(d, p)| (d.clone(), p.clone())) else {
            self.push_banner("Nothing to play yet: the analysis of this track has not finished (or the file is missing or unreadable).".into());
            return;
        };
        let Some(index) = doc.project.tracks.iter().position(|t| t.id == selected) else {
            let title = self.document.as_ref().and_then(|d| {
                d.project
                    .tracks
                    .iter()
                    .find(|t| t.id == selected)
                    .map(|t| t.title.clone())
            });
            self.push_banner(format!(
                "“{}” cannot be played: its file is missing or unreadable — locate it in the album panel.",
                title.unwrap_or_default()
            ));
            return;
        };
        let program = match mode {
            Mode::Track => Program::single(selected.0),
            Mode::Album => player::album_program(&doc, rate),
            Mode::Transition => match player::transition_program(&doc, index, 8.0, rate) {
                Some(p) => p,
                None => return,
            },
        };
        let provider = self.provider(rate);
        self.engine.set_program(program, provider);
        if mode == Mode::Album {
            let segment = program.segments().iter().position(
                |s| matches!(s, crate::engine::Segment::Track { key, .. } if *key == selected.0),
            );
            if let Some(segment) = segment {
                self.engine.seek_to(segment, 0.0);
            }
        }
        if let Some(region) = self.playback.loop_region.filter(|_| mode == Mode::Track) {
            self.engine.set_loop(Some(region));
        }
        self.engine.set_monitor(self.playback.monitor);
        self.engine.reset_meters();
        self.engine.play();
        self.playback.mode = mode;
        self.playback.started = true;
    }

    /// Points the engine's provider at the current settings, so later loads follow them, and
    /// returns the tracks already loaded (references excluded), whose settings the caller
    /// changes at once.
    pub(super) fn reprovide(&mut self, rate_hz: u32) -> Vec<SourceKey> {
        if let Some(provider) = self.provider(rate_hz) {
            self.engine.set_provider(provider);
        }
        self.engine
            .resident()
            .into_iter()
            .filter(|k| *k < REFERENCE_KEY_BASE)
            .collect()
    }

    /// After an edit: later loads use the new settings; loaded tracks hear it at once (predicted
    /// gain), and the playing one is re-solved exactly once edits settle.
    pub(crate) fn follow_edit(&mut self) -> Task<Message> {
        let Some(rate) = self.engine.output_rate_hz() else {
            return Task::none();
        };
        let resident = self.reprovide(rate);
        let Some((doc, plan)) = self.planned().map(|(d, p)| (d.clone(), p.clone())) else {
            return Task::none();
        };
        for key in resident {
            let Some(index) = doc.project.tracks.iter().position(|t| t.id.0 == key) else {
                continue;
            };
            let Ok(mut sent) = self.playback.sent.lock() else {
                continue;
            };
            let Some((old, old_curve)) = sent.get(&key).cloned() else {
                continue;
            };
            let job = plan.track_job(&doc, index, rate);
            let new_curve = job.match_curve.as_ref().map(|(g, _)| g.clone());
            let analysis = &plan.analyses[index];
            let change_db = predicted_loudness_change_db(
                &analysis.spectrum,
                (&old.params, old_curve.as_deref()),
                (&job.params, new_curve.as_deref()),
            );
            let target_change = match (job.target_lufs, old.mastered_lufs) {
                (Some(new), Some(old)) => new - old,
                _ => 0.0,
            };
            let mut params = job.params;
            params.gain_db = old.params.gain_db - change_db + target_change;
            let settings = SourceSettings {
                params,
                mastered_lufs: job.target_lufs.or(old.mastered_lufs),
                fade_in_s: job.fade_in_s,
                fade_out_s: job.fade_out_s,
                ..old
            };
            // A new loudness changes what the platform does to it.
            let settings = player::as_on(settings, self.playback.platform).0;
            if settings == old && new_curve == old_curve {
                continue;
            }
            if new_curve != old_curve {
                if let Some((gains, centres)) = &job.match_curve {
                    let kernel = MatchKernel::design(gains, centres, f64::from(rate));
                    self.engine.set_match_kernel(key, kernel);
                }
            }
            sent.insert(key, (settings, new_curve));
            drop(sent);
            self.engine.set_settings(key, settings);
            self.playback.resolve = Some((TrackId(key), Instant::now()));
        }
        Task::none()
    }

    /// Display-rate upkeep: engine events and position, meters, re-solves, proofs, autosave.
    pub(crate) fn tick(&mut self, now: Instant) -> Task<Message> {
        for event in self.engine.poll_events() {
            match event {
                EngineEvent::DeviceError(reason) | EngineEvent::DeviceLost(reason) => {
                    self.push_banner(format!("Audio output: {reason}"))
                }
                EngineEvent::LoadFailed(_, reason) => self.push_banner(reason),
                EngineEvent::DeviceRestored => self.playback.started = false,
                EngineEvent::Ended => {}
                EngineEvent::Underrun | EngineEvent::Loaded(_) | EngineEvent::Waiting(_) => {}
            }
        }
        let before = self.playback.current_track();
        self.playback.position = self.engine.position();
        if self.playback.position.playing || self.playback.position.waiting {
            self.meters = self.engine.meters();
            self.meter_strip.observe(&self.meters, now);
            // The live spectrum at a third of the tick rate: each update redraws the plot.
            self.live_frames += 1;
            if self.live_frames.is_multiple_of(3) {
                self.tone_view
                    .set_live(Some(self.meters.spectrum_db.clone()).filter(|s| !s.is_empty()));
            }
        } else {
            self.tone_view.set_live(None); // a no-op unless a spectrum is shown
        }
        if self.playback.current_track() != before {
            self.refresh(); // the seek bar shows the new track's loudness
        }
        self.autosave(now, false);
        let resolve = self.resolve_if_due(now);
        Task::batch([resolve, self.schedule_proofs()])
    }

    fn resolve_if_due(&mut self, now: Instant) -> Task<Message> {
        let Some((track, at)) = self.playback.resolve else {
            return Task::none();
        };
        if now.duration_since(at) < RESOLVE_AFTER {
            return Task::none();
        }
        self.playback.resolve = None;
        let (Some(rate), Some((doc, plan))) = (
            self.engine.output_rate_hz(),
            self.planned().map(|(d, p)| (d.clone(), p.clone())),
        ) else {
            return Task::none();
        };
        self.playback.resolve_generation += 1;
        let generation = self.playback.resolve_generation;
        background("render", move || {
            let live = player::prepare_live(&doc, &plan, track.0, rate)?;
            let curve = curve_of(&doc, &plan, track.0);
            Ok(Arc::new((player::source(track.0, live).settings, curve)))
        })
        .map(move |result| Message::Resolved {
            generation,
            track,
            result,
        })
    }

    /// The exact gain of an edited track arrived: it replaces the prediction, unless the
    /// settings moved on meanwhile (then a newer re-solve is on its way).
    pub(crate) fn on_resolved(&mut self, generation: u64, track: TrackId, result: Resolved) {
        if generation != self.playback.resolve_generation {
            return;
        }
        let (settings, curve) = match result {
            Ok(solved) => (*solved).clone(),
            Err(reason) => return self.push_banner(reason),
        };
        let settings = player::as_on(settings, self.playback.platform).0;
        let Ok(mut sent) = self.playback.sent.lock() else {
            return;
        };
        let current = sent.get(&track.0).cloned();
        if let Some((now, now_curve)) = current {
            if now_curve == curve && same_but_gain(&now, &settings) {
                sent.insert(track.0, (settings, curve));
                drop(sent);
                self.engine.set_settings(track.0, settings);
            }
        }
    }
}

/// What a re-solve answers: the exact settings and the match curve they were solved with.
pub type Resolved = Result<Arc<(SourceSettings, Option<Vec<f64>>)>, String>;

/// Whether two settings differ only in their gain (and measured loudness, and so the
/// platform's gain).
fn same_but_gain(a: &SourceSettings, b: &SourceSettings) -> bool {
    let mut b = *b;
    b.params.gain_db = a.params.gain_db;
    b.platform_gain_db = a.platform_gain_db;
    b.mastered_lufs = a.mastered_lufs;
    b.mastered_true_peak_dbtp = a.mastered_true_peak_dbtp;
    *a == b
}

/// The match curve (100 %, analysis grid) the plan gives track `key`, if it uses one.
fn curve_of(doc: &Document, plan: &AlbumPlan, key: SourceKey) -> Option<Vec<f64>> {
    let index = doc.project.tracks.iter().position(|t| t.id.0 == key)?;
    plan.track_job(doc, index, 48_000)
        .match_curve
        .map(|(gains, _)| gains)
}
