//! The real-music corpus for benchmarks: `$LATHE_CORPUS` or `~/.cache/lathe-corpus`, as
//! `../shared/corpus/fetch-albums.sh` writes it (`<root>/<album>/*.flac`, or under `albums/`).
//! Shared by the bench targets through `#[path]`, since bench targets share no module.

use std::path::{Path, PathBuf};

/// Every album of the corpus with its FLAC files in order, albums sorted by name; `None` when
/// there is no corpus.
pub fn albums() -> Option<Vec<(String, Vec<PathBuf>)>> {
    let root = std::env::var_os("LATHE_CORPUS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/lathe-corpus")))?;
    // fetch-albums.sh writes <root>/<album>/*.flac; ALBUMS.md names them albums/<album>.
    let root = if root.join("albums").is_dir() {
        root.join("albums")
    } else {
        root
    };
    let mut albums = Vec::new();
    for entry in std::fs::read_dir(root).ok()?.flatten() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(entry.path())
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "flac"))
            .collect();
        files.sort();
        if !files.is_empty() {
            albums.push((entry.file_name().to_string_lossy().into_owned(), files));
        }
    }
    albums.sort();
    (!albums.is_empty()).then_some(albums)
}

/// Every track of the corpus, album by album (empty when there is no corpus).
#[allow(dead_code)] // each bench target uses what it needs
pub fn tracks() -> Vec<PathBuf> {
    albums()
        .unwrap_or_default()
        .into_iter()
        .flat_map(|(_, files)| files)
        .collect()
}
