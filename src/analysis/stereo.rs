//! Stereo correlation and width in broad bands, from the mid/side cross-spectra of the
//! spectrum pass (no extra filtering: the FFT blocks are already there).
//!
//! With L = M + S and R = M - S, per FFT bin: |L|² = |M|² + |S|² + 2 Re(M S*),
//! |R|² = |M|² + |S|² - 2 Re(M S*) and Re(L R*) = |M|² - |S|². Summing these over the bins of a
//! band and over the gated blocks gives the band's zero-lag Pearson correlation of L and R
//! (the signals have no DC in these bands) and its side-to-mid energy ratio.
use super::StereoBand;

/// Edges (Hz) of the broad stereo bands: lows, low mids, mids, presence, air.
pub const STEREO_BANDS_HZ: [(f64, f64); 5] = [
    (20.0, 120.0),
    (120.0, 500.0),
    (500.0, 2000.0),
    (2000.0, 8000.0),
    (8000.0, 20000.0),
];

/// Lowest reported side-to-mid ratio, dB (used for exact mono instead of -inf).
pub const SIDE_TO_MID_FLOOR_DB: f64 = -100.0;

/// Sums kept per stereo band: Σ|M|², Σ|S|², Σ Re(M S*).
pub const SUMS_PER_BAND: usize = 3;

/// The stereo band holding `freq_hz`, if any.
pub fn band_of(freq_hz: f64) -> Option<usize> {
    STEREO_BANDS_HZ
        .iter()
        .position(|&(lo, hi)| freq_hz >= lo && freq_hz < hi)
}

/// Turns summed mid/side powers (`SUMS_PER_BAND` per band) into correlation and width.
pub fn finish(sums: &[f64]) -> Vec<StereoBand> {
    STEREO_BANDS_HZ
        .iter()
        .zip(sums.chunks_exact(SUMS_PER_BAND))
        .map(|(&(low_hz, high_hz), s)| {
            let (mm, ss, ms) = (s[0], s[1], s[2]);
            let ll = (mm + ss + 2.0 * ms).max(0.0);
            let rr = (mm + ss - 2.0 * ms).max(0.0);
            let denom = (ll * rr).sqrt();
            // An empty band (or one silent side) has no defined correlation: report 0.
            let correlation = if denom > 0.0 {
                ((mm - ss) / denom).clamp(-1.0, 1.0)
            } else {
                0.0
            };
            let side_to_mid_db = if ss <= 0.0 {
                SIDE_TO_MID_FLOOR_DB
            } else if mm <= 0.0 {
                -SIDE_TO_MID_FLOOR_DB
            } else {
                (10.0 * (ss / mm).log10()).clamp(SIDE_TO_MID_FLOOR_DB, -SIDE_TO_MID_FLOOR_DB)
            };
            StereoBand {
                low_hz,
                high_hz,
                correlation,
                side_to_mid_db,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_antiphase_and_wide() {
        // Mono: S = 0.
        let b = finish(&[
            1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 2.0, 1.0, 0.0,
        ]);
        assert_eq!(b[0].correlation, 1.0);
        assert_eq!(b[0].side_to_mid_db, SIDE_TO_MID_FLOOR_DB);
        // Empty band.
        assert_eq!(b[1].correlation, 0.0);
        // Equal, uncorrelated mid and side: L and R uncorrelated, 0 dB.
        assert!(b[2].correlation.abs() < 1e-12);
        assert!(b[2].side_to_mid_db.abs() < 1e-12);
        // Anti-phase: M = 0.
        assert_eq!(b[3].correlation, -1.0);
        // Mid 2, side 1, uncorrelated: corr = (2-1)/(2+1) = 1/3, ratio -3.01 dB.
        assert!((b[4].correlation - 1.0 / 3.0).abs() < 1e-12);
        assert!((b[4].side_to_mid_db + 3.0103).abs() < 1e-3);
    }
}
