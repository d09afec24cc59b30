//! The album folder as a transaction: everything is written into `DIR.partial`, which becomes `DIR`
//! only when every file succeeded. A failure or a cancel removes the partial folder.

use std::path::{Path, PathBuf};

/// What failed while preparing or finishing the output folder.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("{path}: already exists — choose another folder or use --force to replace it")]
    Exists { path: PathBuf },
    #[error(
        "{path}: is a file, not a folder — choose a folder for the album (a new name is created)"
    )]
    NotAFolder { path: PathBuf },
    #[error("{path}: holds {input}, which this album is made from — replacing the folder would delete it; choose another folder")]
    HoldsInput { path: PathBuf, input: PathBuf },
    #[error("{path}: is not an album folder Lathe wrote (no report.json) — replacing it would delete its files; choose another folder, or empty this one first")]
    NotAnExport { path: PathBuf },
    #[error("{path}: cannot create the output folder ({message}) — check that its parent exists and is writable")]
    Create { path: PathBuf, message: String },
    #[error(
        "{path}: cannot finish the export ({message}); the mastered files are kept in {partial} — move them where you want them"
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
    /// Starts an export into `final_dir`; a stale `.partial` from an earlier crash is cleared.
    /// An existing folder is refused unless `force`, and even then unless it is empty or an album
    /// Lathe wrote (it has a `report.json`) and holds none of `inputs` (the sources, references
    /// and project file): replacing a folder deletes everything in it.
    pub fn begin(
        final_dir: &Path,
        force: bool,
        inputs: &[PathBuf],
    ) -> Result<AlbumFolder, FolderError> {
        if final_dir.exists() {
            refuse_to_replace(final_dir, force, inputs)?;
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

    /// Moves the finished album into place (replacing an existing folder when forced) and returns
    /// its path. On failure the written files stay in the partial folder the error names.
    pub fn commit(mut self) -> Result<PathBuf, FolderError> {
        let result = self.move_into_place();
        // Done or not, every file is written: on failure keep them, as the error says.
        self.committed = true;
        result
    }

    fn move_into_place(&self) -> Result<PathBuf, FolderError> {
        let fail = |e: std::io::Error| FolderError::Commit {
            path: self.final_dir.clone(),
            partial: self.partial_dir.clone(),
            message: e.to_string(),
        };
        // The old folder is moved aside first and removed only after the new one is in place,
        // so at no moment is there neither. Something other than a folder that took the name
        // while the export ran is left alone.
        let mut aside = None;
        if self.final_dir.exists() {
            if !self.final_dir.is_dir() {
                return Err(fail(std::io::Error::other(
                    "a file has taken the folder's name",
                )));
            }
            let mut name = self
                .final_dir
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_default();
            name.push(format!(".replaced-{}", std::process::id()));
            let old = self.final_dir.with_file_name(name);
            std::fs::rename(&self.final_dir, &old).map_err(fail)?;
            aside = Some(old);
        }
        if let Err(e) = std::fs::rename(&self.partial_dir, &self.final_dir) {
            if let Some(old) = &aside {
                let _ = std::fs::rename(old, &self.final_dir);
            }
            return Err(fail(e));
        }
        if let Some(old) = aside {
            let _ = std::fs::remove_dir_all(old);
        }
        Ok(self.final_dir.clone())
    }
}

/// Why the existing `dir` must not be replaced, if it must not.
fn refuse_to_replace(dir: &Path, force: bool, inputs: &[PathBuf]) -> Result<(), FolderError> {
    let path = dir.to_path_buf();
    if !dir.is_dir() {
        return Err(FolderError::NotAFolder { path });
    }
    if !force {
        return Err(FolderError::Exists { path });
    }
    // Compared as real paths, so "." or a symlink to the project's folder is seen for what it is.
    let real = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(dir_real) = real(dir) {
        if let Some(input) = inputs
            .iter()
            .find(|i| real(i).is_some_and(|r| r.starts_with(&dir_real)))
        {
            return Err(FolderError::HoldsInput {
                path,
                input: input.clone(),
            });
        }
    }
    let empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
    if !empty && !dir.join("report.json").is_file() {
        return Err(FolderError::NotAnExport { path });
    }
    Ok(())
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
        let folder = AlbumFolder::begin(&out, false, &[]).unwrap();
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
            let folder = AlbumFolder::begin(&out, false, &[]).unwrap();
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
        std::fs::write(out.join("report.json"), b"{}").unwrap();
        let err = AlbumFolder::begin(&out, false, &[]).unwrap_err();
        assert!(matches!(err, FolderError::Exists { .. }));
        assert!(err.to_string().contains("--force"));
        let folder = AlbumFolder::begin(&out, true, &[]).unwrap();
        std::fs::write(folder.dir().join("new.wav"), b"new").unwrap();
        assert!(
            out.join("old.wav").exists(),
            "the old album stays until the new one is complete"
        );
        folder.commit().unwrap();
        assert!(out.join("new.wav").exists() && !out.join("old.wav").exists());
        assert!(!out.join("report.json").exists());
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
        let err = AlbumFolder::begin(&tmp.path().join("file/Album"), false, &[]).unwrap_err();
        assert!(matches!(err, FolderError::Create { .. }));
        assert!(err.to_string().contains("writable"));
    }

    #[test]
    fn forcing_never_replaces_a_file_a_folder_of_inputs_or_a_folder_lathe_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let files = |dir: &Path| -> Vec<String> {
            let mut v: Vec<String> = walk(dir);
            v.sort();
            v
        };
        // The project's own folder: the sources and the project file are inside it.
        let project_dir = tmp.path().join("Project");
        std::fs::create_dir_all(project_dir.join("audio")).unwrap();
        std::fs::write(project_dir.join("audio/01.wav"), b"source").unwrap();
        std::fs::write(project_dir.join("album.json"), b"{}").unwrap();
        // Even with a report.json from an earlier export into it.
        std::fs::write(project_dir.join("report.json"), b"{}").unwrap();
        let before = files(tmp.path());
        let inputs = vec![
            project_dir.join("audio/01.wav"),
            project_dir.join("album.json"),
        ];
        let err = AlbumFolder::begin(&project_dir, true, &inputs).unwrap_err();
        assert!(matches!(err, FolderError::HoldsInput { .. }), "{err}");
        assert!(err.to_string().contains("01.wav"), "{err}");
        // The same folder spelled through "..": still refused.
        let err = AlbumFolder::begin(&project_dir.join("audio/.."), true, &inputs).unwrap_err();
        assert!(matches!(err, FolderError::HoldsInput { .. }), "{err}");
        // A regular file is never replaced by a folder.
        let err = AlbumFolder::begin(&project_dir.join("audio/01.wav"), true, &inputs).unwrap_err();
        assert!(matches!(err, FolderError::NotAFolder { .. }), "{err}");
        // A folder of someone's files, not an album Lathe wrote.
        let other = tmp.path().join("Documents");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("letter.txt"), b"keep me").unwrap();
        let err = AlbumFolder::begin(&other, true, &inputs).unwrap_err();
        assert!(matches!(err, FolderError::NotAnExport { .. }), "{err}");
        let mut after = files(tmp.path());
        after.retain(|f| !f.contains("Documents"));
        assert_eq!(before, after, "nothing moved, nothing left beside");
        assert!(other.join("letter.txt").is_file());
        // An empty folder may be used.
        let empty = tmp.path().join("Empty");
        std::fs::create_dir(&empty).unwrap();
        AlbumFolder::begin(&empty, true, &inputs)
            .unwrap()
            .commit()
            .unwrap();
    }

    #[test]
    fn a_failed_final_rename_keeps_the_written_files_where_it_says() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("Album");
        let folder = AlbumFolder::begin(&out, false, &[]).unwrap();
        std::fs::write(folder.dir().join("01 a.wav"), b"mastered").unwrap();
        // Something takes the final name after the export began: a file, which a folder
        // cannot be renamed over.
        std::fs::write(&out, b"in the way").unwrap();
        let partial = folder.dir().to_path_buf();
        match folder.commit() {
            Err(FolderError::Commit { partial: p, .. }) => assert_eq!(p, partial),
            other => panic!("expected a commit error, got {other:?}"),
        }
        assert_eq!(
            std::fs::read(partial.join("01 a.wav")).unwrap(),
            b"mastered"
        );
        assert_eq!(std::fs::read(&out).unwrap(), b"in the way");
    }

    fn walk(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            }
            out.push(p.display().to_string());
        }
        out
    }
}
