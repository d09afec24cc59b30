//! `lathe new`: a project from audio files.

use crate::project::{collect_audio_files, is_audio_path, project_from_files, Document};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

pub fn run(
    inputs: &[PathBuf],
    output: &Path,
    title: Option<String>,
    artist: Option<String>,
    force: bool,
) -> anyhow::Result<i32> {
    if output.exists() && !force {
        bail!(
            "{}: already exists — choose another name or add --force to overwrite it",
            output.display()
        );
    }
    for input in inputs {
        if !input.exists() {
            bail!("{}: not found — check the path", input.display());
        }
    }
    let files = collect_audio_files(inputs).context("cannot list the input folder")?;
    if let Some(odd) = files.iter().find(|f| !is_audio_path(f)) {
        bail!(
            "{}: not an audio file Lathe reads (WAV, AIFF, FLAC, MP3, OGG, M4A)",
            odd.display()
        );
    }
    if files.is_empty() {
        bail!(
            "no audio files found in {} — Lathe reads WAV, AIFF, FLAC, MP3, OGG and M4A",
            display_list(inputs)
        );
    }
    let folder = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // A file whose container cannot even be opened is left out and named, not added as a track
    // every later command would fail on.
    let mut skipped = Vec::new();
    let mut tags = Vec::new();
    let found = files.len();
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| match crate::media::read_tags(f) {
            Ok(t) => {
                tags.push(t);
                true
            }
            Err(e) => {
                skipped.push(e.to_string());
                false
            }
        })
        .collect();
    if files.is_empty() {
        bail!(
            "none of the audio files could be read: {}",
            skipped.join("; ")
        );
    }
    let mut project = project_from_files(&files, &folder, |f| {
        files
            .iter()
            .position(|g| g == f)
            .and_then(|i| tags[i].title.clone())
    });
    // The album's name: the user's, else the tags', else the folder's.
    let album_dir = if inputs.len() == 1 && inputs[0].is_dir() {
        inputs[0].clone()
    } else {
        folder.clone()
    };
    project.album.title = title
        .or_else(|| tags.iter().find_map(|t| t.album.clone()))
        .or_else(|| {
            std::fs::canonicalize(&album_dir)
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "Untitled album".into());
    project.album.artist = artist
        .or_else(|| tags.iter().find_map(|t| t.artist.clone()))
        .unwrap_or_default();
    let doc = Document {
        project,
        path: output.to_path_buf(),
    };
    doc.save()?;
    let count = doc.project.tracks.len();
    let plural = if count == 1 { "" } else { "s" };
    outln!("{}: {count} track{plural}", output.display());
    for (i, t) in doc.project.tracks.iter().enumerate() {
        outln!("{:>3}  {}  ({})", i + 1, t.title, t.source.display());
    }
    // Exit 1 as `analyze` and `assist` do when some files failed: the work is done with the
    // rest, and the last line says what was written and what was not.
    if !skipped.is_empty() {
        errln!(
            "lathe: {} written with {} of {found} files; left out: {}",
            output.display(),
            files.len(),
            skipped.join("; ")
        );
        return Ok(1);
    }
    Ok(0)
}

fn display_list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
