//! Opening a file and probing its container: shared by decoding and tag reading so both
//! report the same errors for the same bad input.
use super::MediaError;
use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// Opens `path` and returns the container reader positioned at the first packet.
pub(super) fn open_format(path: &Path) -> Result<Box<dyn FormatReader>, MediaError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let len = file.metadata().map_err(|e| io_error(path, e))?.len();
    if len == 0 {
        return Err(MediaError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| probe_error(path, e))
}

/// Maps an error from opening the file itself.
pub(super) fn io_error(path: &Path, e: std::io::Error) -> MediaError {
    match e.kind() {
        ErrorKind::NotFound => MediaError::NotFound {
            path: path.to_path_buf(),
        },
        _ => MediaError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

/// Maps a probe failure. The probe scans the whole file for a known marker, so running out
/// of bytes there means nothing recognisable was found: that is "not audio", not "truncated".
fn probe_error(path: &Path, e: SymError) -> MediaError {
    let path = path.to_path_buf();
    match e {
        SymError::Unsupported(what) => MediaError::Unsupported {
            path,
            reason: what.to_string(),
        },
        SymError::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => MediaError::Unsupported {
            path,
            reason: "no known audio format found".to_string(),
        },
        SymError::IoError(io) => MediaError::Io { path, source: io },
        SymError::DecodeError(what) | SymError::LimitError(what) => MediaError::Corrupt {
            path,
            reason: format!("bad header: {what}"),
        },
        other => MediaError::Corrupt {
            path,
            reason: other.to_string(),
        },
    }
}
