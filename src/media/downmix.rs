//! Folding any channel layout down to planar stereo.
use symphonia::core::audio::{ChannelLabel, Channels, Position};

/// -3 dB, the ITU-R BS.775 gain for centre and surround channels folded into a front pair.
const MINUS_3DB: f32 = std::f32::consts::FRAC_1_SQRT_2;
/// -6 dB: a single rear/top centre channel is first split into two surrounds (-3 dB each,
/// the BS.775 3/1 -> 3/2 rule) and each of those is then folded in at -3 dB.
const MINUS_6DB: f32 = 0.5;

/// How the source planes of one decoded buffer feed the left and right outputs.
///
/// Mono is duplicated to both sides at unity gain (it is one signal meant for both speakers,
/// not a centre channel to attenuate). Stereo passes through. Anything wider is folded with the
/// ITU-R BS.775-3 stereo downmix:
/// `L' = L + 0.7071 C + 0.7071 Ls`, `R' = R + 0.7071 C + 0.7071 Rs`, LFE dropped.
/// The layout is read from the channel map, so 3.0 (L R C), quad (L R Ls Rs), 5.1 with rear
/// or side surrounds and 7.1 (both rear and side pairs, each at -3 dB) all come out sensibly;
/// a lone rear centre goes to both sides at -6 dB; channels without a known position are spread
/// to both sides at -6 dB. The result is not normalised: a loud 5.1 mix can exceed 0 dBFS, which
/// is left for the mastering chain to handle instead of silently lowering every such file.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Mixer {
    Mono,
    Stereo,
    /// `(left_gain, right_gain)` per source plane.
    Matrix(Vec<(f32, f32)>),
}

impl Mixer {
    /// Chooses the mix for a buffer of `planes` planes carrying `channels`.
    pub(super) fn new(channels: &Channels, planes: usize) -> Self {
        match planes {
            0 | 1 => Mixer::Mono,
            2 => Mixer::Stereo,
            _ => Mixer::Matrix(positions(channels, planes).into_iter().map(gains).collect()),
        }
    }

    /// Appends `frames` frames of `planes` to `out`. Never allocates once `out` has capacity.
    pub(super) fn mix_into(&self, planes: &[Vec<f32>], frames: usize, out: &mut [Vec<f32>; 2]) {
        match self {
            Mixer::Mono => {
                let src = planes.first().map_or(&[][..], |p| &p[..frames]);
                out[0].extend_from_slice(src);
                out[1].extend_from_slice(src);
            }
            Mixer::Stereo => {
                out[0].extend_from_slice(&planes[0][..frames]);
                out[1].extend_from_slice(&planes[1][..frames]);
            }
            Mixer::Matrix(gains) => {
                let start = out[0].len();
                for side in out.iter_mut() {
                    side.resize(start + frames, 0.0);
                }
                let [left, right] = out;
                for (plane, &(gl, gr)) in planes.iter().zip(gains) {
                    add_scaled(&mut left[start..], &plane[..frames], gl);
                    add_scaled(&mut right[start..], &plane[..frames], gr);
                }
            }
        }
    }
}

fn add_scaled(dst: &mut [f32], src: &[f32], gain: f32) {
    if gain != 0.0 {
        for (d, s) in dst.iter_mut().zip(src) {
            *d += gain * s;
        }
    }
}

/// The position of each plane, in plane order. Unlabelled layouts use the WAVE default order
/// (FL FR FC LFE RL RR ...), which is what WAV without a channel mask and most codecs imply.
fn positions(channels: &Channels, planes: usize) -> Vec<Option<Position>> {
    let mask = match channels {
        Channels::Positioned(mask) => Some(*mask),
        Channels::Custom(labels) => {
            return (0..planes)
                .map(|i| match labels.get(i) {
                    Some(ChannelLabel::Positioned(p)) => Some(*p),
                    _ => None,
                })
                .collect();
        }
        _ => Position::from_wave_channel_count(planes as u32),
    };
    let mut out: Vec<Option<Position>> = mask
        .map(|m| m.iter().map(Some).collect())
        .unwrap_or_default();
    out.resize(planes, None);
    out
}

