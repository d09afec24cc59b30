//! From project settings to the DSP chain's parameters and match curve. Used by export and by the
//! live engine, so both run the very same chain.

use crate::analysis::{SpectralBalance, TrackAnalysis};
use crate::dsp::{Bell as DspBell, ChainParams, LimiterCharacter as DspCharacter, MatchKernel};
use crate::project::{LimiterCharacter, MatchEq, MatchTarget, StereoSettings, ToneSettings};

/// The chain's parameters for a track's tone and stereo settings, with `gain_db` before the limiter,
/// the limiter's `ceiling_dbtp` and its `character`.
pub fn chain_params(
    tone: &ToneSettings,
    stereo: &StereoSettings,
    gain_db: f64,
    ceiling_dbtp: f64,
    character: LimiterCharacter,
) -> ChainParams {
    let mut bells = [DspBell::default(); 4];
    for (slot, b) in bells.iter_mut().zip(&tone.bells) {
        *slot = DspBell {
            enabled: b.gain_db != 0.0,
            freq_hz: b.freq_hz,
            gain_db: b.gain_db,
            q: b.q,
        };
    }
    ChainParams {
        input_trim_db: tone.input_trim_db,
        tilt_db: tone.tilt_db,
        tilt_pivot_hz: tone.tilt_pivot_hz,
        low_shelf_freq_hz: tone.low_shelf.freq_hz,
        low_shelf_gain_db: tone.low_shelf.gain_db,
        high_shelf_freq_hz: tone.high_shelf.freq_hz,
        high_shelf_gain_db: tone.high_shelf.gain_db,
        bells,
        match_amount: tone.match_eq.amount.clamp(0.0, 1.0),
        width: stereo.width,
        mono_bass_hz: stereo.mono_bass_hz.unwrap_or(0.0),
        gain_db,
        ceiling_dbtp,
        limiter_character: match character {
            LimiterCharacter::Transparent => DspCharacter::Transparent,
            LimiterCharacter::Balanced => DspCharacter::Balanced,
            LimiterCharacter::Fast => DspCharacter::Fast,
        },
        ..ChainParams::default()
    }
}

/// The chain parameters of a track's tone settings alone (stereo, gain and limiter do not change
/// the tone response).
pub fn tone_params(tone: &ToneSettings) -> ChainParams {
    chain_params(
        tone,
        &StereoSettings::default(),
        0.0,
        -1.0,
        LimiterCharacter::default(),
    )
}

/// The match stage's FIR for `tone` on `track`, designed at `rate_hz` from its stored or measured
/// curve (toward `album`, `references` or their blend, as the settings say); `None` when the
/// stage is off or has no usable target.
pub fn match_kernel_for(
    tone: &ToneSettings,
    track: &TrackAnalysis,
    album: &SpectralBalance,
    references: Option<&SpectralBalance>,
    rate_hz: f64,
) -> Option<MatchKernel> {
    let eq = &tone.match_eq;
    let bands_hz = &track.spectrum.bands_hz;
    let target = match_target(eq.target, eq.blend, album, references);
    let usable = target.mid_db.len() == bands_hz.len() || !eq.curve.is_empty();
    (eq.amount > 0.0 && usable).then(|| {
        let curve = track_match_curve_db(eq, track, &target);
        MatchKernel::design(&curve, bands_hz, rate_hz)
    })
}

/// The chain's tone response on `track`'s analysis bands: the tone EQ plus the match stage as its
/// FIR really applies the curve (read per band, at its amount), at `rate_hz`, dB. What a
/// master's spectrum is predicted from.
pub fn tone_response_bands_db(
    tone: &ToneSettings,
    track: &TrackAnalysis,
    album: &SpectralBalance,
    references: Option<&SpectralBalance>,
    rate_hz: f64,
) -> Vec<f64> {
    let kernel = match_kernel_for(tone, track, album, references, rate_hz);
    tone_response_with(
        &tone_params(tone),
        kernel.as_ref(),
        &track.spectrum.bands_hz,
        rate_hz,
    )
}

/// The chain's response at `freqs_hz`: `params`' tone EQ plus `kernel` as its match stage (the
/// FIR's real gain at each frequency, at `params`' match amount; none: no match stage), at
/// `rate_hz`, dB.
pub fn tone_response_with(
    params: &ChainParams,
    kernel: Option<&MatchKernel>,
    freqs_hz: &[f64],
    rate_hz: f64,
) -> Vec<f64> {
    let matched = kernel.map(|k| k.realised_db(freqs_hz));
    freqs_hz
        .iter()
        .enumerate()
        .map(|(i, &f)| {
            params.tone_response_db(f, rate_hz)
                + matched
                    .as_ref()
                    .map_or(0.0, |m| params.match_response_db(m[i]))
        })
        .collect()
}

