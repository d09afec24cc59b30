//! Loading and saving a project file: clear errors, schema check, atomic save.

use super::model::*;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// A project together with the file it lives in (relative source paths resolve against its folder).
#[derive(Debug, Clone)]
pub struct Document {
    pub project: Project,
    pub path: PathBuf,
}

/// What went wrong loading or saving a project. Every variant names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{path}: project file not found — check the path, or create one with `lathe new`")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read the project file: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: line {line}, column {column}: {message} — fix the JSON there or restore a backup"
    )]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: written by a newer Lathe (schema_version {found}; this version reads up to {supported}) — update Lathe to open it"
    )]
    NewerSchema {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: cannot save the project ({source}) — check that the folder exists and is writable and the disk has space; any earlier version of the file is unchanged")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the project file is marked read-only, so it was not replaced — make it writable, or save under another name")]
    ReadOnly { path: PathBuf },
}

impl Document {
    /// Reads and validates a project file. Missing sources do not fail the load (see `is_missing`).
    pub fn load(path: &Path) -> Result<Document, ProjectError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ProjectError::NotFound {
                    path: path.to_path_buf(),
                }
            } else {
                ProjectError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        let project = parse(&text, path)?;
        Ok(Document {
            project,
            path: path.to_path_buf(),
        })
    }

    /// Saves atomically to `self.path`: a temp file in the same folder, flushed, then renamed over
    /// the old file, so a crash or a full disk never leaves a half-written project.
    pub fn save(&self) -> Result<(), ProjectError> {
        let mut text = serde_json::to_string_pretty(&self.project).expect("project serialises");
        text.push('\n');
        write_atomically(&self.path, text.as_bytes()).map_err(|source| {
            let read_only = std::fs::metadata(&self.path).is_ok_and(|m| m.permissions().readonly());
            if read_only {
                ProjectError::ReadOnly {
                    path: self.path.clone(),
                }
            } else {
                ProjectError::Write {
                    path: self.path.clone(),
                    source,
                }
            }
        })
    }

    /// Saves under a new path, rewriting relative source paths so they still point at the same files.
    pub fn save_as(&mut self, new_path: &Path) -> Result<(), ProjectError> {
        let old_dir = self.folder();
        let new_dir = new_path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut project = self.project.clone();
        let rebase = |source: &mut PathBuf| {
            if source.is_relative() {
                *source = relative_to(&absolute(&old_dir.join(&*source)), &absolute(&new_dir));
            }
        };
        project
            .tracks
            .iter_mut()
            .for_each(|t| rebase(&mut t.source));
        project
            .references
            .iter_mut()
            .for_each(|r| rebase(&mut r.source));
        let doc = Document {
            project,
            path: new_path.to_path_buf(),
        };
        doc.save()?;
        *self = doc;
        Ok(())
    }

    /// The folder relative source paths are resolved against.
    pub fn folder(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Absolute (or cwd-relative) path of a track's or reference's source file.
    pub fn source_path(&self, source: &Path) -> PathBuf {
        if source.is_absolute() {
            source.to_path_buf()
        } else {
            self.folder().join(source)
        }
    }

    /// Every audio file the album is made from, resolved: the tracks' sources in album order,
    /// then the references' in theirs.
    pub fn audio_paths(&self) -> Vec<PathBuf> {
        let p = &self.project;
        p.tracks
            .iter()
            .map(|t| &t.source)
            .chain(p.references.iter().map(|r| &r.source))
            .map(|s| self.source_path(s))
            .collect()
    }

    /// Whether a track's source file is missing on disk.
    pub fn is_missing(&self, track: &Track) -> bool {
        !self.source_path(&track.source).is_file()
    }

    /// Ids of the tracks whose source files are missing.
    pub fn missing_tracks(&self) -> Vec<TrackId> {
        self.project
            .tracks
            .iter()
            .filter(|t| self.is_missing(t))
            .map(|t| t.id)
            .collect()
    }

    /// Stores `source` (an absolute or cwd-relative path) the way the project keeps it: relative to its folder.
    pub fn relative_source(&self, source: &Path) -> PathBuf {
        relative_to(&absolute(source), &absolute(&self.folder()))
    }
}

