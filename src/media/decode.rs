//! WAV-only stand-in for the symphonia decoder (branch `analysis` only; replaced at merge).
//!
//! It exists so the analysis tests can go through `decode_file`: 16/24/32-bit integer and
//! 32-bit float PCM via `hound`, mono duplicated to both sides, NaN/inf replaced by 0.0.
use super::{AudioBuffer, Decoded, MediaError};
use std::path::Path;

/// Decodes a whole file to planar stereo f32 at the file's own rate.
/// Bad packets in the middle are skipped and reported in `Decoded::notices`; never panics.
pub fn decode_file(path: &Path) -> Result<Decoded, MediaError> {
    if !path.exists() {
        return Err(MediaError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let unsupported = |e: hound::Error| MediaError::Unsupported {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut reader = hound::WavReader::open(path).map_err(unsupported)?;
    let spec = reader.spec();
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().collect::<Result<_, _>>(),
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
        }
    }
    .map_err(|e| MediaError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let ch = spec.channels.max(1) as usize;
    if samples.len() < ch {
        return Err(MediaError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut nonfinite = 0u64;
    let mut clean = |v: f32| {
        if v.is_finite() {
            v
        } else {
            nonfinite += 1;
            0.0
        }
    };
    let frames = samples.len() / ch;
    let mut left = Vec::with_capacity(frames);
    let mut right = Vec::with_capacity(frames);
    for frame in samples.chunks_exact(ch) {
        let l = clean(frame[0]);
        let r = if ch > 1 { clean(frame[1]) } else { l };
        left.push(l);
        right.push(r);
    }
    let mut notices = Vec::new();
    if nonfinite > 0 {
        notices.push(format!(
            "{nonfinite} NaN/infinite samples were replaced by silence"
        ));
    }
    Ok(Decoded {
        audio: AudioBuffer {
            sample_rate_hz: spec.sample_rate,
            channels: [left, right],
        },
        source_channels: spec.channels,
        codec: "WAV".into(),
        bits_per_sample: Some(spec.bits_per_sample as u32),
        notices,
        nonfinite_samples: nonfinite,
        ..Decoded::default()
    })
}
