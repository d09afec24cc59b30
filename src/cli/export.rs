//! `lathe export`: the mastered album folder.

use crate::analysis::AnalysisCache;
use crate::project::{
    BitDepth, DeliveryPreset, Document, ExportFormat, LoudnessMode, CEILING_DBTP_RANGE,
    EXPORT_RATE_HZ_RANGE, TARGET_LUFS_RANGE,
};
use crate::render::export::{export_album, ExportOptions, ExportProgress, Stage};
use crate::units;
use anyhow::bail;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Options of `lathe export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project file.
    pub project: PathBuf,
    /// The album folder to write (refused if it exists, unless --force).
    #[arg(short, long)]
    pub out: PathBuf,
    /// Delivery preset: spotify, youtube, tidal, apple, amazon, deezer, aes, cd, hires, custom.
    #[arg(long)]
    pub preset: Option<String>,
    /// wav or flac.
    #[arg(long)]
    pub format: Option<String>,
    /// 16, 24 or 32f.
    #[arg(long)]
    pub bits: Option<String>,
    /// Output sample rate in Hz (default: the preset's, else the source's).
    // Signed, hyphen values allowed: `--rate -44100` gets the range message, not clap's
    // "unexpected argument".
    #[arg(long, allow_hyphen_values = true)]
    pub rate: Option<i64>,
    /// album (loudest track at the target, others keep their offsets) or track (every track at the target).
    #[arg(long)]
    pub loudness: Option<String>,
    /// Target integrated loudness in LUFS (overrides the preset).
    #[arg(long = "target", allow_hyphen_values = true)]
    pub target_lufs: Option<f64>,
    /// True-peak ceiling in dBTP (overrides the preset).
    #[arg(long = "ceiling", allow_hyphen_values = true)]
    pub ceiling_dbtp: Option<f64>,
    /// No TPDF dither on 16/24-bit output.
    #[arg(long)]
    pub no_dither: bool,
    /// Also write one album WAV with a cue sheet (CD preset).
    #[arg(long)]
    pub cue: bool,
    /// Replace an existing folder.
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> anyhow::Result<i32> {
    let doc = Document::load(&a.project)?;
    let mut settings = doc.project.settings.clone();
    if let Some(name) = &a.preset {
        let Some(preset) = DeliveryPreset::from_name(name) else {
            let names: Vec<_> = DeliveryPreset::ALL.iter().map(|p| p.as_str()).collect();
            bail!(
                "unknown preset \"{name}\" — choose one of {}",
                names.join(", ")
            );
        };
        settings.apply_preset(preset);
    }
    if let Some(f) = &a.format {
        settings.export.format = match f.as_str() {
            "wav" => ExportFormat::Wav,
            "flac" => ExportFormat::Flac,
            other => bail!("unknown format \"{other}\" — use wav or flac"),
        };
    }
    if let Some(b) = &a.bits {
        settings.export.bit_depth = match b.as_str() {
            "16" => BitDepth::Int16,
            "24" => BitDepth::Int24,
            "32f" | "32" => BitDepth::Float32,
            other => bail!("unknown bit depth \"{other}\" — use 16, 24 or 32f"),
        };
    }
    if let Some(rate) = a.rate {
        let (lo, hi) = EXPORT_RATE_HZ_RANGE;
        let Some(rate) = u32::try_from(rate).ok().filter(|r| (lo..=hi).contains(r)) else {
            bail!("--rate {rate}: choose a sample rate between {lo} and {hi} Hz");
        };
        settings.export.sample_rate_hz = Some(rate);
    }
    if let Some(mode) = &a.loudness {
        settings.loudness_mode = match mode.as_str() {
            "album" => LoudnessMode::Album,
            "track" => LoudnessMode::Track,
            other => bail!("unknown loudness mode \"{other}\" — use album or track"),
        };
    }
    if let Some(t) = a.target_lufs {
        let (lo, hi) = TARGET_LUFS_RANGE;
        if !(lo..=hi).contains(&t) {
            bail!(
                "--target {t}: choose a loudness from {} to {} LUFS",
                units::trimmed(lo, 1),
                units::trimmed(hi, 1)
            );
        }
        settings.target_lufs = t;
    }
    if let Some(c) = a.ceiling_dbtp {
        let (lo, hi) = CEILING_DBTP_RANGE;
        if !(lo..=hi).contains(&c) {
            bail!(
                "--ceiling {c}: the true-peak ceiling must be from {} to {} dBTP",
                units::trimmed(lo, 1),
                units::trimmed(hi, 1)
            );
        }
        settings.ceiling_dbtp = c;
    }
    if a.no_dither {
        settings.export.dither = false;
    }
    let opts = ExportOptions {
        out_dir: a.out.clone(),
        settings,
        force: a.force,
        album_image: a.cue,
        cache: Some(AnalysisCache::user_default()),
    };
    let tty = std::io::stderr().is_terminal();
    let progress = |p: ExportProgress| {
        if tty {
            err!(
                "\r{:>2}/{} {:<12}",
                p.track + 1,
                p.total,
                format!("{:?}", p.stage).to_lowercase()
            );
        }
        if p.stage == Stage::Done && tty {
            errln!();
        }
    };
    // Ctrl-C, SIGTERM and SIGHUP cancel (ctrlc's "termination" feature): the workers stop at
    // their next block and the partial folder is removed, so nothing half-written is left (only
    // SIGKILL still leaves it, for the next export to clear).
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        let _ = ctrlc::set_handler(move || {
            errln!("\nlathe: cancelling the export…");
            cancel.store(true, Ordering::Relaxed);
        });
    }
    let summary = export_album(&doc, &opts, &progress, &cancel)?;
    outln!("{}", summary.dir.display());
    // As wide as the longest name: a cut name cannot be found in the folder.
    let width = (summary.report.tracks.iter())
        .map(|t| t.file.chars().count())
        .max()
        .unwrap_or(0)
        .max("file".len());
    outln!(
        "{:>3}  {:<width$} {:>12} {:>12} {:>11} {:>8} {:>8}  tone vs album",
        "#",
        "file",
        "target",
        "measured",
        "true peak",
        "LRA",
        "max GR"
    );
    let mut warnings = 0;
    for t in &summary.report.tracks {
        let lufs = |v: Option<f64>| units::unsigned_or_dash(v, 1, "LUFS");
        let tone = match (t.before.tone_deviation_db, t.tone_deviation_db) {
            (Some(b), Some(a)) => format!("{b:.1} → {a:.1} dB"),
            _ => "—".into(),
        };
        outln!(
            "{:>3}  {:<width$} {:>12} {:>12} {:>11} {:>8} {:>5.1} dB  {tone}",
            t.number,
            t.file,
            lufs(t.target_lufs),
            lufs(t.integrated_lufs),
            units::signed_or_dash(t.true_peak_dbtp, 2, "dBTP"),
            units::unsigned_or_dash(t.lra_lu, 1, "LU"),
            t.max_gain_reduction_db
        );
        for w in &t.warnings {
            outln!("     ⚠ {w}");
            warnings += 1;
        }
    }
    for w in &summary.report.warnings {
        outln!("⚠ {w}");
        warnings += 1;
    }
    if let Some(wav) = &summary.report.album_wav {
        outln!("album image: {wav} + cue sheet");
    }
    if warnings > 0 {
        outln!("{warnings} warning(s): see report.md");
    }
    Ok(0)
}
