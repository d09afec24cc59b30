//! The UI-side engine handle: transport, live settings, monitor choice, meters, and which
//! sources are resident on the audio thread.

use super::loader::{LoadJob, Loader};
use super::meters::{MeterState, Meters};
use super::null::NullBackend;
use super::processor::{AudioQueues, Processor};
use super::program::{Program, Segment};
use super::shared::{self, AudioEvent, Command, KernelUpdate, Monitor, Retired, Shared, NO_KEY};
use super::source::{Source, SourceKey, SourceSettings};
use super::stream;
use crate::dsp::MatchKernel;
use rtrb::{Consumer, Producer, RingBuffer};
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod upkeep;
use upkeep::open_output;

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

/// Something the engine reports, collected by [`Engine::poll_events`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// Playback reached the end of the program.
    Ended,
    /// The device ran out of samples once (a click may have been heard).
    Underrun,
    /// The device reported an error; the text says what happened.
    DeviceError(String),
    /// The output was lost and playback is disabled until it comes back.
    DeviceLost(String),
    /// The output is back (sources that were loaded by hand must be loaded again).
    DeviceRestored,
    /// A source finished loading and is on its way to the audio thread.
    Loaded(SourceKey),
    /// A source could not be loaded; the text names the file and the problem.
    LoadFailed(SourceKey, String),
    /// Playback waits for a source that is still loading.
    Waiting(SourceKey),
}

/// What went wrong handing something to the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no audio output — playback disabled")]
    NoDevice,
    #[error("the player is still taking the previous track — try again")]
    Busy,
}

/// Makes the load job of a source on demand (album playback loads tracks as it reaches them).
pub type Provider = Arc<dyn Fn(SourceKey) -> LoadJob + Send + Sync>;

/// Where playback is.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PlayPosition {
    /// Segment of the program.
    pub segment: usize,
    /// The segment's source, `None` in a gap.
    pub key: Option<SourceKey>,
    /// Position in the segment's source (or into the gap), seconds.
    pub position_s: f64,
    /// Length of the segment's source, seconds (0 in a gap or while it loads).
    pub duration_s: f64,
    pub playing: bool,
    /// Playback waits for the source to load.
    pub waiting: bool,
    pub monitor: Monitor,
}

/// The key of audio loaded with [`Engine::load`].
pub const PLAIN_KEY: SourceKey = u64::MAX - 1;

/// How often a lost output is tried again.
const REOPEN_INTERVAL: Duration = Duration::from_secs(2);

/// The UI ends of the queues.
struct Link {
    commands: Producer<Command>,
    sources: Producer<Box<Source>>,
    kernels: Producer<KernelUpdate>,
    retired: Consumer<Retired>,
    events: Consumer<AudioEvent>,
    tap: Consumer<f32>,
    shared: Arc<Shared>,
    sample_rate_hz: u32,
    meters: Option<MeterState>,
    output: Option<stream::CpalOutput>,
}

fn link_and_processor(sample_rate_hz: u32, channels: u16) -> (Link, Processor) {
    let shared = Arc::new(Shared::default());
    let (commands, command_rx) = RingBuffer::new(shared::COMMAND_CAPACITY);
    let (sources, source_rx) = RingBuffer::new(shared::LOAD_CAPACITY);
    let (kernels, kernel_rx) = RingBuffer::new(shared::KERNEL_CAPACITY);
    let (retired_tx, retired) = RingBuffer::new(shared::RETIRED_CAPACITY);
    let (event_tx, events) = RingBuffer::new(shared::EVENT_CAPACITY);
    let (tap_tx, tap) = RingBuffer::new(2 * shared::TAP_SECONDS * sample_rate_hz.max(1) as usize);
    let queues = AudioQueues {
        commands: command_rx,
        sources: source_rx,
        kernels: kernel_rx,
        retired: retired_tx,
        events: event_tx,
        tap: tap_tx,
    };
    let processor = Processor::new(queues, shared.clone(), sample_rate_hz, channels);
    let link = Link {
        commands,
        sources,
        kernels,
        retired,
        events,
        tap,
        shared,
        sample_rate_hz,
        meters: MeterState::new(sample_rate_hz),
        output: None,
    };
    (link, processor)
}

