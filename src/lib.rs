//! Lathe: an album-mastering desk. Tone and headroom, applied so a finished mix translates.
pub mod analysis;
pub mod assist;
pub mod cli;
pub mod dsp;
pub mod engine;
pub mod media;
pub mod player;
pub mod project;
pub mod render;
pub mod ui;
pub mod units;
