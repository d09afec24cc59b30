//! Writing rendered audio: WAV (hound: 16/24-bit integer, 32-bit float) and FLAC (our own encoder, `render::flac`: 16/24-bit).
//! Samples arrive already quantised (dither is applied by the renderer before this point).

use std::io::Write;
use std::path::{Path, PathBuf};

/// What failed while writing a file.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("{path}: cannot write ({message}) — check that the folder is writable and the disk has space")]
    Write { path: PathBuf, message: String },
    #[error("{path}: FLAC encoding failed: {message}")]
    Flac { path: PathBuf, message: String },
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> EncodeError {
    EncodeError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Interleaves planar stereo.
pub fn interleave<T: Copy>(left: &[T], right: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(left.len() * 2);
    for (l, r) in left.iter().zip(right) {
        out.push(*l);
        out.push(*r);
    }
    out
}

/// Writes interleaved stereo integer samples (`bits` = 16 or 24) as a WAV file.
pub fn write_wav_int(
    path: &Path,
    sample_rate_hz: u32,
    bits: u16,
    interleaved: &[i32],
) -> Result<(), EncodeError> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: sample_rate_hz,
        bits_per_sample: bits,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(|e| write_err(path, e))?;
    for &s in interleaved {
        w.write_sample(s).map_err(|e| write_err(path, e))?;
    }
    w.finalize().map_err(|e| write_err(path, e))
}

/// Writes interleaved stereo 32-bit float samples as a WAV file.
pub fn write_wav_float(
    path: &Path,
    sample_rate_hz: u32,
    interleaved: &[f32],
) -> Result<(), EncodeError> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: sample_rate_hz,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(|e| write_err(path, e))?;
    for &s in interleaved {
        w.write_sample(s).map_err(|e| write_err(path, e))?;
    }
    w.finalize().map_err(|e| write_err(path, e))
}

