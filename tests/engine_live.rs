//! The live engine against the export: what is heard is what is exported (sample for sample),
//! A/B is loudness-matched and click-free, and live changes are heard within 20 ms.

use lathe::dsp::{Bell, ChainParams};
use lathe::engine::{Engine, Monitor, NullBackend, Program, Source, SourceSettings};
use lathe::media::AudioBuffer;
use lathe::player::source;
use lathe::render::live::{prepare_reference, prepare_track};
use lathe::render::track::{integrated_lufs, render_track, TrackJob};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

const RATE: u32 = 48_000;

/// A few seconds of music-like material: a bass line, a chord, noise bursts with an envelope.
fn material(seconds: f64, seed: u32) -> AudioBuffer {
    let n = (seconds * f64::from(RATE)) as usize;
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let mut noise = || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as f32 / u32::MAX as f32 - 0.5
    };
    let mut l = Vec::with_capacity(n);
    let mut r = Vec::with_capacity(n);
    for i in 0..n {
        let t = i as f64 / f64::from(RATE);
        let beat = (t * 2.0).fract();
        let env = (-(beat * 8.0)).exp() as f32;
        let bass = 0.15 * (std::f64::consts::TAU * 55.0 * t).sin() as f32;
        let chord = 0.04
            * [220.0, 277.2, 329.6]
                .iter()
                .map(|f| (std::f64::consts::TAU * f * t).sin() as f32)
                .sum::<f32>();
        let hat = 0.12 * env * noise();
        l.push(bass + chord + hat);
        r.push(bass + 0.8 * chord - hat * 0.7 + 0.05 * noise());
    }
    AudioBuffer {
        sample_rate_hz: RATE,
        channels: [l, r],
    }
}

fn write_wav(dir: &Path, name: &str, audio: &AudioBuffer) -> PathBuf {
    let path = dir.join(name);
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: audio.sample_rate_hz,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for (l, r) in audio.channels[0].iter().zip(&audio.channels[1]) {
        w.write_sample(*l).unwrap();
        w.write_sample(*r).unwrap();
    }
    w.finalize().unwrap();
    path
}

/// Every stage of the chain on, a target that makes the limiter work, fades at both ends.
fn busy_job() -> TrackJob {
    let mut params = ChainParams {
        input_trim_db: -1.0,
        tilt_db: 1.5,
        low_shelf_gain_db: 2.0,
        low_shelf_freq_hz: 90.0,
        high_shelf_gain_db: -1.5,
        high_shelf_freq_hz: 9000.0,
        match_amount: 0.7,
        width: 1.2,
        mono_bass_hz: 100.0,
        ceiling_dbtp: -1.0,
        ..ChainParams::default()
    };
    params.bells[0] = Bell {
        enabled: true,
        freq_hz: 2500.0,
        gain_db: -2.0,
        q: 1.2,
    };
    let centres = lathe::analysis::spectrum::band_centers_hz();
    let gains: Vec<f64> = centres
        .iter()
        .map(|f| 2.0 * (f / 1000.0).log2().sin())
        .collect();
    TrackJob {
        params,
        match_curve: Some((gains, centres)),
        target_lufs: Some(-9.0),
        source_lufs: None,
        output_rate_hz: RATE,
        fade_in_s: 0.3,
        fade_out_s: 0.8,
        gap_before_s: 0.0,
        max_gain_reduction_db: 12.0,
        measure_unity_plr: false,
    }
}

/// Renders until the program ends, in uneven blocks, and returns planar output.
fn play_all(engine: &mut Engine, backend: &mut NullBackend, frames: usize) -> [Vec<f32>; 2] {
    let mut out = [Vec::new(), Vec::new()];
    let blocks = [333usize, 512, 4096, 17, 1024];
    let mut i = 0;
    while out[0].len() < frames {
        let block = backend.render(blocks[i % blocks.len()]);
        i += 1;
        for f in block.chunks_exact(2) {
            out[0].push(f[0]);
            out[1].push(f[1]);
        }
        let _ = engine.poll_events();
    }
    out[0].truncate(frames);
    out[1].truncate(frames);
    out
}

