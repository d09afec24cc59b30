//! Tag reading (title, artist, album, track number) without decoding audio. (Stub: being implemented.)
use super::{MediaError, Tags};
use std::path::Path;

/// Reads the file's tags (probe only, fast).
pub fn read_tags(path: &Path) -> Result<Tags, MediaError> {
    let _ = path;
    todo!("media::read_tags")
}
