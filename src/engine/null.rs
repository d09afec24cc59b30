//! A backend with no device: tests (and offline checks) drive the processor from a loop.

use super::processor::Processor;

/// Drives a [`Processor`] from a plain loop instead of a device callback, so tests can run
/// the real audio path with no sound card. Not real-time itself: `render` allocates its output.
pub struct NullBackend {
    processor: Processor,
    channels: usize,
}

impl NullBackend {
    pub(crate) fn new(processor: Processor, channels: u16) -> NullBackend {
        NullBackend {
            processor,
            channels: usize::from(channels.max(1)),
        }
    }

    /// Renders `frames` frames, interleaved, as a device callback would receive them.
    pub fn render(&mut self, frames: usize) -> Vec<f32> {
        let mut out = vec![0.0; frames * self.channels];
        self.processor.process(&mut out);
        out
    }

    /// Renders into a caller-provided interleaved block (no allocation: use under `assert_no_alloc`).
    pub fn render_into(&mut self, out: &mut [f32]) {
        self.processor.process(out);
    }

    /// Output channel count.
    pub fn channels(&self) -> usize {
        self.channels
    }
}
