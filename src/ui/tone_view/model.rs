//! Everything the tone view draws, computed once per input in `ToneView::set` (never in
//! `draw`): the per-band curves of mid and side, the EQ response through the real chain
//! (`ChainParams::tone_response_db` and `match_response_db`), and a denser response curve for
//! the EQ strip.

use super::axes::{db_range, F_MAX_HZ, F_MIN_HZ};
use super::ToneInput;
use crate::analysis::SpectralBalance;
use crate::project::{MatchTarget, ToneSettings};
use crate::render::params::{match_kernel_for, match_target, tone_params, tone_response_with};

/// The sample rate the response is evaluated at, Hz (the engine's usual rate; the biquads'
/// warping differs from 44.1 kHz by a fraction of a dB only near 20 kHz).
pub const RESPONSE_RATE_HZ: f64 = 48_000.0;
/// Points of the strip's response curve, log-spaced over 20 Hz–20 kHz.
pub const DENSE_POINTS: usize = 200;

/// One channel's curves (mid or side) on the band grid, dB relative to loudness.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// The track as analysed.
    pub original: Vec<f64>,
    /// The track after its EQ: original + response, per band.
    pub processed: Vec<f64>,
    /// The track after the EQ the assistant proposes: original + proposed response.
    pub proposed: Option<Vec<f64>>,
    /// The album average (`None` when the album has no curve for this channel).
    pub album: Option<Vec<f64>>,
    /// The references average.
    pub references: Option<Vec<f64>>,
    /// The match target (album, references or their blend), `None` without one.
    pub target: Option<Vec<f64>>,
    /// A reference corridor's lower and upper edges, level-aligned with `original` (mid only).
    pub corridor: Option<(Vec<f64>, Vec<f64>)>,
    /// Level axis: `(db_min, db_max, step_db)`.
    pub range: (f64, f64, f64),
}

/// What the match target is, for the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// The album average (also the fallback without references).
    Album,
    /// The references average.
    References,
    /// A blend that is neither curve: drawn as its own line.
    Blend,
}

/// The computed picture of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Band centres, Hz.
    pub bands_hz: Vec<f64>,
    /// The mid curves.
    pub mid: Channel,
    /// The side curves (the EQ acts on both channels alike, so the same response).
    pub side: Channel,
    /// Total EQ response per band (tone + match at its amount), dB.
    pub response_db: Vec<f64>,
    /// The strip's frequencies: [`DENSE_POINTS`] log-spaced over 20 Hz–20 kHz.
    pub dense_hz: Vec<f64>,
    /// Total EQ response at `dense_hz`, dB.
    pub dense_db: Vec<f64>,
    /// The match stage's part of `dense_db`, dB.
    pub dense_match_db: Vec<f64>,
    /// Whether the match stage contributes (amount > 0 and a usable target).
    pub match_active: bool,
    /// The proposed EQ's total response per band, dB (while the assistant proposes).
    pub proposed_response_db: Option<Vec<f64>>,
    /// The proposed EQ's total response at `dense_hz`, dB.
    pub dense_proposed_db: Option<Vec<f64>>,
    pub target_kind: TargetKind,
}

