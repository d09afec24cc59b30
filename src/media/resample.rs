//! Sample-rate conversion with rubato. (Stub: being implemented.)
use super::{AudioBuffer, MediaError};

/// Resamples to `to_rate_hz`; output length is `round(frames * to / from)`, latency compensated.
/// Returns a clone when the rates already match.
pub fn resample(audio: &AudioBuffer, to_rate_hz: u32) -> Result<AudioBuffer, MediaError> {
    let _ = (audio, to_rate_hz);
    todo!("media::resample")
}
