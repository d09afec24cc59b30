//! The audio side of the engine: everything the output callback runs. It plays a [`Program`]
//! of track segments and gaps, each track through its own settings of one `dsp::Chain`, and
//! crossfades between the master, the loudness-matched original and the reference.

use super::program::{Program, Segment};
use super::shared::{AudioEvent, Command, KernelUpdate, Monitor, Retired, Shared, NO_KEY};
use super::slots::Slots;
use super::source::{Source, SourceKey};
use crate::dsp::Chain;
use rtrb::{Consumer, Producer};

mod render;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Length of the fade that hides clicks on play, pause, stop, seek, loop and program changes, seconds.
pub const DECLICK_S: f64 = 0.005;
/// Length of the crossfade between Mastered, Original and Reference, seconds.
pub const MONITOR_CROSSFADE_S: f64 = 0.010;
/// Frames the processor renders per inner step (the chain is prepared for this block size).
pub const BLOCK_FRAMES: usize = 1024;

/// The queue ends the audio side owns.
pub(crate) struct AudioQueues {
    pub commands: Consumer<Command>,
    pub sources: Consumer<Box<Source>>,
    pub kernels: Consumer<KernelUpdate>,
    pub retired: Producer<Retired>,
    pub events: Producer<AudioEvent>,
    pub tap: Producer<f32>,
}

/// What waits for the fade-out to reach silence before it is applied.
#[derive(Debug, Default, Clone, Copy)]
struct Pending {
    pause: bool,
    seek: Option<(usize, u64)>,
    program: Option<Program>,
    /// A new source for the key that is playing: swapped in at silence.
    replace: bool,
}

impl Pending {
    fn any(&self) -> bool {
        self.pause || self.seek.is_some() || self.program.is_some() || self.replace
    }
}

/// Planar scratch buffers, allocated once.
struct Scratch {
    mastered: [Vec<f32>; 2],
    original: [Vec<f32>; 2],
    reference: [Vec<f32>; 2],
    out: [Vec<f32>; 2],
    discard: [Vec<f32>; 2],
}

impl Scratch {
    fn new() -> Scratch {
        let pair = || [vec![0.0; BLOCK_FRAMES], vec![0.0; BLOCK_FRAMES]];
        Scratch {
            mastered: pair(),
            original: pair(),
            reference: pair(),
            out: pair(),
            discard: pair(),
        }
    }
}

/// The audio-thread half of the engine. The output callback calls [`Processor::process`]
/// and nothing else.
///
/// Real-time safe: `process` never allocates, frees, locks, blocks, does I/O or panics.
/// Sources and kernels arrive through queues and leave through another, to be dropped on the
/// UI side. Starting a track (or seeking in it) primes the chain with the chain's latency of
/// audio in that callback (about 0.13 s of audio, a few ms of work), so that what is heard at
/// a position is exactly what the export has there.
pub struct Processor {
    q: AudioQueues,
    shared: Arc<Shared>,
    channels: usize,
    slots: Slots,
    chain: Chain,
    /// Whose match kernel sits in the chain.
    chain_key: Option<SourceKey>,
    /// The chain has been fed up to `input_cursor` of the current track segment's source.
    primed: bool,
    input_cursor: u64,
    program: Program,
    segment: usize,
    /// Source frame of the current track segment, or frame into the current gap.
    pos: u64,
    /// `pos` was set by a seek (else the segment starts at its own first frame).
    pos_set: bool,
    at_end: bool,
    loop_region: Option<(u64, u64)>,
    playing: bool,
    pending: Pending,
    declick: f32,
    declick_step: f32,
    declick_frames: u64,
    monitor: Monitor,
    /// Current weights of Mastered, Original and Reference.
    mix: [f32; 3],
    mix_step: f32,
    reference: Option<SourceKey>,
    reference_pos: u64,
    /// Mastered loudness of the last track heard: the reference is matched to it.
    last_mastered_lufs: Option<f64>,
    unretired: Option<Retired>,
    s: Scratch,
}

