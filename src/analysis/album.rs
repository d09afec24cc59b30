//! Album statistics: the album's average tone, how far each track strays from it, and the
//! spread of loudness. All averages of spectra are power averages (dB -> linear power ->
//! mean -> dB) of curves already normalised to each track's loudness.
use super::kweight::k_weight_power;
use super::spectrum::{compared_in_band, is_band_empty, same_grid};
use super::{AlbumStats, SpectralBalance, TrackAnalysis};

/// Band centres (Hz) over which the tonal deviation figure is taken: outside this range
/// the curves are dominated by rumble and hiss and small differences are inaudible.
pub const TONAL_DEVIATION_RANGE_HZ: (f64, f64) = (40.0, 16000.0);

/// Album average spectrum, per-track deviation curves and figures, loudness spread.
/// `tracks[i]` is `None` for a track without analysis (missing file, decode error).
/// Tracks without a spectrum (silent or shorter than a gating block) are treated as `None`.
pub fn album_stats(tracks: &[Option<&TrackAnalysis>]) -> AlbumStats {
    let spectra: Vec<Option<Rated>> = tracks
        .iter()
        .map(|t| t.map(|t| (&t.spectrum, t.sample_rate_hz)))
        .collect();
    let (average, deviation_db, tonal_deviation_db) = tone_of(&spectra);
    let lufs: Vec<f64> = tracks
        .iter()
        .flatten()
        .filter_map(|t| t.loudness.integrated_lufs)
        .collect();
    let loudness_spread_lu = match (
        lufs.iter().cloned().reduce(f64::max),
        lufs.iter().cloned().reduce(f64::min),
    ) {
        (Some(max), Some(min)) => max - min,
        _ => 0.0,
    };
    AlbumStats {
        average,
        deviation_db,
        tonal_deviation_db,
        loudness_spread_lu,
    }
}

/// A spectrum and the sample rate of its source, Hz (which bands it can hold whole).
pub type Rated<'a> = (&'a SpectralBalance, u32);

/// For each band, which of `curves` (spectra on one grid, with their sources' rates) take part
/// in comparing them there ([`compared_in_band`]): `[band][curve]`.
pub fn compared_bands(curves: &[Rated]) -> Vec<Vec<bool>> {
    let Some((first, _)) = curves.first() else {
        return Vec::new();
    };
    (0..first.bands_hz.len())
        .map(|b| {
            let levels: Vec<(f64, u32)> = curves.iter().map(|(s, r)| (s.mid_db[b], *r)).collect();
            compared_in_band(first.bands_hz[b], &levels)
        })
        .collect()
}

/// Each track's RMS deviation (dB, over [`TONAL_DEVIATION_RANGE_HZ`]) from the album average of
/// `spectra` (loudness-normalised, as analysed or as predicted after a tone move, with their
/// sources' rates): the tone figures of [`album_stats`] from spectra alone.
pub fn tonal_deviations(spectra: &[Option<Rated>]) -> Vec<Option<f64>> {
    tone_of(spectra).2
}

/// The album's average spectrum (power average of the usable spectra), each track's deviation
/// curve from it (empty when unusable) and its RMS over [`TONAL_DEVIATION_RANGE_HZ`]. A spectrum
/// is usable when it is complete and on the grid of the first complete one. In each band only
/// the tracks [`compared_in_band`] takes count, in the average, the curve and the RMS; another
/// track's curve reads 0 there (a 22.05 kHz file above 10 kHz).
fn tone_of(spectra: &[Option<Rated>]) -> (SpectralBalance, Vec<Vec<f64>>, Vec<Option<f64>>) {
    let grid = spectra
        .iter()
        .flatten()
        .find(|s| is_complete(s.0))
        .map(|s| s.0.bands_hz.clone());
    let usable = |s: &SpectralBalance| -> bool {
        grid.as_ref()
            .is_some_and(|g| is_complete(s) && same_grid(&s.bands_hz, g))
    };
    let kept: Vec<Option<Rated>> = spectra.iter().map(|s| s.filter(|s| usable(s.0))).collect();
    let curves: Vec<Rated> = kept.iter().flatten().copied().collect();
    let weighted: Vec<(Rated, f64)> = curves.iter().map(|&c| (c, 1.0)).collect();
    let average = power_average(&weighted);
    let in_band = compared_bands(&curves);
    let (lo, hi) = TONAL_DEVIATION_RANGE_HZ;
    let mut k = 0; // index among the usable curves
    let mut deviation_db = Vec::with_capacity(kept.len());
    let mut tonal_deviation_db = Vec::with_capacity(kept.len());
    for s in &kept {
        let Some((s, _)) = s else {
            deviation_db.push(Vec::new());
            tonal_deviation_db.push(None);
            continue;
        };
        let counts = |b: usize| in_band[b][k];
        let curve: Vec<f64> = (0..s.mid_db.len())
            .map(|b| {
                if counts(b) {
                    s.mid_db[b] - average.mid_db[b]
                } else {
                    0.0
                }
            })
            .collect();
        let in_range: Vec<f64> = (0..curve.len())
            .filter(|&b| counts(b) && (lo..=hi).contains(&s.bands_hz[b]))
            .map(|b| curve[b] * curve[b])
            .collect();
        tonal_deviation_db.push(
            (!in_range.is_empty())
                .then(|| (in_range.iter().sum::<f64>() / in_range.len() as f64).sqrt()),
        );
        deviation_db.push(curve);
        k += 1;
    }
    (average, deviation_db, tonal_deviation_db)
}

