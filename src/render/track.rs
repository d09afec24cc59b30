//! Offline rendering of one track through the same `dsp::Chain` the engine plays: resample to the
//! output rate, then tone, stereo, gain to target and the true-peak limiter, then fades and the gap.
//!
//! The chain runs at the output rate, so the limiter's true-peak ceiling holds for the file as
//! written (no resampling after it). Loudness targeting is exact: the gain is corrected from the
//! measured loudness of the limited, faded output until it is within 0.03 LU of the target.
//! [`run_chain`] is the reference the faster gain search ([`super::headroom`]) is tested against.

use super::headroom::Headroom;
use super::loudness::integrated_lufs_after_gap;
use crate::dsp::{fade, Chain, ChainParams, GainReduction, MatchKernel};
use crate::media::AudioBuffer;
use crate::units::{signed, unsigned, unsigned_or_dash};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

/// Block size the offline renderer feeds the chain (the chain's output does not depend on it).
pub const BLOCK_FRAMES: usize = 512;
/// Loudness error at which the gain search stops, LU.
pub const LOUDNESS_TOLERANCE_LU: f64 = 0.03;
/// Gains smaller than this are treated as none, dB: far below what targeting needs (±0.1 LU), and
/// it keeps a track that is already on target bit-identical.
pub const GAIN_SNAP_DB: f64 = 0.01;
/// Loudness gained per dB of gain, assumed for the first correction when the limiter is working
/// (LU/dB). Measured on the corpus albums at 2-7 dB of peak reduction: 0.79-0.89. Assuming 1
/// undershoots by about a fifth of the error and costs a third render on most limited tracks.
pub const FIRST_SLOPE_WHEN_LIMITING: f64 = 0.85;
/// The chain's gain range, dB.
pub const MAX_GAIN_DB: f64 = 24.0;

/// One track to render.
#[derive(Debug, Clone)]
pub struct TrackJob {
    /// Tone, stereo and limiter parameters; `gain_db` is computed here.
    pub params: ChainParams,
    /// Match curve (gains dB at 100%, band centres Hz), if any.
    pub match_curve: Option<(Vec<f64>, Vec<f64>)>,
    /// Target integrated loudness, LUFS; `None` renders without gain (silent track).
    pub target_lufs: Option<f64>,
    /// The source's integrated loudness, LUFS, when already measured: it replaces the unity-gain
    /// pass when nothing before the gain stage changes the audio.
    pub source_lufs: Option<f64>,
    pub output_rate_hz: u32,
    pub fade_in_s: f64,
    pub fade_out_s: f64,
    /// Silence written before the track, seconds.
    pub gap_before_s: f64,
    /// Largest peak gain reduction accepted to reach the target, dB.
    pub max_gain_reduction_db: f64,
    /// Also measure the peak-to-loudness ratio after the moves at unity gain, unlimited
    /// ([`RenderedTrack::unity_plr_db`]): one more true-peak pass over the track.
    pub measure_unity_plr: bool,
}

impl TrackJob {
    /// The gap's length in frames at the output rate: the silence the file starts with.
    pub fn gap_frames(&self) -> usize {
        gap_frames(self.gap_before_s, self.output_rate_hz)
    }
}

/// A gap of `gap_before_s` seconds in frames at `rate_hz` (negative reads as none): what the
/// export writes before a track, and where the CD image finds its music again.
pub fn gap_frames(gap_before_s: f64, rate_hz: u32) -> usize {
    (gap_before_s.max(0.0) * f64::from(rate_hz)).round() as usize
}

/// A rendered track in float, at the output rate, before dither.
#[derive(Debug, Clone)]
pub struct RenderedTrack {
    /// The mastered audio, gap included.
    pub audio: AudioBuffer,
    /// Gain applied before the limiter, dB.
    pub gain_db: f64,
    pub gain_reduction: GainReduction,
    /// Loudness of the rendered audio, LUFS.
    pub integrated_lufs: Option<f64>,
    /// When the limit on peak gain reduction held the track below its target: the reduction
    /// reaching the target would have taken, estimated, dB.
    pub held_back_db: Option<f64>,
    /// True peak − integrated loudness after tone, stereo and match, before gain and limiter, dB
    /// (when [`TrackJob::measure_unity_plr`] asked for it and the track has a loudness).
    pub unity_plr_db: Option<f64>,
    pub warnings: Vec<String>,
}

/// What failed while rendering.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Media(#[from] crate::media::MediaError),
    #[error("cancelled")]
    Cancelled,
}

