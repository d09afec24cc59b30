//! Whether an Ogg file was cut short. Ogg declares no total length, so a file cut in the
//! middle decodes as a shorter, valid track; only its last page shows it: a page that runs
//! past the end of the file, or a last page without the end-of-stream flag that every
//! finished stream sets (RFC 3533).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Longest Ogg page, bytes: a 27-byte header, 255 lacing values, 255 segments of 255 bytes.
const MAX_PAGE_BYTES: u64 = 27 + 255 + 255 * 255;
/// The header-type bit of a stream's last page.
const END_OF_STREAM: u8 = 0x04;

/// How an Ogg file's end shows it was cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutShort {
    /// The file ends inside a page.
    InsidePage,
    /// The last page is whole but does not close the stream.
    NoEndOfStream,
}

/// Whether the file at `path`, if it is Ogg, was cut short (`None`: not Ogg, finished as a
/// stream should be, or unreadable, which decoding reports on its own).
pub fn cut_short(path: &Path) -> Option<CutShort> {
    let mut file = File::open(path).ok()?;
    let mut magic = [0u8; 4];
    file.read_exact(&mut magic).ok()?;
    if &magic != b"OggS" {
        return None;
    }
    let len = file.metadata().ok()?.len();
    let start = len.saturating_sub(MAX_PAGE_BYTES + 4);
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).ok()?;
    last_page_state(&tail)
}

/// The state of the last page that begins in `tail` (the file's last bytes).
fn last_page_state(tail: &[u8]) -> Option<CutShort> {
    let at = tail.windows(4).rposition(|w| w == b"OggS")?;
    let page = &tail[at..];
    // Header: capture pattern, version, header type, granule (8), serial (4), sequence (4),
    // CRC (4), segment count; then the lacing values.
    if page.len() < 27 {
        return Some(CutShort::InsidePage);
    }
    let segments = usize::from(page[26]);
    let Some(lacing) = page.get(27..27 + segments) else {
        return Some(CutShort::InsidePage);
    };
    let body: usize = lacing.iter().map(|&l| usize::from(l)).sum();
    if page.len() < 27 + segments + body {
        Some(CutShort::InsidePage)
    } else if page[5] & END_OF_STREAM == 0 {
        Some(CutShort::NoEndOfStream)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One page: `segments` lacing values of 255 bytes each, `header_type` as given.
    fn page(header_type: u8, segments: u8) -> Vec<u8> {
        let mut p = b"OggS".to_vec();
        p.push(0);
        p.push(header_type);
        p.extend([0u8; 20]);
        p.push(segments);
        p.extend(std::iter::repeat_n(255u8, usize::from(segments)));
        p.extend(std::iter::repeat_n(0x55u8, 255 * usize::from(segments)));
        p
    }

    #[test]
    fn the_last_page_tells_a_finished_stream_from_a_cut_one() {
        let mut file = page(0x02, 3);
        file.extend(page(0x00, 4));
        let mut finished = file.clone();
        finished.extend(page(END_OF_STREAM, 2));
        assert_eq!(last_page_state(&finished), None);
        // Cut inside the last page's body, its lacing values, its header.
        for cut in [10, 27 + 1, 27 + 2 + 100] {
            let end = file.len() + cut;
            assert_eq!(
                last_page_state(&finished[..end]),
                Some(CutShort::InsidePage),
                "cut {cut} bytes into the last page"
            );
        }
        // Cut between pages: whole, but the stream was never closed.
        assert_eq!(last_page_state(&file), Some(CutShort::NoEndOfStream));
    }
}
