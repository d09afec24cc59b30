//! Real-time playback. [`Engine`] is the UI-side handle; [`Processor`] runs in the audio
//! callback; only `stream.rs` talks to cpal, and [`NullBackend`] drives the processor with no
//! device. UI -> audio: a queue of `Copy` commands plus queues of boxed sources and match
//! kernels; audio -> UI: atomics for position and gain reduction, a queue of events, a tap of
//! the output for the meters, and a queue returning what the audio thread let go of, which is
//! dropped here, never on the audio thread.
//!
//! Every track plays through the same `dsp::Chain` settings as its export. A source holds the
//! whole decoded track at the output rate (random access for seek, loop and A/B at the same
//! position); memory stays bounded because the handle keeps at most the current track, the next
//! one in the program and the reference loaded.

mod handle;
mod loader;
mod meters;
mod null;
mod processor;
mod program;
mod shared;
mod slots;
mod source;
mod stream;

pub use handle::{Engine, EngineError, EngineEvent, EngineStatus, PlayPosition, Provider};
pub use loader::LoadJob;
pub use meters::Meters;
pub use null::NullBackend;
pub use processor::{Processor, BLOCK_FRAMES, DECLICK_S, MONITOR_CROSSFADE_S};
pub use program::{Frame, Program, Segment, MAX_SEGMENTS};
pub use shared::Monitor;
pub use source::{Source, SourceKey, SourceSettings};
