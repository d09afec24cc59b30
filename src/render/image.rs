//! The CD album image: one 44.1 kHz 16-bit WAV of the whole album and its cue sheet, built from the
//! track files already written (so it holds exactly the same samples).

use super::cue::{cue_sheet, to_frame_boundary, CueTrack, MIN_TRACK_S};
use super::encode::EncodeError;
use super::export::ExportError;
use super::report::TrackReport;
use crate::project::Project;
use std::path::Path;

const RATE_HZ: u32 = 44_100;

/// Writes `<Album>.wav` and `<Album>.cue` into `dir` from the track files named in `tracks`;
/// returns the WAV's file name. Gaps become INDEX 00 pregaps, every index sits on a CD frame.
pub fn write_album_image(
    dir: &Path,
    project: &Project,
    tracks: &[TrackReport],
) -> Result<String, ExportError> {
    let stem = super::names::safe_title(&project.album.title);
    let wav_name = format!("{stem}.wav");
    let wav_path = dir.join(&wav_name);
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: RATE_HZ,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let werr = |e: hound::Error| {
        ExportError::Encode(EncodeError::Write {
            path: wav_path.clone(),
            message: e.to_string(),
        })
    };
    let mut writer = hound::WavWriter::create(&wav_path, spec).map_err(werr)?;
    let mut position: u64 = 0;
    let mut cue = Vec::with_capacity(tracks.len());
    for (report, track) in tracks.iter().zip(&project.tracks) {
        let decoded =
            crate::media::decode_file(&dir.join(&report.file)).map_err(|e| ExportError::Track {
                number: report.number,
                title: report.title.clone(),
                message: e.to_string(),
            })?;
        let [left, right] = &decoded.audio.channels;
        let gap = super::track::gap_frames(track.gap_before_s, RATE_HZ).min(left.len());
        let music = left.len() - gap;
        if (music as f64) < MIN_TRACK_S * RATE_HZ as f64 {
            return Err(ExportError::Settings(format!(
                "track {} \"{}\" is shorter than the 4 s a CD track needs",
                report.number, report.title
            )));
        }
        // The pregap grows to a whole number of CD frames so the track starts on a frame.
        let gap_frames = to_frame_boundary(gap as u64);
        let pregap_start = position;
        let start = position + gap_frames;
        let padded_end = to_frame_boundary(gap_frames + music as u64);
        let mut write = |l: f32, r: f32| -> Result<(), ExportError> {
            // 16-bit samples decode to k/32768 exactly; this is the identity back to integers.
            writer
                .write_sample((l * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
                .map_err(werr)?;
            writer
                .write_sample((r * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
                .map_err(werr)
        };
        for _ in 0..gap_frames {
            write(0.0, 0.0)?;
        }
        for (l, r) in left[gap..].iter().zip(&right[gap..]) {
            write(*l, *r)?;
        }
        for _ in (gap_frames + music as u64)..padded_end {
            write(0.0, 0.0)?;
        }
        position += padded_end;
        cue.push(CueTrack {
            title: report.title.clone(),
            pregap_start,
            start,
        });
    }
    writer.finalize().map_err(werr)?;
    let sheet = cue_sheet(&project.album.title, &project.album.artist, &wav_name, &cue);
    let cue_path = dir.join(format!("{stem}.cue"));
    std::fs::write(&cue_path, sheet).map_err(|e| {
        ExportError::Encode(EncodeError::Write {
            path: cue_path,
            message: e.to_string(),
        })
    })?;
    Ok(wav_name)
}
