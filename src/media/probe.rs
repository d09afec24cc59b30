//! Opening a file and probing its container: shared by decoding and tag reading so both
//! report the same errors for the same bad input.
use super::MediaError;
use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::Path;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// Opens `path` and returns the container reader positioned at the first packet.
pub(super) fn open_format(path: &Path) -> Result<Box<dyn FormatReader>, MediaError> {
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    let len = file.metadata().map_err(|e| io_error(path, e))?.len();
    if len == 0 {
        return Err(MediaError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut head = [0u8; 12];
    let got = file.read(&mut head).map_err(|e| io_error(path, e))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| io_error(path, e))?;
    let known_container = is_audio_container(&head[..got]);
    let declared = declared_len(&head[..got]);
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
        .map_err(|e| {
            probe_error(
                path,
                e,
                known_container,
                declared.filter(|&d| d > len).zip(Some(len)),
            )
        })
}

/// True when the first bytes carry the magic of a container we read. A probe failure on such
/// a file means the file is damaged or cut short, not that it is some other kind of file.
fn is_audio_container(head: &[u8]) -> bool {
    let at = |i: usize, magic: &[u8]| head.get(i..i + magic.len()) == Some(magic);
    at(0, b"RIFF") && at(8, b"WAVE")
        || at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC"))
        || at(0, b"fLaC")
        || at(0, b"OggS")
        || at(0, b"ID3")
        || at(4, b"ftyp")
}

/// The file length a WAV (RIFF) or AIFF (FORM) header declares, bytes; `None` for other formats.
fn declared_len(head: &[u8]) -> Option<u64> {
    let size: [u8; 4] = head.get(4..8)?.try_into().ok()?;
    match head.get(0..4)? {
        b"RIFF" => Some(u64::from(u32::from_le_bytes(size)) + 8),
        b"FORM" => Some(u64::from(u32::from_be_bytes(size)) + 8),
        _ => None,
    }
}

/// A byte count in words: "1.0 MB", "4.4 MB", "812 kB".
fn bytes(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else {
        format!("{} kB", n.div_ceil(1000))
    }
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

/// Maps a probe failure. The probe scans the whole file for a known marker, so running out of
/// bytes means "not audio" - unless the file starts like one of our containers, in which case
/// it was cut short. `short`: (declared, actual) length in bytes when the file is shorter than
/// its WAV/AIFF header says.
fn probe_error(
    path: &Path,
    e: SymError,
    known_container: bool,
    short: Option<(u64, u64)>,
) -> MediaError {
    let path = path.to_path_buf();
    // Symphonia's words ("missing moov atom") name container internals; say what happened.
    let cut_short = match &e {
        // An AIFF reader looks for the chunks after the sound data, so a file cut in its audio
        // fails here too: the header's own length tells that apart from a cut header.
        SymError::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => Some(match short {
            Some((declared, actual)) => format!(
                "the file holds {} of the {} its header declares",
                bytes(actual),
                bytes(declared)
            ),
            None => "the file ends before its headers are complete".to_string(),
        }),
        // MP4 keeps its index (moov) at the end unless written for streaming.
        SymError::Unsupported(what) if what.contains("missing moov") => {
            Some("the file ends before its index, which an MP4/M4A file keeps at its end".into())
        }
        _ => None,
    };
    if let (true, Some(how)) = (known_container, cut_short) {
        return MediaError::Corrupt {
            path,
            reason: format!("truncated: {how}"),
        };
    }
    match e {
        // Symphonia's words for "nothing matched" ("core (probe): no suitable format reader
        // found") name its internals; say what it means.
        SymError::Unsupported(what) if what.contains("no suitable format reader") => {
            MediaError::Unsupported {
                path,
                reason: "its first bytes match no audio format Lathe reads".to_string(),
            }
        }
        // Symphonia names channel positions for 1 to 26 channels; a header with none or more
        // (a 32-channel stem bounce) is refused in one of these words.
        SymError::DecodeError(what) | SymError::Unsupported(what)
            if what.contains("invalid channel count") || what.contains("too many channels") =>
        {
            MediaError::Channels { path }
        }
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
