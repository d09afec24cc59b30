//! Real-time playback. [`Engine`] is the UI-side handle; [`Processor`] runs in the audio
//! callback; only `stream.rs` talks to cpal, and [`NullBackend`] drives the processor with no
//! device. UI -> audio: a queue of `Copy` commands plus a queue of boxed buffers; audio -> UI:
//! atomics for position and meters, a queue of events and a queue returning old buffers,
//! which are dropped here, never on the audio thread.

mod null;
mod processor;
mod shared;
mod stream;

pub use null::NullBackend;
pub use processor::{Processor, DECLICK_S};

use crate::media::{self, AudioBuffer, MediaError};
use rtrb::{Consumer, Producer, RingBuffer};
use shared::{AudioEvent, Command, Shared};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Whether the engine can play, and on what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineStatus {
    /// Playing through `device` at `sample_rate_hz` with `channels` output channels.
    Running {
        device: String,
        sample_rate_hz: u32,
        channels: u16,
    },
    /// A test backend with no device.
    Null { sample_rate_hz: u32, channels: u16 },
    /// No output could be opened; every transport call is a no-op. The reason is for the user.
    NoDevice(String),
}

/// Something the audio side reported, collected by [`Engine::poll_events`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// Playback reached the end of the loaded audio.
    Ended,
    /// The device ran out of samples once (a click may have been heard).
    Underrun,
    /// The device reported an error; the text says what happened.
    DeviceError(String),
}

/// What went wrong handing audio to the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no audio output — playback disabled")]
    NoDevice,
    #[error("the player is still taking the previous track — try again")]
    Busy,
    #[error(transparent)]
    Resample(#[from] MediaError),
}

/// The UI ends of the queues.
struct Link {
    commands: Producer<Command>,
    loads: Producer<Box<AudioBuffer>>,
    retired: Consumer<Box<AudioBuffer>>,
    events: Consumer<AudioEvent>,
    shared: Arc<Shared>,
    sample_rate_hz: u32,
    output: Option<stream::CpalOutput>,
}

/// The UI-side playback handle. Not real-time: call it from the UI thread. It never panics
/// without a device; it reports [`EngineStatus::NoDevice`] and ignores transport calls.
pub struct Engine {
    link: Option<Link>,
    status: EngineStatus,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("status", &self.status)
            .finish()
    }
}

fn link_and_processor(sample_rate_hz: u32, channels: u16) -> (Link, Processor) {
    let shared = Arc::new(Shared::default());
    let (commands, command_rx) = RingBuffer::new(shared::COMMAND_CAPACITY);
    let (loads, load_rx) = RingBuffer::new(shared::LOAD_CAPACITY);
    let (retired_tx, retired) = RingBuffer::new(shared::RETIRED_CAPACITY);
    let (event_tx, events) = RingBuffer::new(shared::EVENT_CAPACITY);
    let processor = Processor::new(
        command_rx,
        load_rx,
        retired_tx,
        event_tx,
        shared.clone(),
        sample_rate_hz,
        channels,
    );
    let link = Link {
        commands,
        loads,
        retired,
        events,
        shared,
        sample_rate_hz,
        output: None,
    };
    (link, processor)
}

impl Engine {
    /// Opens the default output device. With no usable device the engine still works and
    /// its status is [`EngineStatus::NoDevice`] with the reason.
    pub fn start() -> Engine {
        let mut link = None;
        let opened = stream::CpalOutput::open(|rate_hz, channels| {
            let (new_link, processor) = link_and_processor(rate_hz, channels);
            link = Some(new_link);
            processor
        });
        Engine::from_opened(opened, link)
    }

    fn from_opened(
        opened: Result<(stream::CpalOutput, stream::DeviceInfo), String>,
        link: Option<Link>,
    ) -> Engine {
        match (opened, link) {
            (Ok((output, info)), Some(mut link)) => {
                link.output = Some(output);
                Engine {
                    link: Some(link),
                    status: EngineStatus::Running {
                        device: info.name,
                        sample_rate_hz: info.sample_rate_hz,
                        channels: info.channels,
                    },
                }
            }
            (Err(reason), _) => Engine {
                link: None,
                status: EngineStatus::NoDevice(reason),
            },
            (Ok(_), None) => Engine {
                link: None,
                status: EngineStatus::NoDevice("the output opened without a player".into()),
            },
        }
    }

    /// An engine with no device: the returned [`NullBackend`] renders what it plays.
    pub fn with_null_backend(sample_rate_hz: u32, channels: u16) -> (Engine, NullBackend) {
        let (link, processor) = link_and_processor(sample_rate_hz, channels);
        let engine = Engine {
            link: Some(link),
            status: EngineStatus::Null {
                sample_rate_hz,
                channels,
            },
        };
        (engine, NullBackend::new(processor, channels))
    }

