//! Reasons in words: every proposed move says what it answers, with the numbers.

use super::fit::{centered_rms, masked_mean, ToneMoveKind};
use super::headroom::LimiterWork;
use crate::units::{signed, unsigned};

/// A frequency as people say it: "80 Hz", "1.2 kHz", "6 kHz".
pub fn hz(f: f64) -> String {
    if f >= 1000.0 {
        let k = f / 1000.0;
        if (k - k.round()).abs() < 0.05 {
            format!("{k:.0} kHz")
        } else {
            format!("{k:.1} kHz")
        }
    } else if f >= 100.0 {
        format!("{:.0} Hz", (f / 10.0).round() * 10.0)
    } else {
        format!("{f:.0} Hz")
    }
}

/// Bandwidth in octaves between the half-gain points of an RBJ bell of quality `q`.
pub fn bell_octaves(q: f64) -> f64 {
    2.0 / std::f64::consts::LN_2 * (1.0 / (2.0 * q)).asinh()
}

/// The band grid a reason speaks of.
pub struct Bands<'a> {
    /// Band centres, Hz.
    pub hz: &'a [f64],
    /// The bands fitted.
    pub mask: &'a [bool],
    /// What a match curve is smoothed over, in words ("an octave").
    pub curve_span: &'a str,
}

/// Describes one move. `wanted_db` is target − track per band of `bands` (level removed by the
/// mask mean), so positive means the track has too little there; `after_moves_above`: it is
/// what the moves listed before this one leave, and the reason says so.
pub fn tone_reason(
    number: usize,
    target: &str,
    kind: &ToneMoveKind,
    bands: &Bands,
    wanted_db: &[f64],
    after_moves_above: bool,
) -> String {
    let (bands_hz, mask) = (bands.hz, bands.mask);
    let level = masked_mean(wanted_db, mask);
    let region = |keep: &dyn Fn(f64) -> bool| -> f64 {
        let m: Vec<bool> = bands_hz
            .iter()
            .zip(mask)
            .map(|(&f, &m)| m && keep(f))
            .collect();
        masked_mean(wanted_db, &m) - level
    };
    let track = if after_moves_above {
        format!("With the moves above, track {number}")
    } else {
        format!("Track {number}")
    };
    match *kind {
        ToneMoveKind::Tilt { gain_db, pivot_hz } => {
            // The deviation's straight-line slope over the fitted range, as dB across it.
            let pts: Vec<(f64, f64)> = bands_hz
                .iter()
                .zip(wanted_db)
                .zip(mask)
                .filter(|(_, &m)| m)
                .map(|((&f, &w), _)| ((f / 1000.0).log2(), w))
                .collect();
            let n = pts.len().max(1) as f64;
            let (mx, my) = (
                pts.iter().map(|p| p.0).sum::<f64>() / n,
                pts.iter().map(|p| p.1).sum::<f64>() / n,
            );
            let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
            let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
            let span = pts.last().map_or(0.0, |l| l.0) - pts.first().map_or(0.0, |f| f.0);
            let across = if sxx > 0.0 { sxy / sxx * span } else { 0.0 };
            let word = if across > 0.0 { "darker" } else { "brighter" };
            format!(
                "{track} is {:.1} dB {word} than {target} from bass to treble → {} dB tilt around {} (±{:.1} dB at the ends)",
                across.abs(),
                signed(gain_db, 1),
                hz(pivot_hz),
                gain_db.abs() / 2.0
            )
        }
        ToneMoveKind::HighShelf { freq_hz, gain_db } => {
            let x = region(&|f| f >= freq_hz);
            let word = if x > 0.0 { "darker" } else { "brighter" };
            format!(
                "{track} is {:.1} dB {word} than {target} above {} → {} dB high shelf at {}",
                x.abs(),
                hz(freq_hz),
                signed(gain_db, 1),
                hz(freq_hz)
            )
        }
        ToneMoveKind::LowShelf { freq_hz, gain_db } => {
            let x = region(&|f| f <= freq_hz);
            let word = if x > 0.0 { "less" } else { "more" };
            format!(
                "{track} has {:.1} dB {word} bass than {target} below {} → {} dB low shelf at {}",
                x.abs(),
                hz(freq_hz),
                signed(gain_db, 1),
                hz(freq_hz)
            )
        }
        ToneMoveKind::Bell {
            freq_hz,
            gain_db,
            q,
        } => {
            let oct = bell_octaves(q);
            let half = 2f64.powf(oct / 2.0);
            let x = region(&|f| f >= freq_hz / half && f <= freq_hz * half);
            let word = if x > 0.0 { "less" } else { "more" };
            format!(
                "{track} has {:.1} dB {word} energy than {target} around {} → {} dB bell at {} ({oct:.1} octaves wide)",
                x.abs(),
                hz(freq_hz),
                signed(gain_db, 1),
                hz(freq_hz)
            )
        }
        ToneMoveKind::MatchCurve { max_db, ref points } => {
            // The largest gain where the track is fitted (not in a band its source cannot hold).
            let fitted = |p: &&crate::project::CurvePoint| {
                bands_hz
                    .iter()
                    .position(|&f| (f - p.freq_hz).abs() < 1e-6 * f)
                    .is_none_or(|b| mask[b])
            };
            let peak = points
                .iter()
                .filter(fitted)
                .max_by(|a, b| a.gain_db.abs().total_cmp(&b.gain_db.abs()));
            let largest = peak.map_or(String::new(), |p| {
                format!(
                    " (largest {} dB at {})",
                    signed(p.gain_db, 1),
                    hz(p.freq_hz)
                )
            });
            format!(
                "{track} {}differs from {target} by {:.1} dB RMS, in more places than a few broad moves can follow → match curve, smoothed over {}, within ±{max_db:.1} dB{largest}",
                if after_moves_above { "still " } else { "" },
                centered_rms(wanted_db, mask),
                bands.curve_span
            )
        }
    }
}

