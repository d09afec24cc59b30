//! The edit list of an MP4/M4A file's sound track: where its audio really starts and how long it
//! is. An AAC encoder puts 1024 (or 2112) frames of priming before the music and pads the last
//! packet; the file's edit list (`moov/trak/edts/elst`) says to skip the one and drop the other.
//! symphonia 0.6 does not apply edit lists, so a decoded M4A came out 23 ms late and a little long
//! (ffmpeg and every player apply it). Only a single edit that plays the media from a point at
//! normal rate is followed; anything else is left as decoded.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// What the edit list asks of the decoded audio, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edit {
    /// Audio to skip at the start (the encoder's priming), seconds.
    pub skip_s: f64,
    /// Audio to keep from there, seconds.
    pub keep_s: f64,
}

/// Most atoms looked at among one parent's children: a bound against a hostile file.
const MAX_ATOMS: usize = 4096;

/// The edit of the first sound track of the MP4 file at `path`, when it has exactly one edit
/// that plays its media at normal rate; `None` for other files, other edits, or anything that
/// cannot be read (the audio is then used as decoded).
pub fn audio_edit(path: &Path) -> Option<Edit> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let moov = find_child(&mut file, 0, len, b"moov")?;
    let movie_scale = mvhd_timescale(&mut file, moov)?;
    let mut at = moov.0;
    for _ in 0..MAX_ATOMS {
        let (kind, body, next) = atom_at(&mut file, at, moov.1)?;
        at = next;
        if &kind != b"trak" {
            continue;
        }
        let Some(mdia) = find_child(&mut file, body.0, body.1, b"mdia") else {
            continue;
        };
        if !is_sound(&mut file, mdia) {
            continue;
        }
        let media_scale = mdhd_timescale(&mut file, mdia)?;
        let edts = find_child(&mut file, body.0, body.1, b"edts")?;
        let elst = find_child(&mut file, edts.0, edts.1, b"elst")?;
        let (duration, media_time) = single_edit(&mut file, elst)?;
        return Some(Edit {
            skip_s: media_time as f64 / media_scale as f64,
            keep_s: duration as f64 / movie_scale as f64,
        });
    }
    None
}

/// Reads `N` bytes at `pos`.
fn read_at<const N: usize>(file: &mut File, pos: u64) -> Option<[u8; N]> {
    let mut buf = [0u8; N];
    file.seek(SeekFrom::Start(pos)).ok()?;
    file.read_exact(&mut buf).ok()?;
    Some(buf)
}

/// The atom starting at `pos` within a parent ending at `end`: its type, its body (start, end)
/// and where the next sibling starts.
fn atom_at(file: &mut File, pos: u64, end: u64) -> Option<([u8; 4], (u64, u64), u64)> {
    if pos + 8 > end {
        return None;
    }
    let head: [u8; 8] = read_at(file, pos)?;
    let kind = [head[4], head[5], head[6], head[7]];
    let (size, header) = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
        0 => (end - pos, 8),
        1 => (u64::from_be_bytes(read_at(file, pos + 8)?), 16),
        n => (u64::from(n), 8),
    };
    if size < header || pos + size > end {
        return None;
    }
    Some((kind, (pos + header, pos + size), pos + size))
}

/// The body (start, end) of the first child of type `kind` in `start..end`.
fn find_child(file: &mut File, start: u64, end: u64, kind: &[u8; 4]) -> Option<(u64, u64)> {
    let mut at = start;
    for _ in 0..MAX_ATOMS {
        let (k, body, next) = atom_at(file, at, end)?;
        if &k == kind {
            return Some(body);
        }
        at = next;
    }
    None
}

/// Whether a `mdia` atom's handler is sound (`hdlr` handler type `soun`).
fn is_sound(file: &mut File, mdia: (u64, u64)) -> bool {
    find_child(file, mdia.0, mdia.1, b"hdlr")
        .and_then(|hdlr| read_at::<4>(file, hdlr.0 + 8))
        .is_some_and(|handler| &handler == b"soun")
}

/// The timescale of a full box laid out as `mvhd` and `mdhd` are: version 0 has 32-bit times,
/// version 1 64-bit ones, before the 32-bit timescale.
fn header_timescale(file: &mut File, body: (u64, u64)) -> Option<u32> {
    let version = read_at::<1>(file, body.0)?[0];
    let offset = if version == 1 { 4 + 16 } else { 4 + 8 };
    let scale = u32::from_be_bytes(read_at(file, body.0 + offset)?);
    (scale > 0).then_some(scale)
}

fn mvhd_timescale(file: &mut File, moov: (u64, u64)) -> Option<u32> {
    let mvhd = find_child(file, moov.0, moov.1, b"mvhd")?;
    header_timescale(file, mvhd)
}

fn mdhd_timescale(file: &mut File, mdia: (u64, u64)) -> Option<u32> {
    let mdhd = find_child(file, mdia.0, mdia.1, b"mdhd")?;
    header_timescale(file, mdhd)
}

/// (segment duration in the movie's timescale, media time in the track's) of an edit list with
/// one edit at rate 1 that starts at a media time of 0 or later.
fn single_edit(file: &mut File, elst: (u64, u64)) -> Option<(u64, u64)> {
    let head: [u8; 8] = read_at(file, elst.0)?;
    let version = head[0];
    let count = u32::from_be_bytes([head[4], head[5], head[6], head[7]]);
    if count != 1 {
        return None;
    }
    let entry = elst.0 + 8;
    let (duration, media_time, rate) = if version == 1 {
        let e: [u8; 20] = read_at(file, entry)?;
        (
            u64::from_be_bytes(e[0..8].try_into().ok()?),
            i64::from_be_bytes(e[8..16].try_into().ok()?),
            i16::from_be_bytes([e[16], e[17]]),
        )
    } else {
        let e: [u8; 12] = read_at(file, entry)?;
        (
            u64::from(u32::from_be_bytes(e[0..4].try_into().ok()?)),
            i64::from(i32::from_be_bytes(e[4..8].try_into().ok()?)),
            i16::from_be_bytes([e[8], e[9]]),
        )
    };
    (rate == 1 && media_time >= 0 && duration > 0).then_some((duration, media_time as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_without_an_mp4_edit_have_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.wav");
        std::fs::write(&path, b"RIFF\x04\x00\x00\x00WAVE").unwrap();
        assert_eq!(audio_edit(&path), None);
        std::fs::write(&path, b"").unwrap();
        assert_eq!(audio_edit(&path), None);
        assert_eq!(audio_edit(&dir.path().join("missing.m4a")), None);
    }
}