    /// An engine that never plays, with `reason` as its [`EngineStatus::NoDevice`] text.
    pub fn disabled(reason: impl Into<String>) -> Engine {
        Engine {
            link: None,
            status: EngineStatus::NoDevice(reason.into()),
        }
    }

    /// Whether playback is possible, and on what.
    pub fn status(&self) -> &EngineStatus {
        &self.status
    }

    /// The output sample rate in Hz, `None` without a device. Resample to it before `load`.
    pub fn output_rate_hz(&self) -> Option<u32> {
        self.link.as_ref().map(|l| l.sample_rate_hz)
    }

    /// Hands `audio` to the audio thread; playback pauses at its start. Resamples to the
    /// output rate first when needed — blocking, so callers that care resample beforehand
    /// (see [`Engine::output_rate_hz`]). The previous buffer is dropped here later.
    pub fn load(&mut self, audio: AudioBuffer) -> Result<(), EngineError> {
        self.collect_retired();
        let link = self.link.as_mut().ok_or(EngineError::NoDevice)?;
        let audio = if audio.sample_rate_hz == link.sample_rate_hz {
            audio
        } else {
            media::resample(&audio, link.sample_rate_hz)?
        };
        if link.commands.slots() == 0 {
            return Err(EngineError::Busy);
        }
        link.loads
            .push(Box::new(audio))
            .map_err(|_| EngineError::Busy)?;
        // Cannot fail: a free slot was checked above and only this handle pushes.
        let _ = link.commands.push(Command::Load);
        Ok(())
    }

    /// Starts or resumes playback (from the start when at the end).
    pub fn play(&mut self) {
        self.send(Command::Play);
    }

    /// Pauses, keeping the position.
    pub fn pause(&mut self) {
        self.send(Command::Pause);
    }

    /// Pauses and returns to the start.
    pub fn stop(&mut self) {
        self.send(Command::Stop);
    }

    /// Moves the play position to `position_s` seconds (clamped to the loaded audio).
    pub fn seek(&mut self, position_s: f64) {
        if let Some(rate) = self.output_rate_hz() {
            let frame = (position_s.max(0.0) * f64::from(rate)).round() as u64;
            self.send(Command::Seek { frame });
        }
    }

    /// The play position the audio thread last published, seconds.
    pub fn position_s(&self) -> f64 {
        self.link.as_ref().map_or(0.0, |l| {
            l.shared.position_frames.load(Ordering::Relaxed) as f64 / f64::from(l.sample_rate_hz)
        })
    }

    /// Length of the audio the audio thread is playing, seconds (0 before the first load lands).
    pub fn duration_s(&self) -> f64 {
        self.link.as_ref().map_or(0.0, |l| {
            l.shared.loaded_frames.load(Ordering::Relaxed) as f64 / f64::from(l.sample_rate_hz)
        })
    }

    /// Whether the audio thread is playing.
    pub fn is_playing(&self) -> bool {
        self.link
            .as_ref()
            .is_some_and(|l| l.shared.playing.load(Ordering::Relaxed))
    }

    /// Sample peak of left and right since the last call (linear, 1.0 = 0 dBFS).
    pub fn take_peaks(&self) -> [f32; 2] {
        self.link
            .as_ref()
            .map_or([0.0; 2], |l| [l.shared.take_peak(0), l.shared.take_peak(1)])
    }

    /// Device underruns counted since the engine started.
    pub fn underruns(&self) -> u64 {
        self.link
            .as_ref()
            .map_or(0, |l| l.shared.underruns.load(Ordering::Relaxed))
    }

    /// Events since the last call; also drops buffers the audio thread has let go of.
    pub fn poll_events(&mut self) -> Vec<EngineEvent> {
        self.collect_retired();
        let mut events = Vec::new();
        if let Some(link) = self.link.as_mut() {
            while let Ok(event) = link.events.pop() {
                events.push(match event {
                    AudioEvent::Ended => EngineEvent::Ended,
                });
            }
            if let Some(output) = link.output.as_mut() {
                output.drain_faults(&mut events);
            }
        }
        events
    }

    fn send(&mut self, command: Command) {
        self.collect_retired();
        if let Some(link) = self.link.as_mut() {
            // A full queue means the audio thread is stalled; dropping a transport click is
            // better than blocking the UI.
            let _ = link.commands.push(command);
        }
    }

    /// Drops, on this thread, the buffers the audio thread is done with.
    fn collect_retired(&mut self) {
        if let Some(link) = self.link.as_mut() {
            while let Ok(old) = link.retired.pop() {
                drop(old);
            }
        }
    }
}
