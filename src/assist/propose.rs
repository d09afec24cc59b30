//! From analyses to proposals: the target, the tone fit per track, the loudness plan, the
//! translation preview.
//!
//! **Which album average.** The album average moves when tracks change, so aiming every track at
//! the average of the *sources* would be aiming at a point the album leaves as soon as the moves are
//! applied: tracks that are already close get no move and keep pulling the new average toward
//! themselves, while the corrected outliers stop pulling. The target is therefore sought as the
//! fixed point of "the per-band mean (in dB) of every track as it will be after its proposal":
//! start from the per-band median of the tracks (robust: one odd track does not drag the start
//! toward itself and so hide its own difference), fit, average the predicted results, move half way
//! there, fit again, until the target moves less than [`SETTLED_DB`] RMS or [`MAX_PASSES`] are done.
//! Tracks that get no move anchor the target; when every track moves, the fixed point stays near
//! where it started, so the album keeps its typical overall tone. References and built-in curves
//! are fixed targets; a blend mixes the settled album average with them.
//!
//! **Moves.** Broad moves first (tilt, shelves, bells: [`super::fit`]); where they leave more than
//! the tolerance, a stored match curve for what they leave ([`super::residual`]), itself within the
//! bound. Each move stays within ±bound on its own; together they may reach further in one region
//! (a tilt and a shelf both lifting the bass), as two moves an engineer makes would.

use super::curves::GridCurve;
use super::fit::{
    centered_rms, combined_response_db, masked_mean, FitLimits, Fitter, ToneMoveKind,
};
use super::headroom::plan_headroom;
use super::residual::residual_curve;
use super::translation::translation_of;
use super::words::{stacked_reach, tone_reason, Bands};
use super::*;
use crate::analysis::album::Rated;
use crate::analysis::album::TONAL_DEVIATION_RANGE_HZ;
use crate::analysis::{
    after_response, album_stats, compared_bands, references_average, SpectralBalance,
};
use crate::render::params::smooth_one_octave;
use std::collections::HashMap;

/// The album-average target has settled when it moves less than this between passes (RMS over the
/// fitted bands, level removed), dB.
pub const SETTLED_DB: f64 = 0.05;
/// Fraction of the way to the predicted average each pass goes (below 1 so that discrete choices
/// of moves, which can flip between passes, do not make the target oscillate).
const DAMPING: f64 = 0.5;
/// Most passes of the album-average fixed point.
pub const MAX_PASSES: usize = 12;
/// A match curve is added to the broad moves only when it leaves at least this much less deviation, dB.
pub const MATCH_CURVE_ADVANTAGE_DB: f64 = 0.3;
/// With a match curve, a bell is dropped when the curve without it leaves at most this much more
/// deviation, dB: less than anyone hears, and one move fewer, not two fighting.
const BELL_PRUNE_SLACK_DB: f64 = 0.05;

/// The references side of the target.
enum Refs {
    None,
    Spectrum(Vec<f64>, String),
    Corridor(GridCurve, String),
}