impl Processor {
    pub(crate) fn new(
        q: AudioQueues,
        shared: Arc<Shared>,
        sample_rate_hz: u32,
        channels: u16,
    ) -> Processor {
        let rate = f64::from(sample_rate_hz.max(1));
        let declick_frames = (DECLICK_S * rate).max(1.0);
        let mut chain = Chain::new();
        chain.prepare(rate, BLOCK_FRAMES);
        Processor {
            q,
            shared,
            channels: usize::from(channels.max(1)),
            slots: Slots::default(),
            chain,
            chain_key: None,
            primed: false,
            input_cursor: 0,
            program: Program::default(),
            segment: 0,
            pos: 0,
            pos_set: false,
            at_end: false,
            loop_region: None,
            playing: false,
            pending: Pending::default(),
            declick: 0.0,
            declick_step: (1.0 / declick_frames) as f32,
            declick_frames: declick_frames as u64,
            monitor: Monitor::Mastered,
            mix: [1.0, 0.0, 0.0],
            mix_step: (1.0 / (MONITOR_CROSSFADE_S * rate).max(1.0)) as f32,
            reference: None,
            reference_pos: 0,
            last_mastered_lufs: None,
            unretired: None,
            s: Scratch::new(),
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
        for block in out.chunks_mut(BLOCK_FRAMES * self.channels) {
            let n = block.len() / self.channels;
            self.render(n);
            let [l, r] = &self.s.out;
            for (k, frame) in block.chunks_mut(self.channels).enumerate() {
                let (left, right) = (l[k], r[k]);
                peaks[0] = peaks[0].max(left.abs());
                peaks[1] = peaks[1].max(right.abs());
                match frame {
                    [mono] => *mono = 0.5 * (left + right),
                    [a, b, rest @ ..] => {
                        *a = left;
                        *b = right;
                        rest.fill(0.0);
                    }
                    [] => {}
                }
            }
            self.tap(n);
        }
        self.publish(peaks);
    }

    fn publish(&self, peaks: [f32; 2]) {
        let sh = &self.shared;
        sh.publish_peak(0, peaks[0]);
        sh.publish_peak(1, peaks[1]);
        sh.publish_gain_reduction(self.chain.gain_reduction().current_db as f32);
        sh.segment.store(self.segment as u64, Ordering::Relaxed);
        sh.position_frames.store(self.pos, Ordering::Relaxed);
        let (key, frames) = match self.program.get(self.segment) {
            Some(Segment::Track { key, .. }) => {
                (key, self.slots.by_key(key).map_or(0, |s| s.frames() as u64))
            }
            _ => (NO_KEY, 0),
        };
        sh.current_key.store(key, Ordering::Relaxed);
        sh.source_frames.store(frames, Ordering::Relaxed);
        sh.playing.store(self.playing, Ordering::Relaxed);
        sh.monitor.store(self.monitor as u8, Ordering::Relaxed);
        sh.reference_frames
            .store(self.reference_pos, Ordering::Relaxed);
    }

    /// Copies what was heard into the meter tap; a full tap drops frames (counted).
    fn tap(&mut self, n: usize) {
        let want = 2 * n;
        let room = self.q.tap.slots().min(want) & !1;
        if let Ok(chunk) = self.q.tap.write_chunk_uninit(room) {
            let [l, r] = &self.s.out;
            let frames = l[..room / 2].iter().zip(&r[..room / 2]);
            chunk.fill_from_iter(frames.flat_map(|(a, b)| [*a, *b]));
        }
        if room < want {
            self.shared
                .tap_dropped
                .fetch_add(((want - room) / 2) as u64, Ordering::Relaxed);
        }
    }

    fn apply_commands(&mut self) {
        while let Ok(command) = self.q.commands.pop() {
            match command {
                Command::Play => self.play(),
                Command::Pause => self.pending.pause = true,
                Command::Stop => {
                    self.pending.pause = true;
                    self.pending.seek = Some((0, 0));
                }
                Command::Seek { segment, frame } => self.pending.seek = Some((segment, frame)),
                Command::Load => self.load(),
                Command::Unload { key } => {
                    if self.chain_key == Some(key) {
                        // Its kernel stays in the chain until the next prime retires it.
                        self.chain_key = None;
                        self.primed = false;
                    }
                    if let Some(old) = self.slots.remove(key) {
                        self.retire(Retired::Source(old));
                    }
                }
                Command::Program(program) => {
                    // A loop belongs to the old program; one set after this command is kept.
                    self.loop_region = None;
                    self.pending.program = Some(program);
                    self.pending.seek = None;
                    self.pending.pause = true;
                }
                Command::Loop(region) => {
                    self.loop_region = region.filter(|(a, b)| b > a);
                }
                Command::Settings { key, settings } => {
                    if let Some(i) = self.slots.find(key) {
                        if let Some(source) = self.slots.get_mut(i) {
                            source.settings = settings;
                        }
                        if self.chain_key == Some(key) {
                            self.chain.set_params(&settings.params);
                        }
                    }
                }
                Command::Kernel => {
                    if let Ok(update) = self.q.kernels.pop() {
                        self.install_kernel(update);
                    }
                }
                Command::Monitor(monitor) => self.monitor = monitor,
                Command::Reference(key) => {
                    if key != self.reference {
                        self.reference_pos = 0;
                    }
                    self.reference = key;
                }
            }
        }
        // Silent already: nothing to fade, apply at once.
        if self.declick <= 0.0 && self.pending.any() {
            self.apply_pending();
        }
    }

    fn play(&mut self) {
        self.pending.pause = false;
        if self.program.segments().is_empty() && self.pending.program.is_none() {
            return;
        }
        if !self.playing && self.pending.any() {
            // Nothing is audible: what waited for a fade-out applies now.
            self.apply_pending();
        }
        if self.at_end && !self.playing {
            self.segment = 0;
            self.pos_set = false;
            self.primed = false;
            self.at_end = false;
        }
        if !self.playing && self.at_program_start() && self.pending.seek.is_none() {
            // The export starts here too: no fade-in, so what is heard is what is exported.
            self.declick = 1.0;
        }
        self.playing = true;
    }

    fn at_program_start(&self) -> bool {
        self.segment == 0
            && match self.program.get(0) {
                Some(Segment::Track { from, .. }) => {
                    from.resolve(u64::MAX) == 0 && (!self.pos_set || self.pos == 0)
                }
                _ => !self.pos_set || self.pos == 0,
            }
    }

    fn load(&mut self) {
        let Ok(next) = self.q.sources.peek() else {
            return;
        };
        let key = next.key;
        let playing_it = self.playing && self.current_key() == Some(key);
        if playing_it {
            self.pending.replace = true;
            if self.pending.seek.is_none() {
                self.pending.seek = Some((self.segment, self.pos));
            }
            return;
        }
        self.take_source();
    }

    /// Moves the next queued source into a slot (if there is room).
    fn take_source(&mut self) {
        let Ok(next) = self.q.sources.peek() else {
            return;
        };
        if !self.slots.has_room_for(next.key) {
            return;
        }
        let Ok(source) = self.q.sources.pop() else {
            return;
        };
        let key = source.key;
        if self.chain_key == Some(key) {
            self.chain_key = None;
            self.primed = false;
        }
        match self.slots.insert(source) {
            Ok(Some(old)) => self.retire(Retired::Source(old)),
            Ok(None) => {}
            Err(back) => self.retire(Retired::Source(back)),
        }
    }

    fn install_kernel(&mut self, update: KernelUpdate) {
        if self.chain_key == Some(update.key) {
            match self.chain.swap_match_kernel(update.kernel) {
                Ok(old) | Err(old) => self.retire(Retired::Kernel(old)),
            }
            return;
        }
        match self
            .slots
            .find(update.key)
            .and_then(|i| self.slots.get_mut(i))
        {
            Some(source) => {
                if let Some(old) = source.kernel.replace(update.kernel) {
                    self.retire(Retired::Kernel(old));
                }
            }
            None => self.retire(Retired::Kernel(update.kernel)),
        }
    }

    /// Applied once the fade-out has reached silence.
    fn apply_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        if let Some(program) = pending.program {
            self.program = program;
            self.segment = 0;
            self.pos = 0;
            self.pos_set = false;
            self.primed = false;
            self.at_end = false;
        }
        if pending.replace {
            self.take_source();
        }
        if let Some((segment, frame)) = pending.seek {
            self.segment = segment;
            self.pos = frame;
            self.pos_set = true;
            self.primed = false;
            self.at_end = false;
        }
        if pending.pause {
            self.playing = false;
        }
    }

    fn current_key(&self) -> Option<SourceKey> {
        match self.program.get(self.segment) {
            Some(Segment::Track { key, .. }) => Some(key),
            _ => None,
        }
    }

    fn retire(&mut self, item: Retired) {
        if let Err(rtrb::PushError::Full(item)) = self.q.retired.push(item) {
            match self.unretired.take() {
                None => self.unretired = Some(item),
                // Cannot happen with the queue sizes in `shared`; if it did, leaking is safe
                // and freeing here is not.
                Some(waiting) => {
                    std::mem::forget(waiting);
                    self.unretired = Some(item);
                }
            }
        }
    }

    fn retry_retire(&mut self) {
        if let Some(item) = self.unretired.take() {
            self.retire(item);
        }
        // A source waiting for a free slot.
        if !self.pending.replace {
            if let Ok(next) = self.q.sources.peek() {
                if self.slots.has_room_for(next.key)
                    && !(self.playing && self.current_key() == Some(next.key))
                {
                    self.take_source();
                }
            }
        }
    }
}
