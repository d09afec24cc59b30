//! The album folder as a transaction: everything is written into `DIR.partial`, which becomes `DIR`
//! only when every file succeeded. A failure or a cancel removes the partial folder.

use std::path::{Path, PathBuf};

/// What failed while preparing or finishing the output folder.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{path}: already exists — choose another folder or use --force to replace it")]
    Exists { path: PathBuf },
    #[error("{path}: cannot create the output folder ({message}) — check that its parent exists and is writable")]
    Create { path: PathBuf, message: String },
    #[error(
        "{path}: cannot finish the export ({message}); the mastered files are still in {partial}"
    )]
    Commit {
        path: PathBuf,
        partial: PathBuf,
        message: String,
    },
}

/// An export in progress. Dropping it without `commit` removes the partial folder.
#[derive(Debug)]
pub struct AlbumFolder {
    final_dir: PathBuf,
    partial_dir: PathBuf,
    committed: bool,
}

/// `DIR.partial` beside `DIR`.
pub fn partial_path(final_dir: &Path) -> PathBuf {
    let mut name = final_dir
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "export".into());
    name.push(".partial");
    final_dir.with_file_name(name)
}

impl AlbumFolder {
    /// Starts an export into `final_dir`. An existing folder is refused unless `force`;
    /// a stale `.partial` from an earlier crash is cleared.
    pub fn begin(final_dir: &Path, force: bool) -> Result<AlbumFolder, FolderError> {
        if final_dir.exists() && !force {
            return Err(FolderError::Exists {
                path: final_dir.to_path_buf(),
            });
        }
        let partial_dir = partial_path(final_dir);
        if partial_dir.exists() {
            let _ = std::fs::remove_dir_all(&partial_dir);
        }
        std::fs::create_dir_all(&partial_dir).map_err(|e| FolderError::Create {
            path: final_dir.to_path_buf(),
            message: e.to_string(),
        })?;
        Ok(AlbumFolder {
            final_dir: final_dir.to_path_buf(),
            partial_dir,
            committed: false,
        })
    }

    /// The folder files are written to now.
    pub fn dir(&self) -> &Path {
        &self.partial_dir
    }

    /// Moves the finished album into place (replacing an existing folder when forced) and returns its path.
    pub fn commit(mut self) -> Result<PathBuf, FolderError> {
        let fail = |e: std::io::Error, partial: &Path| FolderError::Commit {
            path: self.final_dir.clone(),
            partial: partial.to_path_buf(),
            message: e.to_string(),
        };
        // The old folder is moved aside first and removed only after the new one is in place,
        // so at no moment is there neither.
        let mut aside = None;
        if self.final_dir.exists() {
            let mut name = self
                .final_dir
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_default();
            name.push(format!(".replaced-{}", std::process::id()));
            let old = self.final_dir.with_file_name(name);
            std::fs::rename(&self.final_dir, &old).map_err(|e| fail(e, &self.partial_dir))?;
            aside = Some(old);
        }
        if let Err(e) = std::fs::rename(&self.partial_dir, &self.final_dir) {
            if let Some(old) = &aside {
                let _ = std::fs::rename(old, &self.final_dir);
            }
            return Err(fail(e, &self.partial_dir));
        }
        if let Some(old) = aside {
            let _ = std::fs::remove_dir_all(old);
        }
        self.committed = true;
        Ok(self.final_dir.clone())
    }
}

impl Drop for AlbumFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.partial_dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_moves_partial_into_place() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("Album");
        let folder = AlbumFolder::begin(&out, false).unwrap();
        assert_eq!(folder.dir(), tmp.path().join("Album.partial"));
        std::fs::write(folder.dir().join("01 a.wav"), b"x").unwrap();
        assert!(
            !out.exists(),
            "nothing appears under the final name before commit"
        );
        folder.commit().unwrap();
        assert!(out.join("01 a.wav").is_file());
        assert!(!tmp.path().join("Album.partial").exists());
    }

    #[test]
    fn dropping_without_commit_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("Album");
        {
            let folder = AlbumFolder::begin(&out, false).unwrap();
            std::fs::write(folder.dir().join("01 a.wav"), b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn existing_folder_is_refused_unless_forced_then_replaced_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("Album");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("old.wav"), b"old").unwrap();
        let err = AlbumFolder::begin(&out, false).unwrap_err();
        assert!(matches!(err, FolderError::Exists { .. }));
        assert!(err.to_string().contains("--force"));
        let folder = AlbumFolder::begin(&out, true).unwrap();
        std::fs::write(folder.dir().join("new.wav"), b"new").unwrap();
        assert!(
            out.join("old.wav").exists(),
            "the old album stays until the new one is complete"
        );
        folder.commit().unwrap();
        assert!(out.join("new.wav").exists() && !out.join("old.wav").exists());
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no leftovers beside it"
        );
    }

    #[test]
    fn unwritable_parent_is_a_clear_error() {
        // A regular file as the parent cannot hold a folder, even for root.
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("file"), b"").unwrap();
        let err = AlbumFolder::begin(&tmp.path().join("file/Album"), false).unwrap_err();
        assert!(matches!(err, FolderError::Create { .. }));
        assert!(err.to_string().contains("writable"));
    }
}