/// Proposes tone moves and a loudness plan for the whole album. Pure: analyses in, proposal out.
pub fn propose(input: &AssistInput, opts: &AssistOptions) -> Result<AlbumProposal, AssistError> {
    let project = input.project;
    if project.tracks.is_empty() {
        return Err(AssistError::NoTracks);
    }
    if input.tracks.len() != project.tracks.len() {
        return Err(AssistError::TrackCountMismatch {
            tracks: project.tracks.len(),
            analyses: input.tracks.len(),
        });
    }
    let stats = album_stats(&input.tracks.iter().map(|a| a.as_ref()).collect::<Vec<_>>());
    let bands = stats.average.bands_hz.clone();
    if bands.is_empty() {
        return Err(AssistError::NoAnalysis);
    }
    let usable: Vec<bool> = stats.deviation_db.iter().map(|d| !d.is_empty()).collect();
    let (lo, hi) = TONAL_DEVIATION_RANGE_HZ;
    let mask: Vec<bool> = bands.iter().map(|&f| (lo..=hi).contains(&f)).collect();
    // Which usable tracks each band compares (as the album average does): a band beyond a
    // source's Nyquist (a 22 kHz file has nothing above 10.7 kHz) is not a lack that EQ could make
    // up for. `counts[i][b]`; a track that is not usable counts nowhere.
    let counts: Vec<Vec<bool>> = {
        let rated: Vec<Option<Rated>> = (0..input.tracks.len())
            .map(|i| {
                let a = input.tracks[i].as_ref().filter(|_| usable[i])?;
                Some((&a.spectrum, a.sample_rate_hz))
            })
            .collect();
        let present: Vec<Rated> = rated.iter().flatten().copied().collect();
        let by_band = compared_bands(&present); // [band][present track]
        let mut k = 0; // index among the present tracks
        rated
            .iter()
            .map(|r| {
                let Some(_) = r else {
                    return vec![false; bands.len()];
                };
                k += 1;
                by_band.iter().map(|taken| taken[k - 1]).collect()
            })
            .collect()
    };
    // Each track is fitted over the bands it is compared in.
    let masks: Vec<Vec<bool>> = counts
        .iter()
        .map(|c| mask.iter().zip(c).map(|(&m, &c)| m && c).collect())
        .collect();

    // References: the user's tracks first, else the curve.
    let weighted: Vec<(&TrackAnalysis, f64)> =
        input.references.iter().map(|(a, w)| (a, *w)).collect();
    let user_refs = references_average(&weighted);
    let refs = if user_refs.mid_db.len() == bands.len() {
        Refs::Spectrum(user_refs.mid_db.clone(), "the references".into())
    } else if let Some(c) = input.curve {
        Refs::Corridor(c.on_grid(&bands), format!("the {} corridor", c.title))
    } else {
        Refs::None
    };
    let w_refs = match (opts.target, &refs) {
        (MatchTarget::AlbumAverage, _) => 0.0,
        (_, Refs::None) => return Err(AssistError::NoReferences),
        (MatchTarget::References, _) => 1.0,
        (MatchTarget::Blend, _) => opts.blend.clamp(0.0, 1.0),
    };
    // Short words for the reasons; the target curve carries the full description.
    let (target_words, target_label) = match (&refs, w_refs) {
        (_, 0.0) | (Refs::None, _) => ("the album".to_string(), "the album average".to_string()),
        (Refs::Spectrum(..), 1.0) => ("the references".into(), "the references' average".into()),
        (Refs::Corridor(_, l), 1.0) => ("the reference corridor".into(), l.clone()),
        (Refs::Spectrum(_, l) | Refs::Corridor(_, l), w) => (
            "the target".into(),
            format!(
                "a blend of the album average and {} ({:.0} % references)",
                l.trim_start_matches("the "),
                w * 100.0
            ),
        ),
    };
    let rate_of = |i: usize| -> f64 {
        project
            .settings
            .export
            .sample_rate_hz
            .or(input.tracks[i].as_ref().map(|a| a.sample_rate_hz))
            .unwrap_or(48_000) as f64
    };
    // The match curve's smoothing, and its span in words for the reasons.
    let half_span = super::curve_half_span_bands(opts.narrowest_band_oct);
    let span_words = super::curve_span_words(half_span);
    let lim = |rate_hz: f64| FitLimits {
        max_move_db: opts.max_move_db.abs(),
        goal_db: opts.goal_db.min(opts.tolerance_db),
        max_bells: opts.max_bells.min(4),
        rate_hz,
    };
    let mut fitters: HashMap<(u64, &[bool]), Fitter> = HashMap::new();
    for i in (0..usable.len()).filter(|&i| usable[i]) {
        let r = rate_of(i);
        fitters
            .entry((r.to_bits(), &masks[i]))
            .or_insert_with(|| Fitter::new(&bands, &masks[i], lim(r)));
    }

    // The target for one track with `w_refs` of references: album part, references part (a
    // corridor clamps around the track).
    let target_for = |album: &[f64], track: &[f64], mask: &[bool], w_refs: f64| -> Vec<f64> {
        let offset_to = |reference: &[f64]| masked_mean(track, mask) - masked_mean(reference, mask);
        let refs_part: Option<Vec<f64>> = match &refs {
            Refs::None => None,
            Refs::Spectrum(r, _) => Some(r.clone()),
            Refs::Corridor(c, _) => {
                let off = offset_to(&c.mid_db);
                Some(
                    (0..bands.len())
                        .map(|b| track[b].clamp(c.lower_db[b] + off, c.upper_db[b] + off) - off)
                        .collect(),
                )
            }
        };
        match refs_part {
            Some(r) if w_refs > 0.0 => {
                // Blend shapes with the levels aligned, so the weight mixes tone, not offset.
                let off = masked_mean(album, mask) - masked_mean(&r, mask);
                (0..bands.len())
                    .map(|b| (1.0 - w_refs) * album[b] + w_refs * (r[b] + off))
                    .collect()
            }
            _ => album.to_vec(),
        }
    };

    struct Outcome {
        moves: Vec<ToneMoveKind>,
        response_db: Vec<f64>,
        wanted_db: Vec<f64>,
        before_db: f64,
        after_db: f64,
        broad_after_db: Option<f64>,
        broad_db: f64,
        fine_db: f64,
    }
    let n = project.tracks.len();
    // The start is the per-band median of the tracks, not their mean: an odd track must not pull
    // the start toward itself, or it would look close to a target it helped to make.
    let mut album: Vec<f64> = (0..bands.len())
        .map(|b| {
            let mut v: Vec<f64> = (0..n)
                .filter(|&i| counts[i][b])
                .filter_map(|i| input.tracks[i].as_ref())
                .map(|a| a.spectrum.mid_db[b])
                .collect();
            v.sort_by(|x, y| x.total_cmp(y));
            let m = v.len();
            if m == 0 {
                crate::analysis::spectrum::FLOOR_DB
            } else if m % 2 == 1 {
                v[m / 2]
            } else {
                0.5 * (v[m / 2 - 1] + v[m / 2])
            }
        })
        .collect();
    // One track's moves toward `album`. `realise`: the stored curve's response is the one its FIR
    // really has (designing FIRs costs time, so the passes use the curve as drawn and only the
    // final proposal is realised).
    let outcome = |i: usize, album: &[f64], w_refs: f64, realise: bool| -> Option<Outcome> {
        let a = input.tracks[i].as_ref().filter(|_| usable[i])?;
        let mask = &masks[i];
        let mid = &a.spectrum.mid_db;
        let target = target_for(album, mid, mask, w_refs);
        // Nothing is wanted of a band the track is not compared in.
        let wanted: Vec<f64> = (0..bands.len())
            .map(|b| {
                if counts[i][b] {
                    target[b] - mid[b]
                } else {
                    0.0
                }
            })
            .collect();
        let before = centered_rms(&wanted, mask);
        let broad = broad_peak_db(&wanted, mask);
        let fine = finer_than_db(&wanted, mask, half_span);
        if broad <= opts.tolerance_db {
            return Some(Outcome {
                moves: Vec::new(),
                response_db: vec![0.0; bands.len()],
                wanted_db: wanted,
                before_db: before,
                after_db: before,
                broad_after_db: None,
                broad_db: broad,
                fine_db: fine,
            });
        }
        let fit = fitters[&(rate_of(i).to_bits(), mask.as_slice())].fit(&wanted);
        let mut out = Outcome {
            moves: fit.moves,
            response_db: fit.response_db,
            wanted_db: wanted.clone(),
            before_db: before,
            after_db: fit.residual_db,
            broad_after_db: None,
            broad_db: broad,
            fine_db: fine,
        };
        // What the broad moves cannot follow (narrower shapes, or more than one move's
        // bound in one region) goes to a stored match curve, itself within the bound.
        if opts.allow_match_curve && out.after_db > opts.tolerance_db {
            let rate_hz = rate_of(i);
            // A set of broad moves with the curve for what it leaves, drawn or (with `at_rate`)
            // as the FIR at that rate applies it: (moves, their response, the deviation they
            // leave, the curve, its points, the deviation left with it).
            let with_curve_of = |broad: Vec<ToneMoveKind>, at_rate: Option<f64>| {
                let response = combined_response_db(&broad, &bands, rate_hz);
                let left: Vec<f64> = wanted.iter().zip(&response).map(|(w, r)| w - r).collect();
                let broad_after = centered_rms(&left, mask);
                let (curve, points) = residual_curve(
                    &bands,
                    &left,
                    mask,
                    opts.max_move_db.abs(),
                    half_span,
                    at_rate,
                );
                let rest: Vec<f64> = left.iter().zip(&curve).map(|(l, c)| l - c).collect();
                let after = centered_rms(&rest, mask);
                (broad, response, broad_after, curve, points, after)
            };
            // A bell the curve would partly undo (a +3 dB bell under a −3 dB stretch of curve)
            // is two moves fighting: dropped when the curve alone does as well without it
            // (judged on the drawn curve, which is cheap).
            let drawn_after = |broad: &[ToneMoveKind]| with_curve_of(broad.to_vec(), None).5;
            let mut broad = out.moves.clone();
            let mut with_curve = drawn_after(&broad);
            for k in (0..broad.len()).rev() {
                if !matches!(broad[k], ToneMoveKind::Bell { .. }) {
                    continue;
                }
                let mut fewer = broad.clone();
                fewer.remove(k);
                let after = drawn_after(&fewer);
                if after <= with_curve + BELL_PRUNE_SLACK_DB {
                    broad = fewer;
                    with_curve = after;
                }
            }
            let at_rate = realise.then_some(rate_hz);
            let all = with_curve_of(out.moves.clone(), at_rate);
            // Whether a curve is worth adding is decided with every broad move kept; then fewer
            // moves are taken if, realised (the FIR cannot follow fast turns in the bass, so the
            // drawn curve may promise more), they still do as well.
            if all.5 + MATCH_CURVE_ADVANTAGE_DB < out.after_db {
                let chosen = if broad.len() < out.moves.len() {
                    let fewer = with_curve_of(broad, at_rate);
                    if fewer.5 <= all.5 + BELL_PRUNE_SLACK_DB {
                        fewer
                    } else {
                        all
                    }
                } else {
                    all
                };
                let (broad, response, broad_after, curve, points, after) = chosen;
                out.broad_after_db = Some(broad_after);
                out.moves = broad;
                out.moves.push(ToneMoveKind::MatchCurve {
                    max_db: opts.max_move_db.abs(),
                    points,
                });
                out.response_db = response.iter().zip(&curve).map(|(r, c)| r + c).collect();
                out.after_db = after;
            }
        }
        Some(out)
    };
    let mut outcomes: Vec<Option<Outcome>>;
    let mut passes = 0;
    loop {
        passes += 1;
        // The album part settles as the album aimed at itself: with the blend in the passes, every
        // pass would pull the "album" toward the references and any blend above 0 would end at
        // the references.
        outcomes = (0..n).map(|i| outcome(i, &album, 0.0, false)).collect();
        if w_refs >= 1.0 || passes >= MAX_PASSES {
            break;
        }
        // The album as it will be: each track's curve after its moves, renormalised to its loudness.
        let predicted: Vec<(SpectralBalance, u32)> = (0..n)
            .filter_map(|i| {
                let o = outcomes[i].as_ref()?;
                let a = input.tracks[i].as_ref()?;
                let after = after_response(&a.spectrum, &o.response_db, rate_of(i));
                Some((after, a.sample_rate_hz))
            })
            .collect();
        let next = mean_mid_db(&predicted);
        let shift: Vec<f64> = next.iter().zip(&album).map(|(a, b)| a - b).collect();
        let moved = centered_rms(&shift, &mask);
        album = album
            .iter()
            .zip(&next)
            .map(|(a, n)| a + DAMPING * (n - a))
            .collect();
        if moved < SETTLED_DB {
            break;
        }
    }

    let outcomes: Vec<Option<Outcome>> = (0..n).map(|i| outcome(i, &album, w_refs, true)).collect();
    let tracks: Vec<TrackProposal> = project
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let number = i + 1;
            let replaces_settings = has_tone_settings(&t.tone);
            let base = TrackProposal {
                track_id: t.id,
                number,
                title: t.title.clone(),
                moves: Vec::new(),
                amount: 1.0,
                deviation_db: None,
                predicted_deviation_db: None,
                summary: String::new(),
                replaces_settings: false,
                wanted_db: Vec::new(),
            };
            let Some(o) = &outcomes[i] else {
                return TrackProposal {
                    summary: format!("Track {number} has no spectrum (silent, too short or unreadable) → no proposal"),
                    ..base
                };
            };
            // Each reason speaks of what the moves above it leave, in the order the user reads
            // them: a bell that gives back what a tilt took is explained by the tilt, not by a
            // deviation the source never had.
            let mut left = o.wanted_db.clone();
            let moves: Vec<ToneMove> = o
                .moves
                .iter()
                .enumerate()
                .map(|(k, m)| {
                    let reason = tone_reason(
                        number,
                        &target_words,
                        m,
                        &Bands {
                            hz: &bands,
                            mask: &masks[i],
                            curve_span: &span_words,
                        },
                        &left,
                        k > 0,
                    );
                    for (l, r) in left.iter_mut().zip(m.response_db(&bands, rate_of(i))) {
                        *l -= r;
                    }
                    ToneMove {
                        kind: m.clone(),
                        reason,
                        accepted: true,
                    }
                })
                .collect();
            let summary = if moves.is_empty() {
                format!(
                    "Track {number} stays within ±{:.1} dB of {target_words} (octave-smoothed; tolerance ±{:.1} dB) → no move",
                    o.broad_db, opts.tolerance_db
                )
            } else {
                let broad = o.broad_after_db.map_or(String::new(), |b| {
                    format!("; {b:.1} dB without the curve")
                });
                // Named when the track ends beyond the goal and it is most of what is left: it is
                // why the track goes no closer.
                let fine = if o.after_db > opts.goal_db && o.fine_db >= 0.5 * o.after_db {
                    format!(" (detail finer than {span_words}, which no move here follows: {:.1} dB)", o.fine_db)
                } else {
                    String::new()
                };
                format!(
                    "Track {number} is {:.1} dB from {target_words} → {} move{}, {:.1} dB left{fine}{broad}{}",
                    o.before_db,
                    moves.len(),
                    if moves.len() == 1 { "" } else { "s" },
                    o.after_db,
                    stacked_reach(&o.response_db, &bands, &masks[i], opts.max_move_db.abs()),
                )
            };
            TrackProposal {
                replaces_settings: replaces_settings && !moves.is_empty(),
                moves,
                deviation_db: Some(o.before_db),
                predicted_deviation_db: Some(o.after_db),
                summary,
                wanted_db: o.wanted_db.clone(),
                ..base
            }
        })
        .collect();

    let final_target = (0..n)
        .find_map(|i| {
            let a = input.tracks[i].as_ref().filter(|_| usable[i])?;
            Some(target_for(&album, &a.spectrum.mid_db, &masks[i], w_refs))
        })
        .unwrap_or_else(|| album.clone());
    let target = TargetCurve {
        label: target_label,
        bands_hz: bands.clone(),
        mid_db: match &refs {
            Refs::Corridor(c, _) if w_refs >= 1.0 => c.mid_db.clone(),
            _ => final_target,
        },
        corridor_db: match &refs {
            Refs::Corridor(c, _) if w_refs > 0.0 => Some((c.lower_db.clone(), c.upper_db.clone())),
            _ => None,
        },
    };
    let headroom = plan_headroom(project, input.tracks, opts.max_spread_lu, &[]);
    let translation = translation_of(&headroom);
    Ok(AlbumProposal {
        amount: opts.amount.clamp(0.0, 1.0),
        max_move_db: opts.max_move_db.abs(),
        tolerance_db: opts.tolerance_db,
        narrowest_band_oct: opts.narrowest_band_oct,
        target,
        target_passes: passes,
        tracks,
        headroom,
        translation,
    })
}

