//! symphonia decoding to planar stereo f32.
use super::collect::Collector;
use super::probe::open_format;
use super::riff_info;
use super::tags::collect_tags;
use super::{Decoded, MediaError};
use std::io::ErrorKind;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use symphonia::core::audio::sample::SampleFormat;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::TrackType;

/// After this many errors in a row with no good packet between them the rest of the file is
/// taken as unreadable; it stops a reader that cannot resynchronise from looping forever.
const MAX_CONSECUTIVE_ERRORS: u32 = 200;

/// Decodes a whole file to planar stereo f32 at the file's own rate.
///
/// Mono is duplicated, wider layouts are downmixed (see `downmix::Mixer`). Damaged packets in
/// the middle are skipped, replaced by silence of the same length so the timeline stays true,
/// and reported in `Decoded::notices`; NaN/inf samples become 0.0. A file that ends well
/// before the length its header declares is an error. Never panics: a panic inside a decoder
/// is caught and returned as [`MediaError::Corrupt`].
pub fn decode_file(path: &Path) -> Result<Decoded, MediaError> {
    catch_panics(path, || decode_inner(path))
}

/// Last line of defence: a panic inside a decoder on hostile input becomes an error naming
/// the file instead of taking the app down.
fn catch_panics<T>(
    path: &Path,
    work: impl FnOnce() -> Result<T, MediaError>,
) -> Result<T, MediaError> {
    panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_string());
        Err(MediaError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("the decoder crashed on this file ({what})"),
        })
    })
}

/// Lowest and highest sample rate a source may have, Hz (telephone audio to 8× 96 kHz).
pub const MIN_RATE_HZ: u32 = 4_000;
pub const MAX_RATE_HZ: u32 = 768_000;

fn decode_inner(path: &Path) -> Result<Decoded, MediaError> {
    let unsupported = |reason: String| MediaError::Unsupported {
        path: path.to_path_buf(),
        reason,
    };
    let mut format = open_format(path)?;
    // Read the tags before decoding: later revisions in the log are popped as we go.
    let mut tags = collect_tags(format.as_mut());
    riff_info::fill_missing(path, &mut tags);

    let track = format
        .default_track(TrackType::Audio)
        .ok_or_else(|| unsupported("no audio track".to_string()))?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .cloned()
        .ok_or_else(|| unsupported("the audio track has no codec parameters".to_string()))?;
    let sample_rate_hz = params
        .sample_rate
        .filter(|&sr| sr > 0)
        .ok_or_else(|| unsupported("unknown sample rate".to_string()))?;
    // A header claiming 1 Hz is damage, not audio: resampling it to 44.1 kHz asked for gigabytes.
    if !(MIN_RATE_HZ..=MAX_RATE_HZ).contains(&sample_rate_hz) {
        return Err(MediaError::Corrupt {
            path: path.to_path_buf(),
            reason: format!(
                "its header says {sample_rate_hz} Hz, and Lathe reads {MIN_RATE_HZ} to {MAX_RATE_HZ} Hz"
            ),
        });
    }
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| unsupported(format!("codec {:?} cannot be decoded: {e}", params.codec)))?;
    // The decoder's parameters are completed from codec headers (ALAC's magic cookie), the
    // track's come from the container alone (float WAV leaves bits unset).
    let short_name = decoder.codec_info().short_name;
    let codec = codec_display_name(short_name);
    let lossless = matches!(codec.as_str(), "PCM" | "FLAC" | "ALAC");
    let bits_per_sample = decoder
        .codec_params()
        .bits_per_sample
        .or(params.bits_per_sample)
        .or_else(|| params.sample_format.map(sample_format_bits))
        .or_else(|| pcm_bits_from_name(short_name))
        .or_else(|| alac_bits(params.extra_data.as_deref()))
        .filter(|_| lossless);

    let mut sink = Collector::new(sample_rate_hz, track.time_base, track.num_frames);
    let mut consecutive_errors = 0u32;
    let mut first_error: Option<String> = None;
    let mut notices = Vec::new();
    loop {
        if consecutive_errors > MAX_CONSECUTIVE_ERRORS {
            notices.push("stopped early: the rest of the file could not be read".to_string());
            break;
        }
        let packet = match format.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // A file that simply stops: the length check below decides if that is truncation.
            Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => break,
            Err(SymError::IoError(e)) => {
                return Err(MediaError::Io {
                    path: path.to_path_buf(),
                    source: e,
                })
            }
            Err(SymError::ResetRequired) => {
                notices.push("the stream changes format partway; decoded up to that point".into());
                break;
            }
            Err(e) => {
                // The demuxer met damage; it resynchronises on the next call.
                first_error.get_or_insert_with(|| e.to_string());
                sink.skipped_packet(None);
                consecutive_errors += 1;
                continue;
            }
        };
        if packet.track_id != track_id {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(buf) => {
                consecutive_errors = 0;
                sink.push(&buf, packet.pts, packet.dur);
            }
            Err(e) => {
                first_error.get_or_insert_with(|| e.to_string());
                sink.skipped_packet(Some(packet.pts));
                consecutive_errors += 1;
                // symphonia requires a reset after a decode error before the next packet.
                decoder.reset();
            }
        }
    }

    let summary = sink.finish();
    if summary.audio.frames() == 0 {
        return Err(match first_error {
            Some(e) => MediaError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("no packet could be decoded ({e})"),
            },
            None => MediaError::Empty {
                path: path.to_path_buf(),
            },
        });
    }
    if let Some((expected_s, got_s)) = summary.truncation {
        return Err(MediaError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("truncated: expected {expected_s:.2} s, got {got_s:.2} s"),
        });
    }
    notices.extend(summary.notices);
    let mut audio = summary.audio;
    // MP4: the encoder's priming and padding go, as the file's edit list asks.
    if let Some(edit) = super::mp4_edit::audio_edit(path) {
        let rate = f64::from(audio.sample_rate_hz);
        let skip = ((edit.skip_s * rate).round() as usize).min(audio.frames());
        let keep = (edit.keep_s * rate).round() as usize;
        for ch in &mut audio.channels {
            ch.drain(..skip);
            ch.truncate(keep.max(1));
        }
    }
    if let Some(cut) = super::ogg_tail::cut_short(path) {
        let how = match cut {
            super::ogg_tail::CutShort::InsidePage => "the file ends inside an Ogg page",
            super::ogg_tail::CutShort::NoEndOfStream => {
                "its last Ogg page does not close the stream"
            }
        };
        notices.push(format!(
            "cut short: {how}, so the audio stops at {:.1} s where the music may go on; replace it with a complete copy",
            audio.duration_s()
        ));
    }
    Ok(Decoded {
        audio,
        source_channels: summary
            .source_channels
            .or_else(|| params.channels.as_ref().map(|c| c.count() as u16))
            .unwrap_or(0),
        codec,
        bits_per_sample,
        tags,
        notices,
        nonfinite_samples: summary.nonfinite_samples,
    })
}