fn max_difference(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn what_is_heard_is_what_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let audio = material(6.0, 1);
    let path = write_wav(dir.path(), "track.wav", &audio);
    let job = busy_job();
    // The export's render of the decoded file, before dither.
    let decoded = lathe::media::decode_file(&path).unwrap().audio;
    let rendered = render_track(&decoded, &job, &AtomicBool::new(false)).unwrap();
    assert!(
        rendered.gain_reduction.max_db > 1.0,
        "the limiter works: {:?}",
        rendered.gain_reduction
    );

    let live = prepare_track(&path, &job, RATE).unwrap();
    assert_eq!(live.params.gain_db, rendered.gain_db);
    let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
    engine.load_source(source(7, live)).unwrap();
    engine.set_program(Program::single(7), None);
    engine.play();
    let frames = rendered.audio.frames();
    let heard = play_all(&mut engine, &mut backend, frames + 4800);
    for c in 0..2 {
        let diff = max_difference(&heard[c][..frames], &rendered.audio.channels[c]);
        assert!(diff <= 1e-6, "channel {c}: max difference {diff}");
        assert!(
            heard[c][frames..].iter().all(|&s| s == 0.0),
            "silence after the end"
        );
    }
    let lufs = integrated_lufs(&AudioBuffer {
        sample_rate_hz: RATE,
        channels: heard,
    })
    .unwrap();
    assert!((lufs - -9.0).abs() <= 0.1, "heard at {lufs:.2} LUFS");
}

#[test]
fn album_program_plays_each_track_as_exported_with_its_gap() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_wav(dir.path(), "a.wav", &material(3.0, 2));
    let b = write_wav(dir.path(), "b.wav", &material(2.5, 3));
    let job_a = busy_job();
    let job_b = TrackJob {
        target_lufs: Some(-16.0),
        params: ChainParams {
            tilt_db: -2.0,
            ..ChainParams::default()
        },
        match_curve: None,
        fade_in_s: 0.0,
        ..busy_job()
    };
    let render = |path: &Path, job: &TrackJob| {
        let decoded = lathe::media::decode_file(path).unwrap().audio;
        render_track(&decoded, job, &AtomicBool::new(false))
            .unwrap()
            .audio
    };
    let (ra, rb) = (render(&a, &job_a), render(&b, &job_b));
    let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
    engine
        .load_source(source(1, prepare_track(&a, &job_a, RATE).unwrap()))
        .unwrap();
    engine
        .load_source(source(2, prepare_track(&b, &job_b, RATE).unwrap()))
        .unwrap();
    let gap = 24_000usize;
    engine.set_program(Program::album(&[(1, 0), (2, gap as u64)]), None);
    engine.play();
    let total = ra.frames() + gap + rb.frames();
    let heard = play_all(&mut engine, &mut backend, total);
    let (na, nb) = (ra.frames(), rb.frames());
    for c in 0..2 {
        assert!(max_difference(&heard[c][..na], &ra.channels[c]) <= 1e-6);
        assert!(
            heard[c][na..na + gap].iter().all(|&s| s == 0.0),
            "the gap is silent"
        );
        let diff = max_difference(&heard[c][na + gap..], &rb.channels[c][..nb]);
        assert!(diff <= 1e-6, "second track differs by {diff}");
    }
}

/// Plays `seconds` of the prepared track with `monitor` from the start and measures it.
fn loudness_as_heard(live: &Source, monitor: Monitor, seconds: f64) -> f64 {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
    engine.load_source(live.clone()).unwrap();
    engine.set_program(Program::single(live.key), None);
    engine.set_monitor(monitor);
    engine.play();
    let heard = play_all(
        &mut engine,
        &mut backend,
        (seconds * f64::from(RATE)) as usize,
    );
    integrated_lufs(&AudioBuffer {
        sample_rate_hz: RATE,
        channels: heard,
    })
    .unwrap()
}

