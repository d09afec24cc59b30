//! What the UI side and the audio side share: the command vocabulary, the queues' capacities
//! and the atomics the processor publishes its state through.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// A UI -> audio command. Small and `Copy` so pushing it never allocates; a new buffer
/// travels on its own queue and `Load` only says "take the next one" (keeps the order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Command {
    Play,
    Pause,
    /// Pause and return to the start.
    Stop,
    /// Jump to a frame of the loaded buffer (at the output rate).
    Seek {
        frame: u64,
    },
    /// Take the next buffer from the load queue; playback pauses at its start.
    Load,
}

/// An audio -> UI event. `Copy` so the audio thread never allocates or frees one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AudioEvent {
    /// Playback reached the end of the loaded buffer.
    Ended,
}

// Why these sizes: a UI never issues more than a few commands per frame; two buffers in
// flight plus the one playing bound how many can come back, so `RETIRED` can never fill.
pub(crate) const COMMAND_CAPACITY: usize = 64;
pub(crate) const LOAD_CAPACITY: usize = 2;
pub(crate) const RETIRED_CAPACITY: usize = LOAD_CAPACITY + 2;
pub(crate) const EVENT_CAPACITY: usize = 32;

/// State published by the audio thread; every access is a single lock-free atomic.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub position_frames: AtomicU64,
    pub loaded_frames: AtomicU64,
    pub playing: AtomicBool,
    /// Per-channel sample peak since the UI last read it, as `f32` bits. Non-negative
    /// floats order like their bit patterns, so `fetch_max` on the bits is a float max.
    pub peak_bits: [AtomicU32; 2],
    /// Buffer underruns (xruns) reported by the device.
    pub underruns: AtomicU64,
}

impl Shared {
    pub(crate) fn publish_peak(&self, channel: usize, peak: f32) {
        self.peak_bits[channel].fetch_max(peak.abs().to_bits(), Ordering::Relaxed);
    }

    pub(crate) fn take_peak(&self, channel: usize) -> f32 {
        f32::from_bits(self.peak_bits[channel].swap(0, Ordering::Relaxed))
    }
}
