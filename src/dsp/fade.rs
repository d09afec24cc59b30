//! Raised-cosine track fades, shared by the offline render and the live engine so both apply
//! exactly the same gain to each sample.

use std::f64::consts::PI;

/// Gain of a raised-cosine fade of `length` frames at frame `index` from its silent end
/// (0 at index 0, rising towards 1; 1 from `length` on). Pure, real-time safe.
pub fn raised_cosine_gain(index: usize, length: usize) -> f32 {
    if index >= length {
        return 1.0;
    }
    (0.5 - 0.5 * (PI * index as f64 / length as f64).cos()) as f32
}

/// Frames of fade in and fade out for a track of `frames` frames at `sample_rate_hz`, each at most
/// the track's length (as the renderer applies them). Pure.
pub fn fade_frames(
    fade_in_s: f64,
    fade_out_s: f64,
    sample_rate_hz: f64,
    frames: usize,
) -> (usize, usize) {
    let to_frames = |s: f64| ((s.max(0.0) * sample_rate_hz) as usize).min(frames);
    (to_frames(fade_in_s), to_frames(fade_out_s))
}

/// Multiplies `samples`, which start at frame `start` of a track of `frames` frames, by the track's
/// fade-in (`fade_in` frames) and fade-out (`fade_out` frames) gains, fade-in first, as the renderer
/// does. Real-time safe.
pub fn apply_track_fades(
    samples: &mut [f32],
    start: usize,
    frames: usize,
    fade_in: usize,
    fade_out: usize,
) {
    for (k, x) in samples.iter_mut().enumerate() {
        let i = start + k;
        if i < fade_in {
            *x *= raised_cosine_gain(i, fade_in);
        }
        if i < frames && frames - 1 - i < fade_out {
            *x *= raised_cosine_gain(frames - 1 - i, fade_out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fades_reach_silence_at_the_ends_and_unity_inside() {
        let mut x = vec![1.0f32; 1000];
        apply_track_fades(&mut x, 0, 1000, 100, 200);
        assert_eq!(x[0], 0.0);
        assert!((x[50] - 0.5).abs() < 1e-6);
        assert_eq!(x[500], 1.0);
        assert!((x[999 - 100] - 0.5).abs() < 1e-6);
        // A block taken from the middle of the track gets the same gains.
        let mut tail = vec![1.0f32; 300];
        apply_track_fades(&mut tail, 700, 1000, 100, 200);
        assert_eq!(&tail[..], &x[700..]);
    }
}