/// The UI-side playback handle. Not real-time: call it from the UI thread (and call
/// [`Engine::poll_events`] regularly, at display rate). It never panics without a device; it
/// reports [`EngineStatus::NoDevice`] and ignores transport calls.
pub struct Engine {
    link: Option<Link>,
    status: EngineStatus,
    loader: Loader,
    provider: Option<Provider>,
    program: Program,
    reference: Option<SourceKey>,
    /// Sources sent to the audio thread (and not unloaded), and whether the provider made them.
    resident: Vec<(SourceKey, bool)>,
    /// The loader's jobs in request order (it runs them in that order), and whether each one's
    /// result is still wanted: an unload makes earlier requests for that key stale, so a key
    /// requested again (another file under the same key) gets the new job's result, not the old.
    requested: Vec<(SourceKey, bool)>,
    /// Finished sources waiting for room in the load queue.
    queued: VecDeque<(Box<Source>, bool)>,
    /// Events produced on this side, returned with the next poll.
    local_events: Vec<EngineEvent>,
    /// When to try opening a lost output again (`None`: not lost, or a test engine).
    reopen_at: Option<Instant>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("status", &self.status)
            .finish()
    }
}

impl Engine {
    fn with_link(link: Option<Link>, status: EngineStatus) -> Engine {
        Engine {
            link,
            status,
            loader: Loader::new(),
            provider: None,
            program: Program::default(),
            reference: None,
            resident: Vec::new(),
            requested: Vec::new(),
            queued: VecDeque::new(),
            local_events: Vec::new(),
            reopen_at: None,
        }
    }

    /// Opens the default output device. With no usable device the engine still works and
    /// its status is [`EngineStatus::NoDevice`] with the reason.
    pub fn start() -> Engine {
        let (link, status) = open_output();
        Engine::with_link(link, status)
    }

    /// The rate in Hz the default output would run at, without opening it (so a caller can
    /// prepare audio before the stream starts); the error is a sentence for the user.
    pub fn probe_output_rate_hz() -> Result<u32, String> {
        stream::default_output_rate_hz()
    }

    /// An engine with no device: the returned [`NullBackend`] renders what it plays.
    pub fn with_null_backend(sample_rate_hz: u32, channels: u16) -> (Engine, NullBackend) {
        let (link, processor) = link_and_processor(sample_rate_hz, channels);
        let engine = Engine::with_link(
            Some(link),
            EngineStatus::Null {
                sample_rate_hz,
                channels,
            },
        );
        (engine, NullBackend::new(processor, channels))
    }

    /// An engine that never plays, with `reason` as its [`EngineStatus::NoDevice`] text.
    pub fn disabled(reason: impl Into<String>) -> Engine {
        Engine::with_link(None, EngineStatus::NoDevice(reason.into()))
    }

    /// Whether playback is possible, and on what.
    pub fn status(&self) -> &EngineStatus {
        &self.status
    }

    /// The output sample rate in Hz, `None` without a device. Sources must be at this rate.
    pub fn output_rate_hz(&self) -> Option<u32> {
        self.link.as_ref().map(|l| l.sample_rate_hz)
    }

    /// Hands a prepared source (at [`Engine::output_rate_hz`]) to the audio thread; it replaces
    /// a loaded source with the same key. It stays until [`Engine::unload`].
    pub fn load_source(&mut self, source: Source) -> Result<(), EngineError> {
        self.collect_retired();
        self.push_source(Box::new(source), false)
    }

    /// Plays `audio` as it is (neutral chain, limiter off) as the whole program, paused at its
    /// start; resamples to the output rate first when needed (blocking). For previews and tests.
    pub fn load(&mut self, audio: crate::media::AudioBuffer) -> Result<(), EngineError> {
        let rate = self.output_rate_hz().ok_or(EngineError::NoDevice)?;
        let audio = if audio.sample_rate_hz == rate {
            audio
        } else {
            crate::media::resample(&audio, rate).map_err(|_| EngineError::Busy)?
        };
        let source = Source {
            key: PLAIN_KEY,
            audio,
            settings: SourceSettings {
                params: crate::dsp::ChainParams {
                    limiter_enabled: false,
                    ..Default::default()
                },
                ..SourceSettings::default()
            },
            kernel: None,
        };
        self.load_source(source)?;
        self.set_program(Program::single(PLAIN_KEY), None);
        Ok(())
    }

