//! Per-track analysis (loudness, spectral balance, stereo), album statistics, and the cache.
//!
//! Contract used by cli, ui, assist and render. Implementations live in `loudness.rs`,
//! `spectrum.rs`, `stereo.rs`, `album.rs`, `cache.rs`, `batch.rs`.

use serde::{Deserialize, Serialize};

/// Loudness figures of one track (EBU R128 / ITU-R BS.1770-4 via the `ebur128` crate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loudness {
    /// Integrated loudness in LUFS; `None` when the track has no gated block (silence or < 400 ms).
    pub integrated_lufs: Option<f64>,
    /// Loudness range in LU (EBU Tech 3342); 0 when undefined.
    pub lra_lu: f64,
    /// Maximum true peak over both channels in dBTP (-inf encoded as `None` for digital silence).
    pub true_peak_dbtp: Option<f64>,
    /// Maximum sample peak in dBFS (`None` for digital silence).
    pub sample_peak_dbfs: Option<f64>,
    /// Peak-to-loudness ratio: true peak minus integrated, in dB (`None` when either is undefined).
    pub plr_db: Option<f64>,
    /// Short-term loudness (3 s window) sampled every `short_term_step_s`, LUFS; `None` = below -70 LUFS / undefined.
    pub short_term_lufs: Vec<Option<f32>>,
    /// Time between short-term loudness values, seconds (0.1).
    pub short_term_step_s: f64,
}

/// Long-term average spectrum in fractional-octave bands, normalised to the track's loudness.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SpectralBalance {
    /// Band centre frequencies in Hz (the shared analysis grid, see `spectrum::band_centers_hz`).
    pub bands_hz: Vec<f64>,
    /// Mid ((L+R)/2) band power in dB relative to the track's integrated loudness.
    pub mid_db: Vec<f64>,
    /// Side ((L-R)/2) band power in dB relative to the track's integrated loudness.
    pub side_db: Vec<f64>,
}

/// Stereo correlation and width in one broad band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StereoBand {
    /// Lower band edge, Hz.
    pub low_hz: f64,
    /// Upper band edge, Hz.
    pub high_hz: f64,
    /// Pearson correlation of L and R in the band, -1..+1 (1 = mono).
    pub correlation: f64,
    /// Side-to-mid energy ratio in dB (-inf..; 0 dB = as much side as mid).
    pub side_to_mid_db: f64,
}

/// Everything Lathe knows about one track's audio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackAnalysis {
    /// Length of the decoded audio, seconds.
    pub duration_s: f64,
    /// Sample rate of the decoded audio (the file's own), Hz.
    pub sample_rate_hz: u32,
    /// Channel count of the source file.
    pub channels: u16,
    /// Loudness, loudness range and peaks (BS.1770-4, EBU Tech 3341/3342).
    pub loudness: Loudness,
    /// Gated long-term average spectrum, normalised to the integrated loudness (empty without one).
    pub spectrum: SpectralBalance,
    /// Correlation and width in the broad bands of `stereo::STEREO_BANDS_HZ` (empty without loudness).
    pub stereo: Vec<StereoBand>,
    /// NaN/inf samples found in the source (they were replaced by silence).
    pub nonfinite_samples: u64,
    /// Notices to show the user (decoder skips, downmix, non-finite samples, "no loudness").
    pub notices: Vec<String>,
}

impl TrackAnalysis {
    /// Loudness range in LU, or `None` where EBU Tech 3342 gives none: no gated loudness
    /// (silence, under 400 ms, below −70 LUFS) or shorter than one 3 s short-term block.
    /// `loudness.lra_lu` reads 0 for those, which is also what a steady tone measures.
    pub fn defined_lra_lu(&self) -> Option<f64> {
        (self.loudness.integrated_lufs.is_some() && self.duration_s >= 3.0)
            .then_some(self.loudness.lra_lu)
    }
}

/// Album-level statistics over the tracks that have a spectrum.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AlbumStats {
    /// Power-average of the tracks' normalised spectra, per band (dB).
    pub average: SpectralBalance,
    /// Per track (same order as given): track mid minus album mid, per band (dB). Empty for tracks without analysis.
    pub deviation_db: Vec<Vec<f64>>,
    /// Per track: RMS of the deviation over 40 Hz–16 kHz (dB). `None` for tracks without analysis.
    pub tonal_deviation_db: Vec<Option<f64>>,
    /// Max minus min integrated loudness over the tracks that have one (LU).
    pub loudness_spread_lu: f64,
}

/// What went wrong analysing a file.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// The file could not be decoded (the media error names the file).
    #[error(transparent)]
    Media(#[from] crate::media::MediaError),
    /// The user cancelled; nothing was stored.
    #[error("analysis cancelled")]
    Cancelled,
}

pub mod album;
pub mod batch;
pub mod cache;
pub(crate) mod kweight;
pub mod loudness;
pub mod spectrum;
pub mod stereo;
mod track;
pub mod true_peak;

pub use album::{
    after_response, album_stats, compared_bands, references_average, tonal_deviations,
};
pub use batch::{
    analyze_audio, analyze_batch, analyze_file, analyze_file_with_progress, analyze_loudness,
    BatchProgress,
};
pub use cache::{AnalysisCache, ANALYSIS_VERSION};
pub use track::is_source_fault_notice;
