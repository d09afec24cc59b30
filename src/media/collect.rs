//! Gathers decoded packets into one stereo buffer: format conversion, downmix, NaN scrubbing,
//! silence for skipped packets, and the bookkeeping behind the user notices.
use super::downmix::{self, Mixer};
use super::AudioBuffer;
use symphonia::core::audio::{Channels, GenericAudioBufferRef};
use symphonia::core::units::{Duration, TimeBase, Timestamp};

/// Longest run of silence we will insert for a gap in the timestamps. Bigger jumps are bad
/// timestamps, not lost audio, and must not balloon memory.
const MAX_GAP_S: u64 = 30;
/// A header may declare any length; never pre-allocate more than this many frames on its word.
const MAX_RESERVE_FRAMES: u64 = 48_000 * 60 * 60 * 2;
/// Largest float sample taken as audio (+60 dBFS): float masters may go past full scale, but
/// nothing real is a thousand times over it.
const MAX_FLOAT_SAMPLE: f32 = 1000.0;

/// Per-file decoding state. All buffers are reused from packet to packet.
pub(super) struct Collector {
    sample_rate_hz: u32,
    time_base: Option<TimeBase>,
    declared_frames: Option<u64>,
    out: [Vec<f32>; 2],
    scratch: Vec<Vec<f32>>,
    mixer: Option<(Channels, usize, Mixer)>,
    downmix_notice: Option<String>,
    source_channels: Option<u16>,
    nonfinite_samples: u64,
    /// Where the next packet should start, in frames, if timestamps are continuous.
    next_start: Option<i64>,
    damaged_packets: u64,
    /// Packets lost since the last good one (reported by the demuxer or decoder).
    lost_since_good: u64,
    /// Duration of the last good packet in frames, to estimate how many packets a gap held.
    last_packet_frames: i64,
    first_damage_s: Option<f64>,
    silence_frames: u64,
}

/// What [`Collector::finish`] hands back.
pub(super) struct Summary {
    pub audio: AudioBuffer,
    pub source_channels: Option<u16>,
    pub nonfinite_samples: u64,
    pub notices: Vec<String>,
    /// `(declared_s, decoded_s)` when far less audio arrived than the header declared.
    pub truncation: Option<(f64, f64)>,
}

impl Collector {
    pub(super) fn new(
        sample_rate_hz: u32,
        time_base: Option<TimeBase>,
        frames: Option<u64>,
    ) -> Self {
        let mut out = [Vec::new(), Vec::new()];
        if let Some(n) = frames {
            let n = n.min(MAX_RESERVE_FRAMES) as usize;
            for side in out.iter_mut() {
                // try_reserve: a lying header must not abort the process on allocation failure.
                let _ = side.try_reserve_exact(n);
            }
        }
        Collector {
            sample_rate_hz,
            time_base,
            declared_frames: frames.filter(|&n| n > 0),
            out,
            scratch: Vec::new(),
            mixer: None,
            downmix_notice: None,
            source_channels: None,
            nonfinite_samples: 0,
            next_start: None,
            damaged_packets: 0,
            lost_since_good: 0,
            last_packet_frames: 0,
            first_damage_s: None,
            silence_frames: 0,
        }
    }

    /// Appends one decoded packet that started at `pts` and lasts `dur` (time-base units).
    pub(super) fn push(&mut self, buf: &GenericAudioBufferRef<'_>, pts: Timestamp, dur: Duration) {
        let start = self.to_frames(pts.get());
        self.fill_gap(start);
        let frames = buf.frames();
        let planes = buf.num_planes();
        let channels = buf.spec().channels();
        if !matches!(&self.mixer, Some((c, p, _)) if c == channels && *p == planes) {
            let mixer = Mixer::new(channels, planes);
            if self.downmix_notice.is_none() {
                self.downmix_notice = downmix::notice(&mixer, channels, planes);
            }
            self.source_channels.get_or_insert(planes as u16);
            self.mixer = Some((channels.clone(), planes, mixer));
        }
        buf.copy_to_vecs_planar::<f32>(&mut self.scratch);
        // Integer samples are always finite; only float sources need the scan.
        if matches!(
            buf,
            GenericAudioBufferRef::F32(_) | GenericAudioBufferRef::F64(_)
        ) {
            for plane in self.scratch.iter_mut() {
                // A finite 3.4e38 is as broken as NaN: one such sample read as +770 dBTP and
                // turned a whole album down by hundreds of dB.
                for s in plane
                    .iter_mut()
                    .filter(|s| !(s.is_finite() && s.abs() <= MAX_FLOAT_SAMPLE))
                {
                    *s = 0.0;
                    self.nonfinite_samples += 1;
                }
            }
        }
        if let Some((_, _, mixer)) = &self.mixer {
            mixer.mix_into(&self.scratch, frames, &mut self.out);
        }
        // Priming packets (Vorbis, MP3) yield no frames and carry no usable duration: the
        // timeline starts with the first packet that has audio.
        if frames > 0 {
            let dur = self.to_frames(i64::try_from(dur.get()).unwrap_or(i64::MAX));
            self.next_start = Some(start.saturating_add(dur));
            self.last_packet_frames = dur;
        }
        self.lost_since_good = 0;
    }