/// Parses project JSON: syntax first (line/column), then the schema version, then the fields.
pub(super) fn parse(text: &str, path: &Path) -> Result<Project, ProjectError> {
    let malformed = |e: serde_json::Error| ProjectError::Malformed {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(malformed)?;
    // The version is checked before the fields, so a newer file is refused for what it is
    // rather than for whichever field it renamed.
    match value.get("schema_version") {
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(v) if v > SCHEMA_VERSION as u64 => {
                return Err(ProjectError::NewerSchema {
                    path: path.to_path_buf(),
                    found: v,
                    supported: SCHEMA_VERSION,
                })
            }
            Some(0) | None => {
                return Err(invalid(
                    path,
                    "schema_version must be a positive whole number",
                ))
            }
            Some(_) => {}
        },
        Some(_) => {
            return Err(invalid(
                path,
                "schema_version must be a positive whole number",
            ))
        }
        None => {
            return Err(invalid(
                path,
                "missing field `schema_version` — is this a Lathe project file?",
            ))
        }
    }
    let project: Project = serde_json::from_str(text).map_err(malformed)?;
    validate(&project, path)?;
    Ok(project)
}

/// Largest gain of a stored match curve point, dB (the match stage's own range).
const MAX_CURVE_DB: f64 = 24.0;

fn validate(project: &Project, path: &Path) -> Result<(), ProjectError> {
    let mut ids = HashSet::new();
    for (i, t) in project.tracks.iter().enumerate() {
        let n = i + 1;
        if !ids.insert(t.id) {
            return Err(invalid(
                path,
                &format!(
                    "track {n} (\"{}\") reuses id {} — ids must be unique",
                    t.title, t.id.0
                ),
            ));
        }
        if t.tone.bells.len() > 4 {
            return Err(invalid(
                path,
                &format!("track {n} (\"{}\"): at most 4 bell bands", t.title),
            ));
        }
        if let Some(p) = t.tone.match_eq.curve.iter().find(|p| {
            !(p.freq_hz.is_finite() && p.freq_hz > 0.0 && p.gain_db.abs() <= MAX_CURVE_DB)
        }) {
            return Err(invalid(
                path,
                &format!(
                    "track {n} (\"{}\"): the stored match curve has a point at {} Hz, {} dB; points need a frequency above 0 Hz and a gain within ±{MAX_CURVE_DB} dB (delete \"curve\" to measure the curve again)",
                    t.title, p.freq_hz, p.gain_db
                ),
            ));
        }
    }
    for r in &project.references {
        if !ids.insert(r.id) {
            return Err(invalid(
                path,
                &format!(
                    "reference \"{}\" reuses id {} — ids must be unique",
                    r.title, r.id.0
                ),
            ));
        }
        if !(r.weight.is_finite() && r.weight > 0.0) {
            return Err(invalid(
                path,
                &format!("reference \"{}\": weight must be above 0", r.title),
            ));
        }
    }
    match super::ranges::out_of_range(project) {
        Some(message) => Err(invalid(path, &message)),
        None => Ok(()),
    }
}

fn invalid(path: &Path, message: &str) -> ProjectError {
    ProjectError::Invalid {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Writes `bytes` to `path` via a temp file in the same folder and a rename.
///
/// The file is replaced where it really lives: a symlinked project keeps its link and the file it
/// points at gets the new text, with that file's permissions. A file marked read-only is refused
/// (the rename would otherwise replace it, since only the folder's permissions are checked).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let existing = std::fs::canonicalize(path).ok();
    let path = existing.as_deref().unwrap_or(path);
    let old_permissions = match std::fs::metadata(path) {
        Ok(m) if m.permissions().readonly() => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file is marked read-only: make it writable, or save under another name",
            ))
        }
        Ok(m) => Some(m.permissions()),
        Err(_) => None,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if let Some(permissions) = old_permissions {
            std::fs::set_permissions(&tmp, permissions)?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `path` (absolute or cwd-relative) relative to `folder`, as a project stores its sources.
pub fn relative_path(path: &Path, folder: &Path) -> PathBuf {
    relative_to(&absolute(path), &absolute(folder))
}

/// Lexically absolute path (no symlink resolution: the file may not exist).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `target` expressed relative to folder `base` (both absolute).
fn relative_to(target: &Path, base: &Path) -> PathBuf {
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_walk_up_and_down() {
        assert_eq!(
            relative_to(Path::new("/a/b/c.wav"), Path::new("/a/d")),
            PathBuf::from("../b/c.wav")
        );
        assert_eq!(
            relative_to(Path::new("/a/b/c.wav"), Path::new("/a/b")),
            PathBuf::from("c.wav")
        );
        assert_eq!(
            absolute(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }

    #[test]
    fn position_is_stripped_from_messages() {
        assert_eq!(
            strip_position("missing field `title` at line 3 column 5"),
            "missing field `title`"
        );
    }
}
