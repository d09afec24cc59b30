//! symphonia decoding to planar stereo f32. (Stub: being implemented.)
use super::{Decoded, MediaError};
use std::path::Path;

/// Decodes a whole file to planar stereo f32 at the file's own rate.
/// Bad packets in the middle are skipped and reported in `Decoded::notices`; never panics.
pub fn decode_file(path: &Path) -> Result<Decoded, MediaError> {
    let _ = path;
    todo!("media::decode_file")
}