/// Weighted power-average of the references' spectra (weights > 0).
/// References with a weight <= 0, no spectrum or another band grid are ignored; with none
/// left the result is empty.
pub fn references_average(references: &[(&TrackAnalysis, f64)]) -> SpectralBalance {
    let grid = references
        .iter()
        .map(|r| r.0)
        .find(|t| has_spectrum(t))
        .map(|t| &t.spectrum.bands_hz);
    let weighted: Vec<(Rated, f64)> = references
        .iter()
        .filter(|(t, w)| {
            *w > 0.0
                && w.is_finite()
                && has_spectrum(t)
                && grid.is_some_and(|g| same_grid(&t.spectrum.bands_hz, g))
        })
        .map(|(t, w)| ((&t.spectrum, t.sample_rate_hz), *w))
        .collect();
    power_average(&weighted)
}

fn has_spectrum(t: &TrackAnalysis) -> bool {
    is_complete(&t.spectrum)
}

/// A spectrum with every band of its grid, for mid and side.
fn is_complete(s: &SpectralBalance) -> bool {
    !s.bands_hz.is_empty()
        && s.mid_db.len() == s.bands_hz.len()
        && s.side_db.len() == s.bands_hz.len()
}

/// Weighted mean of the curves in the linear power domain, back in dB; in each band over the
/// curves [`compared_in_band`] takes (none: the band is empty).
fn power_average(curves: &[(Rated, f64)]) -> SpectralBalance {
    let Some(((first, _), _)) = curves.first() else {
        return SpectralBalance::default();
    };
    let in_band = compared_bands(&curves.iter().map(|c| c.0).collect::<Vec<_>>());
    let average = |pick: fn(&SpectralBalance) -> &Vec<f64>| -> Vec<f64> {
        (0..first.bands_hz.len())
            .map(|b| {
                let counted = curves.iter().zip(&in_band[b]).filter(|(_, &c)| c);
                let total: f64 = counted.clone().map(|(c, _)| c.1).sum();
                let p: f64 = counted
                    .map(|((r, w), _)| w * 10f64.powf(pick(r.0)[b] / 10.0))
                    .sum();
                if total > 0.0 {
                    10.0 * (p / total).log10()
                } else {
                    super::spectrum::FLOOR_DB
                }
            })
            .collect()
    };
    SpectralBalance {
        bands_hz: first.bands_hz.clone(),
        mid_db: average(|s| &s.mid_db),
        side_db: average(|s| &s.side_db),
    }
}