    /// Records a packet lost to damage; `pts` is its start when the demuxer could tell us.
    pub(super) fn skipped_packet(&mut self, pts: Option<Timestamp>) {
        self.damaged_packets += 1;
        self.lost_since_good += 1;
        let at = match pts {
            Some(ts) => self.to_frames(ts.get()).max(0) as f64,
            None => self.out[0].len() as f64,
        };
        self.first_damage_s
            .get_or_insert(at / f64::from(self.sample_rate_hz));
    }

    /// Inserts silence when the next good packet starts later than the last good one ended, so
    /// everything after lost audio keeps its true time. FLAC and MP3 readers resynchronise past
    /// damage without reporting it, so a gap counts as damage even when no error was seen.
    fn fill_gap(&mut self, start: i64) {
        let Some(expected) = self.next_start else {
            return;
        };
        let gap = start - expected;
        // Under a millisecond is timestamp rounding, not lost audio.
        let min_gap = i64::from(self.sample_rate_hz / 1000).max(1);
        let max_gap = MAX_GAP_S as i64 * i64::from(self.sample_rate_hz);
        if gap < min_gap || gap > max_gap {
            return;
        }
        if self.lost_since_good == 0 {
            let per_packet = self.last_packet_frames.max(1);
            self.damaged_packets += ((gap + per_packet - 1) / per_packet) as u64;
            self.first_damage_s
                .get_or_insert(expected as f64 / f64::from(self.sample_rate_hz));
        }
        let len = self.out[0].len() + gap as usize;
        for side in self.out.iter_mut() {
            side.resize(len, 0.0);
        }
        self.silence_frames += gap as u64;
    }

    /// Converts a time-base count to frames at the track's rate (assumes 1/rate if unknown).
    fn to_frames(&self, ts: i64) -> i64 {
        match self.time_base {
            Some(tb) => {
                let num =
                    i128::from(ts) * i128::from(tb.numer.get()) * i128::from(self.sample_rate_hz);
                (num / i128::from(tb.denom.get())) as i64
            }
            None => ts,
        }
    }

    pub(super) fn finish(self) -> Summary {
        let rate = f64::from(self.sample_rate_hz);
        let [left, right] = self.out;
        let got = left.len() as u64;
        let mut notices = Vec::new();
        if let Some(n) = &self.downmix_notice {
            notices.push(n.clone());
        }
        if self.damaged_packets > 0 {
            let plural = if self.damaged_packets == 1 { "" } else { "s" };
            let mut line = format!(
                "skipped {} damaged packet{plural} (first at {:.1} s)",
                self.damaged_packets,
                self.first_damage_s.unwrap_or(0.0)
            );
            if self.silence_frames > 0 {
                line += &format!(
                    "; {:.3} s replaced by silence",
                    self.silence_frames as f64 / rate
                );
            }
            notices.push(line);
        }
        // MP3 readers renumber packets after resynchronising, so a drop leaves no gap in the
        // timestamps; only the shortfall against the declared length shows it.
        let missing = self.declared_frames.map_or(0, |d| d.saturating_sub(got));
        let packet = self.last_packet_frames.max(1) as u64;
        if self.damaged_packets == 0 && missing >= packet {
            notices.push(format!(
                "skipped ~{} damaged packets (position unknown): {:.3} s shorter than the header declares",
                missing.div_ceil(packet),
                missing as f64 / rate
            ));
        }
        if self.nonfinite_samples > 0 {
            notices.push(format!(
                "{} NaN, infinite or out-of-range (beyond +60 dBFS) samples replaced by silence",
                self.nonfinite_samples
            ));
        }
        // "Far fewer" = more than 2 % and more than 0.1 s short: encoder padding and rounding
        // never come close, a file cut short always does.
        let truncation = self.declared_frames.and_then(|declared| {
            let missing = declared.saturating_sub(got);
            let tolerance = (declared / 50).max(u64::from(self.sample_rate_hz) / 10);
            (missing > tolerance).then(|| (declared as f64 / rate, got as f64 / rate))
        });
        Summary {
            audio: AudioBuffer {
                sample_rate_hz: self.sample_rate_hz,
                channels: [left, right],
            },
            source_channels: self.source_channels,
            nonfinite_samples: self.nonfinite_samples,
            notices,
            truncation,
        }
    }
}