impl Model {
    /// Computes the curves of `input`.
    pub fn new(input: &ToneInput) -> Model {
        let spectrum = &input.analysis.spectrum;
        let bands_hz = spectrum.bands_hz.clone();
        let n = bands_hz.len();
        let eq = &input.tone.match_eq;
        let current = Response::new(input, &input.tone);
        let match_active = current.match_active;
        let (response_db, dense_hz, dense_db, dense_match_db) = (
            current.bands_db,
            current.dense_hz,
            current.dense_db,
            current.dense_match_db,
        );
        let proposed = input
            .proposed
            .as_ref()
            .map(|tone| Response::new(input, tone));
        let target = match_target(eq.target, eq.blend, &input.album, input.references.as_ref());
        let target_usable = target.mid_db.len() == n;

        let refs_usable = input
            .references
            .as_ref()
            .filter(|r| r.mid_db.len() == n && input.album.mid_db.len() == n);
        let target_kind = match (eq.target, refs_usable) {
            (MatchTarget::AlbumAverage, _) | (_, None) => TargetKind::Album,
            (MatchTarget::References, Some(_)) => TargetKind::References,
            (MatchTarget::Blend, Some(_)) if eq.blend <= 0.0 => TargetKind::Album,
            (MatchTarget::Blend, Some(_)) if eq.blend >= 1.0 => TargetKind::References,
            (MatchTarget::Blend, Some(_)) => TargetKind::Blend,
        };

        let of_len = |v: &Vec<f64>| (v.len() == n).then(|| v.clone());
        let proposed_db = proposed.as_ref().map(|p| p.bands_db.as_slice());
        let corridor = input
            .corridor
            .as_ref()
            .filter(|(lo, hi)| lo.len() == n && hi.len() == n)
            .map(|(lo, hi)| aligned_corridor(&bands_hz, &spectrum.mid_db, lo, hi));
        let mid = channel(
            &spectrum.mid_db,
            &response_db,
            proposed_db,
            of_len(&input.album.mid_db),
            input.references.as_ref().and_then(|r| of_len(&r.mid_db)),
            target_usable.then(|| target.mid_db.clone()),
            corridor,
        );
        // The side target blends the sides with the same weights: `match_target` blends only
        // `mid_db`, so hand it the sides in that field.
        let as_mid = |b: &SpectralBalance| SpectralBalance {
            bands_hz: b.bands_hz.clone(),
            mid_db: b.side_db.clone(),
            side_db: Vec::new(),
        };
        let album_side = of_len(&input.album.side_db);
        let side_target = album_side.as_ref().map(|_| {
            let refs = input.references.as_ref().map(as_mid);
            match_target(eq.target, eq.blend, &as_mid(&input.album), refs.as_ref()).mid_db
        });
        let side = channel(
            &spectrum.side_db,
            &response_db,
            proposed_db,
            album_side,
            input.references.as_ref().and_then(|r| of_len(&r.side_db)),
            side_target,
            None,
        );
        Model {
            bands_hz,
            mid,
            side,
            response_db,
            dense_hz,
            dense_db,
            dense_match_db,
            match_active,
            target_kind,
            dense_proposed_db: proposed.as_ref().map(|p| p.dense_db.clone()),
            proposed_response_db: proposed.map(|p| p.bands_db),
        }
    }

    /// The mid or side curves.
    pub fn channel(&self, side: bool) -> &Channel {
        if side {
            &self.side
        } else {
            &self.mid
        }
    }

    /// The strip's total response at `freq_hz`, dB, interpolated on the dense curve.
    pub fn response_at(&self, freq_hz: f64) -> Option<f64> {
        interpolate(&self.dense_hz, &self.dense_db, freq_hz)
    }
}

/// One EQ setting's response: per band (tone + match), and dense for the strip.
struct Response {
    bands_db: Vec<f64>,
    dense_hz: Vec<f64>,
    dense_db: Vec<f64>,
    dense_match_db: Vec<f64>,
    match_active: bool,
}

impl Response {
    /// The response `tone` gives the track of `input` (its match curve designed against
    /// `tone`'s own match target, as the export does).
    fn new(input: &ToneInput, tone: &ToneSettings) -> Response {
        let bands_hz = &input.analysis.spectrum.bands_hz;
        let params = tone_params(tone);
        let kernel = match_kernel_for(
            tone,
            &input.analysis,
            &input.album,
            input.references.as_ref(),
            RESPONSE_RATE_HZ,
        );
        let match_active = kernel.is_some();
        let dense_hz: Vec<f64> = (0..DENSE_POINTS)
            .map(|i| {
                let t = i as f64 / (DENSE_POINTS - 1) as f64;
                F_MIN_HZ * (F_MAX_HZ / F_MIN_HZ).powf(t)
            })
            .collect();
        // The match stage as its FIR really applies the curve (below ~100 Hz it cannot follow
        // every turn), read per 1/6-octave band as the analysis reads a spectrum.
        let bands_db = tone_response_with(&params, kernel.as_ref(), bands_hz, RESPONSE_RATE_HZ);
        let dense_curve_db = match &kernel {
            Some(kernel) => kernel.realised_db(&dense_hz),
            None => vec![0.0; dense_hz.len()],
        };
        let dense_match_db: Vec<f64> = dense_curve_db
            .iter()
            .map(|&m| params.match_response_db(m))
            .collect();
        let dense_db = dense_hz
            .iter()
            .zip(&dense_match_db)
            .map(|(&f, m)| params.tone_response_db(f, RESPONSE_RATE_HZ) + m)
            .collect();
        Response {
            bands_db,
            dense_hz,
            dense_db,
            dense_match_db,
            match_active,
        }
    }
}

