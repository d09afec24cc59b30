//! The processor must never allocate or free: run it under `assert_no_alloc` through play,
//! pause, seek, stop, the end of the audio and the load of another buffer. Any allocation on
//! the audio path aborts this test binary (debug builds).

use lathe::engine::Engine;
use lathe::media::AudioBuffer;

#[cfg(debug_assertions)]
#[global_allocator]
static A: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

const RATE_HZ: u32 = 48_000;

fn tone(frames: usize, amplitude: f32) -> AudioBuffer {
    let left: Vec<f32> = (0..frames)
        .map(|i| amplitude * (i as f32 * 0.01).sin())
        .collect();
    let right = left.iter().map(|s| -s).collect();
    AudioBuffer {
        sample_rate_hz: RATE_HZ,
        channels: [left, right],
    }
}

#[test]
fn processor_never_allocates() {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    let mut block = vec![0.0f32; 512 * 2];
    let mut render = |backend: &mut lathe::engine::NullBackend, blocks: usize| {
        for _ in 0..blocks {
            assert_no_alloc::assert_no_alloc(|| backend.render_into(&mut block));
        }
        block.iter().map(|s| s.abs()).fold(0.0f32, f32::max)
    };

    render(&mut backend, 4); // nothing loaded yet
    engine.load(tone(RATE_HZ as usize, 0.5)).unwrap();
    engine.play();
    assert!(render(&mut backend, 10) > 0.1, "playing should be audible");
    engine.pause();
    render(&mut backend, 2);
    assert_eq!(render(&mut backend, 1), 0.0, "paused should be silent");
    engine.seek(0.25);
    engine.play();
    render(&mut backend, 10);
    engine.stop();
    render(&mut backend, 2);
    assert_eq!(engine.position_s(), 0.0);

    // Another buffer while playing: the old one goes back through the retire queue.
    engine.play();
    render(&mut backend, 4);
    engine.load(tone(RATE_HZ as usize / 2, 0.25)).unwrap();
    engine.play();
    render(&mut backend, 8);
    assert!((engine.duration_s() - 0.5).abs() < 1e-9);
    let _ = engine.poll_events(); // drops the old buffer here, outside the guard

    // Play to the end: the Ended event is pushed without allocating.
    render(&mut backend, 60);
    assert!(engine
        .poll_events()
        .contains(&lathe::engine::EngineEvent::Ended));
    assert!(!engine.is_playing());
}

fn mastered(key: u64, frames: usize, with_kernel: bool) -> lathe::engine::Source {
    let centres = lathe::analysis::spectrum::band_centers_hz();
    let gains: Vec<f64> = centres
        .iter()
        .map(|f| (f / 500.0).log2().clamp(-3.0, 3.0))
        .collect();
    lathe::engine::Source {
        key,
        audio: tone(frames, 0.6),
        settings: lathe::engine::SourceSettings {
            params: lathe::dsp::ChainParams {
                gain_db: 6.0,
                match_amount: 1.0,
                ..Default::default()
            },
            source_lufs: Some(-20.0),
            mastered_lufs: Some(-14.0),
            mastered_true_peak_dbtp: Some(-1.0),
            platform_gain_db: 0.0,
            fade_in_s: 0.1,
            fade_out_s: 0.1,
        },
        kernel: with_kernel
            .then(|| lathe::dsp::MatchKernel::design(&gains, &centres, f64::from(RATE_HZ))),
    }
}

