//! Offline render through the same `dsp::Chain` as playback, and the mastered album folder.

pub mod album;
pub mod cue;
pub mod encode;
pub mod export;
pub mod flac;
pub mod folder;
pub mod headroom;
pub mod image;
pub mod live;
pub mod loudness;
pub mod names;
pub mod params;
pub mod plan;
pub mod report;
pub mod toned;
pub mod track;