/// Runs the chain over a whole buffer with fixed parameters and returns its time-aligned output
/// (latency removed) and the limiter's gain reduction.
pub fn run_chain(
    input: &AudioBuffer,
    params: &ChainParams,
    kernel: Option<&MatchKernel>,
) -> (AudioBuffer, GainReduction) {
    let mut chain = Chain::new();
    chain.prepare(input.sample_rate_hz as f64, BLOCK_FRAMES);
    chain.set_params(params);
    if let Some(k) = kernel {
        let _ = chain.swap_match_kernel(k.clone());
    }
    // Settles every glide and the kernel crossfade: a render starts in the steady state.
    chain.reset();
    let latency = chain.latency_frames();
    let frames = input.frames();
    let mut out = [
        vec![0.0f32; frames + latency],
        vec![0.0f32; frames + latency],
    ];
    out[0][..frames].copy_from_slice(&input.channels[0]);
    out[1][..frames].copy_from_slice(&input.channels[1]);
    let [left, right] = &mut out;
    for (l, r) in left
        .chunks_mut(BLOCK_FRAMES)
        .zip(right.chunks_mut(BLOCK_FRAMES))
    {
        chain.process(l, r);
    }
    let gr = chain.gain_reduction();
    for ch in out.iter_mut() {
        ch.drain(..latency);
    }
    (
        AudioBuffer {
            sample_rate_hz: input.sample_rate_hz,
            channels: out,
        },
        gr,
    )
}

/// Raised-cosine fades in and out (amplitude), in place (the live engine applies the same
/// [`crate::dsp::fade`] gains).
pub fn apply_fades(audio: &mut AudioBuffer, fade_in_s: f64, fade_out_s: f64) {
    let frames = audio.frames();
    let (fade_in, fade_out) =
        fade::fade_frames(fade_in_s, fade_out_s, audio.sample_rate_hz as f64, frames);
    for ch in audio.channels.iter_mut() {
        fade::apply_track_fades(ch, 0, frames, fade_in, fade_out);
    }
}

/// One channel of [`apply_fades`] (the same [`crate::dsp::fade`] gains as the engine).
fn fade_channel(ch: &mut [f32], rate_hz: f64, fade_in_s: f64, fade_out_s: f64) {
    let frames = ch.len();
    let (fade_in, fade_out) = fade::fade_frames(fade_in_s, fade_out_s, rate_hz, frames);
    fade::apply_track_fades(ch, 0, frames, fade_in, fade_out);
}

/// Integrated loudness (BS.1770-4), LUFS; `None` for silence or less than one gating block.
pub fn integrated_lufs(audio: &AudioBuffer) -> Option<f64> {
    let mut meter = ebur128::EbuR128::new(2, audio.sample_rate_hz, ebur128::Mode::I).ok()?;
    meter
        .add_frames_planar_f32(&[&audio.channels[0], &audio.channels[1]])
        .ok()?;
    meter.loudness_global().ok().filter(|l| l.is_finite())
}

/// The warning for a target `wanted_db` of gain away, beyond the chain's range.
fn range_warning(target_lufs: f64, wanted_db: f64) -> String {
    format!(
        "reaching {} LUFS needs {} dB of gain; the chain allows ±{MAX_GAIN_DB:.0} dB",
        unsigned(target_lufs, 1),
        signed(wanted_db, 1)
    )
}

/// The last gain tried and what it gave.
#[derive(Debug, Clone, Copy)]
struct Tried {
    /// `None`: nothing rendered yet (the loudness is the source's own).
    gain_db: Option<f64>,
    gr: GainReduction,
    lufs: Option<f64>,
}

/// Where the gain search ended.
struct Found {
    /// The try whose render the head holds.
    last: Tried,
    /// When the limit on peak reduction held the track below the target: the reduction the
    /// target would have taken, estimated, dB.
    held_back_db: Option<f64>,
    warnings: Vec<String>,
}