/// A track's spectrum after a response (dB per band), renormalised to its new loudness: the
/// change in K-weighted power of mid plus side (BS.1770-4) is taken off every band.
pub fn after_response(s: &SpectralBalance, response_db: &[f64], rate_hz: f64) -> SpectralBalance {
    let (mut before, mut after) = (0.0, 0.0);
    for b in 0..s.bands_hz.len() {
        let k = k_weight_power(s.bands_hz[b], rate_hz);
        let p = 10f64.powf(s.mid_db[b] / 10.0) + 10f64.powf(s.side_db[b] / 10.0);
        before += k * p;
        after += k * p * 10f64.powf(response_db[b] / 10.0);
    }
    let shift = if before > 0.0 && after > 0.0 {
        10.0 * (after / before).log10()
    } else {
        0.0
    };
    // An empty band stays empty: no EQ puts back what the source does not hold.
    let moved = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .zip(response_db)
            .map(|(&x, r)| if is_band_empty(x) { x } else { x + r - shift })
            .collect()
    };
    SpectralBalance {
        bands_hz: s.bands_hz.clone(),
        mid_db: moved(&s.mid_db),
        side_db: moved(&s.side_db),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(lufs: Option<f64>, mid: &[f64]) -> TrackAnalysis {
        let mut t = TrackAnalysis {
            duration_s: 1.0,
            sample_rate_hz: 48000,
            channels: 2,
            loudness: super::super::loudness::no_loudness(),
            spectrum: SpectralBalance {
                bands_hz: vec![20.0, 100.0, 1000.0, 20000.0][..mid.len()].to_vec(),
                mid_db: mid.to_vec(),
                side_db: mid.iter().map(|m| m - 10.0).collect(),
            },
            stereo: Vec::new(),
            nonfinite_samples: 0,
            notices: Vec::new(),
        };
        t.loudness.integrated_lufs = lufs;
        t
    }

    #[test]
    fn power_average_deviation_and_spread() {
        // Band powers 1 and 100 (0 and 20 dB) average to 50.5 -> 17.033 dB, etc.
        let a = track(Some(-10.0), &[0.0, 0.0, 0.0, 0.0]);
        let b = track(Some(-14.5), &[20.0, 0.0, -10.0, 0.0]);
        let s = album_stats(&[Some(&a), None, Some(&b)]);
        let avg0 = 10.0 * 50.5f64.log10();
        let avg2 = 10.0 * ((1.0 + 0.1) / 2.0f64).log10();
        assert!((s.average.mid_db[0] - avg0).abs() < 1e-9);
        assert!(s.average.mid_db[1].abs() < 1e-9);
        assert!((s.average.mid_db[2] - avg2).abs() < 1e-9);
        assert!((s.average.side_db[0] - (avg0 - 10.0)).abs() < 1e-9);
        assert_eq!(s.deviation_db.len(), 3);
        assert!(s.deviation_db[1].is_empty() && s.tonal_deviation_db[1].is_none());
        assert!((s.deviation_db[0][0] + avg0).abs() < 1e-9);
        assert!((s.deviation_db[2][2] - (-10.0 - avg2)).abs() < 1e-9);
        // Tonal deviation counts only the bands at 100 Hz and 1 kHz (40 Hz..16 kHz).
        let rms_b = (((0.0f64).powi(2) + (-10.0 - avg2).powi(2)) / 2.0).sqrt();
        assert!((s.tonal_deviation_db[2].unwrap() - rms_b).abs() < 1e-9);
        assert!((s.loudness_spread_lu - 4.5).abs() < 1e-12);
    }

    #[test]
    fn tracks_without_spectrum_or_loudness_are_skipped() {
        let a = track(Some(-9.0), &[3.0, 3.0, 3.0, 3.0]);
        let mut silent = track(None, &[]);
        silent.spectrum = SpectralBalance::default();
        let s = album_stats(&[Some(&silent), Some(&a)]);
        assert!(s.average.mid_db.iter().all(|m| (m - 3.0).abs() < 1e-9));
        assert!(s.deviation_db[0].is_empty() && s.tonal_deviation_db[0].is_none());
        assert!(s.tonal_deviation_db[1].unwrap() < 1e-9);
        assert_eq!(s.loudness_spread_lu, 0.0);
        assert_eq!(album_stats(&[None]).average, SpectralBalance::default());
    }

    #[test]
    fn references_are_weighted_in_power() {
        let a = track(None, &[0.0, 10.0, 0.0, 0.0]);
        let b = track(None, &[10.0, 0.0, 0.0, 0.0]);
        let avg = references_average(&[(&a, 3.0), (&b, 1.0), (&b, 0.0)]);
        assert!((avg.mid_db[0] - 10.0 * ((3.0 + 10.0) / 4.0f64).log10()).abs() < 1e-9);
        assert!((avg.mid_db[1] - 10.0 * ((30.0 + 1.0) / 4.0f64).log10()).abs() < 1e-9);
        assert!(references_average(&[(&a, -1.0)]).mid_db.is_empty());
    }

    #[test]
    fn a_grid_read_back_a_bit_off_is_the_same_grid() {
        let a = track(Some(-9.0), &[0.0, 0.0, 0.0, 0.0]);
        let mut b = track(Some(-9.0), &[0.0, 6.0, 0.0, 0.0]);
        // As a cached analysis could read back: one centre off in the last bit.
        b.spectrum.bands_hz[1] = f64::from_bits(b.spectrum.bands_hz[1].to_bits() + 1);
        let s = album_stats(&[Some(&a), Some(&b)]);
        assert!(s.tonal_deviation_db.iter().all(|d| d.is_some()), "{s:?}");
        assert!(s.tonal_deviation_db[1].unwrap() > 1.0);
        let avg = references_average(&[(&a, 1.0), (&b, 1.0)]);
        assert!((avg.mid_db[1] - 10.0 * ((1.0 + 10f64.powf(0.6)) / 2.0).log10()).abs() < 1e-9);
        // A different grid is still told apart.
        b.spectrum.bands_hz[1] *= 1.001;
        assert!(album_stats(&[Some(&a), Some(&b)]).tonal_deviation_db[1].is_none());
    }
}
