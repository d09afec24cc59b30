//! The audio side of the engine: everything the output callback runs.

use super::shared::{AudioEvent, Command, Shared};
use crate::media::AudioBuffer;
use rtrb::{Consumer, Producer};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Length of the fade that hides clicks on play, pause, stop, seek and load, seconds.
pub const DECLICK_S: f64 = 0.005;

/// What waits for the fade-out to reach silence before it is applied.
#[derive(Debug, Default, Clone, Copy)]
struct Pending {
    pause: bool,
    seek_frame: Option<u64>,
    loads: u8,
}

impl Pending {
    fn any(&self) -> bool {
        self.pause || self.seek_frame.is_some() || self.loads > 0
    }
}

/// The audio-thread half of the engine. The output callback calls [`Processor::process`]
/// and nothing else.
///
/// Real-time safe: `process` never allocates, frees, locks, blocks, does I/O or panics.
/// Buffers arrive boxed through a queue and leave through another, to be dropped on the UI side.
pub struct Processor {
    commands: Consumer<Command>,
    incoming: Consumer<Box<AudioBuffer>>,
    retired: Producer<Box<AudioBuffer>>,
    events: Producer<AudioEvent>,
    shared: Arc<Shared>,
    channels: usize,
    buffer: Option<Box<AudioBuffer>>,
    /// A buffer the retire queue had no room for yet; retried every block.
    unretired: Option<Box<AudioBuffer>>,
    position_frames: u64,
    playing: bool,
    pending: Pending,
    /// Declick gain, 0..=1, and its change per frame.
    gain: f32,
    gain_step: f32,
}

impl Processor {
    pub(crate) fn new(
        commands: Consumer<Command>,
        incoming: Consumer<Box<AudioBuffer>>,
        retired: Producer<Box<AudioBuffer>>,
        events: Producer<AudioEvent>,
        shared: Arc<Shared>,
        sample_rate_hz: u32,
        channels: u16,
    ) -> Processor {
        let declick_frames = (DECLICK_S * f64::from(sample_rate_hz)).max(1.0);
        Processor {
            commands,
            incoming,
            retired,
            events,
            shared,
            channels: usize::from(channels.max(1)),
            buffer: None,
            unretired: None,
            position_frames: 0,
            playing: false,
            pending: Pending::default(),
            gain: 0.0,
            gain_step: (1.0 / declick_frames) as f32,
        }
    }

    pub(crate) fn shared_state(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// Fills `out` (interleaved, the device's channel count) with the next block.
    /// Left and right go to the first two channels, further channels get silence,
    /// a mono device gets (L+R)/2.
    ///
    /// Real-time safe: no allocation, freeing, locking, I/O or panic.
    pub fn process(&mut self, out: &mut [f32]) {
        self.retry_retire();
        self.apply_commands();
        let mut peaks = [0.0f32; 2];
        for frame in out.chunks_mut(self.channels) {
            let (left, right) = self.next_frame();
            peaks[0] = peaks[0].max(left.abs());
            peaks[1] = peaks[1].max(right.abs());
            match frame {
                [mono] => *mono = 0.5 * (left + right),
                [l, r, rest @ ..] => {
                    *l = left;
                    *r = right;
                    rest.fill(0.0);
                }
                [] => {}
            }
        }
        self.shared.publish_peak(0, peaks[0]);
        self.shared.publish_peak(1, peaks[1]);
        self.shared
            .position_frames
            .store(self.position_frames, Ordering::Relaxed);
        self.shared.playing.store(self.playing, Ordering::Relaxed);
    }

    fn apply_commands(&mut self) {
        while let Ok(command) = self.commands.pop() {
            match command {
                Command::Play => {
                    self.pending.pause = false;
                    if !self.playing && self.position_frames >= self.loaded_frames() {
                        self.position_frames = 0;
                    }
                    self.playing = self.buffer.is_some() || self.pending.loads > 0;
                }
                Command::Pause => self.pending.pause = true,
                Command::Stop => {
                    self.pending.pause = true;
                    self.pending.seek_frame = Some(0);
                }
                Command::Seek { frame } => self.pending.seek_frame = Some(frame),
                Command::Load => {
                    self.pending.pause = true;
                    self.pending.seek_frame = Some(0);
                    self.pending.loads = self.pending.loads.saturating_add(1);
                }
            }
        }
        // Silent already: nothing to fade, apply at once.
        if self.gain <= 0.0 && self.pending.any() {
            self.apply_pending();
        }
    }

    /// Applied once the fade-out has reached silence.
    fn apply_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for _ in 0..pending.loads {
            if self.unretired.is_some() {
                // The UI has not collected the last old buffer; leave the rest queued.
                self.pending.loads += 1;
                continue;
            }
            if let Ok(next) = self.incoming.pop() {
                if let Some(old) = self.buffer.replace(next) {
                    self.retire(old);
                }
                self.shared
                    .loaded_frames
                    .store(self.loaded_frames(), Ordering::Relaxed);
            }
        }
        if let Some(frame) = pending.seek_frame {
            self.position_frames = frame.min(self.loaded_frames());
        }
        if pending.pause {
            self.playing = false;
        }
    }

    fn next_frame(&mut self) -> (f32, f32) {
        if self.pending.any() {
            self.gain = (self.gain - self.gain_step).max(0.0);
            if self.gain <= 0.0 {
                self.apply_pending();
            }
        } else if self.playing {
            self.gain = (self.gain + self.gain_step).min(1.0);
        } else {
            self.gain = 0.0;
        }
        if !self.playing {
            return (0.0, 0.0);
        }
        let Some(buffer) = self.buffer.as_deref() else {
            self.playing = false;
            return (0.0, 0.0);
        };
        let index = self.position_frames as usize;
        let (Some(&left), Some(&right)) =
            (buffer.channels[0].get(index), buffer.channels[1].get(index))
        else {
            self.playing = false;
            self.gain = 0.0;
            // A full event queue only loses a notification; the UI also sees `playing == false`.
            let _ = self.events.push(AudioEvent::Ended);
            return (0.0, 0.0);
        };
        self.position_frames += 1;
        (left * self.gain, right * self.gain)
    }

    fn loaded_frames(&self) -> u64 {
        self.buffer.as_ref().map_or(0, |b| b.frames() as u64)
    }

    fn retire(&mut self, old: Box<AudioBuffer>) {
        if let Err(rtrb::PushError::Full(old)) = self.retired.push(old) {
            self.unretired = Some(old);
        }
    }

    fn retry_retire(&mut self) {
        if let Some(old) = self.unretired.take() {
            self.retire(old);
        }
    }
}