/// Lowest and highest band the match curve corrects: outside them the long-term spectrum says
/// more about rumble and codec cut-offs than about tonal balance, so the curve fades to 0 dB.
pub const MATCH_LOW_HZ: f64 = 30.0;
pub const MATCH_HIGH_HZ: f64 = 16_000.0;

/// The target spectrum a track's match curve aims at.
pub fn match_target(
    target: MatchTarget,
    blend: f64,
    album: &SpectralBalance,
    references: Option<&SpectralBalance>,
) -> SpectralBalance {
    let refs = references.filter(|r| r.mid_db.len() == album.mid_db.len());
    let w = match (target, refs) {
        (MatchTarget::AlbumAverage, _) | (_, None) => 0.0,
        (MatchTarget::References, Some(_)) => 1.0,
        (MatchTarget::Blend, Some(_)) => blend.clamp(0.0, 1.0),
    };
    let mut out = album.clone();
    if let Some(r) = refs {
        for (a, b) in out.mid_db.iter_mut().zip(&r.mid_db) {
            *a = (1.0 - w) * *a + w * b;
        }
    }
    out
}

/// The full (amount 100%) match curve in dB per analysis band: target − track, smoothed over one
/// octave so it corrects balance rather than detail, bounded to ±`max_db`, faded to 0 outside
/// 30 Hz–16 kHz. The chain scales it by `match_amount`.
pub fn match_curve_db(track: &TrackAnalysis, target: &SpectralBalance, max_db: f64) -> Vec<f64> {
    let bands = &track.spectrum.bands_hz;
    if target.mid_db.len() != bands.len() || track.spectrum.mid_db.len() != bands.len() {
        return vec![0.0; bands.len()];
    }
    let raw: Vec<f64> = target
        .mid_db
        .iter()
        .zip(&track.spectrum.mid_db)
        .map(|(t, s)| t - s)
        .collect();
    // A one-octave triangular window (1/6-octave grid: ±3 bands).
    let smoothed = smooth_one_octave(&raw, |j| raw[j].is_finite());
    let bound = max_db.abs();
    bands
        .iter()
        .zip(smoothed)
        .map(|(&f, g)| g.clamp(-bound, bound) * match_fade(f))
        .collect()
}

/// The match curve a track's settings apply (amount 100 %), in dB on the track's analysis bands:
/// the stored curve when there is one (read on the bands as the match stage reads it, linearly in
/// log frequency, held beyond its ends), else the measured one toward `target`. Export, the live
/// engine and the tone view all take it from here. Pure.
pub fn track_match_curve_db(
    eq: &MatchEq,
    track: &TrackAnalysis,
    target: &SpectralBalance,
) -> Vec<f64> {
    if eq.curve.is_empty() {
        return match_curve_db(track, target, eq.max_db);
    }
    let gains: Vec<f64> = eq.curve.iter().map(|p| p.gain_db).collect();
    let centres: Vec<f64> = eq.curve.iter().map(|p| p.freq_hz).collect();
    track
        .spectrum
        .bands_hz
        .iter()
        .map(|&f| crate::dsp::match_eq::curve_point_db(&gains, &centres, f))
        .collect()
}

/// How much of the match curve applies at `freq_hz`: 1 over 30 Hz–16 kHz, fading to 0 outside
/// (with the square below, the fourth power above), where the long-term spectrum says more about
/// rumble and codec cut-offs than about balance. Pure.
pub fn match_fade(freq_hz: f64) -> f64 {
    if freq_hz < MATCH_LOW_HZ {
        (freq_hz / MATCH_LOW_HZ).powi(2)
    } else if freq_hz > MATCH_HIGH_HZ {
        (MATCH_HIGH_HZ / freq_hz).powi(4)
    } else {
        1.0
    }
}

/// Smooths a curve on the 1/6-octave analysis grid with a triangular window spanning one octave
/// (±3 bands, weights 1..4..1), using only the bands `keep` accepts (0 where none is). Pure.
pub fn smooth_one_octave(values: &[f64], keep: impl Fn(usize) -> bool) -> Vec<f64> {
    smooth_triangle(values, 3, keep)
}

