//! Album statistics. (Stub: being implemented.)
use super::{AlbumStats, SpectralBalance, TrackAnalysis};

/// Album average spectrum, per-track deviation curves and figures, loudness spread.
/// `tracks[i]` is `None` for a track without analysis (missing file, decode error).
pub fn album_stats(tracks: &[Option<&TrackAnalysis>]) -> AlbumStats {
    let _ = tracks;
    todo!("analysis::album_stats")
}

/// Weighted power-average of the references' spectra (weights > 0).
pub fn references_average(references: &[(&TrackAnalysis, f64)]) -> SpectralBalance {
    let _ = references;
    todo!("analysis::references_average")
}
