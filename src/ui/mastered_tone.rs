//! The album's tone as mastered, for the sequence's "Tone dB": each track's spectrum after its
//! tone EQ (the match stage as its FIR applies it), renormalised to its loudness, and its
//! deviation from the album average of those masters, as the export report measures it on the
//! written files. Stereo width is not included (it moves mid against side; the report measures it).
//!
//! Responses are kept per track and recomputed only when that track's tone settings or the target
//! curves change: a match FIR takes milliseconds to design, and a slider drag refreshes the desk
//! many times a second.

use crate::analysis::{after_response, tonal_deviations, SpectralBalance, TrackAnalysis};
use crate::project::{ToneSettings, TrackId};
use crate::render::params::tone_response_bands_db;
use std::collections::HashMap;

/// Cached tone responses and what they were computed against.
#[derive(Debug, Default)]
pub struct MasteredTone {
    album_db: Vec<f64>,
    references_db: Option<Vec<f64>>,
    responses: HashMap<TrackId, (ToneSettings, Vec<f64>)>,
}

/// One track as [`MasteredTone::deviations`] needs it.
pub struct TrackTone<'a> {
    pub id: TrackId,
    pub tone: &'a ToneSettings,
    pub analysis: Option<&'a TrackAnalysis>,
}

impl MasteredTone {
    /// RMS deviation (dB, 40 Hz–16 kHz, mid) of each track as mastered from the album average of
    /// the masters, in the order given; `None` for a track without a spectrum. `album` and
    /// `references` are the sources' averages the match stages aim at.
    pub fn deviations(
        &mut self,
        tracks: &[TrackTone],
        album: &SpectralBalance,
        references: Option<&SpectralBalance>,
    ) -> Vec<Option<f64>> {
        let references_db = references.map(|r| r.mid_db.clone());
        if self.album_db != album.mid_db || self.references_db != references_db {
            self.responses.clear();
            self.album_db = album.mid_db.clone();
            self.references_db = references_db;
        }
        self.responses
            .retain(|id, _| tracks.iter().any(|t| t.id == *id));
        let mastered: Vec<Option<(SpectralBalance, u32)>> = tracks
            .iter()
            .map(|t| {
                let a = t.analysis.filter(|a| !a.spectrum.mid_db.is_empty())?;
                let rate_hz = f64::from(a.sample_rate_hz);
                let fresh = matches!(self.responses.get(&t.id), Some((tone, _)) if tone == t.tone);
                if !fresh {
                    let response = tone_response_bands_db(t.tone, a, album, references, rate_hz);
                    self.responses.insert(t.id, (t.tone.clone(), response));
                }
                Some((
                    after_response(&a.spectrum, &self.responses[&t.id].1, rate_hz),
                    a.sample_rate_hz,
                ))
            })
            .collect();
        tonal_deviations(
            &mastered
                .iter()
                .map(|m| m.as_ref().map(|(s, rate)| (s, *rate)))
                .collect::<Vec<_>>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::album_stats;
    use crate::analysis::loudness::no_loudness;
    use crate::analysis::spectrum::band_centers_hz;
    use crate::render::params::tone_params;

    /// A track falling 3 dB per octave, its side 6 dB under its mid.
    fn plain() -> TrackAnalysis {
        let bands_hz = band_centers_hz();
        let mid_db: Vec<f64> = bands_hz
            .iter()
            .map(|&f| -3.0 * (f / 1000.0).log2())
            .collect();
        TrackAnalysis {
            duration_s: 60.0,
            sample_rate_hz: 48_000,
            channels: 2,
            loudness: no_loudness(),
            spectrum: SpectralBalance {
                side_db: mid_db.iter().map(|m| m - 6.0).collect(),
                bands_hz,
                mid_db,
            },
            stereo: Vec::new(),
            nonfinite_samples: 0,
            notices: Vec::new(),
        }
    }

    #[test]
    fn a_tone_eq_that_undoes_a_tracks_shaping_brings_it_onto_the_album() {
        let tilted = ToneSettings {
            tilt_db: 6.0,
            ..ToneSettings::default()
        };
        let shaping = tone_params(&tilted);
        let plain = plain();
        // Shaped as a real track would be: normalised to its loudness afterwards.
        let bands_hz = band_centers_hz();
        let response: Vec<f64> = bands_hz
            .iter()
            .map(|&f| shaping.tone_response_db(f, 48_000.0))
            .collect();
        let bright = TrackAnalysis {
            spectrum: after_response(&plain.spectrum, &response, 48_000.0),
            ..plain.clone()
        };
        let album = album_stats(&[Some(&plain), Some(&plain), Some(&bright)]);
        let neutral = ToneSettings::default();
        let undo = ToneSettings {
            tilt_db: -6.0,
            ..ToneSettings::default()
        };
        let mut mastered = MasteredTone::default();
        let mut run = |third: &ToneSettings| {
            let list = [
                TrackTone {
                    id: TrackId(1),
                    tone: &neutral,
                    analysis: Some(&plain),
                },
                TrackTone {
                    id: TrackId(2),
                    tone: &neutral,
                    analysis: Some(&plain),
                },
                TrackTone {
                    id: TrackId(3),
                    tone: third,
                    analysis: Some(&bright),
                },
                TrackTone {
                    id: TrackId(4),
                    tone: &neutral,
                    analysis: None,
                },
            ];
            mastered.deviations(&list, &album.average, None)
        };
        let as_mixed = run(&neutral);
        assert!(as_mixed[2].unwrap() > 1.0, "{as_mixed:?}");
        assert_eq!(as_mixed[3], None);
        let as_mastered = run(&undo);
        for d in &as_mastered[..3] {
            assert!(d.unwrap() < 0.05, "{as_mastered:?}");
        }
        // Back to neutral: the cached response of track 3 is replaced, not reused.
        assert_eq!(run(&neutral), as_mixed);
    }
}
