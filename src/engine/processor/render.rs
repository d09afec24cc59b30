//! The rendering half of the processor: one block of the program — the track side through the
//! chain (primed so playback equals the export), the original, the reference, and the declick and
//! monitor crossfade that mix them.

use super::{Processor, BLOCK_FRAMES};
use crate::dsp::fade;
use crate::dsp::units::db_to_gain;
use crate::dsp::MatchKernel;
use crate::engine::program::Segment;
use crate::engine::shared::{AudioEvent, Monitor, Retired};
use crate::engine::source::{Source, SourceKey, SourceSettings};
use std::sync::atomic::Ordering;

/// What one step of the track side did.
enum TrackStep {
    /// Wrote this many frames of mastered and original audio.
    Produced(usize),
    /// Moved to the next segment without output.
    Advanced,
    /// The program is over.
    Ended,
    /// The segment's source is not loaded.
    Waiting(SourceKey),
}

impl Processor {
    /// Renders `n` (≤ BLOCK_FRAMES) frames into `s.out`.
    pub(super) fn render(&mut self, n: usize) {
        let mut k = 0;
        self.shared.waiting.store(false, Ordering::Relaxed);
        while k < n {
            if self.pending.any() && self.declick <= 0.0 {
                self.apply_pending();
            }
            if !self.playing {
                self.declick = 0.0;
                break;
            }
            let mut r = n - k;
            if self.pending.any() {
                let to_silence = (self.declick / self.declick_step).ceil().max(1.0) as usize;
                r = r.min(to_silence);
            }
            let frozen =
                self.monitor == Monitor::Reference && self.mix[0] == 0.0 && self.mix[1] == 0.0;
            let m = if frozen {
                for ch in self.s.mastered.iter_mut().chain(self.s.original.iter_mut()) {
                    ch[k..k + r].fill(0.0);
                }
                r
            } else {
                match self.track_step(k, r) {
                    TrackStep::Produced(m) => m,
                    TrackStep::Advanced => continue,
                    TrackStep::Ended => {
                        self.playing = false;
                        self.at_end = true;
                        self.declick = 0.0;
                        let _ = self.q.events.push(AudioEvent::Ended);
                        break;
                    }
                    TrackStep::Waiting(key) => {
                        self.declick = 0.0;
                        self.shared.waiting.store(true, Ordering::Relaxed);
                        let _ = self.q.events.push(AudioEvent::Waiting(key));
                        break;
                    }
                }
            };
            self.reference_step(k, m);
            self.mix_into_out(k, m);
            self.shared
                .played_frames
                .fetch_add(m as u64, Ordering::Relaxed);
            k += m;
        }
        for ch in self.s.out.iter_mut() {
            ch[k..n].fill(0.0);
        }
    }

    /// The track side of `r` frames at `k`: mastered and original audio of the current segment.
    fn track_step(&mut self, k: usize, r: usize) -> TrackStep {
        let Some(segment) = self.program.get(self.segment) else {
            return TrackStep::Ended;
        };
        match segment {
            Segment::Gap { frames } => {
                if !self.pos_set {
                    self.pos = 0;
                    self.pos_set = true;
                }
                if self.pos >= frames {
                    self.next_segment();
                    return TrackStep::Advanced;
                }
                let m = r.min((frames - self.pos) as usize);
                for ch in self.s.mastered.iter_mut().chain(self.s.original.iter_mut()) {
                    ch[k..k + m].fill(0.0);
                }
                self.pos += m as u64;
                TrackStep::Produced(m)
            }
            Segment::Track { key, from, to } => {
                let Some(slot) = self.slots.find(key) else {
                    return TrackStep::Waiting(key);
                };
                let frames = self.slots.get(slot).map_or(0, |s| s.frames() as u64);
                let (start, end) = (from.resolve(frames), to.resolve(frames));
                if !self.pos_set {
                    self.pos = start;
                    self.pos_set = true;
                }
                self.pos = self.pos.clamp(start, end.max(start));
                if self.pos >= end {
                    self.next_segment();
                    return TrackStep::Advanced;
                }
                let mut m = r.min((end - self.pos) as usize);
                if let Some((a, b)) = self.loop_region {
                    let fade_start = b.saturating_sub(self.declick_frames).max(a);
                    if self.pos < b {
                        if self.pos >= fade_start {
                            if self.pending.seek.is_none() {
                                self.pending.seek = Some((self.segment, a));
                            }
                        } else {
                            m = m.min((fade_start - self.pos) as usize);
                        }
                    }
                }
                if !self.primed {
                    self.prime(slot);
                }
                self.run_track(slot, k, m);
                TrackStep::Produced(m)
            }
        }
    }

    fn next_segment(&mut self) {
        self.segment += 1;
        self.pos = 0;
        self.pos_set = false;
        self.primed = false;
    }

