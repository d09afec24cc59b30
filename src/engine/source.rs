//! What the engine plays: a decoded source at the engine's rate, with the chain settings it is
//! mastered with and the gain that loudness-matches it when heard unprocessed.

use crate::dsp::{ChainParams, MatchKernel};
use crate::media::AudioBuffer;

/// Names a loaded source (a track's id, or any number the caller keeps unique for a reference).
pub type SourceKey = u64;

/// Everything about a source the audio thread needs besides its samples. Plain `Copy` data, sent
/// as a latest-value-wins snapshot while playing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceSettings {
    /// The mastering chain's parameters, gain to target included.
    pub params: ChainParams,
    /// Integrated loudness of the source as it is, LUFS (`None`: unmeasurable, e.g. silence).
    pub source_lufs: Option<f64>,
    /// Integrated loudness of the mastered track, LUFS. The original is played at this loudness
    /// (A/B loudness match), and so is the reference while this track is current.
    pub mastered_lufs: Option<f64>,
    /// True peak of the mastered track, dBTP (for the platform preview's peak rule).
    pub mastered_true_peak_dbtp: Option<f64>,
    /// Gain a streaming platform's loudness normalisation applies to the mastered track, dB
    /// ("play as on Spotify"); 0 plays it as exported. The original and the reference follow it,
    /// so A/B stays loudness-matched.
    pub platform_gain_db: f64,
    /// Raised-cosine fade at the start of the mastered track, seconds (as exported).
    pub fade_in_s: f64,
    /// Raised-cosine fade at the end of the mastered track, seconds (as exported).
    pub fade_out_s: f64,
}

impl Default for SourceSettings {
    fn default() -> Self {
        Self {
            params: ChainParams::default(),
            source_lufs: None,
            mastered_lufs: None,
            mastered_true_peak_dbtp: None,
            platform_gain_db: 0.0,
            fade_in_s: 0.0,
            fade_out_s: 0.0,
        }
    }
}

/// A source ready for the audio thread: samples at the engine's output rate, settings, and the
/// match-EQ kernel designed at that rate (`None` = no match curve). Travels to the audio thread
/// boxed and comes back to be dropped on the UI side.
#[derive(Debug, Clone)]
pub struct Source {
    pub key: SourceKey,
    pub audio: AudioBuffer,
    pub settings: SourceSettings,
    pub kernel: Option<MatchKernel>,
}

impl Source {
    /// Frames of audio.
    pub fn frames(&self) -> usize {
        self.audio.frames()
    }
}

impl SourceSettings {
    /// Gain in dB that plays a source of `source_lufs` at `mastered_lufs` (0 when either is unknown).
    pub fn match_gain_db(source_lufs: Option<f64>, mastered_lufs: Option<f64>) -> f64 {
        match (source_lufs, mastered_lufs) {
            (Some(s), Some(m)) if s.is_finite() && m.is_finite() => (m - s).clamp(-40.0, 40.0),
            _ => 0.0,
        }
    }
}
