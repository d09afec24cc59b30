//! Command-line interface: `lathe new`, `lathe analyze`, `lathe export`, `lathe play`, `lathe assist`,
//! `lathe references`, `lathe open` (and `lathe album.json`).

#[macro_use]
mod out;
mod analyze;
pub mod assist;
pub mod export;
mod new;
pub mod play;
pub mod references;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Lathe — album mastering: tone and headroom, so a finished mix translates everywhere.
#[derive(Debug, Parser)]
#[command(name = "lathe", version, about)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project from audio files or folders (ordered by file name, "2" before "10").
    New {
        /// Audio files and/or folders of audio files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Project file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Album title (default: the folder's name).
        #[arg(long)]
        title: Option<String>,
        /// Album artist (default: from the first file's tags).
        #[arg(long)]
        artist: Option<String>,
        /// Overwrite an existing project file.
        #[arg(long)]
        force: bool,
    },
    /// Measure loudness, true peak, LRA, PLR and tonal balance of a project or of audio files.
    Analyze {
        /// A project file (album.json), or audio files and/or folders.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Print machine-readable JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Re-analyse everything instead of using the analysis cache.
        #[arg(long)]
        no_cache: bool,
    },
    /// Master the album and write it as a folder: one file per track, report.json/report.md, the project.
    Export(export::Args),
    /// Play a track (or the album, or a transition) through the mastering chain, with a live meter.
    Play(play::Args),
    /// Propose tone and headroom moves for the whole album, with reasons; --apply writes them.
    Assist(assist::Args),
    /// List the album's reference tracks; add files, set their weights or remove them.
    References(references::Args),
    /// Open a project in the mastering desk.
    Open {
        /// The project file.
        project: PathBuf,
    },
}

/// Path of the demo album, which `lathe` with no arguments opens.
pub fn demo_project_path() -> PathBuf {
    let beside_sources = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/projects/demo.json"));
    if beside_sources.is_file() {
        beside_sources
    } else {
        PathBuf::from("projects/demo.json")
    }
}

/// Runs the command line; returns the process exit code. Errors are printed as one line on stderr.
pub fn main() -> i32 {
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `lathe album.json` is short for `lathe open album.json`.
    if argv.len() == 2
        && argv[1]
            .to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".json")
    {
        argv.insert(1, "open".into());
    }
    let args = Args::parse_from(argv);
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            errln!("lathe: {}", one_line(&e));
            1
        }
    }
}

/// Runs parsed arguments; `Ok(code)` for a finished command, `Err` for a failure to report.
pub fn run(args: Args) -> anyhow::Result<i32> {
    match args.command {
        None => open(demo_project_path()),
        Some(Command::Open { project }) => open(project),
        Some(Command::New {
            inputs,
            output,
            title,
            artist,
            force,
        }) => new::run(&inputs, &output, title, artist, force),
        Some(Command::Analyze {
            inputs,
            json,
            no_cache,
        }) => analyze::run(&inputs, json, !no_cache),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Play(args)) => play::run(args),
        Some(Command::Assist(args)) => assist::run(args),
        Some(Command::References(args)) => references::run(args),
    }
}

fn open(project: PathBuf) -> anyhow::Result<i32> {
    // winit panics when there is no display to connect to; say it in words instead.
    #[cfg(target_os = "linux")]
    if ["DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET"]
        .iter()
        .all(|v| std::env::var_os(v).is_none_or(|s| s.is_empty()))
    {
        anyhow::bail!(
            "cannot open the desk: no display (DISPLAY and WAYLAND_DISPLAY are not set) — run it in a desktop session, or use the commands in `lathe --help` (analyze, assist, export, play)"
        );
    }
    crate::ui::run(project).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(0)
}

/// An error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ").replace('\n', " ")
}
