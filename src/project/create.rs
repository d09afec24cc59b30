//! Creating a project from audio files (`lathe new`).

use super::model::*;
use std::path::{Path, PathBuf};

/// File extensions Lathe offers to open as audio (lower case).
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "aif", "aiff", "aifc", "flac", "mp3", "ogg", "oga", "m4a", "mp4", "aac",
];

/// Whether a path has an audio extension Lathe decodes.
pub fn is_audio_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

/// Expands folders into their audio files (not recursive) and keeps files as given.
/// Folder contents are ordered by file name; the order of the arguments is kept.
pub fn collect_audio_files(inputs: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_audio_path(p))
                .collect();
            found.sort_by_key(|p| p.file_name().map(|n| n.to_string_lossy().to_lowercase()));
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// A title from a file name: "03 - My_Song.flac" -> "My Song".
pub fn title_from_file_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned = stem.replace('_', " ");
    let without_number = cleaned.trim_start_matches(|c: char| c.is_ascii_digit());
    let trimmed = without_number
        .trim_start_matches([' ', '-', '.', ')'])
        .trim();
    let title = if trimmed.is_empty() {
        cleaned.trim()
    } else {
        trimmed
    };
    title.to_string()
}

/// Builds a new project with one track per file, in the given order. `sources` are stored
/// relative to `project_folder`; `title_of` returns a tag title when the file has one.
pub fn project_from_files(
    files: &[PathBuf],
    project_folder: &Path,
    title_of: impl Fn(&Path) -> Option<String>,
) -> Project {
    let tracks = files
        .iter()
        .enumerate()
        .map(|(i, file)| Track {
            id: TrackId(i as u64 + 1),
            title: title_of(file)
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| title_from_file_name(file)),
            source: super::document::relative_path(file, project_folder),
            gap_before_s: if i == 0 { 0.0 } else { 2.0 },
            fade_in_s: 0.0,
            fade_out_s: 0.0,
            tone: ToneSettings::default(),
            stereo: StereoSettings::default(),
            headroom: TrackHeadroom::default(),
        })
        .collect();
    let album_title = project_folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Untitled album".into());
    Project {
        schema_version: SCHEMA_VERSION,
        album: AlbumInfo {
            title: album_title,
            artist: String::new(),
        },
        settings: AlbumSettings::default(),
        tracks,
        references: Vec::new(),
    }
}

impl Project {
    /// The next unused track/reference id.
    pub fn next_id(&self) -> TrackId {
        let max = self
            .tracks
            .iter()
            .map(|t| t.id.0)
            .chain(self.references.iter().map(|r| r.id.0))
            .max();
        TrackId(max.map_or(1, |m| m + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_file_names_drop_numbers_and_underscores() {
        assert_eq!(
            title_from_file_name(Path::new("03 - My_Song.flac")),
            "My Song"
        );
        assert_eq!(
            title_from_file_name(Path::new("/x/01-crushed-ice.ogg")),
            "crushed-ice"
        );
        assert_eq!(title_from_file_name(Path::new("1999.wav")), "1999");
        assert_eq!(title_from_file_name(Path::new("Intro.wav")), "Intro");
    }

    #[test]
    fn audio_extensions_are_case_insensitive() {
        assert!(is_audio_path(Path::new("a.FLAC")));
        assert!(is_audio_path(Path::new("a.m4a")));
        assert!(!is_audio_path(Path::new("a.txt")));
        assert!(!is_audio_path(Path::new("flac")));
    }

    #[test]
    fn tracks_get_ids_order_gaps_and_tag_titles() {
        let files = vec![
            PathBuf::from("/m/a/01 x.wav"),
            PathBuf::from("/m/a/02 y.wav"),
        ];
        let p = project_from_files(&files, Path::new("/m"), |f| {
            f.to_string_lossy()
                .contains("02")
                .then(|| "Tagged".to_string())
        });
        assert_eq!(p.tracks.len(), 2);
        assert_eq!(p.tracks[0].title, "x");
        assert_eq!(p.tracks[1].title, "Tagged");
        assert_eq!(p.tracks[0].source, PathBuf::from("a/01 x.wav"));
        assert_eq!(
            (p.tracks[0].gap_before_s, p.tracks[1].gap_before_s),
            (0.0, 2.0)
        );
        assert_eq!(p.next_id(), TrackId(3));
    }
}
