//! `lathe play`: hear a track (or the album, or a transition) through the same chain as the
//! export, from the terminal, with a one-line live meter.

use crate::analysis::AnalysisCache;
use crate::assist::platforms::Platform;
use crate::engine::{Engine, EngineEvent, EngineStatus, Monitor, Program};
use crate::player;
use crate::project::Document;
use anyhow::{bail, Context};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Options of `lathe play`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The album project.
    pub project: PathBuf,
    /// Track to play, counting from 1 in album order.
    // Signed, and hyphen values allowed: `--track -1` gets the range message, not clap's
    // "unexpected argument" (as for every number below).
    #[arg(long, default_value_t = 1, allow_hyphen_values = true)]
    pub track: i64,
    /// Where to start in the track, seconds.
    #[arg(
        long,
        default_value_t = 0.0,
        value_name = "S",
        allow_hyphen_values = true
    )]
    pub start: f64,
    /// How long to play, seconds (default: to the end).
    #[arg(long, value_name = "D", allow_hyphen_values = true)]
    pub duration: Option<f64>,
    /// Play the original, loudness-matched to the master.
    #[arg(long, conflicts_with = "reference")]
    pub original: bool,
    /// Play reference K (from 1), loudness-matched to the track's master.
    #[arg(long, value_name = "K", allow_hyphen_values = true)]
    pub reference: Option<i64>,
    /// Play the album in sequence, with its gaps and fades, from the track.
    #[arg(long, conflicts_with = "transition")]
    pub album: bool,
    /// Play the last N seconds of the track, the gap and the first N seconds of the next.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub transition: Option<f64>,
    /// Play as a streaming platform's loudness normalisation would: spotify, apple, youtube,
    /// amazon, deezer or tidal (turned down, or up only as far as its peak rule allows).
    #[arg(long = "as", value_name = "PLATFORM", value_parser = parse_platform)]
    pub platform: Option<Platform>,
    /// Loop the region from A to B seconds of the track until Ctrl-C (or --duration).
    #[arg(long, value_name = "A:B", value_parser = parse_region, allow_hyphen_values = true, conflicts_with_all = ["album", "transition"])]
    pub r#loop: Option<(f64, f64)>,
}

fn parse_platform(name: &str) -> Result<Platform, String> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "spotify" => Platform::Spotify,
        "apple" | "applemusic" | "apple-music" => Platform::AppleMusic,
        "youtube" => Platform::Youtube,
        "amazon" | "amazonmusic" | "amazon-music" => Platform::AmazonMusic,
        "deezer" => Platform::Deezer,
        "tidal" => Platform::Tidal,
        other => {
            return Err(format!(
            "unknown platform \"{other}\" — use spotify, apple, youtube, amazon, deezer or tidal"
        ))
        }
    })
}

fn parse_region(text: &str) -> Result<(f64, f64), String> {
    let (a, b) = text
        .split_once(':')
        .ok_or_else(|| "write the loop as START:END in seconds, e.g. 30:45".to_string())?;
    let parse = |s: &str| {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("\"{s}\" is not a number of seconds"))
    };
    let (a, b) = (parse(a)?, parse(b)?);
    if a.is_nan() || a < 0.0 {
        return Err(format!("the loop starts at {a} s: choose a start from 0 s"));
    }
    if b.is_nan() || b <= a {
        return Err(format!("the loop must end after it starts ({a} to {b})"));
    }
    Ok((a, b))
}