/// The album-mode loudness decision for one track.
pub fn loudness_reason(
    number: usize,
    loudest_number: usize,
    source_offset_lu: f64,
    planned_offset_lu: f64,
    target_lufs: f64,
    narrowed_to_lu: Option<f64>,
) -> String {
    if number == loudest_number {
        return format!(
            "Track {number} is the loudest → at {} LUFS",
            unsigned(target_lufs, 1)
        );
    }
    let spread = narrowed_to_lu.map_or(String::new(), |s| format!(" (album spread {s:.0} LU)"));
    // Offsets that read "0.0" are said in words ("kept 0.0 LU quieter" reads as a slip).
    let source = if -source_offset_lu < 0.05 {
        format!("is as loud as track {loudest_number}")
    } else {
        format!(
            "is {:.1} LU quieter than track {loudest_number}",
            -source_offset_lu
        )
    };
    let planned = if -planned_offset_lu < 0.05 {
        "brought level with it".to_string()
    } else {
        format!("kept {:.1} LU quieter", -planned_offset_lu)
    };
    format!(
        "Track {number} {source} → {planned}{spread}, at {} LUFS",
        unsigned(target_lufs, 1)
    )
}

/// The limiter's expected work, appended to the loudness reason; beyond `max_gain_reduction_db`
/// the export holds the track back, and the reason says so rather than promise the full amount.
pub fn limiter_reason(
    gain_reduction_db: f64,
    held_back: bool,
    expected_lufs: f64,
    plr_db: Option<f64>,
    max_gain_reduction_db: f64,
) -> String {
    match plr_db {
        Some(plr) if held_back => format!(
            "; reaching it would take about {gain_reduction_db:.1} dB off the highest peak, so the export stops at {max_gain_reduction_db:.1} dB and the track stays quieter, at {} LUFS (PLR {plr:.1} dB)",
            unsigned(expected_lufs, 1)
        ),
        Some(plr) if gain_reduction_db > 0.0 => format!(
            "; the limiter takes about {gain_reduction_db:.1} dB off the highest peak (PLR {plr:.1} dB)"
        ),
        Some(plr) => format!("; no limiting expected (PLR {plr:.1} dB)"),
        None => String::new(),
    }
}

