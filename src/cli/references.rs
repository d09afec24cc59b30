//! `lathe references`: list the album's reference tracks, add files, weigh or remove them.
//! Numbers name references as listed before the command; added files go at the end with
//! weight 1. Nothing is written unless every change is valid.

use crate::project::{is_audio_path, split_repeated, with_added, Document, REFERENCE_WEIGHT_RANGE};
use anyhow::{bail, Context};
use std::path::PathBuf;

/// Options of `lathe references`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project file.
    pub project: PathBuf,
    /// Add an audio file as a reference (repeatable; weight 1).
    #[arg(long = "add", value_name = "FILE")]
    pub add: Vec<PathBuf>,
    /// Remove reference N, as listed (repeatable).
    // Signed, hyphen values allowed: `--remove -1` gets the range message, not clap's
    // "unexpected argument".
    #[arg(long = "remove", value_name = "N", allow_hyphen_values = true)]
    pub remove: Vec<i64>,
    /// Set reference N's weight in the references' average, 0.25 to 4 (repeatable).
    #[arg(long = "weight", value_name = "N=W", allow_hyphen_values = true)]
    pub weight: Vec<String>,
}

pub fn run(a: Args) -> anyhow::Result<i32> {
    let mut doc = Document::load(&a.project)?;
    let count = doc.project.references.len();
    let number_ok = |n: i64, what: &str| -> anyhow::Result<usize> {
        if let Some(i) = usize::try_from(n).ok().filter(|n| (1..=count).contains(n)) {
            Ok(i - 1)
        } else if count <= 1 {
            bail!(
                "{what} {n}: the project has {count} reference{}",
                if count == 1 { "" } else { "s" }
            )
        } else {
            bail!(
                "{what} {n}: choose 1 to {count} (see `lathe references {}`)",
                a.project.display()
            )
        }
    };
    let (lo, hi) = REFERENCE_WEIGHT_RANGE;
    let mut weights = Vec::new();
    for w in &a.weight {
        let Some((n, value)) = w.split_once('=') else {
            bail!("--weight {w}: write it as N=W, e.g. --weight 2=1.5");
        };
        let n: i64 = n
            .trim()
            .parse()
            .with_context(|| format!("--weight {w}: N is a reference number"))?;
        let value: f64 = value.trim().parse().with_context(|| {
            format!("--weight {w}: W is a number, written with a decimal point (1.5)")
        })?;
        if !(lo..=hi).contains(&value) {
            bail!("--weight {w}: choose a weight from {lo} to {hi}");
        }
        let i = number_ok(n, "--weight")?;
        if weights.iter().any(|&(j, _)| j == i) {
            bail!("--weight {n}=…: given twice; give each reference one weight");
        }
        weights.push((i, value));
    }
    let mut removed = Vec::new();
    for &n in &a.remove {
        let i = number_ok(n, "--remove")?;
        if weights.iter().any(|&(j, _)| j == i) {
            bail!("reference {n} is both weighed and removed: choose one");
        }
        removed.push(i);
    }
    // An added file already among the references kept, or added earlier in this command.
    let kept = (doc.project.references.iter().enumerate())
        .filter(|(i, _)| !removed.contains(i))
        .map(|(_, r)| r);
    if let Some(file) = split_repeated(&doc, kept, &a.add).1.first() {
        bail!(
            "--add {}: already a reference (it would count twice in their average)",
            file.display()
        );
    }
    let mut titles = Vec::new();
    for file in &a.add {
        if file.is_dir() {
            bail!(
                "--add {}: a folder — add its audio files one by one",
                file.display()
            );
        }
        if !file.is_file() {
            bail!("--add {}: not found — check the path", file.display());
        }
        if !is_audio_path(file) {
            bail!(
                "--add {}: not an audio file Lathe reads (WAV, AIFF, FLAC, MP3, OGG, M4A)",
                file.display()
            );
        }
        // A file whose container cannot be opened would fail every later command.
        let tags = crate::media::read_tags(file).map_err(|e| anyhow::anyhow!("--add: {e}"))?;
        titles.push(tags.title);
    }
    let changed = !(weights.is_empty() && removed.is_empty() && a.add.is_empty());
    if changed {
        for (i, w) in weights {
            doc.project.references[i].weight = w;
        }
        doc.project.references = std::mem::take(&mut doc.project.references)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !removed.contains(i))
            .map(|(_, r)| r)
            .collect();
        doc.project.references = with_added(&doc, &a.add, &titles);
        doc.save()?;
    }
    print_list(&doc, changed);
    Ok(0)
}

/// How to drop reference `n` (from 1) of `project` for good, for messages about a reference
/// whose file cannot be read.
pub(super) fn how_to_remove(project: &std::path::Path, n: usize) -> String {
    format!(
        "to drop the reference: `lathe references {} --remove {n}`",
        project.display()
    )
}

/// The references as the project now holds them, numbered for `--remove` and `--weight`.
fn print_list(doc: &Document, changed: bool) {
    let refs = &doc.project.references;
    let what = if changed { "now has" } else { "has" };
    match refs.len() {
        0 => outln!(
            "{} {what} no reference tracks (add one with --add FILE)",
            doc.path.display()
        ),
        1 => outln!(
            "{} {what} 1 reference track (the references target):",
            doc.path.display()
        ),
        n => outln!(
            "{} {what} {n} reference tracks (their weighted average is the references target):",
            doc.path.display()
        ),
    }
    for (i, r) in refs.iter().enumerate() {
        let missing = if doc.source_path(&r.source).is_file() {
            ""
        } else {
            "  (file missing)"
        };
        outln!(
            "{:>3}  {}  ×{:.2}  ({}){missing}",
            i + 1,
            r.title,
            r.weight,
            r.source.display()
        );
    }
}
