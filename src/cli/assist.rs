//! `lathe assist`: tone and headroom proposals for the album, with reasons, the translation
//! preview, and `--apply` to write them into the project.

use crate::analysis::{AnalysisCache, TrackAnalysis};
use crate::assist::{self, AlbumProposal, AssistInput, AssistOptions, Platform};
use crate::project::{DeliveryPreset, Document, MatchTarget};
use crate::units::{signed, unsigned, unsigned_or_dash};
use anyhow::{bail, Context};
use std::path::PathBuf;

/// Options of `lathe assist`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project file.
    pub project: PathBuf,
    /// What the tone moves aim at: album (the album average), references, or blend.
    #[arg(long, default_value = "album")]
    pub target: String,
    /// With --target blend: 0 = album average, 1 = references.
    #[arg(long, default_value_t = 0.5)]
    pub blend: f64,
    /// How much of every tone move to apply, 0..1.
    #[arg(long, default_value_t = 1.0)]
    pub amount: f64,
    /// Largest loudness spread kept between tracks in album mode, LU.
    #[arg(long = "max-spread", default_value_t = 6.0)]
    pub max_spread_lu: f64,
    /// Largest boost or cut of any single move, dB.
    #[arg(long = "max-move", default_value_t = 3.0)]
    pub max_move_db: f64,
    /// Built-in reference curve used as the references when the project has no reference tracks.
    #[arg(long)]
    pub curve: Option<String>,
    /// Delivery preset the loudness plan is for (default: the project's; written with --apply).
    #[arg(long)]
    pub preset: Option<String>,
    /// Write the proposals into the project (or into --output).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: write the changed project here instead of over the input.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Re-analyse everything instead of using the analysis cache.
    #[arg(long)]
    pub no_cache: bool,
}

pub fn run(a: Args) -> anyhow::Result<i32> {
    let target = match a.target.as_str() {
        "album" => MatchTarget::AlbumAverage,
        "references" | "refs" => MatchTarget::References,
        "blend" => MatchTarget::Blend,
        other => bail!("unknown target \"{other}\" — use album, references or blend"),
    };
    for (name, v) in [("--blend", a.blend), ("--amount", a.amount)] {
        if !(0.0..=1.0).contains(&v) {
            bail!("{name} {v}: choose a value from 0 to 1");
        }
    }
    if !(a.max_spread_lu >= 0.0 && a.max_spread_lu <= 40.0) {
        bail!("--max-spread {}: choose 0 to 40 LU", a.max_spread_lu);
    }
    if !(a.max_move_db > 0.0 && a.max_move_db <= 12.0) {
        bail!(
            "--max-move {}: choose more than 0 and at most 12 dB",
            a.max_move_db
        );
    }
    if a.output.is_some() && !a.apply {
        bail!("-o/--output writes the applied proposals: add --apply");
    }
    let mut doc = Document::load(&a.project)?;
    if let Some(name) = &a.preset {
        let Some(preset) = DeliveryPreset::from_name(name) else {
            let names: Vec<_> = DeliveryPreset::ALL.iter().map(|p| p.as_str()).collect();
            bail!(
                "unknown preset \"{name}\" — choose one of {}",
                names.join(", ")
            );
        };
        doc.project.settings.apply_preset(preset);
    }
    let curve = match (&a.curve, target) {
        (Some(name), _) => Some(assist::built_in(name)?),
        (None, MatchTarget::AlbumAverage) => None,
        (None, _) => Some(assist::built_in(assist::DEFAULT_CURVE)?),
    };
    let project = &doc.project;
    if project.tracks.is_empty() {
        bail!("nothing to assist: the project has no tracks");
    }
    let paths: Vec<PathBuf> = project
        .tracks
        .iter()
        .map(|t| doc.source_path(&t.source))
        .chain(
            project
                .references
                .iter()
                .map(|r| doc.source_path(&r.source)),
        )
        .collect();
    let cache = (!a.no_cache).then(AnalysisCache::user_default);
    let results = super::analyze::analyse_with_progress(&paths, cache.as_ref());
    let (track_results, ref_results) = results.split_at(project.tracks.len());
    let mut failed = Vec::new();
    let tracks: Vec<Option<TrackAnalysis>> = track_results
        .iter()
        .enumerate()
        .map(|(i, r)| match r {
            Ok(a) => Some(a.clone()),
            Err(e) => {
                failed.push(format!("track {} ({e})", i + 1));
                None
            }
        })
        .collect();
    let references: Vec<(TrackAnalysis, f64)> = ref_results
        .iter()
        .zip(&project.references)
        .filter_map(|(r, reference)| Some((r.as_ref().ok()?.clone(), reference.weight)))
        .collect();
    let opts = AssistOptions {
        target,
        blend: a.blend,
        amount: a.amount,
        max_move_db: a.max_move_db,
        max_spread_lu: a.max_spread_lu,
        ..AssistOptions::default()
    };
    let input = AssistInput {
        project,
        tracks: &tracks,
        references: &references,
        curve: curve.as_ref(),
    };
    let proposal = assist::propose(&input, &opts)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&proposal)?);
    } else {
        print_proposal(&proposal);
    }
    if a.apply {
        let changed = assist::apply(&doc.project, &proposal);
        let mut out = Document {
            project: changed,
            path: doc.path.clone(),
        };
        match &a.output {
            Some(path) => out.save_as(path),
            None => out.save(),
        }
        .with_context(|| "the proposals were not written".to_string())?;
        if !a.json {
            println!("\napplied: {}", out.path.display());
        }
    }
    if !failed.is_empty() {
        eprintln!(
            "lathe: {} track(s) could not be analysed and got no proposal: {}",
            failed.len(),
            failed.join("; ")
        );
        return Ok(1);
    }
    Ok(0)
}