#[test]
fn original_and_reference_play_at_the_masters_loudness() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_wav(dir.path(), "t.wav", &material(8.0, 4));
    let job = busy_job();
    let live = source(3, prepare_track(&path, &job, RATE).unwrap());
    let mastered = loudness_as_heard(&live, Monitor::Mastered, 8.0);
    let original = loudness_as_heard(&live, Monitor::Original, 8.0);
    let source_lufs = live.settings.source_lufs.unwrap();
    assert!(
        (mastered - source_lufs).abs() > 3.0,
        "the master is louder than the mix"
    );
    assert!(
        (original - mastered).abs() <= 0.2,
        "original {original:.2} vs master {mastered:.2} LUFS"
    );

    // A reference 10 dB quieter than the mix is played at the master's loudness too.
    let mut quiet = material(5.0, 9);
    quiet.channels.iter_mut().flatten().for_each(|s| *s *= 0.3);
    let ref_path = write_wav(dir.path(), "ref.wav", &quiet);
    let reference = source(99, prepare_reference(&ref_path, RATE).unwrap());
    let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
    engine.load_source(live.clone()).unwrap();
    engine.load_source(reference).unwrap();
    engine.set_program(Program::single(3), None);
    engine.set_reference(Some(99));
    engine.play();
    play_all(&mut engine, &mut backend, 4800);
    engine.set_monitor(Monitor::Reference);
    play_all(&mut engine, &mut backend, 4800); // the crossfade
    let position_before = engine.position_s();
    let heard = play_all(&mut engine, &mut backend, 5 * RATE as usize);
    let lufs = integrated_lufs(&AudioBuffer {
        sample_rate_hz: RATE,
        channels: heard,
    })
    .unwrap();
    assert!(
        (lufs - mastered).abs() <= 0.2,
        "reference at {lufs:.2} LUFS, master {mastered:.2}"
    );
    assert_eq!(
        engine.position_s(),
        position_before,
        "the track waits while the reference plays"
    );
}

/// Runs two engines on the same track; the second gets `change` after `at` frames. Returns both
/// outputs (left channel) and the frame where the change was commanded.
fn with_and_without(change: impl Fn(&mut Engine), sine: bool) -> (Vec<f32>, Vec<f32>, usize) {
    let audio = if sine {
        let n = 2 * RATE as usize;
        let s: Vec<f32> = (0..n)
            .map(|i| {
                0.3 * (std::f64::consts::TAU * 200.0 * i as f64 / f64::from(RATE)).sin() as f32
            })
            .collect();
        AudioBuffer {
            sample_rate_hz: RATE,
            channels: [s.clone(), s],
        }
    } else {
        material(2.0, 5)
    };
    let settings = SourceSettings {
        params: ChainParams {
            gain_db: 4.0,
            tilt_db: 1.0,
            ..ChainParams::default()
        },
        source_lufs: integrated_lufs(&audio),
        mastered_lufs: None,
        ..SourceSettings::default()
    };
    let src = Source {
        key: 1,
        audio,
        settings,
        kernel: None,
    };
    let at = 24_000;
    let mut outs = Vec::new();
    for changed in [false, true] {
        let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
        let mut s = src.clone();
        // The master's loudness, for the loudness match.
        s.settings.mastered_lufs = s.settings.source_lufs.map(|l| l + 3.0);
        engine.load_source(s).unwrap();
        engine.set_program(Program::single(1), None);
        engine.play();
        let mut out = play_all(&mut engine, &mut backend, at);
        if changed {
            change(&mut engine);
        }
        let rest = play_all(&mut engine, &mut backend, 24_000);
        out[0].extend_from_slice(&rest[0]);
        outs.push(out[0].clone());
    }
    let b = outs.pop().unwrap();
    let a = outs.pop().unwrap();
    (a, b, at)
}

