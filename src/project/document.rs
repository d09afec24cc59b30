//! Loading and saving a project file. (Being written: signatures are the contract.)
use super::model::*;
use std::path::{Path, PathBuf};

/// A project together with the file it lives in (relative source paths resolve against its folder).
#[derive(Debug, Clone)]
pub struct Document {
    pub project: Project,
    pub path: PathBuf,
}

/// What went wrong loading or saving a project.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{path}: {message}")]
    Other { path: PathBuf, message: String },
}

impl Document {
    /// Reads and validates a project file. Missing sources do not fail the load (see `is_missing`).
    pub fn load(path: &Path) -> Result<Document, ProjectError> {
        let _ = path;
        todo!()
    }
    /// Saves atomically (temp file + rename) to `self.path`.
    pub fn save(&self) -> Result<(), ProjectError> {
        todo!()
    }
    /// Absolute path of a track's (or reference's) source file.
    pub fn source_path(&self, source: &Path) -> PathBuf {
        self.path.parent().unwrap_or(Path::new(".")).join(source)
    }
    /// Whether a track's source file is missing on disk.
    pub fn is_missing(&self, track: &Track) -> bool {
        !self.source_path(&track.source).is_file()
    }
}
