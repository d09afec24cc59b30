//! The end of an export: each written track's measured figures, formatted once for the table.

use crate::render::export::ExportSummary;
use crate::units::unsigned_or_dash;
use std::sync::Arc;

/// A finished export, with its figures formatted once for the summary table.
#[derive(Debug, Clone)]
pub struct Finished {
    /// What `export_album` returned.
    pub summary: Arc<ExportSummary>,
    /// One row per track, album order.
    pub rows: Vec<SummaryRow>,
}

/// One line of the summary: the written file's figures, with units.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// "1".
    pub number: String,
    pub title: String,
    /// Measured integrated loudness: "−14.0 LUFS".
    pub lufs: String,
    /// The track's target: "−14.0 LUFS" (album mode: the planned level of this track).
    pub target: String,
    /// Measured true peak: "−1.2 dBTP".
    pub true_peak: String,
    /// Largest limiter gain reduction: "2.1 dB".
    pub gain_reduction: String,
    /// Tone deviation from the album average, sources → written files: "3.1 → 0.9 dB".
    pub tone: String,
    /// Set when the track ended below its target because reaching it needed more limiting than
    /// allowed: "held back 1.8 LU".
    pub held_back: Option<String>,
    /// The track's warnings from the report.
    pub warnings: Vec<String>,
}

/// More than this below the target (LU) marks a track as held back. The render meets its target
/// within 0.03 LU and dither moves the measurement by hundredths, so only a real shortfall shows.
pub const HELD_BACK_LU: f64 = 0.2;

/// The summary rows of a finished export, formatted once.
pub(super) fn finished(summary: Arc<ExportSummary>) -> Finished {
    let rows = summary
        .report
        .tracks
        .iter()
        .map(|t| {
            let shortfall = t
                .target_lufs
                .zip(t.integrated_lufs)
                .map(|(target, measured)| target - measured)
                .filter(|&lu| lu > HELD_BACK_LU);
            SummaryRow {
                number: t.number.to_string(),
                title: t.title.clone(),
                lufs: unsigned_or_dash(t.integrated_lufs, 1, "LUFS"),
                target: unsigned_or_dash(t.target_lufs, 1, "LUFS"),
                true_peak: unsigned_or_dash(t.true_peak_dbtp, 1, "dBTP"),
                gain_reduction: format!(
                    "{} dB",
                    crate::units::unsigned(t.max_gain_reduction_db, 1)
                ),
                tone: match (t.before.tone_deviation_db, t.tone_deviation_db) {
                    (Some(b), Some(a)) => format!(
                        "{} → {} dB",
                        crate::units::unsigned(b, 1),
                        crate::units::unsigned(a, 1)
                    ),
                    (_, a) => unsigned_or_dash(a, 1, "dB"),
                },
                held_back: shortfall
                    .map(|lu| format!("held back {} LU", crate::units::unsigned(lu, 1))),
                warnings: t.warnings.clone(),
            }
        })
        .collect();
    Finished { summary, rows }
}
