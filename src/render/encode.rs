//! Writing rendered audio: WAV (hound: 16/24-bit integer, 32-bit float) and FLAC (flacenc: 16/24-bit).
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
pub fn write_flac(
    path: &Path,
    sample_rate_hz: u32,
    bits: u16,
    interleaved: &[i32],
) -> Result<(), EncodeError> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;
    let flac_err = |m: String| EncodeError::Flac {
        path: path.to_path_buf(),
        message: m,
    };
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .map_err(|e| flac_err(format!("{e:?}")))?;
    let source = flacenc::source::MemSource::from_samples(
        interleaved,
        2,
        bits as usize,
        sample_rate_hz as usize,
    );
    let stream = flacenc::encode_with_fixed_block_size(&config, source, config.block_size)
        .map_err(|e| flac_err(format!("{e:?}")))?;
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream
        .write(&mut sink)
        .map_err(|e| flac_err(format!("{e:?}")))?;
    // flacenc stores the short last block as STREAMINFO's minimum block size. The spec excludes
    // the last block from that minimum; symphonia reads min != max as a variable-blocksize
    // stream and then rejects every (frame-numbered) fixed-blocksize frame header.
    let mut bytes = sink.as_slice().to_vec();
    if bytes.len() >= 12 {
        bytes.copy_within(10..12, 8);
    }
    let mut file = std::fs::File::create(path).map_err(|e| write_err(path, e))?;
    file.write_all(&bytes)
        .map_err(|e| write_err(path, e))?;
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

    #[test]
    fn flac_writes_a_compressed_stream() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a.flac");
        let samples: Vec<i32> = (0..20_000)
            .map(|n| ((n as f64 * 0.05).sin() * 30_000.0) as i32)
            .collect();
        write_flac(&p, 48000, 16, &samples).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(&bytes[..4], b"fLaC");
        assert!(
            bytes.len() < samples.len() * 2,
            "a sine compresses below PCM size"
        );
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
        let l: Vec<i32> = l.iter().map(|&s| (s as f64 * scale).round() as i32).collect();
        let r: Vec<i32> = r.iter().map(|&s| (s as f64 * scale).round() as i32).collect();
        interleave(&l, &r)
    }

    #[test]
    fn lowpassed_noise_reads_back_exactly() {
        let tmp = tempfile::tempdir().unwrap();
        for bits in [16u16, 24] {
            let p = tmp.path().join(format!("n{bits}.flac"));
            let samples = lowpassed_noise(3 * 44100, bits, 7);
            write_flac(&p, 44100, bits, &samples).unwrap();
            assert!(decoded_ints(&p, bits) == samples, "{bits}-bit differs");
        }
    }

    #[test]
    fn a_full_disk_is_a_clear_error() {
        // /dev/full answers every write with ENOSPC.
        let err = write_flac(Path::new("/dev/full"), 48000, 16, &[0; 4096]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("/dev/full") && msg.contains("space"), "{msg}");
    }
}