/// The gain search toward `target` (LUFS) from `measured`, the loudness at unity gain, with at
/// most `limit_db` of peak reduction; `start` is what has been rendered so far and `attempt`
/// renders a gain. See [`render_track`].
fn search_gain(
    target: f64,
    measured: f64,
    limit_db: f64,
    start: Tried,
    attempt: &mut dyn FnMut(f64) -> Result<(GainReduction, Option<f64>), RenderError>,
) -> Result<Found, RenderError> {
    let Tried {
        gain_db: mut rendered_at,
        mut gr,
        mut lufs,
    } = start;
    let mut warnings = Vec::new();
    let wanted = target - measured;
    let mut gain_db = wanted.clamp(-MAX_GAIN_DB, MAX_GAIN_DB);
    let range_warned = gain_db != wanted;
    if range_warned {
        warnings.push(range_warning(target, wanted));
    }
    if gain_db.abs() < GAIN_SNAP_DB {
        gain_db = 0.0;
    }
    // The largest gain whose peak reduction stays within the limit, once known.
    let mut cap_db = MAX_GAIN_DB;
    let mut previous = rendered_at.zip(lufs);
    let mut held_back = None;
    // Loudness rises with gain: the accepted tries closest to the target from below
    // (too quiet) and from above (too loud) bracket the gain that reaches it.
    let mut quiet_at: Option<(f64, f64)> = None;
    let mut loud_at: Option<(f64, f64)> = None;
    // LU of loudness per dB of gain at the last try (for the range warning's figure).
    let mut last_slope = 1.0;
    for _ in 0..MAX_ATTEMPTS {
        if rendered_at != Some(gain_db) {
            (gr, lufs) = attempt(gain_db)?;
            rendered_at = Some(gain_db);
        }
        if gr.max_db > 0.0 {
            cap_db = cap_db.min(gain_db + limit_db - gr.max_db);
        }
        if gr.max_db > limit_db + 0.05 {
            // Never crush silently: hold the level back to the limit (and say so below).
            held_back.get_or_insert(gr.max_db);
            gain_db = cap_db;
            continue;
        }
        let Some(now) = lufs else { break };
        let error = target - now;
        if error.abs() <= LOUDNESS_TOLERANCE_LU {
            break;
        }
        if error > 0.0 {
            quiet_at = Some((gain_db, now));
        } else {
            loud_at = Some((gain_db, now));
        }
        let slope = match previous {
            Some((g0, l0)) if (gain_db - g0).abs() > 1e-6 => {
                ((now - l0) / (gain_db - g0)).clamp(0.1, 1.0)
            }
            // One try so far: below the limiter's threshold loudness follows gain 1:1;
            // once it limits, each dB of gain adds less (limited peaks stay put).
            _ if gr.max_db > 0.0 => FIRST_SLOPE_WHEN_LIMITING,
            _ => 1.0,
        };
        last_slope = slope;
        // The chain's range ends here (the warning below says so); checked before the
        // cap, which stands at the range's end until the limiter sets one.
        if (error > 0.0 && gain_db >= MAX_GAIN_DB) || (error < 0.0 && gain_db <= -MAX_GAIN_DB) {
            break;
        }
        if error > 0.0 && gain_db >= cap_db - 1e-9 {
            // Louder needs more reduction than allowed: what it would take, estimated.
            held_back = Some(gr.max_db + error / slope);
            break;
        }
        previous = Some((gain_db, now));
        let mut next = gain_db + error / slope;
        // A slope measured where the limiter flattened loudness (a hot source at unity
        // gain) overshoots by tens of dB: a step out of the bracket falls back on the
        // straight line between its ends instead.
        if let (Some((g_lo, l_lo)), Some((g_hi, l_hi))) = (quiet_at, loud_at) {
            if !(g_lo < next && next < g_hi) {
                next = g_lo + (target - l_lo) * (g_hi - g_lo) / (l_hi - l_lo);
            }
        }
        gain_db = next.clamp(-MAX_GAIN_DB, cap_db.min(MAX_GAIN_DB));
    }
    // Ended at an end of the chain's range with the target beyond it (the first estimate
    // may not have said so: a limited try reads quieter than the gain alone makes it).
    if let (Some(g), Some(now)) = (rendered_at, lufs) {
        let error = target - now;
        let beyond = (error > LOUDNESS_TOLERANCE_LU && g >= MAX_GAIN_DB)
            || (error < -LOUDNESS_TOLERANCE_LU && g <= -MAX_GAIN_DB);
        if beyond && !range_warned {
            warnings.push(range_warning(target, g + error / last_slope));
        }
    }
    let reported_held_back =
        held_back.filter(|_| lufs.is_some_and(|l| target - l > LOUDNESS_TOLERANCE_LU));
    if let Some(needed) = reported_held_back {
        warnings.push(format!(
            "reaching {} LUFS needs about {needed:.1} dB of peak gain reduction (limit {limit_db:.1} dB): rendered at {} instead — consider a lower target",
            unsigned(target, 1),
            unsigned_or_dash(lufs, 1, "LUFS")
        ));
    }
    Ok(Found {
        last: Tried {
            gain_db: rendered_at,
            gr,
            lufs,
        },
        held_back_db: reported_held_back,
        warnings,
    })
}

