//! Fitting the fewest broad tone moves to a deviation curve, with the chain's own analytic
//! responses ([`ChainParams::tone_response_db`]), so a proposal is exactly what the chain will do.
//!
//! Method: forward selection. Each step tries every move family still free (a tilt, a low shelf, a
//! high shelf, a bell of at least one octave placed an octave or more from any other bell), each
//! over a grid of corner/centre frequencies (1/6 octave apart) and widths; the gain of each candidate is solved in closed form (least squares on
//! the response shape, then one correction with the true response, since an RBJ filter's shape
//! changes slightly with its gain) and bounded. The candidate that lowers the residual most is kept;
//! a step that gains less than [`MIN_STEP_GAIN_DB`] ends the search. Then every kept move is
//! re-solved against the others (coordinate descent, frequencies ±1/6 octave). All residuals are
//! compared with their mean removed: loudness normalisation after the chain takes away any offset.

use crate::dsp::{Bell as DspBell, ChainParams};
use crate::project::CurvePoint;
use serde::{Deserialize, Serialize};

/// A step of forward selection must lower the residual RMS by at least this, dB; a move that does
/// less is not worth the user's attention.
pub const MIN_STEP_GAIN_DB: f64 = 0.2;
/// Widest allowed bell quality factor: Q √2 is one octave between the half-gain points (RBJ).
pub const MAX_BELL_Q: f64 = std::f64::consts::SQRT_2;
/// Closest two proposed bells may be, octaves.
pub const MIN_BELL_SPACING_OCT: f64 = 1.0;
/// Pivot of a proposed tilt, Hz (the chain's default).
pub const TILT_PIVOT_HZ: f64 = 1000.0;

/// One tone move, in the units of the project's `ToneSettings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToneMoveKind {
    /// Tilt around `pivot_hz`; `gain_db` is the difference between the high and low asymptotes.
    Tilt { gain_db: f64, pivot_hz: f64 },
    /// Low shelf with its half-gain corner at `freq_hz`.
    LowShelf { freq_hz: f64, gain_db: f64 },
    /// High shelf with its half-gain corner at `freq_hz`.
    HighShelf { freq_hz: f64, gain_db: f64 },
    /// Bell (RBJ peaking EQ), `q` ≤ √2 (one octave or wider).
    Bell { freq_hz: f64, gain_db: f64, q: f64 },
    /// A linear-phase match curve for what the broad moves leave, stored in the project as
    /// proposed (at full amount): smoothed over an octave, within ±`max_db`.
    MatchCurve {
        max_db: f64,
        points: Vec<CurvePoint>,
    },
}

impl ToneMoveKind {
    /// The move's gain parameter, dB (0 for the match curve, whose gain is a curve).
    pub fn gain_db(&self) -> f64 {
        match *self {
            ToneMoveKind::Tilt { gain_db, .. }
            | ToneMoveKind::LowShelf { gain_db, .. }
            | ToneMoveKind::HighShelf { gain_db, .. }
            | ToneMoveKind::Bell { gain_db, .. } => gain_db,
            ToneMoveKind::MatchCurve { .. } => 0.0,
        }
    }

    /// The same move with another gain (the match curve is unchanged).
    pub fn with_gain(&self, g: f64) -> Self {
        match *self {
            ToneMoveKind::Tilt { pivot_hz, .. } => ToneMoveKind::Tilt {
                gain_db: g,
                pivot_hz,
            },
            ToneMoveKind::LowShelf { freq_hz, .. } => ToneMoveKind::LowShelf {
                freq_hz,
                gain_db: g,
            },
            ToneMoveKind::HighShelf { freq_hz, .. } => ToneMoveKind::HighShelf {
                freq_hz,
                gain_db: g,
            },
            ToneMoveKind::Bell { freq_hz, q, .. } => ToneMoveKind::Bell {
                freq_hz,
                gain_db: g,
                q,
            },
            ToneMoveKind::MatchCurve { .. } => self.clone(),
        }
    }