    /// Resets the chain for the source in `slot` at `self.pos` and feeds it one latency of audio
    /// (plus up to one latency before `pos` as context), so its next output is frame `pos`.
    fn prime(&mut self, slot: usize) {
        let Some(key) = self.slots.get(slot).map(|s| s.key) else {
            return;
        };
        if self.chain_key != Some(key) {
            let incoming = self
                .slots
                .get_mut(slot)
                .and_then(|s| s.kernel.take())
                .unwrap_or_else(MatchKernel::off);
            match self.chain.swap_match_kernel(incoming) {
                Ok(old) => {
                    let owner = self.chain_key.and_then(|k| self.slots.find(k));
                    match owner.and_then(|i| self.slots.get_mut(i)) {
                        Some(previous) => previous.kernel = Some(old),
                        None => self.retire(Retired::Kernel(old)),
                    }
                }
                Err(back) => {
                    if let Some(source) = self.slots.get_mut(slot) {
                        source.kernel = Some(back);
                    }
                }
            }
            self.chain_key = Some(key);
        }
        let Some(source) = self.slots.get(slot) else {
            return;
        };
        self.chain.reset();
        self.chain.set_params(&source.settings.params);
        self.last_mastered_lufs = source
            .settings
            .mastered_lufs
            .map(|l| l + source.settings.platform_gain_db);
        let latency = self.chain.latency_frames() as u64;
        let context = if self.pos > 0 {
            latency.min(self.pos)
        } else {
            0
        };
        let mut cursor = self.pos - context;
        let until = self.pos + latency;
        while cursor < until {
            let m = ((until - cursor) as usize).min(BLOCK_FRAMES);
            let [l, r] = &mut self.s.discard;
            copy_source(source, cursor, &mut l[..m], &mut r[..m]);
            self.chain.process(&mut l[..m], &mut r[..m]);
            cursor += m as u64;
        }
        self.input_cursor = until;
        self.primed = true;
    }

    /// Mastered and original audio for frames `pos..pos+m` into `k..k+m` of the scratch.
    fn run_track(&mut self, slot: usize, k: usize, m: usize) {
        let Some(source) = self.slots.get(slot) else {
            return;
        };
        let [ml, mr] = &mut self.s.mastered;
        let (ml, mr) = (&mut ml[k..k + m], &mut mr[k..k + m]);
        copy_source(source, self.input_cursor, ml, mr);
        self.chain.process(ml, mr);
        let [ol, or] = &mut self.s.original;
        let (ol, or) = (&mut ol[k..k + m], &mut or[k..k + m]);
        copy_source(source, self.pos, ol, or);
        let st = &source.settings;
        let platform = st.platform_gain_db.clamp(-40.0, 40.0);
        let match_db = SourceSettings::match_gain_db(st.source_lufs, st.mastered_lufs);
        let g = db_to_gain(match_db + platform) as f32;
        self.last_mastered_lufs = st.mastered_lufs.map(|l| l + platform);
        if platform != 0.0 {
            let gp = db_to_gain(platform) as f32;
            ml.iter_mut().chain(mr.iter_mut()).for_each(|x| *x *= gp);
        }
        ol.iter_mut().chain(or.iter_mut()).for_each(|x| *x *= g);
        let frames = source.frames();
        let rate = self.chain.sample_rate_hz();
        let (fade_in, fade_out) = fade::fade_frames(st.fade_in_s, st.fade_out_s, rate, frames);
        if fade_in > 0 || fade_out > 0 {
            let start = self.pos as usize;
            for ch in [ml, mr, ol, or] {
                fade::apply_track_fades(ch, start, frames, fade_in, fade_out);
            }
        }
        self.pos += m as u64;
        self.input_cursor += m as u64;
    }

    /// The reference, loudness-matched, at its own position, into `k..k+m` (silence when none).
    fn reference_step(&mut self, k: usize, m: usize) {
        let [l, r] = &mut self.s.reference;
        let (l, r) = (&mut l[k..k + m], &mut r[k..k + m]);
        let source = self.reference.and_then(|key| self.slots.by_key(key));
        let audible = self.monitor == Monitor::Reference || self.mix[2] > 0.0;
        match source.filter(|s| audible && s.frames() > 0) {
            Some(source) => {
                let frames = source.frames() as u64;
                let mut done = 0;
                while done < m {
                    // The reference loops, so it can be compared for as long as one listens.
                    self.reference_pos %= frames;
                    let take = ((frames - self.reference_pos) as usize).min(m - done);
                    copy_source(
                        source,
                        self.reference_pos,
                        &mut l[done..done + take],
                        &mut r[done..done + take],
                    );
                    self.reference_pos += take as u64;
                    done += take;
                }
                let gain_db = SourceSettings::match_gain_db(
                    source.settings.source_lufs,
                    self.last_mastered_lufs,
                );
                let g = db_to_gain(gain_db) as f32;
                l.iter_mut().chain(r.iter_mut()).for_each(|x| *x *= g);
            }
            None => {
                l.fill(0.0);
                r.fill(0.0);
            }
        }
    }

    /// Declick and monitor crossfade, per frame, into `s.out[k..k+m]`.
    fn mix_into_out(&mut self, k: usize, m: usize) {
        let fading_out = self.pending.any();
        let chosen = self.monitor.index();
        for i in k..k + m {
            self.declick = if fading_out {
                (self.declick - self.declick_step).max(0.0)
            } else {
                (self.declick + self.declick_step).min(1.0)
            };
            for (j, w) in self.mix.iter_mut().enumerate() {
                *w = if j == chosen {
                    (*w + self.mix_step).min(1.0)
                } else {
                    (*w - self.mix_step).max(0.0)
                };
            }
            let s = &mut self.s;
            let [w0, w1, w2] = self.mix;
            for c in 0..2 {
                let v = w0 * s.mastered[c][i] + w1 * s.original[c][i] + w2 * s.reference[c][i];
                s.out[c][i] = self.declick * v;
            }
        }
    }
}

/// Copies frames `from..from+len` of `source` into `l`/`r`, with silence past its end.
fn copy_source(source: &Source, from: u64, l: &mut [f32], r: &mut [f32]) {
    let frames = source.frames();
    let start = (from as usize).min(frames);
    let avail = (frames - start).min(l.len());
    l[..avail].copy_from_slice(&source.audio.channels[0][start..start + avail]);
    r[..avail].copy_from_slice(&source.audio.channels[1][start..start + avail]);
    l[avail..].fill(0.0);
    r[avail..].fill(0.0);
}
