//! Decoding (symphonia -> planar stereo f32), resampling (rubato), tags.
//!
//! Contract used by analysis, render, engine and ui. Implementations live in
//! `decode.rs`, `resample.rs`, `tags.rs`.

use std::path::PathBuf;

/// Planar stereo audio at one sample rate. Both channels always have the same length.
/// Mono sources are duplicated to both sides; >2 channels are downmixed (ITU-R BS.775).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AudioBuffer {
    /// Sample rate in Hz.
    pub sample_rate_hz: u32,
    /// `[left, right]`, linear full-scale f32 (±1.0 = 0 dBFS).
    pub channels: [Vec<f32>; 2],
}

impl AudioBuffer {
    /// Number of frames (samples per channel).
    pub fn frames(&self) -> usize {
        self.channels[0].len()
    }
    /// Duration in seconds.
    pub fn duration_s(&self) -> f64 {
        if self.sample_rate_hz == 0 {
            0.0
        } else {
            self.frames() as f64 / self.sample_rate_hz as f64
        }
    }
}

/// Metadata read from a file's tags (any may be absent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags {
    pub title: Option<String>,
    pub artist: Option<String>,
    pub album: Option<String>,
    pub track_number: Option<u32>,
}

/// A decoded file: the audio plus what the user should be told about it.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    pub audio: AudioBuffer,
    /// Channel count of the source before up/downmix.
    pub source_channels: u16,
    /// Codec name for display ("FLAC", "MP3", ...).
    pub codec: String,
    /// Bits per sample of the source when known (PCM, FLAC, ALAC).
    pub bits_per_sample: Option<u32>,
    pub tags: Tags,
    /// Notices for the user: skipped bad packets, downmix applied, NaN/inf samples replaced.
    pub notices: Vec<String>,
    /// Number of NaN or infinite samples found in the source (replaced by 0.0).
    pub nonfinite_samples: u64,
}

/// What went wrong while reading a file. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{path}: file not found — check the path or locate the file")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a supported audio file ({reason}) — use WAV, AIFF, FLAC, MP3, OGG Vorbis or M4A (AAC/ALAC)")]
    Unsupported { path: PathBuf, reason: String },
    /// A readable format whose channel count is outside what the decoder names (1 to 26).
    #[error("{path}: holds no channels or more than Lathe reads (1 to 26) — bounce it again as stereo (or a layout up to 7.1) and add that file")]
    Channels { path: PathBuf },
    #[error("{path}: the file is empty or holds no audio")]
    Empty { path: PathBuf },
    // No "or remove the track": the file may be a reference or a file given to `lathe analyze`;
    // whoever knows its role adds how to remove it.
    #[error("{path}: corrupt or truncated audio: {reason} — replace it with a good copy (export it again from its source)")]
    Corrupt { path: PathBuf, reason: String },
    #[error("resampling failed: {reason}")]
    Resample { reason: String },
}

mod collect;
mod decode;
mod downmix;
mod mp4_edit;
mod ogg_tail;
mod probe;
mod resample;
mod riff_info;
mod tags;

pub use decode::decode_file;
pub use resample::resample;
pub use tags::read_tags;