    fn push_source(&mut self, source: Box<Source>, provided: bool) -> Result<(), EngineError> {
        let link = self.link.as_mut().ok_or(EngineError::NoDevice)?;
        if link.commands.slots() == 0 {
            return Err(EngineError::Busy);
        }
        let key = source.key;
        link.sources.push(source).map_err(|_| EngineError::Busy)?;
        // Cannot fail: a free slot was checked above and only this handle pushes.
        let _ = link.commands.push(Command::Load);
        self.resident.retain(|(k, _)| *k != key);
        self.resident.push((key, provided));
        Ok(())
    }

    /// Queues a load job for `key` on the loader thread; the source goes to the audio thread
    /// when done ([`EngineEvent::Loaded`]).
    pub fn request(&mut self, key: SourceKey, job: LoadJob) {
        if self.link.is_none() {
            return;
        }
        match self.loader.request(key, job) {
            Ok(()) => self.requested.push((key, true)),
            Err(reason) => self.local_events.push(EngineEvent::LoadFailed(key, reason)),
        }
    }

    /// Lets go of a source.
    pub fn unload(&mut self, key: SourceKey) {
        self.resident.retain(|(k, _)| *k != key);
        self.queued.retain(|(s, _)| s.key != key);
        for (k, wanted) in &mut self.requested {
            if *k == key {
                *wanted = false;
            }
        }
        self.send(Command::Unload { key });
    }

    /// Keys of the sources on (or on their way to) the audio thread.
    pub fn resident(&self) -> Vec<SourceKey> {
        self.resident.iter().map(|(k, _)| *k).collect()
    }

    /// Sets what plays, from its start, paused. With a `provider`, the engine loads each track
    /// as playback reaches it (and the next one ahead) and lets go of those it has passed.
    pub fn set_program(&mut self, program: Program, provider: Option<Provider>) {
        self.program = program;
        if provider.is_some() {
            self.provider = provider;
        }
        self.send(Command::Program(program));
        self.manage_residency();
    }

    /// Replaces the provider of later loads without touching what plays (after an edit, the
    /// next tracks load with the new settings).
    pub fn set_provider(&mut self, provider: Provider) {
        self.provider = Some(provider);
    }

    /// The program last set.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// New settings for a loaded source, heard within one buffer plus the chain's glide.
    pub fn set_settings(&mut self, key: SourceKey, settings: SourceSettings) {
        self.send(Command::Settings { key, settings });
    }

    /// A new match-EQ kernel (designed at the output rate) for a loaded source.
    pub fn set_match_kernel(&mut self, key: SourceKey, kernel: MatchKernel) {
        self.collect_retired();
        if let Some(link) = self.link.as_mut() {
            if link.commands.slots() > 0 && link.kernels.push(KernelUpdate { key, kernel }).is_ok()
            {
                let _ = link.commands.push(Command::Kernel);
            }
        }
    }

    /// Crossfades to the master, the loudness-matched original or the reference.
    pub fn set_monitor(&mut self, monitor: Monitor) {
        self.send(Command::Monitor(monitor));
    }

    /// The source played when the monitor is [`Monitor::Reference`] (load it first).
    pub fn set_reference(&mut self, key: Option<SourceKey>) {
        self.reference = key;
        self.send(Command::Reference(key));
    }

    /// Loops `start_s..end_s` of the current track segment; `None` ends the loop.
    pub fn set_loop(&mut self, region_s: Option<(f64, f64)>) {
        if let Some(rate) = self.output_rate_hz() {
            let to_frames = |s: f64| (s.max(0.0) * f64::from(rate)).round() as u64;
            let region = region_s.map(|(a, b)| (to_frames(a), to_frames(b)));
            self.send(Command::Loop(region));
        }
    }

    /// Starts or resumes playback (from the start when at the end).
    pub fn play(&mut self) {
        self.send(Command::Play);
    }

    /// Pauses, keeping the position.
    pub fn pause(&mut self) {
        self.send(Command::Pause);
    }

    /// Pauses and returns to the start of the program.
    pub fn stop(&mut self) {
        self.send(Command::Stop);
    }

    /// Moves to `position_s` seconds of the current segment.
    pub fn seek(&mut self, position_s: f64) {
        let segment = self.position().segment;
        self.seek_to(segment, position_s);
    }

    /// Moves to `position_s` seconds (source time) of segment `segment` of the program.
    pub fn seek_to(&mut self, segment: usize, position_s: f64) {
        if let Some(rate) = self.output_rate_hz() {
            let frame = (position_s.max(0.0) * f64::from(rate)).round() as u64;
            self.send(Command::Seek { segment, frame });
        }
    }

