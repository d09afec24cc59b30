//! Offline render through the same `dsp::Chain` as playback, and the mastered album folder.

pub mod cue;
pub mod encode;
pub mod folder;
pub mod names;
pub mod plan;
pub mod report;
