//! What every track of an album is mastered against: the sources' analyses, the album average,
//! the references' average and the loudness plan — and from them each track's [`TrackJob`].
//! Export and live playback both start here, so they master each track identically.

use super::export::ExportError;
use super::params::{chain_params, match_target, track_match_curve_db};
use super::plan::{plan_loudness, TrackTarget};
use super::track::TrackJob;
use crate::analysis::{
    album_stats, analyze_batch, references_average, AnalysisCache, SpectralBalance, TrackAnalysis,
};
use crate::project::{AlbumSettings, DeliveryPreset, Document};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// The album's analyses and loudness plan under one set of album settings.
#[derive(Debug, Clone)]
pub struct AlbumPlan {
    /// Each track's source file (resolved against the project).
    pub sources: Vec<PathBuf>,
    /// Each track's source analysis, album order.
    pub analyses: Vec<TrackAnalysis>,
    /// Each reference's source file and analysis (`None` when it could not be analysed).
    pub references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    /// The album's average spectral balance.
    pub album_average: SpectralBalance,
    /// The weighted average of the references, if any could be analysed.
    pub references_average: Option<SpectralBalance>,
    /// Each track's target loudness.
    pub targets: Vec<TrackTarget>,
    pub settings: AlbumSettings,
}

/// Analyses the album's sources and references (cached analyses are reused) and plans loudness.
/// Fails on the first track that is missing or cannot be analysed, naming it.
pub fn plan_album(
    doc: &Document,
    settings: &AlbumSettings,
    cache: Option<&AnalysisCache>,
    cancel: &AtomicBool,
) -> Result<AlbumPlan, ExportError> {
    let tracks = &doc.project.tracks;
    let sources: Vec<PathBuf> = tracks.iter().map(|t| doc.source_path(&t.source)).collect();
    for (i, (t, path)) in tracks.iter().zip(&sources).enumerate() {
        if !path.is_file() {
            return Err(ExportError::Missing {
                number: i + 1,
                title: t.title.clone(),
                path: path.clone(),
            });
        }
    }
    let ref_paths: Vec<PathBuf> = doc
        .project
        .references
        .iter()
        .map(|r| doc.source_path(&r.source))
        .collect();
    let all: Vec<PathBuf> = sources.iter().chain(&ref_paths).cloned().collect();
    let analysed = analyze_batch(&all, cache, &|_| {}, cancel);
    if cancel.load(Ordering::Relaxed) {
        return Err(ExportError::Cancelled);
    }
    let (track_results, ref_results) = analysed.split_at(tracks.len());
    let mut analyses = Vec::with_capacity(tracks.len());
    for (i, r) in track_results.iter().enumerate() {
        match r {
            Ok(a) => analyses.push(a.clone()),
            Err(e) => {
                return Err(ExportError::Track {
                    number: i + 1,
                    title: tracks[i].title.clone(),
                    message: e.to_string(),
                })
            }
        }
    }
    let references = ref_paths
        .into_iter()
        .zip(ref_results.iter().map(|r| r.as_ref().ok().cloned()))
        .collect();
    Ok(AlbumPlan::from_analyses(
        doc, settings, sources, analyses, references,
    ))
}

impl AlbumPlan {
    /// The plan from analyses already at hand (`analyses[i]` belongs to `doc`'s track `i`,
    /// `sources[i]` is its file): album average, references' average and loudness targets.
    pub fn from_analyses(
        doc: &Document,
        settings: &AlbumSettings,
        sources: Vec<PathBuf>,
        analyses: Vec<TrackAnalysis>,
        references: Vec<(PathBuf, Option<TrackAnalysis>)>,
    ) -> AlbumPlan {
        let stats = album_stats(&analyses.iter().map(Some).collect::<Vec<_>>());
        let weighted: Vec<(&TrackAnalysis, f64)> = references
            .iter()
            .zip(&doc.project.references)
            .filter_map(|((_, r), reference)| Some((r.as_ref()?, reference.weight)))
            .collect();
        let references_avg = (!weighted.is_empty()).then(|| references_average(&weighted));
        let source_lufs: Vec<Option<f64>> = analyses
            .iter()
            .map(|a| a.loudness.integrated_lufs)
            .collect();
        let nudges: Vec<f64> = doc
            .project
            .tracks
            .iter()
            .map(|t| t.headroom.offset_lu)
            .collect();
        let loudest = (settings.preset == DeliveryPreset::Aes)
            .then(|| settings.preset.spec().album_loudest_lufs)
            .flatten();
        let targets = plan_loudness(settings, loudest, &source_lufs, &nudges);
        AlbumPlan {
            sources,
            analyses,
            references,
            album_average: stats.average,
            references_average: references_avg,
            targets,
            settings: settings.clone(),
        }
    }

    /// The render job of track `index` (album order) at `output_rate_hz`: its chain settings, match
    /// curve, target loudness, fades and gap.
    pub fn track_job(&self, doc: &Document, index: usize, output_rate_hz: u32) -> TrackJob {
        let track = &doc.project.tracks[index];
        let source = &self.analyses[index];
        let params = chain_params(
            &track.tone,
            &track.stereo,
            0.0,
            self.settings.ceiling_dbtp,
            self.settings.limiter,
        );
        let match_curve = (track.tone.match_eq.amount > 0.0).then(|| {
            let target = match_target(
                track.tone.match_eq.target,
                track.tone.match_eq.blend,
                &self.album_average,
                self.references_average.as_ref(),
            );
            (
                track_match_curve_db(&track.tone.match_eq, source, &target),
                source.spectrum.bands_hz.clone(),
            )
        });
        TrackJob {
            params,
            match_curve,
            target_lufs: self.targets[index].target_lufs,
            source_lufs: source.loudness.integrated_lufs,
            output_rate_hz,
            fade_in_s: track.fade_in_s,
            fade_out_s: track.fade_out_s,
            gap_before_s: track.gap_before_s,
            max_gain_reduction_db: self.settings.max_gain_reduction_db,
            measure_unity_plr: false,
        }
    }
}