fn channel(
    original: &[f64],
    response_db: &[f64],
    proposed_db: Option<&[f64]>,
    album: Option<Vec<f64>>,
    references: Option<Vec<f64>>,
    target: Option<Vec<f64>>,
    corridor: Option<(Vec<f64>, Vec<f64>)>,
) -> Channel {
    let after = |response_db: &[f64]| -> Vec<f64> {
        if original.len() == response_db.len() {
            original
                .iter()
                .zip(response_db)
                .map(|(o, r)| o + r)
                .collect()
        } else {
            original.to_vec()
        }
    };
    let processed = after(response_db);
    let proposed = proposed_db.map(after);
    let range = db_range(
        [
            Some(original),
            Some(&processed[..]),
            proposed.as_deref(),
            album.as_deref(),
            references.as_deref(),
            target.as_deref(),
            corridor.as_ref().map(|(lo, _)| &lo[..]),
            corridor.as_ref().map(|(_, hi)| &hi[..]),
        ]
        .into_iter()
        .flatten(),
    );
    Channel {
        original: original.to_vec(),
        processed,
        proposed,
        album,
        references,
        target,
        corridor,
        range,
    }
}

/// The corridor `lower`..`upper` moved so that its middle has the mean level of `track` over
/// the bands the assistant fits (40 Hz–16 kHz), as the assistant aligns it to each track.
pub fn aligned_corridor(
    bands_hz: &[f64],
    track: &[f64],
    lower: &[f64],
    upper: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    use crate::assist::fit::masked_mean;
    let (lo_hz, hi_hz) = crate::analysis::album::TONAL_DEVIATION_RANGE_HZ;
    let middle: Vec<f64> = lower
        .iter()
        .zip(upper)
        .map(|(l, u)| 0.5 * (l + u))
        .collect();
    let mask: Vec<bool> = (bands_hz.iter().zip(track).zip(&middle))
        .map(|((f, t), m)| (lo_hz..=hi_hz).contains(f) && t.is_finite() && m.is_finite())
        .collect();
    let offset = masked_mean(track, &mask) - masked_mean(&middle, &mask);
    let shift = |v: &[f64]| v.iter().map(|x| x + offset).collect();
    (shift(lower), shift(upper))
}

/// `values` (on the ascending `freqs_hz`) at `freq_hz`, linear in log frequency; `None`
/// outside the grid (beyond half a band step) or where a neighbour is not finite.
pub fn interpolate(freqs_hz: &[f64], values: &[f64], freq_hz: f64) -> Option<f64> {
    let n = freqs_hz.len().min(values.len());
    if n == 0 || !freq_hz.is_finite() || freq_hz <= 0.0 {
        return None;
    }
    let i = freqs_hz[..n].partition_point(|&f| f < freq_hz);
    let value = if i == 0 {
        // Below the first band: its value, within a whisker of it (20 Hz vs a 19.7 Hz band).
        (freq_hz / freqs_hz[0] < 1.06).then_some(values[0])?
    } else if i == n {
        (freq_hz / freqs_hz[n - 1] < 1.06).then_some(values[n - 1])?
    } else {
        let (f0, f1) = (freqs_hz[i - 1], freqs_hz[i]);
        let t = (freq_hz / f0).ln() / (f1 / f0).ln();
        values[i - 1] + t * (values[i] - values[i - 1])
    };
    value.is_finite().then_some(value)
}