    /// Writes this parametric move into `p` (the match curve is not part of `ChainParams`' tone).
    pub fn write_into(&self, p: &mut ChainParams, bell_slot: &mut usize) {
        match *self {
            ToneMoveKind::Tilt { gain_db, pivot_hz } => {
                p.tilt_db = gain_db;
                p.tilt_pivot_hz = pivot_hz;
            }
            ToneMoveKind::LowShelf { freq_hz, gain_db } => {
                p.low_shelf_freq_hz = freq_hz;
                p.low_shelf_gain_db = gain_db;
            }
            ToneMoveKind::HighShelf { freq_hz, gain_db } => {
                p.high_shelf_freq_hz = freq_hz;
                p.high_shelf_gain_db = gain_db;
            }
            ToneMoveKind::Bell {
                freq_hz,
                gain_db,
                q,
            } => {
                if let Some(slot) = p.bells.get_mut(*bell_slot) {
                    *slot = DspBell {
                        enabled: gain_db != 0.0,
                        freq_hz,
                        gain_db,
                        q,
                    };
                    *bell_slot += 1;
                }
            }
            ToneMoveKind::MatchCurve { .. } => {}
        }
    }

    /// The chain's response of this move alone on `bands_hz`, dB (zeros for the match curve).
    pub fn response_db(&self, bands_hz: &[f64], rate_hz: f64) -> Vec<f64> {
        let mut p = ChainParams::default();
        self.write_into(&mut p, &mut 0);
        bands_hz
            .iter()
            .map(|&f| p.tone_response_db(f, rate_hz))
            .collect()
    }

    /// Family of the move (one tilt, one of each shelf, several bells).
    fn family(&self) -> Family {
        match self {
            ToneMoveKind::Tilt { .. } => Family::Tilt,
            ToneMoveKind::LowShelf { .. } => Family::LowShelf,
            ToneMoveKind::HighShelf { .. } => Family::HighShelf,
            ToneMoveKind::Bell { .. } => Family::Bell,
            ToneMoveKind::MatchCurve { .. } => Family::Match,
        }
    }

    /// The same shape moved by `steps` grid steps (1/6 octave) in frequency, within its family's range.
    fn shifted(&self, steps: i32) -> Self {
        let k = 2f64.powf(steps as f64 / 6.0);
        match *self {
            ToneMoveKind::LowShelf { freq_hz, gain_db } => ToneMoveKind::LowShelf {
                freq_hz: (freq_hz * k).clamp(LOW_SHELF_HZ.0, LOW_SHELF_HZ.1),
                gain_db,
            },
            ToneMoveKind::HighShelf { freq_hz, gain_db } => ToneMoveKind::HighShelf {
                freq_hz: (freq_hz * k).clamp(HIGH_SHELF_HZ.0, HIGH_SHELF_HZ.1),
                gain_db,
            },
            ToneMoveKind::Bell {
                freq_hz,
                gain_db,
                q,
            } => ToneMoveKind::Bell {
                freq_hz: (freq_hz * k).clamp(BELL_HZ.0, BELL_HZ.1),
                gain_db,
                q,
            },
            _ => self.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Tilt,
    LowShelf,
    HighShelf,
    Bell,
    Match,
}

/// Corner range of proposed low shelves, Hz.
const LOW_SHELF_HZ: (f64, f64) = (40.0, 400.0);
/// Corner range of proposed high shelves, Hz.
const HIGH_SHELF_HZ: (f64, f64) = (1500.0, 12000.0);
/// Centre range of proposed bells, Hz.
const BELL_HZ: (f64, f64) = (50.0, 12000.0);
/// Widths tried for bells (Q; all one octave or wider).
const BELL_QS: [f64; 4] = [0.5, 0.7, 1.0, MAX_BELL_Q];

/// Bounds and goals of a fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitLimits {
    /// No move's own response may exceed this anywhere in 20 Hz–20 kHz, dB.
    pub max_move_db: f64,
    /// The search stops once the residual RMS is at or below this, dB.
    pub goal_db: f64,
    /// Most bells in one proposal (the chain has four).
    pub max_bells: usize,
    /// Rate the chain will run at, Hz.
    pub rate_hz: f64,
}

/// The moves found and what they leave.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Moves in the order they were found (most useful first).
    pub moves: Vec<ToneMoveKind>,
    /// Combined response of the moves per band, dB (the chain's, exactly).
    pub response_db: Vec<f64>,
    /// RMS of `wanted − response` over the fitted bands, mean removed, dB.
    pub residual_db: f64,
}

