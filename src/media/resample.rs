//! Sample-rate conversion with rubato's synchronous FFT resampler.
use super::{AudioBuffer, MediaError};
use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Resampler};

/// Input chunk per FFT pass. 1024 keeps rubato near its ~1000x realtime sweet spot; the
/// resampler's own delay is trimmed by `process_all_into_buffer`, so it does not shift output.
const CHUNK_FRAMES: usize = 1024;

/// Resamples to `to_rate_hz` (whole clip, offline; not real-time safe: it allocates).
///
/// The output has exactly `round(frames * to / from)` frames and is time-aligned with the
/// input: rubato's filter delay is removed, so an event at t seconds stays at t seconds.
/// Returns a clone when the rates already match.
pub fn resample(audio: &AudioBuffer, to_rate_hz: u32) -> Result<AudioBuffer, MediaError> {
    let from = audio.sample_rate_hz;
    if from == 0 || to_rate_hz == 0 {
        return Err(MediaError::Resample {
            reason: format!("cannot resample from {from} Hz to {to_rate_hz} Hz"),
        });
    }
    if audio.channels[0].len() != audio.channels[1].len() {
        return Err(MediaError::Resample {
            reason: "left and right differ in length".into(),
        });
    }
    if from == to_rate_hz {
        return Ok(audio.clone());
    }
    let frames = audio.frames();
    let target = (frames as f64 * f64::from(to_rate_hz) / f64::from(from)).round() as usize;
    if frames == 0 {
        return Ok(AudioBuffer {
            sample_rate_hz: to_rate_hz,
            channels: [Vec::new(), Vec::new()],
        });
    }
    let fail = |e: &dyn std::fmt::Display| MediaError::Resample {
        reason: format!("{from} Hz -> {to_rate_hz} Hz: {e}"),
    };
    let mut resampler = Fft::<f32>::new(
        from as usize,
        to_rate_hz as usize,
        CHUNK_FRAMES,
        2,
        FixedSync::Input,
    )
    .map_err(|e| fail(&e))?;
    let input = SequentialSliceOfVecs::new(&audio.channels[..], 2, frames).map_err(|e| fail(&e))?;
    let needed = resampler.process_all_needed_output_len(frames);
    let mut out_vecs = vec![vec![0.0f32; needed]; 2];
    let mut output =
        SequentialSliceOfVecs::new_mut(&mut out_vecs[..], 2, needed).map_err(|e| fail(&e))?;
    let (_, produced) = resampler
        .process_all_into_buffer(&input, &mut output, frames, None)
        .map_err(|e| fail(&e))?;
    // rubato yields ceil(frames * ratio); the contract is round(), at most one frame less.
    // If it ever produced fewer, the zero padding already in the buffer makes up the length.
    let _ = produced;
    let mut channels = out_vecs.into_iter().map(|mut v| {
        v.truncate(target);
        v
    });
    let left = channels.next().unwrap_or_default();
    let right = channels.next().unwrap_or_default();
    Ok(AudioBuffer {
        sample_rate_hz: to_rate_hz,
        channels: [left, right],
    })
}
