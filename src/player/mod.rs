//! The project-level player: turns an album project into the engine's sources and programs, so
//! the GUI and `lathe play` play each track exactly as `lathe export` masters it.

use crate::analysis::AnalysisCache;
use crate::assist::platforms::{platform_gain_db, Platform};
use crate::engine::{LoadJob, Program, Provider, Source, SourceKey, SourceSettings};
use crate::project::Document;
use crate::render::album::{plan_album, AlbumPlan};
use crate::render::live::{prepare_reference, prepare_track, LiveTrack};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

pub mod live;

/// Keys at and above this name references (`REFERENCE_KEY_BASE + index`); below, track ids.
pub const REFERENCE_KEY_BASE: SourceKey = 1 << 62;

/// The engine key of track `index` (album order).
pub fn track_key(doc: &Document, index: usize) -> Option<SourceKey> {
    doc.project.tracks.get(index).map(|t| t.id.0)
}

/// The engine key of reference `index`.
pub fn reference_key(index: usize) -> SourceKey {
    REFERENCE_KEY_BASE + index as SourceKey
}

/// Wraps a prepared track as an engine source.
pub fn source(key: SourceKey, live: LiveTrack) -> Source {
    Source {
        key,
        settings: SourceSettings {
            params: live.params,
            source_lufs: live.source_lufs,
            mastered_lufs: live.mastered_lufs,
            mastered_true_peak_dbtp: live.mastered_true_peak_dbtp,
            platform_gain_db: 0.0,
            fade_in_s: live.fade_in_s,
            fade_out_s: live.fade_out_s,
        },
        kernel: live.kernel,
        audio: live.audio,
    }
}

/// Analyses (cache first) and plans the album under its own settings.
pub fn plan(doc: &Document, cache: Option<&AnalysisCache>) -> Result<AlbumPlan, String> {
    plan_album(doc, &doc.project.settings, cache, &AtomicBool::new(false))
        .map_err(|e| e.to_string())
}

/// Prepares the source of `key` (a track id or a reference key) at `rate_hz`.
pub fn prepare(
    doc: &Document,
    plan: &AlbumPlan,
    key: SourceKey,
    rate_hz: u32,
) -> Result<Source, String> {
    prepare_live(doc, plan, key, rate_hz).map(|live| source(key, live))
}

/// Like [`prepare`], but keeps what the render measured (peak gain reduction, held back).
pub fn prepare_live(
    doc: &Document,
    plan: &AlbumPlan,
    key: SourceKey,
    rate_hz: u32,
) -> Result<LiveTrack, String> {
    if key >= REFERENCE_KEY_BASE {
        let index = (key - REFERENCE_KEY_BASE) as usize;
        let (path, _) = plan
            .references
            .get(index)
            .ok_or_else(|| format!("there is no reference {}", index + 1))?;
        return prepare_reference(path, rate_hz);
    }
    let index = doc
        .project
        .tracks
        .iter()
        .position(|t| t.id.0 == key)
        .ok_or_else(|| format!("no track with id {key} in the project"))?;
    let job = plan.track_job(doc, index, rate_hz);
    prepare_track(&plan.sources[index], &job, rate_hz)
}

/// The settings that play a mastered track as `platform`'s loudness normalisation would (`None`:
/// as exported), and what that does in words.
pub fn as_on(settings: SourceSettings, platform: Option<Platform>) -> (SourceSettings, String) {
    let Some(platform) = platform else {
        let settings = SourceSettings {
            platform_gain_db: 0.0,
            ..settings
        };
        return (settings, "as exported".to_string());
    };
    let (gain_db, reason) = platform_gain_db(
        platform,
        settings.mastered_lufs,
        settings.mastered_true_peak_dbtp,
    );
    let settings = SourceSettings {
        platform_gain_db: gain_db,
        ..settings
    };
    let words = format!(
        "as on {}: {} dB — {reason}",
        platform.label(),
        crate::units::signed(gain_db, 1)
    );
    (settings, words)
}

/// A provider of every track and reference of the album, for
/// [`crate::engine::Engine::set_program`], tracks played as on `platform` (`None`: as exported).
pub fn provider(
    doc: Arc<Document>,
    plan: Arc<AlbumPlan>,
    rate_hz: u32,
    platform: Option<Platform>,
) -> Provider {
    Arc::new(move |key| -> LoadJob {
        let (doc, plan) = (doc.clone(), plan.clone());
        Box::new(move || {
            let mut source = prepare(&doc, &plan, key, rate_hz)?;
            if key < REFERENCE_KEY_BASE {
                source.settings = as_on(source.settings, platform).0;
            }
            Ok(source)
        })
    })
}

fn frames(seconds: f64, rate_hz: u32) -> u64 {
    (seconds.max(0.0) * f64::from(rate_hz)).round() as u64
}

/// The whole album in order with the gap before each track, as exported.
pub fn album_program(doc: &Document, rate_hz: u32) -> Program {
    let tracks: Vec<(SourceKey, u64)> = doc
        .project
        .tracks
        .iter()
        .map(|t| (t.id.0, frames(t.gap_before_s, rate_hz)))
        .collect();
    Program::album(&tracks)
}

/// The last `span_s` of track `index`, the gap before the next track, and its first `span_s`.
pub fn transition_program(
    doc: &Document,
    index: usize,
    span_s: f64,
    rate_hz: u32,
) -> Option<Program> {
    let tracks = &doc.project.tracks;
    let (a, b) = (tracks.get(index)?, tracks.get(index + 1)?);
    Some(Program::transition(
        a.id.0,
        frames(b.gap_before_s, rate_hz),
        b.id.0,
        frames(span_s, rate_hz),
    ))
}