/// RMS of `v` over the bands where `mask` is set, its mean there removed, dB.
pub fn centered_rms(v: &[f64], mask: &[bool]) -> f64 {
    let (n, sum) = v
        .iter()
        .zip(mask)
        .filter(|(_, &m)| m)
        .fold((0usize, 0.0), |(n, s), (x, _)| (n + 1, s + x));
    if n == 0 {
        return 0.0;
    }
    let mean = sum / n as f64;
    let ss: f64 = v
        .iter()
        .zip(mask)
        .filter(|(_, &m)| m)
        .map(|(x, _)| (x - mean).powi(2))
        .sum();
    (ss / n as f64).sqrt()
}

/// Mean of `v` where `mask` is set (0 if none).
pub fn masked_mean(v: &[f64], mask: &[bool]) -> f64 {
    let (n, s) = v
        .iter()
        .zip(mask)
        .filter(|(_, &m)| m)
        .fold((0usize, 0.0), |(n, s), (x, _)| (n + 1, s + x));
    if n == 0 {
        0.0
    } else {
        s / n as f64
    }
}

/// Least-squares gain scale of `shape` onto `target`, both mean-removed over `mask`.
fn project(target: &[f64], shape: &[f64], mask: &[bool]) -> f64 {
    let (mt, ms) = (masked_mean(target, mask), masked_mean(shape, mask));
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..target.len() {
        if mask[i] {
            num += (target[i] - mt) * (shape[i] - ms);
            den += (shape[i] - ms).powi(2);
        }
    }
    if den > 1e-12 {
        num / den
    } else {
        0.0
    }
}

/// Fits moves to `wanted_db` (the change each band should get, dB) over the bands in `mask`.
/// For many fits on one grid, build a [`Fitter`] once instead.
pub fn fit_moves(bands_hz: &[f64], wanted_db: &[f64], mask: &[bool], lim: &FitLimits) -> Fit {
    Fitter::new(bands_hz, mask, *lim).fit(wanted_db)
}

/// Candidate shapes and bounds for one band grid and rate, reusable across tracks.
pub struct Fitter {
    bands_hz: Vec<f64>,
    mask: Vec<bool>,
    lim: FitLimits,
    grid: Vec<f64>,
    /// (unit-gain move, response per dB of gain on `bands_hz`, gain bound).
    candidates: Vec<(ToneMoveKind, Vec<f64>, f64)>,
}

/// Most selection steps (a tilt, two shelves and the bells fit in fewer).
const MAX_STEPS: usize = 8;
/// How many of the best linear estimates are solved exactly at each step.
const SHORTLIST: usize = 6;

impl Fitter {
    /// Prepares the candidates for `bands_hz` (fitted where `mask` is set) under `lim`.
    pub fn new(bands_hz: &[f64], mask: &[bool], lim: FitLimits) -> Fitter {
        let mut f = Fitter {
            bands_hz: bands_hz.to_vec(),
            mask: mask.to_vec(),
            lim,
            grid: band_grid(),
            candidates: Vec::new(),
        };
        f.candidates = prototypes()
            .into_iter()
            .map(|m| {
                let (shape, limit) = f.shape_and_limit(&m);
                (m, shape, limit)
            })
            .collect();
        f
    }