/// Encodes interleaved stereo integer samples (`bits` = 16 or 24) as FLAC.
///
/// Uses Lathe's own encoder (`render::flac`): it compresses 24-bit audio (5-bit Rice
/// parameters) and writes STREAMINFO that every reader, symphonia included, accepts.
pub fn write_flac(
    path: &Path,
    sample_rate_hz: u32,
    bits: u16,
    interleaved: &[i32],
) -> Result<(), EncodeError> {
    let bytes =
        super::flac::encode_stereo(sample_rate_hz, bits, interleaved).map_err(|message| {
            EncodeError::Flac {
                path: path.to_path_buf(),
                message,
            }
        })?;
    let mut file = std::fs::File::create(path).map_err(|e| write_err(path, e))?;
    file.write_all(&bytes).map_err(|e| write_err(path, e))?;
    file.sync_all().map_err(|e| write_err(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_int_and_float_round_trip_through_hound() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a.wav");
        write_wav_int(
            &p,
            44100,
            24,
            &interleave(&[1, -8_388_608, 8_388_607], &[-1, 2, 3]),
        )
        .unwrap();
        let r = hound::WavReader::open(&p).unwrap();
        assert_eq!(
            (
                r.spec().bits_per_sample,
                r.spec().sample_rate,
                r.spec().channels
            ),
            (24, 44100, 2)
        );
        let s: Vec<i32> = r.into_samples::<i32>().map(Result::unwrap).collect();
        assert_eq!(s, vec![1, -1, -8_388_608, 2, 8_388_607, 3]);
        let p = tmp.path().join("f.wav");
        write_wav_float(&p, 96000, &[0.5, -0.25]).unwrap();
        let s: Vec<f32> = hound::WavReader::open(&p)
            .unwrap()
            .into_samples::<f32>()
            .map(Result::unwrap)
            .collect();
        assert_eq!(s, vec![0.5, -0.25]);
    }

    /// Seeded low-passed noise: broadband like music, so the predictor has real work to do.
    fn lowpassed_noise(frames: usize, bits: u16, seed: u64) -> Vec<i32> {
        let mut state = seed.max(1);
        let mut lp = [0.0f64; 2];
        let peak = ((1i64 << (bits - 1)) - 1) as f64 * 0.5;
        let mut out = Vec::with_capacity(frames * 2);
        for _ in 0..frames {
            for y in lp.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let white = (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
                *y += 0.1 * (white * 4.0 - *y);
                out.push((*y * peak).round().clamp(-peak * 2.0, peak * 2.0) as i32);
            }
        }
        out
    }

    fn decoded_ints(path: &Path, bits: u16) -> Vec<i32> {
        let d = crate::media::decode_file(path).unwrap();
        let scale = (1u64 << (bits - 1)) as f64;
        let [l, r] = &d.audio.channels;
        let l: Vec<i32> = l
            .iter()
            .map(|&s| (s as f64 * scale).round() as i32)
            .collect();
        let r: Vec<i32> = r
            .iter()
            .map(|&s| (s as f64 * scale).round() as i32)
            .collect();
        interleave(&l, &r)
    }

    fn sine(frames: usize, bits: u16) -> Vec<i32> {
        let peak = ((1i64 << (bits - 1)) - 1) as f64 * 0.9;
        let l: Vec<i32> = (0..frames)
            .map(|n| ((n as f64 * 0.0627).sin() * peak).round() as i32)
            .collect();
        let r: Vec<i32> = (0..frames)
            .map(|n| ((n as f64 * 0.0311).cos() * peak * 0.5).round() as i32)
            .collect();
        interleave(&l, &r)
    }

    /// Full-scale square waves in opposite phase: the side channel needs bits + 1.
    fn full_scale_extremes(frames: usize, bits: u16) -> Vec<i32> {
        let (lo, hi) = (-(1i32 << (bits - 1)), (1i32 << (bits - 1)) - 1);
        (0..frames)
            .flat_map(|n| if (n / 7) % 2 == 0 { [hi, lo] } else { [lo, hi] })
            .collect()
    }

    /// Writes `samples`, checks `flac -t` when the tool exists, and returns the file size.
    fn round_trip(dir: &Path, name: &str, bits: u16, samples: &[i32]) -> u64 {
        let p = dir.join(format!("{name}-{bits}.flac"));
        write_flac(&p, 44100, bits, samples).unwrap();
        let back = decoded_ints(&p, bits);
        assert_eq!(back.len(), samples.len(), "{name} {bits}-bit: length");
        if let Some(i) = back.iter().zip(samples).position(|(a, b)| a != b) {
            panic!(
                "{name} {bits}-bit: sample {i} is {} not {}",
                back[i], samples[i]
            );
        }
        flac_tool_accepts(&p);
        std::fs::metadata(&p).unwrap().len()
    }

    /// The reference decoder's verdict, when it is installed (CI may not have it).
    fn flac_tool_accepts(p: &Path) {
        match std::process::Command::new("flac")
            .arg("-t")
            .arg("-s")
            .arg(p)
            .output()
        {
            Ok(out) => assert!(
                out.status.success(),
                "flac -t rejects {}: {}",
                p.display(),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => eprintln!("note: `flac` not on PATH, skipping the reference check"),
        }
    }

    #[test]
    fn flac_round_trips_exactly_at_16_and_24_bits() {
        let tmp = tempfile::tempdir().unwrap();
        // 132_300 frames is not a multiple of the 4096 block; 100 is a single short block.
        for bits in [16u16, 24] {
            round_trip(
                tmp.path(),
                "noise",
                bits,
                &lowpassed_noise(132_300, bits, 7),
            );
            round_trip(tmp.path(), "sine", bits, &sine(132_300, bits));
            round_trip(tmp.path(), "silence", bits, &vec![0; 2 * 50_000]);
            round_trip(tmp.path(), "short", bits, &lowpassed_noise(100, bits, 3));
            round_trip(tmp.path(), "whole-blocks", bits, &sine(8192, bits));
            round_trip(
                tmp.path(),
                "extremes",
                bits,
                &full_scale_extremes(10_000, bits),
            );
            let mono: Vec<i32> = lowpassed_noise(20_000, bits, 5)
                .iter()
                .step_by(2)
                .flat_map(|&s| [s, s])
                .collect();
            round_trip(tmp.path(), "dual-mono", bits, &mono);
        }
    }

    #[test]
    fn flac_is_smaller_than_pcm_for_music_like_noise() {
        let tmp = tempfile::tempdir().unwrap();
        // Noise at half scale is near-incompressible: reference `flac -8` reaches 0.899 (16-bit)
        // and 0.933 (24-bit) of PCM on it. At -18 dB (a typical music level) there is more slack.
        let cases = [
            (16u16, 0, 0.89),
            (24, 0, 0.93),
            (16, 3, 0.72),
            (24, 3, 0.85),
        ];
        for (bits, shift, limit) in cases {
            let samples: Vec<i32> = lowpassed_noise(132_300, bits, 11)
                .iter()
                .map(|s| s >> shift)
                .collect();
            let size = round_trip(tmp.path(), "ratio", bits, &samples);
            let pcm = samples.len() as f64 * f64::from(bits) / 8.0;
            let ratio = size as f64 / pcm;
            eprintln!("{bits}-bit low-passed noise >> {shift}: FLAC/PCM = {ratio:.3}");
            assert!(
                ratio < limit,
                "{bits}-bit >> {shift}: FLAC is {ratio:.3} of PCM"
            );
        }
    }

    #[test]
    fn flac_keeps_uncommon_sample_rates() {
        // 96 kHz has a frame-header code; 37.8 kHz is only in STREAMINFO.
        let tmp = tempfile::tempdir().unwrap();
        let samples = sine(5000, 24);
        for rate in [96_000u32, 37_800] {
            let p = tmp.path().join(format!("{rate}.flac"));
            write_flac(&p, rate, 24, &samples).unwrap();
            let d = crate::media::decode_file(&p).unwrap();
            assert_eq!(d.audio.sample_rate_hz, rate);
            assert_eq!(decoded_ints(&p, 24), samples, "{rate} Hz");
            flac_tool_accepts(&p);
        }
    }

    #[test]
    fn flac_rejects_what_it_cannot_store() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("x.flac");
        for (bits, samples) in [(16u16, vec![40_000, 0]), (32, vec![0, 0]), (16, vec![0])] {
            let err = write_flac(&p, 44100, bits, &samples).unwrap_err();
            assert!(matches!(err, EncodeError::Flac { .. }), "{err}");
            assert!(err.to_string().contains("x.flac"), "{err}");
        }
    }

    /// `cargo test --release --lib flac_encode_speed -- --ignored --nocapture`
    #[test]
    #[ignore = "timing; run in release"]
    fn flac_encode_speed() {
        for bits in [16u16, 24] {
            let samples = lowpassed_noise(44_100 * 60, bits, 1);
            let t = std::time::Instant::now();
            let bytes = crate::render::flac::encode_stereo(44_100, bits, &samples).unwrap();
            let secs = t.elapsed().as_secs_f64();
            eprintln!(
                "{bits}-bit: 60 s of audio in {secs:.3} s = {:.0}x realtime, {} bytes",
                60.0 / secs,
                bytes.len()
            );
        }
    }

    #[test]
    fn a_full_disk_is_a_clear_error() {
        // /dev/full answers every write with ENOSPC.
        let err = write_flac(Path::new("/dev/full"), 48000, 16, &[0; 4096]).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EncodeError::Write { .. }), "{err:?}");
        assert!(msg.contains("/dev/full") && msg.contains("space"), "{msg}");
    }
}
