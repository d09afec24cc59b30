//! "As on …": the desk plays every track as a streaming platform's loudness normalisation would
//! (`player::as_on`, the rule `lathe play --as` uses). The provider applies it to each track it
//! loads (`playback.rs`), live edits re-derive it from the new loudness, and switching changes
//! the loaded tracks at once. The original and the reference follow the master's loudness in
//! the engine, so A/B stays matched.

use super::App;
use crate::assist::Platform;
use crate::engine::SourceSettings;
use crate::player;

impl App {
    /// Plays every track as `platform` would (`None`: as exported): loaded tracks change at
    /// once, later loads follow through the provider.
    pub(super) fn set_platform(&mut self, platform: Option<Platform>) {
        self.playback.platform = platform;
        let Some(rate) = self.engine.output_rate_hz() else {
            return;
        };
        let resident = self.reprovide(rate);
        let Ok(mut sent) = self.playback.sent.lock() else {
            return;
        };
        for key in resident {
            let Some((old, curve)) = sent.get(&key).cloned() else {
                continue;
            };
            let settings = player::as_on(old, platform).0;
            if settings != old {
                sent.insert(key, (settings, curve));
                self.engine.set_settings(key, settings);
            }
        }
    }

    /// The platform's gain on the track at the playhead (or the selected one) and why, in
    /// words; `None` when playing as exported.
    pub(crate) fn platform_gain(&self) -> Option<(f64, String)> {
        let platform = self.playback.platform?;
        let track = self.playback.current_track().or(self.selected)?;
        let settings = match self.playback.sent.lock().ok()?.get(&track.0) {
            Some((settings, _)) => *settings,
            None => {
                // Not loaded yet: what the plan expects of its master.
                let index = self
                    .document
                    .as_ref()?
                    .project
                    .tracks
                    .iter()
                    .position(|t| t.id == track)?;
                let figures = self.figures.get(index)?;
                SourceSettings {
                    mastered_lufs: figures.mastered_lufs,
                    mastered_true_peak_dbtp: figures.mastered_true_peak_dbtp,
                    ..SourceSettings::default()
                }
            }
        };
        let (settings, words) = player::as_on(settings, Some(platform));
        Some((settings.platform_gain_db, words))
    }
}
