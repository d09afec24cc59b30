//! `lathe assist`: tone and headroom proposals for the album, with reasons, the translation
//! preview, and `--apply` to write them into the project.

use crate::analysis::{AnalysisCache, TrackAnalysis};
use crate::assist::{self, AlbumProposal, AssistInput, AssistOptions, Platform};
use crate::project::{DeliveryPreset, Document, MatchTarget};
use crate::render::toned::with_rendered_plan;
use crate::units::{signed, unsigned, unsigned_or_dash};
use anyhow::{bail, Context};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// Options of `lathe assist`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project file.
    pub project: PathBuf,
    /// What the tone moves aim at: album (the album average), references, or blend.
    #[arg(long, default_value = "album")]
    pub target: String,
    /// With --target blend: 0 = album average, 1 = references (default 0.5).
    // Hyphen values allowed on every number: `--amount -1` gets the range message below, not
    // clap's "unexpected argument '-1'".
    #[arg(long, allow_hyphen_values = true)]
    pub blend: Option<f64>,
    /// How much of every tone move to apply, 0..1.
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    pub amount: f64,
    /// Largest loudness spread kept between tracks in album mode, LU.
    #[arg(long = "max-spread", default_value_t = 6.0, allow_hyphen_values = true)]
    pub max_spread_lu: f64,
    /// Largest boost or cut of any single move, dB.
    #[arg(long = "max-move", default_value_t = 3.0, allow_hyphen_values = true)]
    pub max_move_db: f64,
    /// Narrowest feature of a match curve, octaves between its half-gain points: 0.5 (smoothed
    /// over an octave) or 1 (smoothed over two: nothing narrower than the widest bell).
    #[arg(
        long = "narrowest-band",
        default_value_t = 0.5,
        allow_hyphen_values = true
    )]
    pub narrowest_band_oct: f64,
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
    /// With --apply -o: overwrite an existing file.
    #[arg(long)]
    pub force: bool,
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
    let blend = a.blend.unwrap_or(0.5);
    for (name, v) in [("--blend", blend), ("--amount", a.amount)] {
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
    if !assist::NARROWEST_BANDS_OCT.contains(&a.narrowest_band_oct) {
        bail!(
            "--narrowest-band {}: choose 0.5 or 1 (octaves between a curve feature's half-gain points)",
            a.narrowest_band_oct
        );
    }
    if a.output.is_some() && !a.apply {
        bail!("-o/--output writes the applied proposals: add --apply");
    }
    if a.force && a.output.is_none() {
        bail!("--force lets -o replace an existing file: add --apply -o FILE (--apply alone writes over the project and needs no --force)");
    }
    // Options that would be silently ignored are refused, so the user knows what was used.
    if target != MatchTarget::Blend && a.blend.is_some() {
        bail!("--blend mixes the album average and the references: add --target blend");
    }
    if target == MatchTarget::AlbumAverage && a.curve.is_some() {
        bail!("--curve is a reference target: add --target references or --target blend");
    }
    let mut doc = Document::load(&a.project)?;
    if let Some(out) = &a.output {
        refuse_output(out, &doc, a.force)?;
    }
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
    let paths = doc.audio_paths();
    let cache = (!a.no_cache).then(AnalysisCache::user_default);
    let results = super::analyze::analyse_with_progress(&paths, cache.as_ref());
    let (track_results, ref_results) = results.split_at(project.tracks.len());
    let (mut failed_tracks, mut failed_refs) = (Vec::new(), Vec::new());
    let tracks: Vec<Option<TrackAnalysis>> = track_results
        .iter()
        .enumerate()
        .map(|(i, r)| match r {
            Ok(a) => Some(a.clone()),
            Err(e) => {
                failed_tracks.push(format!("track {} ({e})", i + 1));
                None
            }
        })
        .collect();
    let mut references: Vec<(TrackAnalysis, f64)> = Vec::new();
    for (i, (r, reference)) in ref_results.iter().zip(&project.references).enumerate() {
        match r {
            Ok(analysis) => references.push((analysis.clone(), reference.weight)),
            Err(e) if target != MatchTarget::AlbumAverage => failed_refs.push(format!(
                "reference {} ({e}) left out of the references' average; {}",
                i + 1,
                super::references::how_to_remove(&a.project, i + 1)
            )),
            Err(_) => {}
        }
    }
    // User references take precedence over a curve (assist::propose): say so rather than
    // leave the user thinking the curve was used.
    if let (Some(name), false) = (&a.curve, references.is_empty()) {
        errln!("lathe: --curve {name} is not used: the project's reference tracks are the references (a curve stands in only when there are none)");
    }
    if target != MatchTarget::AlbumAverage && references.is_empty() {
        if let Some(c) = &curve {
            let why = if project.references.is_empty() {
                "the project has no reference tracks"
            } else {
                "no reference track could be analysed"
            };
            errln!(
                "lathe: {why}: the built-in curve “{}” stands in for the references",
                c.title
            );
        }
    }
    let opts = AssistOptions {
        target,
        blend,
        amount: a.amount,
        max_move_db: a.max_move_db,
        narrowest_band_oct: a.narrowest_band_oct,
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
    // The limiter's work and the translation follow the peaks as the moves leave them.
    let refs_for_plan: Vec<(PathBuf, Option<TrackAnalysis>)> = project
        .references
        .iter()
        .zip(ref_results)
        .map(|(r, result)| (doc.source_path(&r.source), result.as_ref().ok().cloned()))
        .collect();
    let proposal = with_rendered_plan(
        &doc,
        &proposal,
        &tracks,
        refs_for_plan,
        &AtomicBool::new(false),
    );
    let would = assist::apply(project, &proposal);
    // Tracks whose tone EQ already is what accepting would write (assist run again after --apply).
    let applied_already: Vec<bool> = project
        .tracks
        .iter()
        .zip(&would.tracks)
        .map(|(now, then)| now.tone == then.tone)
        .collect();
    // Written before anything is printed: a closed pipe (`| head`) must not lose the write.
    let applied = if a.apply {
        let mut out = Document {
            project: would,
            path: doc.path.clone(),
        };
        match &a.output {
            Some(path) => out.save_as(path),
            None => out.save(),
        }
        .with_context(|| "the proposals were not written".to_string())?;
        Some(out.path)
    } else {
        None
    };
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&proposal)?);
    } else {
        print_proposal(&proposal, &applied_already);
        if let Some(path) = &applied {
            outln!("\napplied: {}", path.display());
        }
    }
    if !failed_tracks.is_empty() {
        errln!(
            "lathe: {} track(s) could not be analysed and got no proposal: {}",
            failed_tracks.len(),
            failed_tracks.join("; ")
        );
    }
    if !failed_refs.is_empty() {
        errln!(
            "lathe: {} reference(s) could not be analysed: {}",
            failed_refs.len(),
            failed_refs.join("; ")
        );
    }
    Ok(if failed_tracks.is_empty() && failed_refs.is_empty() {
        0
    } else {
        1
    })
}

