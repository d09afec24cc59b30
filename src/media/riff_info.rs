//! RIFF `LIST/INFO` tags for WAV files.
//!
//! symphonia 0.6.1's `WavReader` parses the INFO chunk and then drops it (its local metadata
//! log is never handed to the reader), so WAV titles would be lost. This reads the few INFO
//! fields we need straight from the chunk list; it only fills tags symphonia left empty.
use super::Tags;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// An INFO list larger than this is not a tag list we want to hold in memory.
const MAX_INFO_BYTES: u32 = 1 << 20;
/// Chunks scanned before giving up (a WAV has a handful).
const MAX_CHUNKS: usize = 64;

/// Fills the empty fields of `tags` from the file's RIFF INFO list, if it is a WAV with one.
/// Any read problem just means "no INFO tags": decoding reports real file errors.
pub(super) fn fill_missing(path: &Path, tags: &mut Tags) {
    let Ok(mut file) = File::open(path) else {
        return;
    };
    let Some(info) = find_info(&mut file) else {
        return;
    };
    let found = parse_info(&info);
    tags.title = tags.title.take().or(found.title);
    tags.artist = tags.artist.take().or(found.artist);
    tags.album = tags.album.take().or(found.album);
    tags.track_number = tags.track_number.or(found.track_number);
}

fn find_info(file: &mut File) -> Option<Vec<u8>> {
    let mut head = [0u8; 12];
    file.read_exact(&mut head).ok()?;
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return None;
    }
    for _ in 0..MAX_CHUNKS {
        let mut hdr = [0u8; 8];
        file.read_exact(&mut hdr).ok()?;
        let size = u32::from_le_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]);
        if &hdr[0..4] == b"LIST" && (4..=MAX_INFO_BYTES).contains(&size) {
            let mut body = vec![0u8; size as usize];
            file.read_exact(&mut body).ok()?;
            if &body[0..4] == b"INFO" {
                return Some(body.split_off(4));
            }
        } else {
            file.seek(SeekFrom::Current(i64::from(size))).ok()?;
        }
        // Chunks are padded to an even length.
        if size % 2 == 1 {
            file.seek(SeekFrom::Current(1)).ok()?;
        }
    }
    None
}

/// Parses the sub-chunks of an INFO list (without its "INFO" form type).
fn parse_info(mut body: &[u8]) -> Tags {
    let mut tags = Tags::default();
    while body.len() >= 8 {
        let id = &body[0..4];
        let size = u32::from_le_bytes([body[4], body[5], body[6], body[7]]) as usize;
        let Some(data) = body.get(8..8 + size) else {
            break;
        };
        let text = String::from_utf8_lossy(data);
        let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
        if !text.is_empty() {
            match id {
                b"INAM" => tags.title = Some(text.to_string()),
                b"IART" => tags.artist = Some(text.to_string()),
                b"IPRD" => tags.album = Some(text.to_string()),
                b"ITRK" | b"IPRT" => {
                    tags.track_number = text.split('/').next().and_then(|n| n.trim().parse().ok())
                }
                _ => {}
            }
        }
        let advance = (8 + size + size % 2).min(body.len());
        body = &body[advance..];
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(id: &[u8; 4], text: &str) -> Vec<u8> {
        let mut v = id.to_vec();
        let data = format!("{text}\0");
        v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        v.extend_from_slice(data.as_bytes());
        if data.len() % 2 == 1 {
            v.push(0);
        }
        v
    }

    #[test]
    fn parses_fields_and_padding() {
        let mut body = sub(b"INAM", "Odd");
        body.extend(sub(b"ISFT", "x"));
        body.extend(sub(b"IART", "Even1"));
        body.extend(sub(b"ITRK", "9/10"));
        let t = parse_info(&body);
        assert_eq!(t.title.as_deref(), Some("Odd"));
        assert_eq!(t.artist.as_deref(), Some("Even1"));
        assert_eq!(t.track_number, Some(9));
        assert_eq!(t.album, None);
    }

    #[test]
    fn truncated_list_does_not_panic() {
        let body = sub(b"INAM", "Title");
        let t = parse_info(&body[..body.len() - 3]);
        assert_eq!(t, Tags::default());
    }
}