/// Every live operation of a mastering session, with the callback under the allocation guard.
#[test]
fn mastering_session_never_allocates_on_the_audio_thread() {
    use lathe::dsp::{Bell, ChainParams, LimiterCharacter};
    use lathe::engine::{Monitor, Program, SourceSettings};
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    let mut block = vec![0.0f32; 512 * 2];
    let mut render = |backend: &mut lathe::engine::NullBackend, blocks: usize| {
        let mut peak = 0.0f32;
        for _ in 0..blocks {
            assert_no_alloc::assert_no_alloc(|| backend.render_into(&mut block));
            peak = block.iter().fold(peak, |p, s| p.max(s.abs()));
        }
        peak
    };
    engine
        .load_source(mastered(1, RATE_HZ as usize * 2, true))
        .unwrap();
    engine
        .load_source(mastered(2, RATE_HZ as usize, false))
        .unwrap();
    engine
        .load_source(mastered(3, RATE_HZ as usize, false))
        .unwrap(); // the reference
    engine.set_reference(Some(3));
    engine.set_program(Program::album(&[(1, 0), (2, 4_800)]), None);
    engine.play();
    assert!(
        render(&mut backend, 20) > 0.1,
        "plays (primed through the match FIR)"
    );
    // Every parameter, while playing.
    let base = ChainParams::default();
    let mut bells = [Bell::default(); 4];
    bells[2] = Bell {
        enabled: true,
        freq_hz: 3000.0,
        gain_db: 4.0,
        q: 2.0,
    };
    for params in [
        ChainParams {
            input_trim_db: -3.0,
            ..base
        },
        ChainParams {
            tilt_db: 4.0,
            tilt_pivot_hz: 2000.0,
            ..base
        },
        ChainParams {
            low_shelf_gain_db: 3.0,
            low_shelf_freq_hz: 120.0,
            ..base
        },
        ChainParams {
            high_shelf_gain_db: -3.0,
            high_shelf_freq_hz: 6000.0,
            ..base
        },
        ChainParams { bells, ..base },
        ChainParams {
            match_amount: 0.5,
            ..base
        },
        ChainParams {
            width: 1.5,
            mono_bass_hz: 120.0,
            ..base
        },
        ChainParams {
            gain_db: 9.0,
            ceiling_dbtp: -2.0,
            ..base
        },
        ChainParams {
            limiter_character: LimiterCharacter::Fast,
            ..base
        },
        ChainParams {
            limiter_enabled: false,
            ..base
        },
    ] {
        engine.set_settings(
            1,
            SourceSettings {
                params,
                ..SourceSettings::default()
            },
        );
        render(&mut backend, 3);
    }
    // A new match curve while playing: the old kernel leaves through the retire queue.
    let centres = lathe::analysis::spectrum::band_centers_hz();
    let flat_ish: Vec<f64> = centres.iter().map(|_| -1.0).collect();
    engine.set_match_kernel(
        1,
        lathe::dsp::MatchKernel::design(&flat_ish, &centres, f64::from(RATE_HZ)),
    );
    render(&mut backend, 4);
    // A/B and reference.
    for monitor in [Monitor::Original, Monitor::Reference, Monitor::Mastered] {
        engine.set_monitor(monitor);
        render(&mut backend, 4);
    }
    // Seek, loop, pause, play.
    engine.seek(0.5);
    render(&mut backend, 4);
    engine.set_loop(Some((0.6, 0.7)));
    render(&mut backend, 40);
    let p = engine.position_s();
    assert!((0.6..=0.71).contains(&p), "looping, at {p}");
    engine.set_loop(None);
    engine.pause();
    render(&mut backend, 2);
    engine.play();
    // Next track (through the gap), then another program, then unload.
    engine.skip_tracks(1);
    render(&mut backend, 10);
    engine.set_program(Program::transition(1, 4_800, 2, 9_600), None);
    engine.play();
    render(&mut backend, 60);
    engine.unload(2);
    render(&mut backend, 4);
    engine
        .load_source(mastered(4, RATE_HZ as usize / 2, true))
        .unwrap();
    engine.set_program(Program::single(4), None);
    engine.play();
    render(&mut backend, 80);
    let events = engine.poll_events(); // frees what came back, outside the guard
    assert!(
        events.contains(&lathe::engine::EngineEvent::Ended),
        "{events:?}"
    );
}