/// Why `-o out` must not be written: an existing file without --force, or one of the album's
/// own files (a source, a reference, the project itself is fine: that is `--apply` without -o).
fn refuse_output(out: &std::path::Path, doc: &Document, force: bool) -> anyhow::Result<()> {
    let real = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    let out_real = real(out);
    let is_audio = doc
        .audio_paths()
        .iter()
        .any(|a| out_real.is_some() && real(a) == out_real);
    if is_audio {
        bail!(
            "{}: is one of the album's audio files — choose a .json name for the project",
            out.display()
        );
    }
    if out.exists() && !force && out_real != real(&doc.path) {
        bail!(
            "{}: already exists — choose another name or add --force to overwrite it",
            out.display()
        );
    }
    Ok(())
}

/// The proposal as text; `applied_already[i]`: track i's tone EQ already is its proposal.
fn print_proposal(p: &AlbumProposal, applied_already: &[bool]) {
    outln!(
        "Tone toward {} (moves bounded to ±{:.1} dB each, no curve feature narrower than {}; a track whose octave-smoothed balance is within ±{:.1} dB of it gets none):",
        p.target.label,
        p.max_move_db,
        assist::narrowest_words(p.narrowest_band_oct),
        p.tolerance_db
    );
    let against = p.target.measured_against();
    outln!("  (figures: RMS of each track's tone shape, level removed, against {against}; `lathe analyze` and report.md measure against the sources' average, level included)");
    if p.amount < 1.0 {
        outln!(
            "  amount {:.0} %: the moves read at full strength; --apply writes {:.0} % of each gain",
            p.amount * 100.0,
            p.amount * 100.0
        );
    }
    for t in &p.tracks {
        outln!("  {:>2}. {}", t.number, t.title);
        outln!("      {}", t.summary);
        for m in &t.moves {
            outln!("      • {}", m.reason);
        }
        if t.replaces_settings && applied_already.get(t.number - 1) == Some(&true) {
            outln!("      (already applied: this is the track's current tone EQ)");
        } else if t.replaces_settings {
            outln!("      (accepting replaces this track's current tone EQ)");
        }
    }
    let h = &p.headroom;
    outln!(
        "\nHeadroom for {} — loudest at {} LUFS, ceiling {} dBTP; source spread {:.1} LU{}{}:",
        h.preset.spec().label,
        unsigned(h.loudest_lufs, 1),
        unsigned(h.ceiling_dbtp, 1),
        h.source_spread_lu,
        if h.narrowed {
            format!(", narrowed to {:.0} LU", h.max_spread_lu)
        } else {
            String::new()
        },
        if h.rendered {
            "; loudness and limiting as the export renders them"
        } else {
            ""
        }
    );
    for t in &h.tracks {
        outln!("  {}", t.reason);
        if let Some(w) = &t.warning {
            outln!("    ⚠ {w}");
        }
    }
    outln!("\nTranslation (playback gain each platform applies to the exported file, dB):");
    out!("  {:>2}  {:>10} {:>9}", "#", "LUFS", "dBTP");
    for pl in Platform::ALL {
        out!(" {:>12}", pl.label());
    }
    outln!();
    for t in &p.translation {
        let f = |v: Option<f64>| unsigned_or_dash(v, 1, "");
        out!(
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
            out!(" {:>11}{mark}", signed(g.gain_db, 1));
        }
        outln!();
    }
    outln!("  ᵖ raised only as far as the platform's true-peak limit allows; ⁿ never turned up on this platform");
}
