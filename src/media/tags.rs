//! Tag reading (title, artist, album, track number) without decoding audio.
//!
//! symphonia normalises Vorbis comments (FLAC, OGG), ID3v1/v2 (MP3), MP4 `ilst` atoms and
//! RIFF `INFO` chunks into `StandardTag`s; we read those and fall back on the raw key only
//! for track numbers written as text ("3/12"). WAV INFO is read by `riff_info` (see there).
use super::probe::open_format;
use super::riff_info;
use super::{MediaError, Tags};
use std::path::Path;
use symphonia::core::formats::{FormatReader, TrackType};
use symphonia::core::meta::{MetadataRevision, RawValue, StandardTag, Tag};

/// Reads the file's tags by probing the container only (no audio is decoded), so it is fast
/// enough to call for every track when an album folder is opened. A container whose audio
/// track declares zero frames (a 44-byte WAV header) is refused as `Empty`, as decoding it is:
/// adding it as a track would only fail later.
pub fn read_tags(path: &Path) -> Result<Tags, MediaError> {
    let mut format = open_format(path)?;
    if format
        .default_track(TrackType::Audio)
        .is_some_and(|t| t.num_frames == Some(0))
    {
        return Err(MediaError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut tags = collect_tags(format.as_mut());
    riff_info::fill_missing(path, &mut tags);
    Ok(tags)
}

/// Gathers tags from every metadata revision the reader holds so far, oldest first.
///
/// Later revisions override earlier ones: the probe reads trailing tags (ID3v1, 30-character
/// fields) before leading ones (ID3v2) and before the container's own, so the richest source
/// comes last. This pops revisions from the reader's log; call it before or after decoding,
/// not between packets whose metadata you still need.
pub(super) fn collect_tags(format: &mut dyn FormatReader) -> Tags {
    let mut tags = Tags::default();
    let mut log = format.metadata();
    loop {
        if let Some(rev) = log.current() {
            apply_revision(&mut tags, rev);
        }
        if log.pop().is_none() {
            break;
        }
    }
    tags
}

fn apply_revision(tags: &mut Tags, rev: &MetadataRevision) {
    let per_track = rev.per_track.iter().flat_map(|t| t.metadata.tags.iter());
    for tag in rev.media.tags.iter().chain(per_track) {
        apply_tag(tags, tag);
    }
}

fn apply_tag(tags: &mut Tags, tag: &Tag) {
    match &tag.std {
        Some(StandardTag::TrackTitle(s)) => set_text(&mut tags.title, s),
        Some(StandardTag::Artist(s)) => set_text(&mut tags.artist, s),
        Some(StandardTag::Album(s)) => set_text(&mut tags.album, s),
        Some(StandardTag::TrackNumber(n)) => {
            if let Ok(n) = u32::try_from(*n) {
                tags.track_number = Some(n);
            }
        }
        Some(_) => {}
        None => {
            let key = tag.raw.key.to_ascii_uppercase();
            if matches!(
                key.as_str(),
                "TRACKNUMBER" | "TRCK" | "TRACK" | "ITRK" | "IPRT"
            ) {
                if let Some(n) = parse_track_number(&tag.raw.value) {
                    tags.track_number = Some(n);
                }
            }
        }
    }
}

/// Empty strings are treated as absent so a blank tag cannot hide an earlier good one.
fn set_text(slot: &mut Option<String>, value: &str) {
    let value = value.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    if !value.is_empty() {
        *slot = Some(value.to_string());
    }
}

/// Accepts "7", "07" and "7/12".
fn parse_track_number(value: &RawValue) -> Option<u32> {
    match value {
        RawValue::UnsignedInt(n) => u32::try_from(*n).ok(),
        RawValue::SignedInt(n) => u32::try_from(*n).ok(),
        RawValue::String(s) => s.split('/').next()?.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn track_number_text_forms() {
        let s = |v: &str| RawValue::String(std::sync::Arc::new(v.to_string()));
        assert_eq!(parse_track_number(&s("7")), Some(7));
        assert_eq!(parse_track_number(&s("07/12")), Some(7));
        assert_eq!(parse_track_number(&s("x")), None);
        assert_eq!(parse_track_number(&RawValue::UnsignedInt(3)), Some(3));
    }

    #[test]
    fn blank_text_does_not_override() {
        let mut slot = Some("Kept".to_string());
        set_text(&mut slot, " \0");
        assert_eq!(slot.as_deref(), Some("Kept"));
        set_text(&mut slot, "New\0");
        assert_eq!(slot.as_deref(), Some("New"));
    }
}
