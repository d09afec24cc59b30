//! dsp: the per-track mastering chain and its building blocks. Depends on std and rustfft only.
//!
//! [`Chain`] runs tone (tilt, shelves, bells), the linear-phase match EQ, stereo width / mono bass,
//! headroom gain and a true-peak limiter, identically in the live engine and in the offline export.
//! [`dither::Tpdf`] quantises the exported integer PCM.

pub mod biquad;
pub mod chain;
pub mod dither;
pub mod fade;
pub mod limiter;
pub mod match_eq;
pub mod oversample;
pub mod params;
pub mod smoother;
pub mod stereo;
pub mod tone;
pub mod units;

pub use chain::Chain;
pub use limiter::GainReduction;
pub use match_eq::MatchKernel;
pub use params::{Bell, ChainParams, LimiterCharacter};
pub use smoother::Smoother;
