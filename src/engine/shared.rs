//! What the UI side and the audio side share: the command vocabulary, the queues' capacities
//! and the atomics the processor publishes its state through.

use super::program::Program;
use super::source::{Source, SourceKey, SourceSettings};
use crate::dsp::MatchKernel;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};

/// What the listener hears: the master, the original (loudness-matched) or the reference
/// (loudness-matched).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Monitor {
    #[default]
    Mastered,
    Original,
    Reference,
}

impl Monitor {
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn from_index(i: u8) -> Monitor {
        match i {
            1 => Monitor::Original,
            2 => Monitor::Reference,
            _ => Monitor::Mastered,
        }
    }
}

/// A UI -> audio command. `Copy` so pushing it never allocates; sources and kernels travel on
/// their own queues and a command only says "take the next one" (keeps the order).
// A program travels inline (about 1.5 kB): the ring's slots are preallocated, while a Box would
// have to be freed on the audio thread.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Command {
    Play,
    Pause,
    /// Pause and return to the start of the program.
    Stop,
    /// Jump to `frame` (source frame of a track segment, or frame into a gap) of `segment`.
    Seek {
        segment: usize,
        frame: u64,
    },
    /// Take the next source from the load queue (replacing a loaded one with the same key).
    Load,
    /// Let go of a source (it returns through the retire queue).
    Unload {
        key: SourceKey,
    },
    /// Play this program from its start (playback pauses; `Play` starts it).
    Program(Program),
    /// Loop `start..end` source frames of the current track segment; `None` ends the loop.
    Loop(Option<(u64, u64)>),
    /// New settings for a source (latest value wins; the chain glides to them).
    Settings {
        key: SourceKey,
        settings: SourceSettings,
    },
    /// Take the next kernel from the kernel queue.
    Kernel,
    /// Crossfade to what the listener hears.
    Monitor(Monitor),
    /// The source played as the reference, from its remembered position.
    Reference(Option<SourceKey>),
}

/// A new match-EQ kernel for a loaded source.
#[derive(Debug)]
pub(crate) struct KernelUpdate {
    pub key: SourceKey,
    pub kernel: MatchKernel,
}

/// Something that left the audio thread to be dropped on the UI side.
#[derive(Debug)]
pub(crate) enum Retired {
    Source(#[allow(dead_code)] Box<Source>),
    Kernel(#[allow(dead_code)] MatchKernel),
}

/// An audio -> UI event. `Copy` so the audio thread never allocates or frees one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AudioEvent {
    /// Playback reached the end of the program.
    Ended,
    /// A track segment needs a source that is not loaded: playback waits for it.
    Waiting(SourceKey),
}

// Why these sizes: a UI never issues more than a few commands per frame; at most SLOTS sources
// are held and LOAD_CAPACITY more in flight, each with at most one kernel, so RETIRED cannot fill.
pub(crate) const COMMAND_CAPACITY: usize = 64;
pub(crate) const LOAD_CAPACITY: usize = 4;
pub(crate) const KERNEL_CAPACITY: usize = 8;
pub(crate) const SLOTS: usize = 4;
pub(crate) const RETIRED_CAPACITY: usize = 2 * (SLOTS + LOAD_CAPACITY) + KERNEL_CAPACITY;
pub(crate) const EVENT_CAPACITY: usize = 32;
/// Seconds of output the meter tap holds for the UI to read.
pub(crate) const TAP_SECONDS: usize = 2;

/// No source: the value of `current_key` when no track segment plays.
pub(crate) const NO_KEY: u64 = u64::MAX;

/// State published by the audio thread; every access is a single lock-free atomic.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Current segment of the program.
    pub segment: AtomicU64,
    /// Source frame (track segment) or frame into the gap, at the output rate.
    pub position_frames: AtomicU64,
    /// Frames of the current segment's source (0 for a gap or nothing loaded).
    pub source_frames: AtomicU64,
    /// Key of the current segment's source, `NO_KEY` for none.
    pub current_key: AtomicU64,
    pub playing: AtomicBool,
    /// Playback waits for a source to arrive.
    pub waiting: AtomicBool,
    pub monitor: AtomicU8,
    /// Play position in the reference, frames.
    pub reference_frames: AtomicU64,
    /// Per-channel sample peak since the UI last read it, as `f32` bits. Non-negative
    /// floats order like their bit patterns, so `fetch_max` on the bits is a float max.
    pub peak_bits: [AtomicU32; 2],
    /// Largest limiter gain reduction (dB, `f32` bits) since the UI last read it.
    pub gain_reduction_bits: AtomicU32,
    /// Buffer underruns (xruns) reported by the device.
    pub underruns: AtomicU64,
    /// Frames output while playing, since the engine started (monotonic).
    pub played_frames: AtomicU64,
    /// Output frames the meter tap had no room for (the UI read too rarely).
    pub tap_dropped: AtomicU64,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            segment: AtomicU64::new(0),
            position_frames: AtomicU64::new(0),
            source_frames: AtomicU64::new(0),
            current_key: AtomicU64::new(NO_KEY),
            playing: AtomicBool::new(false),
            waiting: AtomicBool::new(false),
            monitor: AtomicU8::new(0),
            reference_frames: AtomicU64::new(0),
            peak_bits: [AtomicU32::new(0), AtomicU32::new(0)],
            gain_reduction_bits: AtomicU32::new(0),
            underruns: AtomicU64::new(0),
            played_frames: AtomicU64::new(0),
            tap_dropped: AtomicU64::new(0),
        }
    }
}

impl Shared {
    pub(crate) fn publish_peak(&self, channel: usize, peak: f32) {
        self.peak_bits[channel].fetch_max(peak.abs().to_bits(), Ordering::Relaxed);
    }

    pub(crate) fn take_peak(&self, channel: usize) -> f32 {
        f32::from_bits(self.peak_bits[channel].swap(0, Ordering::Relaxed))
    }

    pub(crate) fn publish_gain_reduction(&self, db: f32) {
        self.gain_reduction_bits
            .fetch_max(db.max(0.0).to_bits(), Ordering::Relaxed);
    }

    pub(crate) fn take_gain_reduction(&self) -> f32 {
        f32::from_bits(self.gain_reduction_bits.swap(0, Ordering::Relaxed))
    }
}