    /// Fits moves to `wanted_db` (the change each band should get, dB).
    pub fn fit(&self, wanted_db: &[f64]) -> Fit {
        let n = self.bands_hz.len();
        let mask = &self.mask[..];
        let mut moves: Vec<ToneMoveKind> = Vec::new();
        let mut responses: Vec<Vec<f64>> = Vec::new();
        let sum_except = |responses: &[Vec<f64>], skip: Option<usize>| -> Vec<f64> {
            (0..n)
                .map(|i| {
                    responses
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| Some(*k) != skip)
                        .map(|(_, r)| r[i])
                        .sum()
                })
                .collect()
        };
        let residual_of =
            |resp: &[f64]| -> Vec<f64> { wanted_db.iter().zip(resp).map(|(w, r)| w - r).collect() };
        let mut rms = centered_rms(wanted_db, mask);
        let mut steps = 0;
        while rms > self.lim.goal_db && steps < MAX_STEPS {
            steps += 1;
            let resid = residual_of(&sum_except(&responses, None));
            let free = |c: &ToneMoveKind| match c.family() {
                Family::Bell => {
                    moves.iter().filter(|m| m.family() == Family::Bell).count() < self.lim.max_bells
                        && bell_clear(c, moves.iter())
                }
                f => !moves.iter().any(|m| m.family() == f),
            };
            // Screen every candidate with its linear estimate, then solve the best few exactly.
            let mut screened: Vec<(f64, usize)> = self
                .candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| free(&c.0))
                .map(|(i, (_, shape, limit))| {
                    let g = project(&resid, shape, mask).clamp(-limit, *limit);
                    let e: Vec<f64> = resid.iter().zip(shape).map(|(a, s)| a - g * s).collect();
                    (centered_rms(&e, mask), i)
                })
                .collect();
            screened.sort_by(|a, b| a.0.total_cmp(&b.0));
            let best = screened
                .iter()
                .take(SHORTLIST)
                .map(|&(_, i)| {
                    let (m, shape, limit) = &self.candidates[i];
                    self.solve(m, shape, *limit, &resid)
                })
                .min_by(|a, b| a.2.total_cmp(&b.2));
            let Some((m, r, new_rms)) = best else { break };
            if rms - new_rms < MIN_STEP_GAIN_DB {
                break;
            }
            moves.push(m);
            responses.push(r);
            // Re-solve every move against the others: an earlier one may now be too strong.
            for _ in 0..2 {
                for j in 0..moves.len() {
                    let resid = residual_of(&sum_except(&responses, Some(j)));
                    let (m, r, _) = [-1, 0, 1]
                        .into_iter()
                        .filter(|&s| {
                            s == 0
                                || bell_clear(
                                    &moves[j].shifted(s),
                                    moves
                                        .iter()
                                        .enumerate()
                                        .filter(|(k, _)| *k != j)
                                        .map(|x| x.1),
                                )
                        })
                        .map(|s| {
                            let shifted = moves[j].shifted(s).with_gain(1.0);
                            let (shape, limit) = self.shape_and_limit(&shifted);
                            self.solve(&shifted, &shape, limit, &resid)
                        })
                        .min_by(|a, b| a.2.total_cmp(&b.2))
                        .expect("the unshifted move is always a candidate");
                    moves[j] = m;
                    responses[j] = r;
                }
            }
            let kept: Vec<(ToneMoveKind, Vec<f64>)> = moves
                .drain(..)
                .zip(responses.drain(..))
                .filter(|(m, _)| m.gain_db() != 0.0)
                .collect();
            (moves, responses) = kept.into_iter().unzip();
            rms = centered_rms(&residual_of(&sum_except(&responses, None)), mask);
        }
        // The combined response, computed from all the moves together as the chain runs them.
        let response_db = combined_response_db(&moves, &self.bands_hz, self.lim.rate_hz);
        let residual_db = centered_rms(&residual_of(&response_db), mask);
        Fit {
            moves,
            response_db,
            residual_db,
        }
    }

    /// Response per dB of gain on the fit's bands, and the largest gain magnitude that keeps the
    /// move's own response within the bound over 20 Hz–20 kHz (and within the chain's range).
    fn shape_and_limit(&self, m: &ToneMoveKind) -> (Vec<f64>, f64) {
        let probe = 2.0;
        let rate = self.lim.rate_hz;
        let shape = m
            .with_gain(probe)
            .response_db(&self.bands_hz, rate)
            .iter()
            .map(|r| r / probe)
            .collect();
        let peak = m
            .with_gain(probe)
            .response_db(&self.grid, rate)
            .iter()
            .fold(0.0f64, |a, r| a.max(r.abs()));
        // The gain the user reads is within the bound too: a low shelf's own response at 20 Hz
        // falls a little short of its gain, which would otherwise let "+3.1 dB" through a ±3 bound.
        // A tilt's gain is the span between its ends, so twice the bound.
        let (chain_range, stated) = match m {
            ToneMoveKind::Tilt { .. } => (6.0f64, 2.0 * self.lim.max_move_db),
            _ => (12.0, self.lim.max_move_db),
        };
        let cap = chain_range.min(stated);
        let limit = if peak > 1e-9 {
            (self.lim.max_move_db * probe / peak).min(cap)
        } else {
            cap
        };
        (shape, limit)
    }

    /// The best gain for shape `m` against `resid`: (move, its response, the residual RMS left).
    fn solve(
        &self,
        m: &ToneMoveKind,
        shape: &[f64],
        limit: f64,
        resid: &[f64],
    ) -> (ToneMoveKind, Vec<f64>, f64) {
        let rate = self.lim.rate_hz;
        let mask = &self.mask[..];
        let left = |r: &[f64]| {
            let e: Vec<f64> = resid.iter().zip(r).map(|(a, b)| a - b).collect();
            centered_rms(&e, mask)
        };
        let g = project(resid, shape, mask).clamp(-limit, limit);
        let r = m.with_gain(g).response_db(&self.bands_hz, rate);
        // One correction with the true response (an RBJ shape changes a little with its gain).
        let err: Vec<f64> = resid.iter().zip(&r).map(|(a, b)| a - b).collect();
        let g2 = (g + project(&err, shape, mask)).clamp(-limit, limit);
        let g = if (g2 - g).abs() > 1e-3
            && left(&m.with_gain(g2).response_db(&self.bands_hz, rate)) < left(&r)
        {
            g2
        } else {
            g
        };
        // To what a user would type (0.1 dB), toward zero so the bound still holds.
        let g = (g * 10.0).trunc() / 10.0;
        let r = if g == 0.0 {
            vec![0.0; self.bands_hz.len()]
        } else {
            m.with_gain(g).response_db(&self.bands_hz, rate)
        };
        let rms = left(&r);
        (m.with_gain(g), r, rms)
    }
}

