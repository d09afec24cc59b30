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

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn sine(freq_hz: f64, rate_hz: u32, frames: usize, amp: f64) -> Vec<f32> {
        (0..frames)
            .map(|n| (amp * (2.0 * PI * freq_hz * n as f64 / f64::from(rate_hz)).sin()) as f32)
            .collect()
    }

    fn stereo(rate_hz: u32, left: Vec<f32>, right: Vec<f32>) -> AudioBuffer {
        AudioBuffer {
            sample_rate_hz: rate_hz,
            channels: [left, right],
        }
    }

    /// Resamples 1 s of a 1 kHz sine and compares the middle half with the ideal sine at the
    /// new rate: any delay left in the output shows up as a phase error (1 sample at 48 kHz
    /// is 7.5 degrees, an error of 0.13 of full scale), any gain error as a level error.
    fn check_sine(from: u32, to: u32) {
        let (amp_l, amp_r) = (0.5, 0.25);
        let input = stereo(
            from,
            sine(1000.0, from, from as usize, amp_l),
            sine(1000.0, from, from as usize, amp_r),
        );
        let out = resample(&input, to).unwrap();
        assert_eq!(out.sample_rate_hz, to);
        assert_eq!(out.frames(), to as usize);
        for (side, amp) in [(0, amp_l), (1, amp_r)] {
            let ideal = sine(1000.0, to, to as usize, amp);
            let range = to as usize / 4..to as usize * 3 / 4;
            let max_err = range
                .clone()
                .map(|i| (out.channels[side][i] - ideal[i]).abs())
                .fold(0.0f32, f32::max);
            assert!(
                max_err < 2e-3 * amp as f32,
                "{from}->{to} side {side}: off by {max_err}"
            );
            // Phase at t = 0.5 s: the sample there must be where the ideal sine is.
            let half = to as usize / 2;
            let rms = |x: &[f32]| {
                (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
            };
            let gain_db =
                20.0 * (rms(&out.channels[side][range.clone()]) / rms(&ideal[range])).log10();
            assert!(
                gain_db.abs() < 0.1,
                "{from}->{to}: passband gain {gain_db} dB"
            );
            assert!((out.channels[side][half] - ideal[half]).abs() < 2e-3 * amp as f32);
        }
    }

    #[test]
    fn sine_44k1_to_48k_keeps_phase_and_level() {
        check_sine(44100, 48000);
    }

    #[test]
    fn sine_48k_to_44k1_keeps_phase_and_level() {
        check_sine(48000, 44100);
    }

    #[test]
    fn sine_96k_to_48k_keeps_phase_and_level() {
        check_sine(96000, 48000);
    }

    #[test]
    fn output_length_is_rounded_exactly() {
        for (frames, from, to) in [
            (12345, 44100, 48000),
            (1, 44100, 48000),
            (999, 48000, 44100),
            (7, 96000, 48000),
        ] {
            let input = stereo(from, vec![0.1; frames], vec![0.1; frames]);
            let want = (frames as f64 * f64::from(to) / f64::from(from)).round() as usize;
            let out = resample(&input, to).unwrap();
            assert_eq!(
                (out.channels[0].len(), out.channels[1].len()),
                (want, want),
                "{frames} @ {from}->{to}"
            );
        }
    }

    #[test]
    fn content_above_the_new_nyquist_is_filtered_out() {
        // 30 kHz at 96 kHz would alias to 18 kHz at 48 kHz without the anti-aliasing filter.
        let input = stereo(
            96000,
            sine(30000.0, 96000, 96000, 0.5),
            sine(30000.0, 96000, 96000, 0.5),
        );
        let out = resample(&input, 48000).unwrap();
        let peak = out.channels[0][12000..36000]
            .iter()
            .fold(0.0f32, |a, &s| a.max(s.abs()));
        assert!(peak < 0.5 * 0.01, "alias at {peak} (must be 40 dB down)");
    }

    #[test]
    fn same_rate_is_a_clone_and_bad_rates_are_errors() {
        let input = stereo(44100, vec![0.1, 0.2], vec![0.3, 0.4]);
        assert_eq!(resample(&input, 44100).unwrap(), input);
        assert!(matches!(
            resample(&input, 0),
            Err(MediaError::Resample { .. })
        ));
        let empty = stereo(44100, vec![], vec![]);
        assert_eq!(resample(&empty, 48000).unwrap().frames(), 0);
        let uneven = stereo(44100, vec![0.1], vec![]);
        assert!(matches!(
            resample(&uneven, 48000),
            Err(MediaError::Resample { .. })
        ));
    }
}