fn print_proposal(p: &AlbumProposal) {
    println!(
        "Tone toward {} (amount {:.0} %, moves bounded to ±{:.1} dB, no move within {:.1} dB):",
        p.target.label,
        p.amount * 100.0,
        p.max_move_db,
        p.tolerance_db
    );
    for t in &p.tracks {
        println!("  {:>2}. {}", t.number, t.title);
        println!("      {}", t.summary);
        for m in &t.moves {
            println!("      • {}", m.reason);
        }
        if t.replaces_settings {
            println!("      (accepting replaces this track's current tone EQ)");
        }
    }
    let h = &p.headroom;
    println!(
        "\nHeadroom ({}; loudest at {} LUFS, ceiling {} dBTP; source spread {:.1} LU{}):",
        h.preset.spec().label,
        unsigned(h.loudest_lufs, 1),
        unsigned(h.ceiling_dbtp, 1),
        h.source_spread_lu,
        if h.narrowed {
            format!(", narrowed to {:.0} LU", h.max_spread_lu)
        } else {
            String::new()
        }
    );
    for t in &h.tracks {
        println!("  {}", t.reason);
        if let Some(w) = &t.warning {
            println!("    ⚠ {w}");
        }
    }
    println!("\nTranslation (playback gain each platform applies to the exported file, dB):");
    print!("  {:>2}  {:>10} {:>9}", "#", "LUFS", "dBTP");
    for pl in Platform::ALL {
        print!(" {:>12}", pl.label());
    }
    println!();
    for t in &p.translation {
        let f = |v: Option<f64>| unsigned_or_dash(v, 1, "");
        print!(
            "  {:>2}  {:>10} {:>9}",
            t.number,
            f(t.exported_lufs),
            f(t.exported_true_peak_dbtp)
        );
        for g in &t.platforms {
            let mark = match g.reason {
                assist::GainReason::RaiseLimitedByPeak { .. } => "ᵖ",
                assist::GainReason::NotRaised { .. } => "ⁿ",
                _ => " ",
            };
            print!(" {:>11}{mark}", signed(g.gain_db, 1));
        }
        println!();
    }
    println!("  ᵖ raised only as far as the platform's true-peak limit allows; ⁿ never turned up on this platform");
}
