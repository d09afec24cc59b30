//! With no sound card the engine reports why and keeps working instead of panicking.

use lathe::engine::{Engine, EngineError, EngineStatus};
use lathe::media::AudioBuffer;

fn machine_has_no_sound_card() -> bool {
    std::fs::read_to_string("/proc/asound/cards")
        .map(|cards| cards.contains("no soundcards"))
        .unwrap_or(true)
}

#[test]
fn start_without_a_device_reports_no_device() {
    let mut engine = Engine::start();
    match engine.status() {
        EngineStatus::NoDevice(reason) => assert!(!reason.is_empty()),
        other => assert!(
            !machine_has_no_sound_card(),
            "expected NoDevice here, got {other:?}"
        ),
    }
    if matches!(engine.status(), EngineStatus::NoDevice(_)) {
        // Every call is a harmless no-op.
        engine.play();
        engine.seek(1.0);
        engine.pause();
        engine.stop();
        assert_eq!(engine.position_s(), 0.0);
        assert!(!engine.is_playing());
        assert!(engine.poll_events().is_empty());
        assert_eq!(engine.output_rate_hz(), None);
        let audio = AudioBuffer {
            sample_rate_hz: 48_000,
            channels: [vec![0.0; 8], vec![0.0; 8]],
        };
        assert!(matches!(engine.load(audio), Err(EngineError::NoDevice)));
    }
}
