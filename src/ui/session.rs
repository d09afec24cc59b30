//! What survives between sessions besides the project file: the recent-projects list and the
//! autosave. The autosave is a copy of the unsaved project written every few seconds while it is
//! modified (atomically, like a save), kept in Lathe's own data folder so it never litters or
//! overwrites the user's project; on the next start a newer autosave is offered for recovery.

use crate::project::{write_atomically, Document, Project};
use serde::{Deserialize, Serialize};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often a modified project is autosaved (a crash loses at most this much work).
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);
/// Entries kept in the recent-projects list.
const RECENT_LIMIT: usize = 8;

/// Where Lathe keeps its own files: `$LATHE_DATA_DIR`, else `$XDG_DATA_HOME/lathe`, else
/// `~/.local/share/lathe`; `None` when none can be found (then nothing is remembered).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LATHE_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("lathe"));
    }
    let home = std::env::var_os("HOME").filter(|d| !d.is_empty())?;
    Some(PathBuf::from(home).join(".local/share/lathe"))
}

/// The recent-projects list, newest first, stored as `recent.json` in the data folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recent {
    pub projects: Vec<PathBuf>,
}

impl Recent {
    /// Reads the list; a missing or unreadable list is an empty one (it is only a convenience).
    pub fn load(dir: &Path) -> Recent {
        std::fs::read_to_string(dir.join("recent.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Puts `path` first (absolute), drops duplicates and the oldest beyond the limit.
    pub fn remember(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.projects.retain(|p| *p != path);
        self.projects.insert(0, path);
        self.projects.truncate(RECENT_LIMIT);
    }

    /// Writes the list atomically.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_string_pretty(self).expect("recent list serialises");
        write_atomically(&dir.join("recent.json"), text.as_bytes())
    }
}

/// An autosaved project and the project file it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Autosave {
    /// The project file the user works on.
    pub project_path: PathBuf,
    pub project: Project,
}

/// The autosave file of the project at `project_path` (one per project, named by a hash of its
/// absolute path).
pub fn autosave_path(dir: &Path, project_path: &Path) -> PathBuf {
    let absolute = std::path::absolute(project_path).unwrap_or_else(|_| project_path.into());
    let mut hasher = DefaultHasher::new();
    absolute.hash(&mut hasher);
    let stem = project_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let safe: String = stem
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    dir.join("autosave")
        .join(format!("{safe}-{:016x}.json", hasher.finish()))
}

/// Writes the autosave of `document` (atomically: a crash mid-write keeps the previous one).
pub fn write_autosave(dir: &Path, document: &Document) -> std::io::Result<()> {
    let path = autosave_path(dir, &document.path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let autosave = Autosave {
        project_path: document.path.clone(),
        project: document.project.clone(),
    };
    let text = serde_json::to_string(&autosave).expect("autosave serialises");
    write_atomically(&path, text.as_bytes())
}

/// Removes the autosave of `project_path` (after a save, or when the user discards it).
pub fn clear_autosave(dir: &Path, project_path: &Path) {
    let _ = std::fs::remove_file(autosave_path(dir, project_path));
}

/// The autosave of `document` worth offering: it exists, is newer than the project file, and
/// differs from what the file holds. Unreadable autosaves are ignored.
pub fn recoverable(dir: &Path, document: &Document) -> Option<(Project, SystemTime)> {
    let path = autosave_path(dir, &document.path);
    let written = std::fs::metadata(&path).ok()?.modified().ok()?;
    let file_written = std::fs::metadata(&document.path)
        .and_then(|m| m.modified())
        .ok();
    if file_written.is_some_and(|f| f > written) {
        return None;
    }
    let autosave: Autosave = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
    (autosave.project != document.project).then_some((autosave.project, written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::demo;

    #[test]
    fn recent_keeps_newest_first_without_duplicates_and_survives_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let mut recent = Recent::load(dir.path());
        assert!(recent.projects.is_empty(), "no file = empty list");
        for name in ["a.json", "b.json", "a.json"] {
            recent.remember(&dir.path().join(name));
        }
        assert_eq!(
            recent.projects,
            [dir.path().join("a.json"), dir.path().join("b.json")]
        );
        for i in 0..20 {
            recent.remember(&dir.path().join(format!("{i}.json")));
        }
        assert_eq!(recent.projects.len(), RECENT_LIMIT);
        recent.save(dir.path()).unwrap();
        assert_eq!(Recent::load(dir.path()), recent);
    }

    #[test]
    fn a_newer_different_autosave_is_offered_and_a_cleared_or_equal_one_is_not() {
        let data = tempfile::tempdir().unwrap();
        let album = tempfile::tempdir().unwrap();
        let (document, _) = demo::album(album.path()).unwrap();
        document.save().unwrap();
        assert!(recoverable(data.path(), &document).is_none(), "no autosave");

        let mut edited = document.clone();
        edited.project.tracks[0].tone.tilt_db = 1.5;
        // The autosave must be newer than the file on coarse-mtime file systems too.
        std::thread::sleep(Duration::from_millis(20));
        write_autosave(data.path(), &edited).unwrap();
        let (project, _) = recoverable(data.path(), &document).expect("offered");
        assert_eq!(project.tracks[0].tone.tilt_db, 1.5);

        // Same content as the file: nothing to recover.
        write_autosave(data.path(), &document).unwrap();
        assert!(recoverable(data.path(), &document).is_none());

        write_autosave(data.path(), &edited).unwrap();
        clear_autosave(data.path(), &document.path);
        assert!(recoverable(data.path(), &document).is_none());

        // Another project's autosave is never offered for this one.
        let mut other = edited.clone();
        other.path = album.path().join("other.json");
        write_autosave(data.path(), &other).unwrap();
        assert!(recoverable(data.path(), &document).is_none());
    }

    #[test]
    fn an_unreadable_autosave_is_ignored() {
        let data = tempfile::tempdir().unwrap();
        let album = tempfile::tempdir().unwrap();
        let (document, _) = demo::album(album.path()).unwrap();
        let path = autosave_path(data.path(), &document.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"{ not json").unwrap();
        assert!(recoverable(data.path(), &document).is_none());
        document.project.tracks.len(); // the project itself is untouched
    }
}