/// Largest |deviation| over the masked bands after smoothing over one octave (triangular, ±1/2
/// octave) and removing the level: how far the track's broad balance strays, dB.
pub(super) fn broad_peak_db(v: &[f64], mask: &[bool]) -> f64 {
    let smoothed = smooth_one_octave(v, |j| mask[j]);
    let mean = masked_mean(&smoothed, mask);
    smoothed
        .iter()
        .zip(mask)
        .filter(|(_, &m)| m)
        .fold(0.0f64, |acc, (x, _)| acc.max((x - mean).abs()))
}

/// RMS (over the masked bands, level removed) of what smoothing as the match curve is smoothed
/// (±`half_span` bands; 3: over one octave) takes out of a deviation: detail (notes, resonances)
/// that no bounded broad move and no such curve follows, so the least a track can be left with, dB.
pub(super) fn finer_than_db(v: &[f64], mask: &[bool], half_span: usize) -> f64 {
    let smoothed = crate::render::params::smooth_triangle(v, half_span, |j| mask[j]);
    let fine: Vec<f64> = v.iter().zip(&smoothed).map(|(x, s)| x - s).collect();
    centered_rms(&fine, mask)
}

/// Whether a track's tone EQ is not neutral (trim is not tone EQ and is kept by `apply`).
fn has_tone_settings(t: &crate::project::ToneSettings) -> bool {
    t.tilt_db != 0.0
        || t.low_shelf.gain_db != 0.0
        || t.high_shelf.gain_db != 0.0
        || t.bells.iter().any(|b| b.gain_db != 0.0)
        || t.match_eq.amount > 0.0
}