/// Smooths a curve on the 1/6-octave analysis grid with a triangular window of ±`half_span`
/// bands (weights 1..half_span+1..1): a feature narrower than the window comes out about
/// `half_span` bands wide between its half-height points. Only the bands `keep` accepts count
/// (0 where none is). Pure.
pub fn smooth_triangle(values: &[f64], half_span: usize, keep: impl Fn(usize) -> bool) -> Vec<f64> {
    (0..values.len())
        .map(|i| {
            let (mut sum, mut weight) = (0.0, 0.0);
            for j in i.saturating_sub(half_span)..(i + half_span + 1).min(values.len()) {
                if keep(j) {
                    let w = (half_span + 1) as f64 - (i as f64 - j as f64).abs();
                    sum += w * values[j];
                    weight += w;
                }
            }
            if weight > 0.0 {
                sum / weight
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Bell, Shelf};

    #[test]
    fn settings_map_onto_the_chain() {
        let mut tone = ToneSettings {
            tilt_db: 1.5,
            input_trim_db: -2.0,
            ..ToneSettings::default()
        };
        tone.low_shelf = Shelf {
            freq_hz: 80.0,
            gain_db: -1.0,
        };
        tone.bells = vec![
            Bell {
                freq_hz: 300.0,
                gain_db: -2.0,
                q: 0.8,
            },
            Bell {
                freq_hz: 5000.0,
                gain_db: 0.0,
                q: 1.0,
            },
        ];
        tone.match_eq.amount = 0.4;
        let p = chain_params(
            &tone,
            &StereoSettings {
                width: 0.8,
                mono_bass_hz: Some(100.0),
            },
            3.0,
            -1.0,
            LimiterCharacter::Fast,
        );
        assert_eq!(p.limiter_character, DspCharacter::Fast);
        assert_eq!(
            (
                p.tilt_db,
                p.input_trim_db,
                p.low_shelf_freq_hz,
                p.low_shelf_gain_db
            ),
            (1.5, -2.0, 80.0, -1.0)
        );
        assert!(p.bells[0].enabled && !p.bells[1].enabled && !p.bells[2].enabled);
        assert_eq!(
            (p.bells[0].freq_hz, p.bells[0].gain_db, p.bells[0].q),
            (300.0, -2.0, 0.8)
        );
        assert_eq!(
            (
                p.match_amount,
                p.width,
                p.mono_bass_hz,
                p.gain_db,
                p.ceiling_dbtp
            ),
            (0.4, 0.8, 100.0, 3.0, -1.0)
        );
        // Neutral settings give the neutral chain.
        let n = chain_params(
            &ToneSettings::default(),
            &StereoSettings::default(),
            0.0,
            -1.0,
            LimiterCharacter::default(),
        );
        assert_eq!(n, ChainParams::default());
    }

    fn analysis(mid_db: Vec<f64>) -> TrackAnalysis {
        let bands_hz = crate::analysis::spectrum::band_centers_hz();
        assert_eq!(bands_hz.len(), mid_db.len());
        TrackAnalysis {
            duration_s: 1.0,
            sample_rate_hz: 48000,
            channels: 2,
            loudness: crate::analysis::Loudness {
                integrated_lufs: Some(-14.0),
                lra_lu: 0.0,
                true_peak_dbtp: None,
                sample_peak_dbfs: None,
                plr_db: None,
                short_term_lufs: vec![],
                short_term_step_s: 0.1,
            },
            spectrum: SpectralBalance {
                side_db: mid_db.clone(),
                bands_hz,
                mid_db,
            },
            stereo: vec![],
            nonfinite_samples: 0,
            notices: vec![],
        }
    }

    #[test]
    fn match_curve_undoes_a_broad_difference_within_its_bound() {
        let bands = crate::analysis::spectrum::band_centers_hz();
        // The track is 2 dB darker than the target above 2 kHz, and 10 dB heavier at 40-60 Hz.
        let track = analysis(
            bands
                .iter()
                .map(|&f| {
                    if f > 2000.0 {
                        -22.0
                    } else if (40.0..60.0).contains(&f) {
                        -10.0
                    } else {
                        -20.0
                    }
                })
                .collect(),
        );
        let target = SpectralBalance {
            bands_hz: bands.clone(),
            mid_db: vec![-20.0; bands.len()],
            side_db: vec![-30.0; bands.len()],
        };
        let curve = match_curve_db(&track, &target, 4.0);
        for (f, g) in bands.iter().zip(&curve) {
            if (4000.0..12000.0).contains(f) {
                assert!((g - 2.0).abs() < 0.01, "{f} Hz: {g}");
            }
            if (300.0..1000.0).contains(f) {
                assert!(g.abs() < 0.01, "{f} Hz: {g}");
            }
            assert!(g.abs() <= 4.0 + 1e-9, "bounded: {f} Hz {g}");
        }
        let at_50 = curve[bands.iter().position(|&f| f > 48.0).unwrap()];
        assert!(
            at_50 < -3.0,
            "the bass bump is cut, up to the bound: {at_50}"
        );
        assert!(curve[0].abs() < curve[bands.len() / 2].abs() + 4.0);
        // The blend lies between the album and the references.
        let refs = SpectralBalance {
            mid_db: vec![-10.0; bands.len()],
            ..target.clone()
        };
        let t = match_target(MatchTarget::Blend, 0.25, &target, Some(&refs));
        assert!((t.mid_db[10] - -17.5).abs() < 1e-9);
        assert_eq!(
            match_target(MatchTarget::References, 0.25, &target, None).mid_db,
            target.mid_db
        );
    }
}
