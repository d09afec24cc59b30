//! Live engine figures (issue 4): `cargo bench --bench engine_bench`.
//!
//! 1. Cost of the full chain (every stage on: match FIR, tone, stereo, gain, 4×-oversampled
//!    true-peak limiter) per second of 48 kHz stereo at 512-frame blocks, as a fraction of one
//!    core's real time — the chain alone, and the whole processor (chain + original path for A/B
//!    + mixing + meter tap) as the callback runs it. Median of 5 runs of 60 s of material.
//! 2. The engine's peak memory with a 16-track album loaded and played in album mode, every
//!    track reached by skipping through it (the corpus from ../shared/corpus/fetch-albums.sh).

#[path = "sections/corpus.rs"]
mod corpus;
use lathe::dsp::{Bell, Chain, ChainParams, MatchKernel};
use lathe::engine::{Engine, Program, Source, SourceSettings};
use lathe::media::AudioBuffer;
use std::time::{Duration, Instant};

const RATE: u32 = 48_000;
const BLOCK: usize = 512;
const SECONDS: usize = 60;
const RUNS: usize = 5;

fn every_stage_on() -> (ChainParams, MatchKernel) {
    let mut params = ChainParams {
        input_trim_db: -1.0,
        tilt_db: 1.5,
        low_shelf_gain_db: 2.0,
        high_shelf_gain_db: -1.5,
        match_amount: 0.8,
        width: 1.2,
        mono_bass_hz: 100.0,
        gain_db: 8.0,
        ceiling_dbtp: -1.0,
        ..ChainParams::default()
    };
    for (i, b) in params.bells.iter_mut().enumerate() {
        *b = Bell {
            enabled: true,
            freq_hz: 200.0 * 3f64.powi(i as i32),
            gain_db: if i % 2 == 0 { 2.0 } else { -2.0 },
            q: 1.0,
        };
    }
    let centres = lathe::analysis::spectrum::band_centers_hz();
    let gains: Vec<f64> = centres
        .iter()
        .map(|f| 2.0 * (f / 1000.0).log2().sin())
        .collect();
    (
        params,
        MatchKernel::design(&gains, &centres, f64::from(RATE)),
    )
}

fn material() -> AudioBuffer {
    let n = SECONDS * RATE as usize;
    let mut state = 0x1234_5678u32;
    let mut l = Vec::with_capacity(n);
    let mut r = Vec::with_capacity(n);
    for i in 0..n {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = state as f32 / u32::MAX as f32 - 0.5;
        let t = i as f32 / RATE as f32;
        let bass = 0.3 * (std::f32::consts::TAU * 55.0 * t).sin();
        l.push(bass + 0.2 * noise);
        r.push(bass - 0.15 * noise);
    }
    AudioBuffer {
        sample_rate_hz: RATE,
        channels: [l, r],
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn chain_cost(audio: &AudioBuffer) {
    let (params, kernel) = every_stage_on();
    let mut chain_times = Vec::new();
    let mut engine_times = Vec::new();
    let mut gr = 0.0;
    for _ in 0..RUNS {
        let mut chain = Chain::new();
        chain.prepare(f64::from(RATE), BLOCK);
        chain.set_params(&params);
        let _ = chain.swap_match_kernel(kernel.clone());
        chain.reset();
        let (mut l, mut r) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
        let start = Instant::now();
        for (a, b) in audio.channels[0]
            .chunks(BLOCK)
            .zip(audio.channels[1].chunks(BLOCK))
        {
            l[..a.len()].copy_from_slice(a);
            r[..b.len()].copy_from_slice(b);
            chain.process(&mut l[..a.len()], &mut r[..b.len()]);
        }
        chain_times.push(start.elapsed().as_secs_f64());
        gr = chain.gain_reduction().mean_db;

        let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
        engine
            .load_source(Source {
                key: 1,
                audio: audio.clone(),
                settings: SourceSettings {
                    params,
                    source_lufs: Some(-18.0),
                    mastered_lufs: Some(-10.0),
                    ..SourceSettings::default()
                },
                kernel: Some(kernel.clone()),
            })
            .unwrap();
        engine.set_program(Program::single(1), None);
        engine.play();
        let mut block = vec![0.0f32; BLOCK * 2];
        let blocks = audio.frames() / BLOCK;
        let start = Instant::now();
        for i in 0..blocks {
            backend.render_into(&mut block);
            if i % 8 == 0 {
                let _ = engine.meters(); // the UI reads the tap at display rate
            }
        }
        engine_times.push(start.elapsed().as_secs_f64());
    }
    let chain = median(chain_times) / SECONDS as f64;
    let engine = median(engine_times) / SECONDS as f64;
    println!("\n== live chain cost, 48 kHz stereo, {BLOCK}-frame blocks, every stage on (mean GR {gr:.1} dB), median of {RUNS} × {SECONDS} s");
    println!(
        "chain alone:        {:>6.2} % of one core ({:>5.0}× real time)",
        100.0 * chain,
        1.0 / chain
    );
    println!("engine processor:   {:>6.2} % of one core ({:>5.0}× real time)  (chain + original path + mix + meter tap; includes priming once)", 100.0 * engine, 1.0 / engine);
}

/// Peak resident memory of this process since the last reset, MB (Linux `VmHWM`).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn album_memory() {
    let files = corpus::tracks();
    if files.len() < 16 {
        println!(
            "\n== engine memory: needs the 16-track corpus (../shared/corpus/fetch-albums.sh)"
        );
        return;
    }
    let tmp = std::env::temp_dir().join(format!("lathe-engine-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);
    let project = lathe::project::project_from_files(&files[..16], &tmp, |f| {
        f.file_stem().map(|s| s.to_string_lossy().into_owned())
    });
    let doc = lathe::project::Document {
        project,
        path: tmp.join("album.json"),
    };
    let before = rss_mb().unwrap_or(0.0);
    let plan =
        lathe::player::plan(&doc, Some(&lathe::analysis::AnalysisCache::user_default())).unwrap();
    // Peak from here on: Linux resets VmHWM to the current RSS when 5 is written to clear_refs.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let start_rss = rss_mb().unwrap_or(0.0);
    let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
    let doc = std::sync::Arc::new(doc);
    let program = lathe::player::album_program(&doc, RATE);
    let provider = lathe::player::provider(doc.clone(), std::sync::Arc::new(plan), RATE, None);
    engine.set_program(program, Some(provider));
    engine.play();
    let started = Instant::now();
    let mut most_resident = 0;
    let mut block = vec![0.0f32; BLOCK * 2];
    // Through the whole album: a few seconds of each track, then on to the next.
    for track in 0..16 {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let _ = engine.poll_events();
            for _ in 0..20 {
                backend.render_into(&mut block);
            }
            let pos = engine.position();
            most_resident = most_resident.max(engine.resident().len());
            if pos.key == lathe::player::track_key(&doc, track)
                && pos.position_s > 2.0
                && !pos.waiting
            {
                break;
            }
            if Instant::now() > deadline {
                println!("track {} did not start within 120 s", track + 1);
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        engine.skip_tracks(1);
    }
    let took = started.elapsed().as_secs_f64();
    println!("\n== engine memory, 16-track album in album mode (every track reached), 48 kHz");
    println!(
        "process RSS before the engine {before:.0} MB (analyses {start_rss:.0} MB); peak while playing {:.0} MB; most sources resident at once: {most_resident}; {took:.0} s",
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    if wants("memory") {
        album_memory();
    }
    if wants("cost") {
        chain_cost(&material());
    }
}
