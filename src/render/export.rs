//! The mastered album folder: every track rendered through the chain, dithered, written, measured
//! on the samples written (exactly as the file reads back), with `report.json`, `report.md`, a copy
//! of the project and, for CD, an optional album WAV with a cue sheet. Written into `DIR.partial`, renamed when all succeeded.

use super::album::{plan_album, AlbumPlan};
use super::encode::{interleave, write_flac, write_wav_float, write_wav_int, EncodeError};
use super::folder::{AlbumFolder, FolderError};
use super::loudness::integrated_lufs_after_gap;
use super::report::{describe_moves, markdown, AlbumReport, Figures, TrackReport};
use super::track::{render_track, RenderError};
use crate::analysis::{album_stats, analyze_audio, AnalysisCache, TrackAnalysis};
use crate::dsp::dither::{quantize_stereo, Tpdf};
use crate::media::AudioBuffer;
use crate::project::{AlbumSettings, BitDepth, Document, ExportFormat, LoudnessMode, MatchTarget};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// How to export: the effective album settings (preset, target, ceiling, mode, format) and the folder.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub out_dir: PathBuf,
    pub settings: AlbumSettings,
    /// Replace an existing folder.
    pub force: bool,
    /// Also write one album WAV and a cue sheet (44.1 kHz 16-bit only).
    pub album_image: bool,
    /// Analysis cache for the sources (None = analyse afresh).
    pub cache: Option<AnalysisCache>,
}

/// Progress of an export, per track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExportProgress {
    /// Track index (album order).
    pub track: usize,
    pub total: usize,
    pub stage: Stage,
}

/// Where a track's export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Analysing,
    Rendering,
    Writing,
    Measuring,
    Done,
}

/// A finished export.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    pub dir: PathBuf,
    pub report: AlbumReport,
}

/// What stopped an export. Nothing is left behind in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Folder(#[from] FolderError),
    #[error(
        "track {number} \"{title}\": source file {path} is missing — locate it or remove the track"
    )]
    Missing {
        number: usize,
        title: String,
        path: PathBuf,
    },
    #[error("track {number} \"{title}\": {message}")]
    Track {
        number: usize,
        title: String,
        message: String,
    },
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error("{0}")]
    Settings(String),
    #[error("export cancelled; nothing was written")]
    Cancelled,
}

