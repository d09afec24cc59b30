//! The engine plays exactly the samples it was given, from where it was told, through the
//! same processor the device callback runs (driven here by the null backend).

use lathe::engine::{Engine, EngineEvent, EngineStatus, DECLICK_S};
use lathe::media::AudioBuffer;

const RATE_HZ: u32 = 48_000;
const FRAMES: usize = 48_000;

/// Left holds the frame index / FRAMES, right its negative: every sample names its frame.
fn ramp() -> AudioBuffer {
    let left: Vec<f32> = (0..FRAMES).map(|i| i as f32 / FRAMES as f32).collect();
    let right = left.iter().map(|s| -s).collect();
    AudioBuffer {
        sample_rate_hz: RATE_HZ,
        channels: [left, right],
    }
}

fn declick_frames() -> usize {
    (DECLICK_S * f64::from(RATE_HZ)).ceil() as usize + 2
}

fn source_frame(sample: f32) -> usize {
    (sample * FRAMES as f32).round() as usize
}

#[test]
fn play_outputs_the_loaded_samples_after_the_fade_in() {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    let source = ramp();
    engine.load(source.clone()).unwrap();
    engine.play();
    let out = backend.render(2_000);
    for frame in 0..2_000 {
        let (l, r) = (out[2 * frame], out[2 * frame + 1]);
        if frame >= declick_frames() {
            assert_eq!(l, source.channels[0][frame], "frame {frame}");
            assert_eq!(r, source.channels[1][frame], "frame {frame}");
        } else {
            // Fading in: never louder than the source.
            assert!(
                l.abs() <= source.channels[0][frame].abs() + 1e-9,
                "frame {frame}"
            );
        }
    }
    assert!((engine.position_s() - 2_000.0 / f64::from(RATE_HZ)).abs() < 1e-9);
    assert!(engine.is_playing());
}

#[test]
fn seek_while_playing_continues_from_the_new_position() {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    let source = ramp();
    engine.load(source.clone()).unwrap();
    engine.play();
    backend.render(1_000);
    engine.seek(0.5);
    let out = backend.render(2_000);
    // After fading out and back in, the left sample names the frame it came from.
    let tail: Vec<usize> = (3 * declick_frames()..2_000)
        .map(|f| source_frame(out[2 * f]))
        .collect();
    let first = tail[0];
    assert!(
        (24_000..24_000 + 3 * declick_frames()).contains(&first),
        "resumed at {first}"
    );
    for (k, &frame) in tail.iter().enumerate() {
        assert_eq!(frame, first + k, "consecutive after the seek");
        let f = 3 * declick_frames() + k;
        assert_eq!(out[2 * f], source.channels[0][frame]);
        assert_eq!(out[2 * f + 1], source.channels[1][frame]);
    }
}

#[test]
fn seek_while_paused_then_play_starts_there() {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    engine.load(ramp()).unwrap();
    engine.seek(0.25);
    engine.play();
    let out = backend.render(1_000);
    let frame = declick_frames();
    assert_eq!(source_frame(out[2 * frame]), 12_000 + frame);
}

#[test]
fn pause_holds_position_and_stop_returns_to_start() {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    engine.load(ramp()).unwrap();
    engine.play();
    backend.render(4_800);
    engine.pause();
    backend.render(1_000);
    let paused_at_s = engine.position_s();
    assert!(
        paused_at_s > 0.1 && paused_at_s < 0.1 + 2.0 * DECLICK_S,
        "{paused_at_s}"
    );
    let silent = backend.render(1_000);
    assert!(silent.iter().all(|&s| s == 0.0));
    assert_eq!(engine.position_s(), paused_at_s);
    assert!(!engine.is_playing());
    engine.stop();
    backend.render(10);
    assert_eq!(engine.position_s(), 0.0);
}

#[test]
fn reaching_the_end_reports_ended_and_play_restarts() {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    engine.load(ramp()).unwrap();
    engine.play();
    backend.render(FRAMES + 100);
    assert_eq!(engine.poll_events(), vec![EngineEvent::Ended]);
    assert!(!engine.is_playing());
    engine.play();
    backend.render(100);
    assert!(engine.is_playing());
    assert!(engine.position_s() < 0.01);
}

#[test]
fn mono_device_gets_the_downmix_and_extra_channels_get_silence() {
    let (mut mono, mut mono_out) = Engine::with_null_backend(RATE_HZ, 1);
    let mut source = ramp();
    source.channels[1] = vec![0.5; FRAMES];
    mono.load(source.clone()).unwrap();
    mono.play();
    let out = mono_out.render(1_000);
    let f = declick_frames();
    assert_eq!(out[f], 0.5 * (source.channels[0][f] + 0.5));

    let (mut surround, mut surround_out) = Engine::with_null_backend(RATE_HZ, 6);
    surround.load(source).unwrap();
    surround.play();
    let out = surround_out.render(1_000);
    assert!(out[6 * f + 1] == 0.5 && out[6 * f + 2..6 * f + 6].iter().all(|&s| s == 0.0));
}

#[test]
fn nothing_loaded_is_silence_not_a_panic() {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    engine.play();
    engine.seek(3.0);
    assert!(backend.render(512).iter().all(|&s| s == 0.0));
    assert!(!engine.is_playing());
    assert_eq!(
        engine.status(),
        &EngineStatus::Null {
            sample_rate_hz: RATE_HZ,
            channels: 2
        }
    );
}

#[test]
fn a_loop_set_with_a_new_program_keeps_looping() {
    let (mut engine, mut backend) = Engine::with_null_backend(RATE_HZ, 2);
    engine.load(ramp()).unwrap(); // a new program
    engine.seek(0.2);
    engine.set_loop(Some((0.2, 0.3)));
    engine.play();
    let out = backend.render(RATE_HZ as usize); // one second: ten passes of the loop
    let p = engine.position_s();
    assert!((0.2..0.3).contains(&p), "position {p}");
    // The ramp names its frame: nothing past the loop's end is played, and apart from the 5 ms
    // fades (which scale the samples down) everything comes from inside the loop.
    let frames: Vec<usize> = out.chunks(2).map(|f| source_frame(f[0])).collect();
    assert!(frames.iter().all(|&f| f <= 14_400), "past the loop's end");
    let inside = frames
        .iter()
        .filter(|&&f| (9_600..=14_400).contains(&f))
        .count();
    // Each 100 ms pass spends 2 × 5 ms in its fades: about 10 % of the frames.
    assert!(
        inside as f64 > 0.8 * frames.len() as f64,
        "{inside} of {} inside",
        frames.len()
    );
}