fn onset_ms(a: &[f32], b: &[f32], at: usize) -> f64 {
    let first = (0..a.len())
        .find(|&i| (a[i] - b[i]).abs() > 1e-5)
        .expect("the change is heard");
    assert!(first >= at, "nothing changes before the command");
    (first - at) as f64 * 1000.0 / f64::from(RATE)
}

fn max_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

#[test]
fn live_changes_are_heard_within_20_ms() {
    type Change = Box<dyn Fn(&mut Engine)>;
    let changes: Vec<(&str, Change)> = vec![
        (
            "tilt",
            Box::new(|e: &mut Engine| {
                e.set_settings(
                    1,
                    SourceSettings {
                        params: ChainParams {
                            gain_db: 4.0,
                            tilt_db: -3.0,
                            ..ChainParams::default()
                        },
                        ..SourceSettings::default()
                    },
                )
            }),
        ),
        (
            "gain",
            Box::new(|e: &mut Engine| {
                e.set_settings(
                    1,
                    SourceSettings {
                        params: ChainParams {
                            gain_db: 1.0,
                            tilt_db: 1.0,
                            ..ChainParams::default()
                        },
                        ..SourceSettings::default()
                    },
                )
            }),
        ),
        (
            "A/B",
            Box::new(|e: &mut Engine| e.set_monitor(Monitor::Original)),
        ),
    ];
    for (name, change) in changes {
        let (a, b, at) = with_and_without(change, false);
        let ms = onset_ms(&a, &b, at);
        eprintln!("{name}: onset {ms:.2} ms after the command");
        assert!(ms <= 20.0, "{name}: heard {ms:.1} ms after the command");
    }
}

#[test]
fn ab_switch_has_no_click() {
    let (a, b, at) = with_and_without(|e| e.set_monitor(Monitor::Original), true);
    // The signal's own largest step: the master before, the original long after the switch.
    let own = max_step(&a[at - 4800..at]).max(max_step(&b[b.len() - 4800..]));
    let during = max_step(&b[at..at + 4800]);
    assert!(
        during <= own * 1.02,
        "step {during} during the switch vs {own}"
    );
    // And back.
    let (_, c, at) = with_and_without(
        |e| {
            e.set_monitor(Monitor::Original);
        },
        true,
    );
    assert!(max_step(&c[at..]) <= own * 1.02);
}

#[test]
fn transition_plays_the_end_the_gap_and_the_start_as_exported() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_wav(dir.path(), "a.wav", &material(4.0, 6));
    let b = write_wav(dir.path(), "b.wav", &material(3.0, 7));
    let job = TrackJob {
        fade_in_s: 0.0,
        fade_out_s: 0.0,
        ..busy_job()
    };
    let render = |path: &Path| {
        let decoded = lathe::media::decode_file(path).unwrap().audio;
        render_track(&decoded, &job, &AtomicBool::new(false))
            .unwrap()
            .audio
    };
    let (ra, rb) = (render(&a), render(&b));
    let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
    engine
        .load_source(source(1, prepare_track(&a, &job, RATE).unwrap()))
        .unwrap();
    engine
        .load_source(source(2, prepare_track(&b, &job, RATE).unwrap()))
        .unwrap();
    let (span, gap) = (RATE as usize, 12_000usize);
    engine.set_program(Program::transition(1, gap as u64, 2, span as u64), None);
    engine.play();
    let heard = play_all(&mut engine, &mut backend, 2 * span + gap + 4_800);
    let tail = &ra.channels[0][ra.frames() - span..];
    // Starting mid-track, the chain is primed with one latency (~130 ms) of the audio before the
    // start, so the match FIR's output is exact at once; the limiter's envelope still remembers
    // less than the export's and converges over its release: within -54 dBFS at first (after
    // the 5 ms fade-in), within -86 dBFS after half a second.
    let bounds = [
        (480, 12_000, 2e-3),
        (12_000, 24_000, 3e-4),
        (24_000, span, 5e-5),
    ];
    for (from, to, bound) in bounds {
        let diff = max_difference(&heard[0][from..to], &tail[from..to]);
        eprintln!("frames {from}..{to}: max difference {diff:.2e}");
        assert!(
            diff <= bound,
            "end of track 1, frames {from}..{to}: differs by {diff}"
        );
    }
    assert!(
        heard[0][span..span + gap].iter().all(|&s| s == 0.0),
        "the gap"
    );
    let diff = max_difference(
        &heard[0][span + gap..2 * span + gap],
        &rb.channels[0][..span],
    );
    assert!(diff <= 1e-6, "start of track 2 differs by {diff}");
    assert!(
        heard[0][2 * span + gap..].iter().all(|&s| s == 0.0),
        "then it ends"
    );
}

