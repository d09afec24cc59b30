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
/// Folder contents are ordered by file name in natural order (see [`natural_cmp`]); the order
/// of the arguments is kept.
pub fn collect_audio_files(inputs: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_audio_path(p))
                .collect();
            let name = |p: &PathBuf| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            found.sort_by(|a, b| natural_cmp(&name(a), &name(b)));
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// Orders file names as a person reads them: runs of digits by their value, so "2 - Song"
/// comes before "10 - Outro" (plain text order put "10" first); the rest case-insensitively.
/// Names that differ only in case or leading zeros fall back on plain text order.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        let (cx, cy) = match (x.peek().copied(), y.peek().copied()) {
            (None, None) => break,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(cx), Some(cy)) => (cx, cy),
        };
        if cx.is_ascii_digit() && cy.is_ascii_digit() {
            let digits = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                let mut run = String::new();
                while let Some(c) = it.next_if(char::is_ascii_digit) {
                    run.push(c);
                }
                run
            };
            let (dx, dy) = (digits(&mut x), digits(&mut y));
            // By value without parsing, so a run of any length compares: fewer significant
            // digits is smaller, then digit by digit.
            let (vx, vy) = (dx.trim_start_matches('0'), dy.trim_start_matches('0'));
            let by_value = vx.len().cmp(&vy.len()).then_with(|| vx.cmp(vy));
            if by_value != Ordering::Equal {
                return by_value;
            }
        } else {
            let by_letter = cx.to_lowercase().cmp(cy.to_lowercase());
            if by_letter != Ordering::Equal {
                return by_letter;
            }
            x.next();
            y.next();
        }
    }
    a.cmp(b)
}

/// A title from a file name: "03 - My_Song.flac" -> "My Song". A leading track number is
/// dropped only when a separator (space, '-', '_', '.', ')') follows it and something is left:
/// "192k.wav" and "1999.wav" keep their names.
pub fn title_from_file_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned = stem.replace('_', " ");
    const SEPARATORS: [char; 6] = [' ', '-', '.', ')', '–', '—'];
    let without_number = cleaned.trim_start_matches(|c: char| c.is_ascii_digit());
    let numbered = without_number.len() < cleaned.len() && without_number.starts_with(SEPARATORS);
    let rest = without_number.trim_start_matches(SEPARATORS).trim();
    if numbered && !rest.is_empty() {
        rest.to_string()
    } else {
        cleaned.trim().to_string()
    }
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
        assert_eq!(title_from_file_name(Path::new("07_Coda.wav")), "Coda");
        assert_eq!(title_from_file_name(Path::new("2. Song.wav")), "Song");
        assert_eq!(title_from_file_name(Path::new("04 – Waltz.wav")), "Waltz");
    }

    #[test]
    fn a_number_joined_to_the_name_is_part_of_the_title() {
        assert_eq!(title_from_file_name(Path::new("192k.wav")), "192k");
        assert_eq!(title_from_file_name(Path::new("8k.wav")), "8k");
        assert_eq!(title_from_file_name(Path::new("99 - .wav")), "99 -");
        assert_eq!(title_from_file_name(Path::new("3D Sound.wav")), "3D Sound");
    }

    #[test]
    fn file_names_are_ordered_by_the_value_of_their_numbers() {
        let mut names = vec![
            "10 - Outro.wav",
            "2 - Song.wav",
            "1 - Intro.wav",
            "b.wav",
            "A.wav",
            "track 9.wav",
            "track 10.wav",
            "002 - Early.wav",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "1 - Intro.wav",
                "002 - Early.wav",
                "2 - Song.wav",
                "10 - Outro.wav",
                "A.wav",
                "b.wav",
                "track 9.wav",
                "track 10.wav",
            ]
        );
        // Digit runs longer than any integer type still compare.
        assert!(natural_cmp("123456789012345678901234567890", "99").is_gt());
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
