//! The album project as stored in JSON. Every field that later versions may add has a serde
//! default, so older files keep loading; `schema_version` guards against newer files.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The schema version this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 1;

/// An album project: ordered tracks, their settings, album settings and references.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub schema_version: u32,
    pub album: AlbumInfo,
    #[serde(default)]
    pub settings: AlbumSettings,
    pub tracks: Vec<Track>,
    #[serde(default)]
    pub references: Vec<Reference>,
}

/// Album title and artist.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AlbumInfo {
    pub title: String,
    #[serde(default)]
    pub artist: String,
}

/// Stable identity of a track or reference, kept across reorderings and renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackId(pub u64);

/// One track of the album, in album order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub id: TrackId,
    pub title: String,
    /// Source audio, relative to the project file's folder (absolute paths are kept as given).
    pub source: PathBuf,
    /// Silence before this track in the album, seconds (0..=60).
    #[serde(default)]
    pub gap_before_s: f64,
    /// Fade-in length, seconds.
    #[serde(default)]
    pub fade_in_s: f64,
    /// Fade-out length, seconds.
    #[serde(default)]
    pub fade_out_s: f64,
    #[serde(default)]
    pub tone: ToneSettings,
    #[serde(default)]
    pub stereo: StereoSettings,
    #[serde(default)]
    pub headroom: TrackHeadroom,
}

/// Per-track tone: trim, tilt, shelves, bells and the match curve. Neutral by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ToneSettings {
    /// Input trim before everything, dB (-24..=+24).
    pub input_trim_db: f64,
    /// Tilt gain across the audible range, dB (-6..=+6): positive is brighter.
    pub tilt_db: f64,
    /// Tilt pivot frequency, Hz.
    pub tilt_pivot_hz: f64,
    pub low_shelf: Shelf,
    pub high_shelf: Shelf,
    /// Up to four bell bands.
    pub bells: Vec<Bell>,
    pub match_eq: MatchEq,
}

impl Default for ToneSettings {
    fn default() -> Self {
        Self {
            input_trim_db: 0.0,
            tilt_db: 0.0,
            tilt_pivot_hz: 1000.0,
            low_shelf: Shelf {
                freq_hz: 100.0,
                gain_db: 0.0,
            },
            high_shelf: Shelf {
                freq_hz: 8000.0,
                gain_db: 0.0,
            },
            bells: Vec::new(),
            match_eq: MatchEq::default(),
        }
    }
}

/// A gentle shelving filter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shelf {
    /// Corner frequency, Hz.
    pub freq_hz: f64,
    /// Shelf gain, dB (-12..=+12).
    pub gain_db: f64,
}

/// A peaking (bell) filter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bell {
    pub freq_hz: f64,
    /// Gain, dB (-12..=+12).
    pub gain_db: f64,
    /// Quality factor (0.3..=8).
    pub q: f64,
}

/// What the match curve moves a track toward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchTarget {
    #[default]
    AlbumAverage,
    References,
    Blend,
}

/// Match-EQ settings. The curve is measured from the analysis (target − track, smoothed and
/// bounded) unless a curve is stored: the assistant stores the curve it proposed, so what was
/// proposed is what is applied, whatever the album average later does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchEq {
    pub target: MatchTarget,
    /// With `Blend`: 0 = album average, 1 = references.
    pub blend: f64,
    /// How much of the correction is applied, 0..=1 (0 = off).
    pub amount: f64,
    /// Largest boost or cut of the curve, dB.
    pub max_db: f64,
    /// A stored curve (at 100 % amount), used instead of the measured one when not empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub curve: Vec<CurvePoint>,
}

/// One point of a stored match curve; the chain interpolates linearly in dB over log frequency.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub freq_hz: f64,
    pub gain_db: f64,
}

impl Default for MatchEq {
    fn default() -> Self {
        Self {
            target: MatchTarget::AlbumAverage,
            blend: 0.5,
            amount: 0.0,
            max_db: 4.0,
            curve: Vec::new(),
        }
    }
}

/// Stereo width and mono bass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StereoSettings {
    /// Side gain as a factor (0 = mono, 1 = unchanged, 2 = twice as wide).
    pub width: f64,
    /// Below this frequency the side signal is removed; `None` = off.
    pub mono_bass_hz: Option<f64>,
}

impl Default for StereoSettings {
    fn default() -> Self {
        Self {
            width: 1.0,
            mono_bass_hz: None,
        }
    }
}

/// Per-track headroom settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TrackHeadroom {
    /// User nudge of this track's loudness in album mode, LU (added to the planned offset).
    pub offset_lu: f64,
}

/// Delivery preset names (CLI spelling in `as_str`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryPreset {
    #[default]
    Spotify,
    Youtube,
    Tidal,
    Apple,
    Amazon,
    Deezer,
    Aes,
    Cd,
    Hires,
    Custom,
}

/// How tracks are brought to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoudnessMode {
    /// Loudest track at the target, the others keep their offsets.
    #[default]
    Album,
    /// Every track at the target.
    Track,
}

/// Export file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Wav,
    Flac,
}

/// Export sample format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BitDepth {
    Int16,
    #[default]
    Int24,
    Float32,
}

/// Export settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportSettings {
    pub format: ExportFormat,
    pub bit_depth: BitDepth,
    /// Output sample rate, Hz; `None` = the source's rate.
    pub sample_rate_hz: Option<u32>,
    /// TPDF dither on integer output.
    pub dither: bool,
}

impl Default for ExportSettings {
    fn default() -> Self {
        Self {
            format: ExportFormat::Wav,
            bit_depth: BitDepth::Int24,
            sample_rate_hz: None,
            dither: true,
        }
    }
}

/// Album-wide delivery and headroom settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlbumSettings {
    pub preset: DeliveryPreset,
    /// Target integrated loudness, LUFS.
    pub target_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    pub loudness_mode: LoudnessMode,
    /// Album mode: largest allowed loudness spread between tracks, LU; `None` = keep the mix's offsets.
    pub album_spread_lu: Option<f64>,
    /// Warn when reaching the target needs more peak gain reduction than this, dB.
    pub max_gain_reduction_db: f64,
    /// How the true-peak limiter recovers (hold and release).
    pub limiter: LimiterCharacter,
    pub export: ExportSettings,
}

/// How the true-peak limiter recovers after reducing gain (see `dsp::LimiterCharacter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimiterCharacter {
    /// Slow release: for dense material where pumping must not be heard.
    Transparent,
    /// The default.
    #[default]
    Balanced,
    /// Quick release after isolated transients: louder, less subtle.
    Fast,
}

impl Default for AlbumSettings {
    fn default() -> Self {
        Self {
            preset: DeliveryPreset::Spotify,
            target_lufs: -14.0,
            ceiling_dbtp: -1.0,
            loudness_mode: LoudnessMode::Album,
            album_spread_lu: None,
            max_gain_reduction_db: 6.0,
            limiter: LimiterCharacter::Balanced,
            export: ExportSettings::default(),
        }
    }
}

/// A reference track the album is compared to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub id: TrackId,
    pub title: String,
    /// Source audio, relative to the project file's folder.
    pub source: PathBuf,
    /// Weight in the references' average (>0).
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}