#[test]
fn meters_read_a_known_tone() {
    // 1 kHz at -20 dBFS in both channels: -20.0 LUFS momentary and short-term (EBU Tech 3341
    // case 1 at -23 dBFS reads -23.0), true peak -20 dBTP, the loudest band the one at 1 kHz.
    let n = 4 * RATE as usize;
    let s: Vec<f32> = (0..n)
        .map(|i| 0.1 * (std::f64::consts::TAU * 1000.0 * i as f64 / f64::from(RATE)).sin() as f32)
        .collect();
    let (mut engine, mut backend) = Engine::with_null_backend(RATE, 2);
    engine
        .load(AudioBuffer {
            sample_rate_hz: RATE,
            channels: [s.clone(), s],
        })
        .unwrap();
    engine.play();
    let mut meters = engine.meters();
    for _ in 0..35 {
        backend.render(4_800); // 100 ms at a time, read at "display rate"
        meters = engine.meters();
    }
    let m = meters.momentary_lufs.unwrap();
    let st = meters.short_term_lufs.unwrap();
    let tp = meters.true_peak_dbtp.unwrap();
    assert!((m - -20.0).abs() <= 0.1, "momentary {m}");
    assert!((st - -20.0).abs() <= 0.1, "short-term {st}");
    assert!((tp - -20.0).abs() <= 0.2, "true peak {tp}");
    let loudest = (0..meters.spectrum_db.len())
        .max_by(|&i, &j| meters.spectrum_db[i].total_cmp(&meters.spectrum_db[j]))
        .unwrap();
    assert!(
        (meters.bands_hz[loudest] - 1000.0).abs() < 1.0,
        "peak at {} Hz",
        meters.bands_hz[loudest]
    );
    assert_eq!(engine.meter_frames_dropped(), 0);
}

#[test]
fn played_as_on_a_platform_at_the_platforms_loudness() {
    use lathe::assist::platforms::Platform;
    let dir = tempfile::tempdir().unwrap();
    let path = write_wav(dir.path(), "t.wav", &material(8.0, 8));
    let live = source(5, prepare_track(&path, &busy_job(), RATE).unwrap());
    // Mastered at -9 LUFS: Spotify turns it down to its -14 LUFS reference; so are A/B's original.
    let (settings, words) = lathe::player::as_on(live.settings, Some(Platform::Spotify));
    assert!((settings.platform_gain_db - -5.0).abs() < 0.1, "{words}");
    let spotify = Source {
        settings,
        ..live.clone()
    };
    let mastered = loudness_as_heard(&spotify, Monitor::Mastered, 8.0);
    let original = loudness_as_heard(&spotify, Monitor::Original, 8.0);
    assert!(
        (mastered - -14.0).abs() <= 0.1,
        "heard at {mastered:.2} LUFS ({words})"
    );
    assert!((original - mastered).abs() <= 0.2, "original {original:.2}");
    // YouTube never raises: a master quieter than -14 LUFS plays as exported.
    let quiet = SourceSettings {
        mastered_lufs: Some(-18.0),
        ..live.settings
    };
    assert_eq!(
        lathe::player::as_on(quiet, Some(Platform::Youtube))
            .0
            .platform_gain_db,
        0.0
    );
}
