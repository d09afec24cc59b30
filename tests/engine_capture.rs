//! The real cpal path, heard through the shared ALSA capture config (no sound card needed):
//! `ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:/work/shared/alsa/asoundrc-capture \
//!  ALSA_CAPTURE_FILE=/tmp/lathe-capture.raw cargo test --test engine_capture -- --ignored`

use lathe::engine::{Engine, EngineStatus};
use lathe::media::AudioBuffer;
use std::time::Duration;

#[test]
#[ignore = "needs the ALSA capture config in the environment"]
fn cpal_stream_plays_a_loaded_tone_into_the_capture_file() {
    let capture = std::env::var("ALSA_CAPTURE_FILE").expect("set ALSA_CAPTURE_FILE");
    let mut engine = Engine::start();
    let EngineStatus::Running { sample_rate_hz, .. } = engine.status().clone() else {
        panic!(
            "expected a device through the capture config, got {:?}",
            engine.status()
        );
    };
    let frames = sample_rate_hz as usize / 2;
    let left: Vec<f32> = (0..frames)
        .map(|i| 0.5 * (i as f32 * 440.0 * std::f32::consts::TAU / sample_rate_hz as f32).sin())
        .collect();
    let audio = AudioBuffer {
        sample_rate_hz,
        channels: [left.clone(), left],
    };
    engine.load(audio).unwrap();
    engine.play();
    std::thread::sleep(Duration::from_millis(800));
    let events = engine.poll_events();
    drop(engine);
    let raw = std::fs::read(capture).unwrap();
    let peak = raw
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]).unsigned_abs())
        .max()
        .unwrap_or(0);
    // 0.5 full scale = 16383 in S16; allow for the fade and conversion.
    assert!(
        (15_000..=16_500).contains(&peak),
        "peak {peak}, events {events:?}"
    );
}