/// A warning for heavy limiting or a track the export will hold back.
pub fn limiter_warning(
    number: usize,
    work: LimiterWork,
    gain_reduction_db: f64,
    target_lufs: f64,
    expected_lufs: f64,
    max_gain_reduction_db: f64,
) -> Option<String> {
    match work {
        LimiterWork::HeldBack => Some(format!(
            "Track {number} would need {gain_reduction_db:.1} dB of peak limiting to reach {} LUFS; the export holds it to {max_gain_reduction_db:.1} dB, at about {} LUFS — consider a lower target or a wider spread",
            unsigned(target_lufs, 1),
            unsigned(expected_lufs, 1)
        )),
        LimiterWork::Heavy => Some(format!(
            "Track {number} needs heavy limiting: about {gain_reduction_db:.1} dB off its highest peak at {} LUFS",
            unsigned(target_lufs, 1)
        )),
        _ => None,
    }
}

/// "; together the moves reach +4.5 dB at 200 Hz and −3.6 dB at 9 kHz" when the moves' combined
/// response goes past the bound each of them keeps (they may stack in one region), else nothing:
/// the user sees the whole EQ, not only each move's share.
pub(super) fn stacked_reach(
    response_db: &[f64],
    bands: &[f64],
    mask: &[bool],
    bound_db: f64,
) -> String {
    let masked: Vec<(f64, f64)> = response_db
        .iter()
        .zip(bands)
        .zip(mask)
        .filter(|(_, &m)| m)
        .map(|((&r, &f), _)| (r, f))
        .collect();
    let by_gain = |a: &&(f64, f64), b: &&(f64, f64)| a.0.total_cmp(&b.0);
    let (Some(&(hi, hi_hz)), Some(&(lo, lo_hz))) =
        (masked.iter().max_by(by_gain), masked.iter().min_by(by_gain))
    else {
        return String::new();
    };
    // 0.05 dB of slack: a single move at the bound reads exactly the bound.
    if hi <= bound_db + 0.05 && lo >= -bound_db - 0.05 {
        return String::new();
    }
    format!(
        "; together the moves reach {} dB at {} and {} dB at {}",
        signed(hi, 1),
        hz(hi_hz),
        signed(lo, 1),
        hz(lo_hz)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_and_widths_read_naturally() {
        assert_eq!(hz(6000.0), "6 kHz");
        assert_eq!(hz(1260.0), "1.3 kHz");
        assert_eq!(hz(158.7), "160 Hz");
        assert_eq!(hz(63.0), "63 Hz");
        assert!((bell_octaves(std::f64::consts::SQRT_2) - 1.0).abs() < 0.01);
    }

    #[test]
    fn zero_offsets_and_held_back_tracks_read_as_what_happens() {
        assert_eq!(
            loudness_reason(3, 1, 0.0, 0.0, -14.0, None),
            "Track 3 is as loud as track 1 → brought level with it, at \u{2212}14.0 LUFS"
        );
        assert_eq!(
            loudness_reason(2, 1, -4.0, -0.01, -14.0, Some(0.0)),
            "Track 2 is 4.0 LU quieter than track 1 → brought level with it (album spread 0 LU), at \u{2212}14.0 LUFS"
        );
        let held = limiter_reason(7.8, true, -15.9, Some(20.0), 6.0);
        assert!(
            held.contains("7.8 dB")
                && held.contains("stops at 6.0 dB")
                && held.contains("quieter, at \u{2212}15.9 LUFS"),
            "{held}"
        );
        assert!(limiter_reason(2.0, false, -14.0, Some(16.0), 6.0).contains("takes about 2.0 dB"));
    }
}