/// `(left, right)` gain for one channel position.
fn gains(pos: Option<Position>) -> (f32, f32) {
    let Some(p) = pos else {
        return (MINUS_6DB, MINUS_6DB);
    };
    let left = Position::FRONT_LEFT | Position::FRONT_LEFT_CENTER;
    let right = Position::FRONT_RIGHT | Position::FRONT_RIGHT_CENTER;
    let left_surround = Position::REAR_LEFT
        | Position::SIDE_LEFT
        | Position::FRONT_LEFT_WIDE
        | Position::TOP_FRONT_LEFT
        | Position::TOP_REAR_LEFT
        | Position::TOP_SIDE_LEFT
        | Position::BOTTOM_FRONT_LEFT;
    let right_surround = Position::REAR_RIGHT
        | Position::SIDE_RIGHT
        | Position::FRONT_RIGHT_WIDE
        | Position::TOP_FRONT_RIGHT
        | Position::TOP_REAR_RIGHT
        | Position::TOP_SIDE_RIGHT
        | Position::BOTTOM_FRONT_RIGHT;
    let centre =
        Position::FRONT_CENTER | Position::TOP_FRONT_CENTER | Position::BOTTOM_FRONT_CENTER;
    let lfe = Position::LFE1 | Position::LFE2;
    if left.contains(p) {
        (1.0, 0.0)
    } else if right.contains(p) {
        (0.0, 1.0)
    } else if centre.contains(p) {
        (MINUS_3DB, MINUS_3DB)
    } else if left_surround.contains(p) {
        (MINUS_3DB, 0.0)
    } else if right_surround.contains(p) {
        (0.0, MINUS_3DB)
    } else if lfe.contains(p) {
        (0.0, 0.0)
    } else {
        // Rear centre, top centre, and Symphonia's extra positions (rear left/right of centre
        // are treated the same way: a rear channel sent equally to both sides).
        (MINUS_6DB, MINUS_6DB)
    }
}

/// One line for `Decoded::notices` describing a downmix, or `None` when nothing was folded.
pub(super) fn notice(mixer: &Mixer, channels: &Channels, planes: usize) -> Option<String> {
    match mixer {
        Mixer::Matrix(_) => Some(format!(
            "downmixed {planes} channels {channels} to stereo (ITU-R BS.775: centre and surrounds \
             at -3 dB, LFE dropped)"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mix(channels: Channels, planes: &[Vec<f32>]) -> [Vec<f32>; 2] {
        let mut out = [Vec::new(), Vec::new()];
        Mixer::new(&channels, planes.len()).mix_into(planes, planes[0].len(), &mut out);
        out
    }

    #[test]
    fn five_one_side_follows_bs775() {
        let layout = Position::FRONT_LEFT
            | Position::FRONT_RIGHT
            | Position::FRONT_CENTER
            | Position::LFE1
            | Position::SIDE_LEFT
            | Position::SIDE_RIGHT;
        // One impulse per channel in its own frame shows every coefficient separately.
        let planes: Vec<Vec<f32>> = (0..6)
            .map(|c| (0..6).map(|i| (i == c) as u8 as f32).collect())
            .collect();
        let [l, r] = mix(Channels::Positioned(layout), &planes);
        let c = MINUS_3DB;
        assert_eq!(l, vec![1.0, 0.0, c, 0.0, c, 0.0]);
        assert_eq!(r, vec![0.0, 1.0, c, 0.0, 0.0, c]);
    }

    #[test]
    fn unlabelled_four_channels_use_wave_order() {
        // WAVE order for 4 channels is FL FR FC LFE.
        let planes: Vec<Vec<f32>> = (0..4).map(|c| vec![c as f32 + 1.0]).collect();
        let [l, r] = mix(Channels::Discrete(4), &planes);
        assert!((l[0] - (1.0 + 3.0 * MINUS_3DB)).abs() < 1e-6);
        assert!((r[0] - (2.0 + 3.0 * MINUS_3DB)).abs() < 1e-6);
    }

    #[test]
    fn seven_one_keeps_both_surround_pairs() {
        let layout = Position::FRONT_LEFT
            | Position::FRONT_RIGHT
            | Position::FRONT_CENTER
            | Position::LFE1
            | Position::REAR_LEFT
            | Position::REAR_RIGHT
            | Position::SIDE_LEFT
            | Position::SIDE_RIGHT;
        let planes: Vec<Vec<f32>> = (0..8).map(|_| vec![1.0]).collect();
        let [l, r] = mix(Channels::Positioned(layout), &planes);
        let expect = 1.0 + 3.0 * MINUS_3DB;
        assert!((l[0] - expect).abs() < 1e-6 && (r[0] - expect).abs() < 1e-6);
    }

    #[test]
    fn mono_is_duplicated_and_stereo_passes() {
        let [l, r] = mix(Channels::Discrete(1), &[vec![0.25, -0.5]]);
        assert_eq!(
            (l.as_slice(), r.as_slice()),
            (&[0.25, -0.5][..], &[0.25, -0.5][..])
        );
        let [l, r] = mix(Channels::Discrete(2), &[vec![0.1], vec![0.2]]);
        assert_eq!((l[0], r[0]), (0.1, 0.2));
        assert!(notice(&Mixer::Stereo, &Channels::Discrete(2), 2).is_none());
    }
}