/// Runs `lathe play`; exit code 0 when it played to the end (or was stopped).
pub fn run(args: Args) -> anyhow::Result<i32> {
    let seconds = |name: &str, v: f64, zero_ok: bool| -> anyhow::Result<()> {
        if !(v.is_finite() && (v > 0.0 || (zero_ok && v == 0.0))) {
            let from = if zero_ok {
                "0 s or more"
            } else {
                "more than 0 s"
            };
            bail!("{name} {v}: choose {from}");
        }
        Ok(())
    };
    seconds("--start", args.start, true)?;
    if let Some(d) = args.duration {
        seconds("--duration", d, false)?;
    }
    if let Some(n) = args.transition {
        seconds("--transition", n, false)?;
    }
    let doc = Document::load(&args.project)?;
    let count = doc.project.tracks.len();
    let Some(index) = usize::try_from(args.track)
        .ok()
        .filter(|n| (1..=count).contains(n))
        .map(|n| n - 1)
    else {
        bail!(
            "{}: there is no track {} (the album has {count}) — tracks count from 1",
            args.project.display(),
            args.track
        );
    };
    // Checked before anything is prepared: a wrong number should not wait for the album.
    if let Some(k) = args.reference {
        if !(1..=doc.project.references.len() as i64).contains(&k) {
            bail!(
                "{}: there is no reference {k} (the project has {}; see `lathe references`)",
                args.project.display(),
                doc.project.references.len()
            );
        }
    }
    // The stream opens once the audio is ready, so nothing plays (or is written) before it.
    let rate_hz = Engine::probe_output_rate_hz().map_err(no_output)?;
    let title = doc.project.tracks[index].title.clone();
    errln!("Preparing track {} “{title}” at {rate_hz} Hz…", args.track);
    let plan =
        player::plan(&doc, Some(&AnalysisCache::user_default())).map_err(anyhow::Error::msg)?;
    let key = player::track_key(&doc, index).context("track key")?;
    let start_frames = (args.start.max(0.0) * f64::from(rate_hz)).round() as u64;

    let doc = Arc::new(doc);
    let plan = Arc::new(plan);
    let mut engine = Engine::start();
    match engine.status() {
        EngineStatus::NoDevice(reason) => return Err(no_output(reason.clone())),
        _ if engine.output_rate_hz() != Some(rate_hz) => {
            bail!("the output changed its rate while Lathe prepared the track — play again")
        }
        _ => {}
    }
    if args.album || args.transition.is_some() {
        let program = match args.transition {
            Some(span_s) => {
                player::transition_program(&doc, index, span_s, rate_hz).with_context(|| {
                    format!(
                        "track {} is the last: there is no transition after it",
                        args.track
                    )
                })?
            }
            None => player::album_program(&doc, rate_hz),
        };
        let provider = player::provider(doc.clone(), plan.clone(), rate_hz, args.platform);
        engine.set_program(program, Some(provider));
        if args.album {
            let segment = program
                .segments()
                .iter()
                .position(
                    |s| matches!(s, crate::engine::Segment::Track { key: k, .. } if *k == key),
                )
                .unwrap_or(0);
            engine.seek_to(segment, args.start);
        }
    } else {
        let mut source = player::prepare(&doc, &plan, key, rate_hz).map_err(anyhow::Error::msg)?;
        if args.platform.is_some() {
            let (settings, words) = player::as_on(source.settings, args.platform);
            source.settings = settings;
            errln!("Playing {words}");
        }
        let end = args
            .duration
            .map(|d| start_frames + (d.max(0.0) * f64::from(rate_hz)).round() as u64);
        engine.load_source(source)?;
        match args.r#loop {
            Some((a, b)) => {
                engine.set_program(Program::single(key), None);
                engine.seek_to(0, args.start.max(a));
                engine.set_loop(Some((a, b)));
            }
            None => engine.set_program(Program::span(key, start_frames, end), None),
        }
    }
    if let Some(k) = args.reference {
        let ref_key = player::reference_key(k as usize - 1);
        let source = player::prepare(&doc, &plan, ref_key, rate_hz).map_err(anyhow::Error::msg)?;
        engine.load_source(source)?;
        engine.set_reference(Some(ref_key));
        engine.set_monitor(Monitor::Reference);
    } else if args.original {
        engine.set_monitor(Monitor::Original);
    }

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // Ctrl-C, SIGTERM and SIGHUP stop with the fade-out below. Without a handler (e.g.
        // already installed) they still end the process.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed));
    }
    engine.play();
    let limit_s = args
        .duration
        .filter(|_| args.album || args.transition.is_some());
    let mut stderr = std::io::stderr();
    let mut failure = None;
    let mut polls = 0u32;
    loop {
        // Poll often so the end is noticed promptly; redraw the meter line at 10 Hz.
        std::thread::sleep(Duration::from_millis(20));
        polls += 1;
        let mut ended = false;
        for event in engine.poll_events() {
            match event {
                EngineEvent::Ended => ended = true,
                EngineEvent::LoadFailed(_, reason) => failure = Some(reason),
                EngineEvent::DeviceLost(reason) | EngineEvent::DeviceError(reason) => {
                    failure = Some(format!("audio output: {reason}"))
                }
                _ => {}
            }
        }
        let meters = engine.meters();
        let pos = engine.position();
        if polls.is_multiple_of(5) || ended {
            let _ = write!(
                stderr,
                "\r{}  {}  {}   ",
                now_playing(&doc, pos.key),
                clock(pos.position_s, pos.duration_s),
                meters.line()
            );
            let _ = stderr.flush();
        }
        if ended
            || failure.is_some()
            || stop.load(Ordering::Relaxed)
            || limit_s.is_some_and(|d| engine.played_s() >= d)
        {
            break;
        }
    }
    engine.pause();
    // Let the 5 ms fade-out reach the device before the stream closes.
    std::thread::sleep(Duration::from_millis(50));
    let underruns = engine.underruns();
    drop(engine);
    errln!();
    if underruns > 0 {
        errln!("{underruns} underrun(s) — the output ran dry; clicks may have been heard");
    }
    match failure {
        Some(reason) => bail!("{reason}"),
        None => Ok(0),
    }
}

fn no_output(reason: String) -> anyhow::Error {
    anyhow::anyhow!(
        "no audio output ({reason}) — connect or enable an output device; `lathe export` works without one"
    )
}

fn now_playing(doc: &Document, key: Option<u64>) -> String {
    match key.and_then(|k| doc.project.tracks.iter().position(|t| t.id.0 == k)) {
        Some(i) => format!("{:>2}. {}", i + 1, doc.project.tracks[i].title),
        None => "(gap)".to_string(),
    }
}

fn clock(position_s: f64, duration_s: f64) -> String {
    let mmss = |s: f64| format!("{}:{:02}", (s / 60.0) as u64, (s % 60.0) as u64);
    format!("{} / {}", mmss(position_s), mmss(duration_s))
}
