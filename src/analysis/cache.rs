//! On-disk analysis cache keyed by (path, size, mtime).
//!
//! One JSON file per entry, named by a hash of the key. The entry repeats its key, so a hash
//! collision or a stale entry is detected on read. Every error (unreadable folder, corrupt
//! JSON, full disk) is treated as a miss: the cache is an optimisation, never a failure.
use super::TrackAnalysis;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::UNIX_EPOCH;

/// Version of the analysis algorithms; bump it when a change alters any figure or notice, so
/// cached analyses made by older code are recomputed (3: Ogg files cut short are noted; 4: clipped
/// and out-of-polarity sources are noted; 5: M4A priming and padding trimmed, bands beyond Nyquist
/// empty).
pub const ANALYSIS_VERSION: u32 = 5;

/// A folder of cached analyses; entries are invalidated when a file's size or mtime changes.
#[derive(Debug, Clone)]
pub struct AnalysisCache {
    /// Folder holding one `<hash>.json` per entry.
    pub dir: PathBuf,
}

/// What identifies one version of one file's analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Key {
    version: u32,
    path: String,
    size: u64,
    mtime_s: u64,
    mtime_ns: u32,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: Key,
    analysis: TrackAnalysis,
}

impl AnalysisCache {
    /// The per-user cache (`$XDG_CACHE_HOME/lathe/analysis` or `~/.cache/lathe/analysis`).
    pub fn user_default() -> AnalysisCache {
        let non_empty = |v: &str| {
            std::env::var_os(v)
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        };
        let base = non_empty("XDG_CACHE_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| non_empty("HOME").map(|h| h.join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        AnalysisCache {
            dir: base.join("lathe").join("analysis"),
        }
    }
    /// A cache in the given folder (created on first write).
    pub fn at(dir: &Path) -> AnalysisCache {
        AnalysisCache {
            dir: dir.to_path_buf(),
        }
    }
    /// The cached analysis of `path` if the file is unchanged since it was stored.
    pub fn get(&self, path: &Path) -> Option<TrackAnalysis> {
        let key = key_of(path)?;
        let text = std::fs::read(self.entry_path(&key)).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        (entry.key == key).then_some(entry.analysis)
    }
    /// Stores an analysis (atomically; errors are ignored: the cache is an optimisation).
    pub fn put(&self, path: &Path, analysis: &TrackAnalysis) {
        let _ = self.try_put(path, analysis);
    }

    fn try_put(&self, path: &Path, analysis: &TrackAnalysis) -> Option<()> {
        let key = key_of(path)?;
        let target = self.entry_path(&key);
        let json = serde_json::to_vec(&Entry {
            key,
            analysis: analysis.clone(),
        })
        .ok()?;
        std::fs::create_dir_all(&self.dir).ok()?;
        // Write aside then rename: a reader never sees half an entry, and two writers of the
        // same entry (two batches) each rename a complete file.
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = target.with_extension(format!("tmp.{}.{n}", std::process::id()));
        if std::fs::write(&tmp, json).is_err() || std::fs::rename(&tmp, &target).is_err() {
            let _ = std::fs::remove_file(&tmp);
            return None;
        }
        Some(())
    }

    fn entry_path(&self, key: &Key) -> PathBuf {
        let mut h = Fnv1a::default();
        h.write(&key.version.to_le_bytes());
        h.write(key.path.as_bytes());
        h.write(&key.size.to_le_bytes());
        h.write(&key.mtime_s.to_le_bytes());
        h.write(&key.mtime_ns.to_le_bytes());
        self.dir.join(format!("{:016x}.json", h.0))
    }
}

/// The key of the file as it is now, or `None` when it cannot be read.
fn key_of(path: &Path) -> Option<Key> {
    let canonical = std::fs::canonicalize(path).ok()?;
    let meta = std::fs::metadata(&canonical).ok()?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(Key {
        version: ANALYSIS_VERSION,
        path: canonical.to_string_lossy().into_owned(),
        size: meta.len(),
        mtime_s: mtime.as_secs(),
        mtime_ns: mtime.subsec_nanos(),
    })
}

/// FNV-1a, 64 bit: a file name that stays the same across Rust releases (std's hasher
/// makes no such promise).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
