//! What the transport plays, in order: one track, the album with its gaps, or a transition
//! (the end of one track, the gap, the start of the next). Fixed capacity and `Copy`, so a new
//! program travels to the audio thread inside a command without allocating.

use super::source::SourceKey;

/// Most segments a program holds: a 32-track album with a gap before every track.
pub const MAX_SEGMENTS: usize = 64;

/// A frame of a source, counted from its start or back from its end (track lengths at the
/// engine's rate are only known once decoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    FromStart(u64),
    FromEnd(u64),
}

impl Frame {
    /// The frame index in a source of `frames` frames, clamped to it.
    pub fn resolve(self, frames: u64) -> u64 {
        match self {
            Frame::FromStart(f) => f.min(frames),
            Frame::FromEnd(f) => frames.saturating_sub(f),
        }
    }
}

/// One piece of a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// Frames `from..to` of a source, mastered through its own chain settings.
    Track {
        key: SourceKey,
        from: Frame,
        to: Frame,
    },
    /// Silence of `frames` frames at the engine's rate.
    Gap { frames: u64 },
}

/// An ordered list of segments (at most [`MAX_SEGMENTS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Program {
    segments: [Segment; MAX_SEGMENTS],
    len: usize,
}

impl Default for Program {
    fn default() -> Self {
        Self {
            segments: [Segment::Gap { frames: 0 }; MAX_SEGMENTS],
            len: 0,
        }
    }
}

impl Program {
    /// A whole track.
    pub fn single(key: SourceKey) -> Program {
        let mut p = Program::default();
        p.push(Segment::Track {
            key,
            from: Frame::FromStart(0),
            to: Frame::FromEnd(0),
        });
        p
    }

    /// Frames `from..to` of a track (`to = None`: to its end).
    pub fn span(key: SourceKey, from: u64, to: Option<u64>) -> Program {
        let mut p = Program::default();
        p.push(Segment::Track {
            key,
            from: Frame::FromStart(from),
            to: to.map_or(Frame::FromEnd(0), Frame::FromStart),
        });
        p
    }

    /// Tracks in order, each after its gap in frames, as the exported album plays. Tracks beyond
    /// the capacity are left out.
    pub fn album(tracks: &[(SourceKey, u64)]) -> Program {
        let mut p = Program::default();
        for &(key, gap_frames) in tracks {
            if p.len + 2 > MAX_SEGMENTS {
                break;
            }
            if gap_frames > 0 {
                p.push(Segment::Gap { frames: gap_frames });
            }
            p.push(Segment::Track {
                key,
                from: Frame::FromStart(0),
                to: Frame::FromEnd(0),
            });
        }
        p
    }

    /// The last `span_frames` of `from`, `gap_frames` of silence, the first `span_frames` of `to`.
    pub fn transition(
        from: SourceKey,
        gap_frames: u64,
        to: SourceKey,
        span_frames: u64,
    ) -> Program {
        let mut p = Program::default();
        p.push(Segment::Track {
            key: from,
            from: Frame::FromEnd(span_frames),
            to: Frame::FromEnd(0),
        });
        if gap_frames > 0 {
            p.push(Segment::Gap { frames: gap_frames });
        }
        p.push(Segment::Track {
            key: to,
            from: Frame::FromStart(0),
            to: Frame::FromStart(span_frames),
        });
        p
    }

    fn push(&mut self, segment: Segment) {
        if self.len < MAX_SEGMENTS {
            self.segments[self.len] = segment;
            self.len += 1;
        }
    }

    /// The segments in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments[..self.len]
    }

    /// The segment at `index`, if any.
    pub fn get(&self, index: usize) -> Option<Segment> {
        self.segments().get(index).copied()
    }

    /// Whether a source is played by any segment.
    pub fn uses(&self, key: SourceKey) -> bool {
        self.segments()
            .iter()
            .any(|s| matches!(s, Segment::Track { key: k, .. } if *k == key))
    }

    /// The source keys in play order, each once.
    pub fn keys(&self) -> impl Iterator<Item = SourceKey> + '_ {
        self.segments()
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| match s {
                Segment::Track { key, .. }
                    if !self.segments()[..i]
                        .iter()
                        .any(|t| matches!(t, Segment::Track { key: k, .. } if k == key)) =>
                {
                    Some(*key)
                }
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn album_puts_each_gap_before_its_track() {
        let p = Program::album(&[(1, 0), (2, 96_000), (3, 0)]);
        assert_eq!(p.segments().len(), 4);
        assert_eq!(p.get(1), Some(Segment::Gap { frames: 96_000 }));
        assert_eq!(p.keys().collect::<Vec<_>>(), vec![1, 2, 3]);
    }

    #[test]
    fn transition_spans_the_end_and_the_start() {
        let p = Program::transition(4, 48_000, 5, 240_000);
        let Some(Segment::Track { from, .. }) = p.get(0) else {
            panic!()
        };
        assert_eq!(from.resolve(1_000_000), 760_000);
        assert_eq!(from.resolve(100_000), 0, "a short track plays whole");
        assert_eq!(p.segments().len(), 3);
    }
}