/// The chain's response of `moves` together on `bands_hz` at `rate_hz`, dB (match curves left
/// out: they are not part of `ChainParams`' tone).
pub fn combined_response_db(moves: &[ToneMoveKind], bands_hz: &[f64], rate_hz: f64) -> Vec<f64> {
    let mut p = ChainParams::default();
    let mut slot = 0;
    moves.iter().for_each(|m| m.write_into(&mut p, &mut slot));
    bands_hz
        .iter()
        .map(|&f| p.tone_response_db(f, rate_hz))
        .collect()
}

/// Whether `m` (if a bell) is at least [`MIN_BELL_SPACING_OCT`] from every bell in `others`: two
/// bells at one place would add up past the bound each of them respects.
fn bell_clear<'a>(m: &ToneMoveKind, mut others: impl Iterator<Item = &'a ToneMoveKind>) -> bool {
    let ToneMoveKind::Bell { freq_hz, .. } = *m else {
        return true;
    };
    others.all(|o| match *o {
        ToneMoveKind::Bell { freq_hz: f, .. } => {
            (freq_hz / f).log2().abs() >= MIN_BELL_SPACING_OCT - 1e-9
        }
        _ => true,
    })
}

/// The full 1/6-octave grid, 20 Hz–20 kHz, on which a move's size is checked.
fn band_grid() -> Vec<f64> {
    crate::analysis::spectrum::band_centers_hz()
}

/// Every candidate shape at unit gain.
fn prototypes() -> Vec<ToneMoveKind> {
    let steps = |(lo, hi): (f64, f64)| -> Vec<f64> {
        let n = (6.0 * (hi / lo).log2()).round() as i32;
        (0..=n).map(|k| lo * 2f64.powf(k as f64 / 6.0)).collect()
    };
    let mut out = vec![ToneMoveKind::Tilt {
        gain_db: 1.0,
        pivot_hz: TILT_PIVOT_HZ,
    }];
    out.extend(
        steps(LOW_SHELF_HZ)
            .into_iter()
            .map(|f| ToneMoveKind::LowShelf {
                freq_hz: f,
                gain_db: 1.0,
            }),
    );
    out.extend(
        steps(HIGH_SHELF_HZ)
            .into_iter()
            .map(|f| ToneMoveKind::HighShelf {
                freq_hz: f,
                gain_db: 1.0,
            }),
    );
    for f in steps(BELL_HZ) {
        out.extend(BELL_QS.iter().map(|&q| ToneMoveKind::Bell {
            freq_hz: f,
            gain_db: 1.0,
            q,
        }));
    }
    out
}

#[cfg(test)]
mod tests;
