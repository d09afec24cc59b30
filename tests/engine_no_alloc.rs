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