/// Exports the album. `progress` is called from worker threads; `cancel` stops it and removes the partial folder.
pub fn export_album(
    doc: &Document,
    opts: &ExportOptions,
    progress: &(dyn Fn(ExportProgress) + Sync),
    cancel: &AtomicBool,
) -> Result<ExportSummary, ExportError> {
    let settings = &opts.settings;
    let tracks = &doc.project.tracks;
    if tracks.is_empty() {
        return Err(ExportError::Settings(
            "the project has no tracks to export".into(),
        ));
    }
    if settings.export.format == ExportFormat::Flac
        && settings.export.bit_depth == BitDepth::Float32
    {
        return Err(ExportError::Settings(
            "FLAC holds 16- or 24-bit integers: choose 16 or 24 bits, or WAV for 32-bit float"
                .into(),
        ));
    }
    let image = opts.album_image;
    if image
        && (settings.export.bit_depth != BitDepth::Int16
            || settings.export.sample_rate_hz != Some(44_100))
    {
        return Err(ExportError::Settings(
            "an album WAV with a cue sheet is for CD: 44.1 kHz, 16-bit (use --preset cd)".into(),
        ));
    }
    if image && tracks.len() > super::cue::MAX_TRACKS {
        return Err(ExportError::Settings(format!(
            "a CD holds at most {} tracks; this album has {}",
            super::cue::MAX_TRACKS,
            tracks.len()
        )));
    }
    // Fails before touching the output folder when a source is missing.
    for (i, t) in tracks.iter().enumerate() {
        let path = doc.source_path(&t.source);
        if !path.is_file() {
            return Err(ExportError::Missing {
                number: i + 1,
                title: t.title.clone(),
                path,
            });
        }
    }
    // What replacing an existing folder must never delete.
    let mut inputs = doc.audio_paths();
    inputs.push(doc.path.clone());
    let folder = AlbumFolder::begin(&opts.out_dir, opts.force, &inputs)?;
    let total = tracks.len();

    // Sources: loudness for the plan, spectra for the match curves (cached analyses are reused).
    progress(ExportProgress {
        track: 0,
        total,
        stage: Stage::Analysing,
    });
    let plan = plan_album(doc, settings, opts.cache.as_ref(), cancel)?;

    let ext = match settings.export.format {
        ExportFormat::Wav => "wav",
        ExportFormat::Flac => "flac",
    };
    let reports: Mutex<Vec<Option<(TrackReport, TrackAnalysis)>>> =
        Mutex::new((0..total).map(|_| None).collect());
    let failure: Mutex<Option<ExportError>> = Mutex::new(None);
    let next = AtomicUsize::new(0);
    // Longest tracks first, so no core is left with one long track at the end while the other idles.
    let mut order: Vec<usize> = (0..total).collect();
    order.sort_by(|&a, &b| {
        plan.analyses[b]
            .duration_s
            .total_cmp(&plan.analyses[a].duration_s)
    });
    let stop = AtomicBool::new(false);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= total || stop.load(Ordering::Relaxed) || cancel.load(Ordering::Relaxed) {
                    break;
                }
                let i = order[k];
                let result = export_one(doc, i, &plan, folder.dir(), ext, progress, cancel);
                match result {
                    Ok(report) => reports.lock().unwrap()[i] = Some(report),
                    Err(e) => {
                        stop.store(true, Ordering::Relaxed);
                        failure.lock().unwrap().get_or_insert(e);
                        break;
                    }
                }
            });
        }
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(ExportError::Cancelled);
    }
    if let Some(e) = failure.into_inner().unwrap() {
        return Err(e);
    }
    let (mut track_reports, written): (Vec<TrackReport>, Vec<TrackAnalysis>) =
        reports.into_inner().unwrap().into_iter().flatten().unzip();
    // Tone against the album, before (among the sources) and after (among the written files' music):
    // the album average is that of the same set of files, as the desk's "Tone dB" is.
    let before = album_stats(&plan.analyses.iter().map(Some).collect::<Vec<_>>());
    // A file resampled up from a lower rate holds no more than its source did: judged at the
    // lower of the two rates, its empty top octave is not a darker tone.
    let judged: Vec<TrackAnalysis> = written
        .iter()
        .zip(&plan.analyses)
        .map(|(w, source)| TrackAnalysis {
            sample_rate_hz: w.sample_rate_hz.min(source.sample_rate_hz),
            ..w.clone()
        })
        .collect();
    let after = album_stats(&judged.iter().map(Some).collect::<Vec<_>>());
    let mut rates: Vec<u32> = written.iter().map(|w| w.sample_rate_hz).collect();
    rates.sort_unstable();
    rates.dedup();
    drop(written);
    for (i, t) in track_reports.iter_mut().enumerate() {
        t.before.tone_deviation_db = before.tonal_deviation_db.get(i).copied().flatten();
        t.tone_deviation_db = after.tonal_deviation_db.get(i).copied().flatten();
    }

    let mut report = AlbumReport {
        album: doc.project.album.title.clone(),
        artist: doc.project.album.artist.clone(),
        preset: settings.preset.as_str().to_string(),
        loudness_mode: format!("{:?}", settings.loudness_mode).to_lowercase(),
        format: format!(
            "{} {}",
            ext.to_uppercase(),
            bits_label(settings.export.bit_depth)
        ),
        sample_rate_hz: settings
            .export
            .sample_rate_hz
            .unwrap_or(plan.analyses[0].sample_rate_hz),
        dither: settings.export.dither && settings.export.bit_depth != BitDepth::Float32,
        tracks: track_reports,
        album_wav: None,
        warnings: Vec::new(),
        sample_rates_hz: Vec::new(),
    };
    // A reference that cannot be read drops out of the references' average without a word
    // anywhere else: a track matched toward the references would quietly aim elsewhere.
    for (path, analysis) in &plan.references {
        if analysis.is_none() {
            report.warnings.push(format!(
                "reference {} could not be read, so the references' average leaves it out — fix the file, or drop it with `lathe references --remove`",
                path.display()
            ));
        }
    }
    if plan.references_average.is_none() {
        for (track, t) in doc.project.tracks.iter().zip(report.tracks.iter_mut()) {
            let eq = &track.tone.match_eq;
            if eq.amount > 0.0 && eq.curve.is_empty() && eq.target != MatchTarget::AlbumAverage {
                t.warnings.push(
                    "its match aims at the references, but no reference could be read: it was matched toward the album average instead"
                        .into(),
                );
            }
        }
    }
    // In album mode the tracks' levels are steps from the loudest; a track the limit on peak
    // reduction holds below its target breaks its step, the others keep theirs: say by how
    // much, and what keeps every step.
    if settings.loudness_mode == LoudnessMode::Album {
        // The tracks the render held back (the same ones its own warning names).
        let short = |t: &TrackReport| {
            t.held_back_db?;
            Some(t.target_lufs? - t.integrated_lufs?)
        };
        let held: Vec<(usize, f64)> = report
            .tracks
            .iter()
            .filter_map(|t| Some((t.number, short(t)?)))
            .collect();
        if let Some(worst) = held.iter().map(|h| h.1).reduce(f64::max) {
            let list: Vec<String> = held
                .iter()
                .map(|(n, gap)| format!("track {n} by {gap:.1} LU"))
                .collect();
            report.warnings.push(format!(
                "album mode: {} ended below the planned level (held back by the limit on peak reduction) while the other tracks kept theirs, so the album's level steps are not as planned there — lower the target by {worst:.1} LU to keep them",
                list.join(", ")
            ));
        }
    }
    // "Source rate" keeps each track's own: say so when that makes an album of several rates.
    if rates.len() > 1 {
        let list: Vec<String> = rates.iter().map(|r| format!("{r} Hz")).collect();
        report.warnings.push(format!(
            "the tracks keep their sources' rates ({}): an album is usually delivered at one rate — choose one in the export settings (--rate)",
            list.join(", ")
        ));
        report.sample_rates_hz = rates;
    }
    if image {
        report.album_wav = Some(super::image::write_album_image(
            folder.dir(),
            &doc.project,
            &report.tracks,
        )?);
    }
    write_text(
        folder.dir(),
        "report.json",
        &(serde_json::to_string_pretty(&report).expect("report serialises") + "\n"),
    )?;
    write_text(folder.dir(), "report.md", &markdown(&report))?;
    // The project as exported, with its sources pointing where they are from the album folder.
    let mut copy = doc.clone();
    let name = doc
        .path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "album.json".into());
    let final_copy_path = opts.out_dir.join(&name);
    for t in copy.project.tracks.iter_mut() {
        t.source = crate::project::relative_path(&doc.source_path(&t.source), &opts.out_dir);
    }
    for r in copy.project.references.iter_mut() {
        r.source = crate::project::relative_path(&doc.source_path(&r.source), &opts.out_dir);
    }
    copy.project.settings = settings.clone();
    let text = serde_json::to_string_pretty(&copy.project).expect("project serialises") + "\n";
    write_text(
        folder.dir(),
        &final_copy_path.file_name().unwrap().to_string_lossy(),
        &text,
    )?;
    if cancel.load(Ordering::Relaxed) {
        return Err(ExportError::Cancelled);
    }
    let dir = folder.commit()?;
    Ok(ExportSummary { dir, report })
}