/// Per-band mean of the mid curves in dB. Not the power average: a power average sits above the
/// tracks wherever they disagree, by more the more they disagree, so a target chasing it drifts
/// by that excess every pass and never settles; the mean in dB settles once what the moves cannot
/// follow averages out over the tracks (and is the least-squares centre of the tracks).
/// `curves`: each with its source's rate; in each band only the curves [`compared_bands`]
/// takes count.
fn mean_mid_db(curves: &[(SpectralBalance, u32)]) -> Vec<f64> {
    let rated: Vec<Rated> = curves.iter().map(|(c, r)| (c, *r)).collect();
    compared_bands(&rated)
        .iter()
        .enumerate()
        .map(|(b, taken)| {
            let held: Vec<f64> = curves
                .iter()
                .zip(taken)
                .filter(|(_, &t)| t)
                .map(|((c, _), _)| c.mid_db[b])
                .collect();
            if held.is_empty() {
                crate::analysis::spectrum::FLOOR_DB
            } else {
                held.iter().sum::<f64>() / held.len() as f64
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::spectrum::band_centers_hz;

    #[test]
    fn detail_finer_than_an_octave_is_told_from_broad_balance() {
        let bands = band_centers_hz();
        let mask: Vec<bool> = bands
            .iter()
            .map(|&f| (40.0..=16_000.0).contains(&f))
            .collect();
        // A straight tilt is all broad balance.
        let tilt: Vec<f64> = bands.iter().map(|&f| 1.5 * (f / 1000.0).log2()).collect();
        assert!(finer_than_db(&tilt, &mask, 3) < 0.2);
        // ±3 dB from one 1/6-octave band to the next is all detail.
        let comb: Vec<f64> = (0..bands.len())
            .map(|i| if i % 2 == 0 { 3.0 } else { -3.0 })
            .collect();
        let fine = finer_than_db(&comb, &mask, 3);
        assert!((2.5..=3.1).contains(&fine), "{fine}");
        // Both together: the detail is the comb's.
        let both: Vec<f64> = tilt.iter().zip(&comb).map(|(a, b)| a + b).collect();
        assert!((finer_than_db(&both, &mask, 3) - fine).abs() < 0.2);
    }
}
