//! On-disk analysis cache keyed by (path, size, mtime). (Stub: being implemented.)
use super::TrackAnalysis;
use std::path::{Path, PathBuf};

/// A folder of cached analyses; entries are invalidated when a file's size or mtime changes.
#[derive(Debug, Clone)]
pub struct AnalysisCache {
    pub dir: PathBuf,
}

impl AnalysisCache {
    /// The per-user cache (`$XDG_CACHE_HOME/lathe/analysis` or `~/.cache/lathe/analysis`).
    pub fn user_default() -> AnalysisCache {
        todo!("AnalysisCache::user_default")
    }
    /// A cache in the given folder (created on first write).
    pub fn at(dir: &Path) -> AnalysisCache {
        AnalysisCache {
            dir: dir.to_path_buf(),
        }
    }
    /// The cached analysis of `path` if the file is unchanged since it was stored.
    pub fn get(&self, path: &Path) -> Option<TrackAnalysis> {
        let _ = path;
        todo!("AnalysisCache::get")
    }
    /// Stores an analysis (atomically; errors are ignored: the cache is an optimisation).
    pub fn put(&self, path: &Path, analysis: &TrackAnalysis) {
        let _ = (path, analysis);
        todo!("AnalysisCache::put")
    }
}