fn bits_label(b: BitDepth) -> &'static str {
    match b {
        BitDepth::Int16 => "16-bit",
        BitDepth::Int24 => "24-bit",
        BitDepth::Float32 => "32-bit float",
    }
}

fn write_text(dir: &Path, name: &str, text: &str) -> Result<(), ExportError> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| {
        EncodeError::Write {
            path,
            message: e.to_string(),
        }
        .into()
    })
}

fn figures(a: &TrackAnalysis) -> Figures {
    Figures {
        integrated_lufs: a.loudness.integrated_lufs,
        true_peak_dbtp: a.loudness.true_peak_dbtp,
        lra_lu: a.defined_lra_lu(),
        plr_db: a.loudness.plr_db,
        tone_deviation_db: None,
    }
}

/// Interleaved stereo `bits`-bit integers as planar f32, the way a decoder converts them (a
/// division by a power of two, exact in f32).
fn integers_as_read(samples: &[i32], bits: u32, sample_rate_hz: u32) -> AudioBuffer {
    let scale = (1u64 << (bits - 1)) as f32;
    let (left, right) = samples
        .chunks_exact(2)
        .map(|f| (f[0] as f32 / scale, f[1] as f32 / scale))
        .unzip();
    AudioBuffer {
        sample_rate_hz,
        channels: [left, right],
    }
}

/// The figures of a written file (`written`, as a decoder reads it back) that starts with
/// `gap_frames` of silence. Integrated loudness, true peak and PLR are the whole file's, as a
/// platform measures it. Loudness range and spectrum are the music's, after the gap, as the
/// source's are: the step from silence into the music would otherwise read as range the
/// track does not have (+0.1 to +0.2 LU on tracks that start loud) and as a click in the spectrum.
fn measure_written(mut written: AudioBuffer, gap_frames: usize) -> TrackAnalysis {
    let [left, right] = &written.channels;
    let file_lufs = integrated_lufs_after_gap(0, left, right, written.sample_rate_hz);
    for ch in &mut written.channels {
        ch.drain(..gap_frames.min(ch.len()));
    }
    let mut analysis = analyze_audio(&written, 2);
    let loudness = &mut analysis.loudness;
    loudness.integrated_lufs = file_lufs;
    loudness.plr_db = loudness.true_peak_dbtp.zip(file_lufs).map(|(tp, i)| tp - i);
    analysis
}