/// Short names users recognise, from symphonia's codec ids ("pcm_s16le" -> "PCM").
fn codec_display_name(short_name: &str) -> String {
    match short_name {
        s if s.starts_with("pcm") => "PCM".into(),
        "vorbis" => "Vorbis".into(),
        s => s.to_ascii_uppercase(),
    }
}

/// "pcm_f32le" -> 32: symphonia's PCM ids spell the width out.
fn pcm_bits_from_name(short_name: &str) -> Option<u32> {
    let rest = short_name.strip_prefix("pcm_")?.get(1..)?;
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// ALAC's bit depth sits in its magic cookie (ALACSpecificConfig byte 5), which symphonia's
/// decoder reads but does not expose. In MP4 the cookie may still carry its 12-byte atom header.
fn alac_bits(cookie: Option<&[u8]>) -> Option<u32> {
    let cookie = cookie?;
    let config = match cookie.get(4..8) {
        Some(b"alac") => cookie.get(12..)?,
        _ => cookie,
    };
    config.get(5).map(|&b| u32::from(b)).filter(|&b| b > 0)
}

fn sample_format_bits(format: SampleFormat) -> u32 {
    match format {
        SampleFormat::U8 | SampleFormat::S8 => 8,
        SampleFormat::U16 | SampleFormat::S16 => 16,
        SampleFormat::U24 | SampleFormat::S24 => 24,
        SampleFormat::U32 | SampleFormat::S32 | SampleFormat::F32 => 32,
        SampleFormat::F64 => 64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_names() {
        assert_eq!(codec_display_name("pcm_s24le"), "PCM");
        assert_eq!(codec_display_name("flac"), "FLAC");
        assert_eq!(codec_display_name("vorbis"), "Vorbis");
        assert_eq!(codec_display_name("mp3"), "MP3");
    }

    #[test]
    fn a_panic_becomes_a_corrupt_error_naming_the_file() {
        let path = Path::new("/music/boom.flac");
        let result: Result<(), _> = catch_panics(path, || panic!("index out of bounds"));
        match result {
            Err(e @ MediaError::Corrupt { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("boom.flac") && text.contains("index out of bounds"),
                    "{text}"
                );
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert_eq!(catch_panics(path, || Ok(3)).unwrap(), 3);
    }

    #[test]
    fn bit_depth_fallbacks() {
        assert_eq!(pcm_bits_from_name("pcm_f32le"), Some(32));
        assert_eq!(pcm_bits_from_name("pcm_s24be"), Some(24));
        assert_eq!(pcm_bits_from_name("flac"), None);
        let config = [0, 0, 16, 0, 0, 24, 40, 10];
        assert_eq!(alac_bits(Some(&config)), Some(24));
        let mut atom = vec![0, 0, 0, 36, b'a', b'l', b'a', b'c', 0, 0, 0, 0];
        atom.extend_from_slice(&config);
        assert_eq!(alac_bits(Some(&atom)), Some(24));
        assert_eq!(alac_bits(None), None);
    }
}