/// Most gains tried per track. The search usually ends after two or three.
const MAX_ATTEMPTS: usize = 10;

/// Renders one track. `source` may be at any rate; it is resampled to `job.output_rate_hz` first.
///
/// Everything before the gain runs once ([`Headroom`]); the gain search then tries gains on it:
/// the first from the loudness at unity gain, the next by a secant through the last two tries
/// (the limiter only takes loudness away, so loudness rises by at most 1 dB per dB of gain). The
/// limiter's peak reduction grows by exactly 1 dB per dB of gain, so one try tells the largest
/// gain it allows ([`TrackJob::max_gain_reduction_db`]); the search never goes past it.
pub fn render_track(
    source: &AudioBuffer,
    job: &TrackJob,
    cancel: &AtomicBool,
) -> Result<RenderedTrack, RenderError> {
    let rate_hz = job.output_rate_hz;
    let input = if source.sample_rate_hz == rate_hz && rate_hz > 0 {
        Cow::Borrowed(source)
    } else {
        Cow::Owned(crate::media::resample(source, rate_hz)?)
    };
    let kernel = job
        .match_curve
        .as_ref()
        .filter(|_| job.params.match_amount > 0.0)
        .map(|(gains, centres)| MatchKernel::design(gains, centres, rate_hz as f64));
    if cancel.load(Ordering::Relaxed) {
        return Err(RenderError::Cancelled);
    }
    let mut head = Headroom::new(&input, &job.params, kernel.as_ref());
    drop(input);
    let unity_plr_db = job.measure_unity_plr.then(|| head.unity_plr_db()).flatten();
    let mut warnings = Vec::new();
    let gap = job.gap_frames();
    // The gap is part of the file, so it is part of the measurement: silence is gated out, but
    // the 400 ms blocks that straddle its end are not, and they move short tracks by 0.1 LU.
    let mut attempt = |gain_db: f64| -> Result<(GainReduction, Option<f64>), RenderError> {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Cancelled);
        }
        let gr = head.render(gain_db);
        let [l, r] = head.output();
        fade_channel(l, rate_hz as f64, job.fade_in_s, job.fade_out_s);
        fade_channel(r, rate_hz as f64, job.fade_in_s, job.fade_out_s);
        Ok((gr, integrated_lufs_after_gap(gap, l, r, rate_hz)))
    };

    // The basis of gain-to-target is the loudness after tone and stereo, at unity gain. When
    // nothing before the gain stage changes the audio (neutral tone and stereo, no match curve,
    // no fades), that is the source's own loudness, already measured: one try saved.
    let p = &job.params;
    let neutral_params = ChainParams {
        ceiling_dbtp: p.ceiling_dbtp,
        limiter_enabled: p.limiter_enabled,
        limiter_character: p.limiter_character,
        ..ChainParams::default()
    };
    let neutral = ChainParams { gain_db: 0.0, ..*p } == neutral_params
        && kernel.is_none()
        && job.fade_in_s <= 0.0
        && job.fade_out_s <= 0.0;
    let mut rendered_at: Option<f64> = None;
    let mut reported_held_back = None;
    let (mut gr, mut lufs) = match job.source_lufs.filter(|_| neutral) {
        Some(source) => (GainReduction::default(), Some(source)),
        None => {
            rendered_at = Some(0.0);
            attempt(0.0)?
        }
    };
    match (job.target_lufs, lufs) {
        (Some(target), Some(measured)) => {
            let found = search_gain(
                target,
                measured,
                job.max_gain_reduction_db,
                Tried {
                    gain_db: rendered_at,
                    gr,
                    lufs,
                },
                &mut attempt,
            )?;
            (rendered_at, gr, lufs) = (found.last.gain_db, found.last.gr, found.last.lufs);
            reported_held_back = found.held_back_db;
            warnings.extend(found.warnings);
        }
        (Some(_), None) | (None, _) => {
            warnings.push(
                "no measurable loudness (silent or shorter than 0.4 s): rendered without gain"
                    .into(),
            );
        }
    }

    if rendered_at.is_none() {
        (gr, lufs) = attempt(0.0)?;
        rendered_at = Some(0.0);
    }
    Ok(RenderedTrack {
        audio: head.into_output(gap, rate_hz),
        gain_db: rendered_at.unwrap_or(0.0),
        gain_reduction: gr,
        integrated_lufs: lufs,
        held_back_db: reported_held_back,
        unity_plr_db,
        warnings,
    })
}