/// Renders, writes and measures one track.
fn export_one(
    doc: &Document,
    i: usize,
    plan: &AlbumPlan,
    dir: &Path,
    ext: &str,
    progress: &(dyn Fn(ExportProgress) + Sync),
    cancel: &AtomicBool,
) -> Result<(TrackReport, TrackAnalysis), ExportError> {
    let track = &doc.project.tracks[i];
    let settings = &plan.settings;
    let source = &plan.analyses[i];
    let total = doc.project.tracks.len();
    let number = i + 1;
    let fail = |message: String| ExportError::Track {
        number,
        title: track.title.clone(),
        message,
    };
    progress(ExportProgress {
        track: i,
        total,
        stage: Stage::Rendering,
    });
    let decoded = crate::media::decode_file(&plan.sources[i]).map_err(|e| fail(e.to_string()))?;
    let output_rate_hz = settings
        .export
        .sample_rate_hz
        .unwrap_or(decoded.audio.sample_rate_hz);
    let job = plan.track_job(doc, i, output_rate_hz);
    let rendered = render_track(&decoded.audio, &job, cancel).map_err(|e| match e {
        RenderError::Cancelled => ExportError::Cancelled,
        other => fail(other.to_string()),
    })?;
    let decoded_notices = decoded.notices.clone();
    drop(decoded);

    progress(ExportProgress {
        track: i,
        total,
        stage: Stage::Writing,
    });
    let file = super::names::track_file_name(number, &track.title, ext);
    let path = dir.join(&file);
    let [left, right] = &rendered.audio.channels;
    let bits = match settings.export.bit_depth {
        BitDepth::Int16 => Some(16),
        BitDepth::Int24 => Some(24),
        BitDepth::Float32 => None,
    };
    // What the file holds, as a decoder will read it back: measured below.
    let written = match bits {
        None => {
            write_wav_float(&path, output_rate_hz, &interleave(left, right))?;
            rendered.audio
        }
        Some(bits) => {
            // TPDF dither is the very last step, seeded per track so an export is reproducible.
            let mut tpdf = Tpdf::new(0x1a7e_0000 + number as u64);
            let dither = settings.export.dither.then_some(&mut tpdf);
            let mut samples = Vec::new();
            quantize_stereo(left, right, bits, dither, &mut samples);
            match settings.export.format {
                ExportFormat::Wav => write_wav_int(&path, output_rate_hz, bits as u16, &samples)?,
                ExportFormat::Flac => write_flac(&path, output_rate_hz, bits as u16, &samples)?,
            }
            drop(rendered.audio);
            integers_as_read(&samples, bits, output_rate_hz)
        }
    };

    // Measured on the written samples, exactly as a decoder reads the file back (integer / 2^(bits-1),
    // both exact in f32; `tests/render_export.rs` holds the report equal to a fresh decode and
    // analysis of every written file): what the listener will get, without reading it again.
    progress(ExportProgress {
        track: i,
        total,
        stage: Stage::Measuring,
    });
    // Loudness and spectrum: the tone deviation is taken once every file is written.
    let analysis = measure_written(written, job.gap_frames());
    let after = &analysis.loudness;
    let mut warnings = decoded_notices;
    // The source's DC offset or flipped polarity is in the master too (the chain does not fix
    // them): say so.
    warnings.extend(
        plan.analyses[i]
            .notices
            .iter()
            .filter(|n| crate::analysis::is_source_fault_notice(n))
            .cloned(),
    );
    warnings.extend(rendered.warnings.iter().cloned());
    if let Some(tp) = after.true_peak_dbtp {
        if tp > settings.ceiling_dbtp + 0.1 {
            warnings.push(format!(
                "true peak {} dBTP is above the {} dBTP ceiling",
                crate::units::signed(tp, 2),
                crate::units::unsigned(settings.ceiling_dbtp, 1)
            ));
        }
    }
    progress(ExportProgress {
        track: i,
        total,
        stage: Stage::Done,
    });
    let report = TrackReport {
        number,
        title: track.title.clone(),
        file,
        source: plan.sources[i].display().to_string(),
        target_lufs: job.target_lufs,
        ceiling_dbtp: settings.ceiling_dbtp,
        integrated_lufs: after.integrated_lufs,
        true_peak_dbtp: after.true_peak_dbtp,
        lra_lu: analysis.defined_lra_lu(),
        plr_db: after.plr_db,
        tone_deviation_db: None,
        before: figures(source),
        gain_db: rendered.gain_db,
        // `+ 0.0` turns a -0.0 (no reduction) into 0.0 for display.
        max_gain_reduction_db: rendered.gain_reduction.max_db.max(0.0) + 0.0,
        held_back_db: rendered.held_back_db,
        mean_gain_reduction_db: rendered.gain_reduction.mean_db.max(0.0) + 0.0,
        moves: describe_moves(&track.tone, &track.stereo),
        warnings,
    };
    Ok((report, analysis))
}