    /// Jumps to the start of the next (`+1`) or previous (`-1`) track segment.
    pub fn skip_tracks(&mut self, direction: i32) {
        let here = self.position().segment;
        let tracks: Vec<usize> = self
            .program
            .segments()
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s, Segment::Track { .. }))
            .map(|(i, _)| i)
            .collect();
        let target = if direction >= 0 {
            tracks.iter().copied().find(|&i| i > here)
        } else {
            tracks.iter().rev().copied().find(|&i| i < here)
        };
        if let Some(segment) = target {
            self.seek_to(segment, 0.0);
        }
    }

    /// Where playback is, as the audio thread last published it.
    pub fn position(&self) -> PlayPosition {
        let Some(l) = self.link.as_ref() else {
            return PlayPosition {
                segment: 0,
                key: None,
                position_s: 0.0,
                duration_s: 0.0,
                playing: false,
                waiting: false,
                monitor: Monitor::Mastered,
            };
        };
        let sh = &l.shared;
        let rate = f64::from(l.sample_rate_hz);
        let key = sh.current_key.load(Ordering::Relaxed);
        PlayPosition {
            segment: sh.segment.load(Ordering::Relaxed) as usize,
            key: (key != NO_KEY).then_some(key),
            position_s: sh.position_frames.load(Ordering::Relaxed) as f64 / rate,
            duration_s: sh.source_frames.load(Ordering::Relaxed) as f64 / rate,
            playing: sh.playing.load(Ordering::Relaxed),
            waiting: sh.waiting.load(Ordering::Relaxed),
            monitor: Monitor::from_index(sh.monitor.load(Ordering::Relaxed)),
        }
    }

    /// Play position in the current segment, seconds.
    pub fn position_s(&self) -> f64 {
        self.position().position_s
    }

    /// Length of the current segment's source, seconds.
    pub fn duration_s(&self) -> f64 {
        self.position().duration_s
    }

    /// Whether the audio thread is playing.
    pub fn is_playing(&self) -> bool {
        self.position().playing
    }

    /// Sample peak of left and right since the last call (linear, 1.0 = 0 dBFS).
    pub fn take_peaks(&self) -> [f32; 2] {
        self.link
            .as_ref()
            .map_or([0.0; 2], |l| [l.shared.take_peak(0), l.shared.take_peak(1)])
    }

    /// The meters of what was heard since the last call (call at display rate).
    pub fn meters(&mut self) -> Meters {
        let Some(link) = self.link.as_mut() else {
            return Meters::default();
        };
        let gr = link.shared.take_gain_reduction();
        match link.meters.as_mut() {
            Some(m) => m.update(&mut link.tap, gr),
            None => Meters::default(),
        }
    }

    /// Starts the meters' integration afresh: integrated loudness, loudness range and the
    /// highest true peak then cover only what is heard from now on. Call it when playback
    /// (re)starts on something new, so the figures describe one listening pass; what the tap
    /// still holds from before is discarded. Allocates nothing.
    pub fn reset_meters(&mut self) {
        if let Some(link) = self.link.as_mut() {
            if let Some(m) = link.meters.as_mut() {
                m.reset(&mut link.tap);
            }
        }
    }

    /// Device underruns counted since the output opened.
    pub fn underruns(&self) -> u64 {
        self.link
            .as_ref()
            .map_or(0, |l| l.shared.underruns.load(Ordering::Relaxed))
    }

    /// Seconds of audio played (output while playing) since the engine started.
    pub fn played_s(&self) -> f64 {
        self.link.as_ref().map_or(0.0, |l| {
            l.shared.played_frames.load(Ordering::Relaxed) as f64 / f64::from(l.sample_rate_hz)
        })
    }

    /// Frames the meters missed because they were read too rarely.
    pub fn meter_frames_dropped(&self) -> u64 {
        self.link
            .as_ref()
            .map_or(0, |l| l.shared.tap_dropped.load(Ordering::Relaxed))
    }

    fn send(&mut self, command: Command) {
        self.collect_retired();
        if let Some(link) = self.link.as_mut() {
            // A full queue means the audio thread is stalled; dropping a transport click is
            // better than blocking the UI.
            let _ = link.commands.push(command);
        }
    }

    /// Drops, on this thread, what the audio thread is done with.
    fn collect_retired(&mut self) {
        if let Some(link) = self.link.as_mut() {
            while let Ok(old) = link.retired.pop() {
                drop(old);
            }
        }
    }
}
