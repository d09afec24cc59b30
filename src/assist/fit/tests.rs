//! The fitter on known shapes: it finds them with their gains and keeps every move, and the
//! number a user reads, within the bound.

use super::*;

fn setup() -> (Vec<f64>, Vec<bool>, FitLimits) {
    let bands = band_grid();
    let mask = bands
        .iter()
        .map(|&f| (40.0..=16000.0).contains(&f))
        .collect();
    let lim = FitLimits {
        max_move_db: 3.0,
        goal_db: 0.25,
        max_bells: 2,
        rate_hz: 48000.0,
    };
    (bands, mask, lim)
}

#[test]
fn a_known_high_shelf_is_found_with_its_gain() {
    let (bands, mask, lim) = setup();
    let truth = ToneMoveKind::HighShelf {
        freq_hz: 6000.0,
        gain_db: 2.0,
    };
    let wanted: Vec<f64> = truth
        .response_db(&bands, 48000.0)
        .iter()
        .map(|r| r + 7.0)
        .collect();
    let fit = fit_moves(&bands, &wanted, &mask, &lim);
    assert_eq!(fit.moves.len(), 1, "{:?}", fit.moves);
    assert!(fit.residual_db < 0.1, "{}", fit.residual_db);
    let ToneMoveKind::HighShelf { gain_db, .. } = fit.moves[0] else {
        panic!("{:?}", fit.moves)
    };
    assert!((gain_db - 2.0).abs() < 0.3);
}

#[test]
fn every_move_stays_within_its_bound() {
    let (bands, mask, lim) = setup();
    // 8 dB too little treble and 6 dB too much bass: far beyond the bound.
    let wanted: Vec<f64> = bands
        .iter()
        .map(|&f| 8.0 * (f / 1000.0).log2().clamp(0.0, 1.0) - 6.0 * (f < 120.0) as u8 as f64)
        .collect();
    let fit = fit_moves(&bands, &wanted, &mask, &lim);
    assert!(!fit.moves.is_empty());
    for m in &fit.moves {
        let peak = m
            .response_db(&bands, 48000.0)
            .iter()
            .fold(0.0f64, |a, r| a.max(r.abs()));
        assert!(peak <= 3.0 + 0.06, "{m:?}: {peak}");
        if let ToneMoveKind::Bell { q, .. } = m {
            assert!(*q <= MAX_BELL_Q);
            let others = fit.moves.iter().filter(|o| !std::ptr::eq(*o, m));
            assert!(
                bell_clear(m, others),
                "bells an octave apart: {:?}",
                fit.moves
            );
        }
    }
    assert!(fit.residual_db < centered_rms(&wanted, &mask));
}

#[test]
fn a_low_shelf_reads_within_the_bound_too() {
    let (bands, mask, lim) = setup();
    // 9 dB too little deep bass: a low shelf with its corner near 45 Hz, whose own response
    // at 20 Hz falls short of its gain (it read "+3.3 dB" under a ±3 dB bound).
    let wanted: Vec<f64> = bands
        .iter()
        .map(|&f| 9.0 / (1.0 + (f / 50.0).powi(2)))
        .collect();
    let fit = fit_moves(&bands, &wanted, &mask, &lim);
    assert!(
        fit.moves
            .iter()
            .any(|m| matches!(m, ToneMoveKind::LowShelf { .. })),
        "{:?}",
        fit.moves
    );
    for m in &fit.moves {
        let stated = match m {
            ToneMoveKind::Tilt { gain_db, .. } => gain_db / 2.0,
            other => other.gain_db(),
        };
        assert!(stated.abs() <= 3.0 + 1e-9, "{m:?}");
    }
}
