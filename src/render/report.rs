//! `report.json` and `report.md` of an exported album: what was done to each track and what it measures now.

use crate::project::{StereoSettings, ToneSettings};
use crate::units::{hz, signed, signed_or_dash, unsigned, unsigned_or_dash};
use serde::{Deserialize, Serialize};

/// Loudness and tone figures of one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub integrated_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
    /// Loudness range, LU; `None` when undefined (silence, or shorter than its 3 s window).
    pub lra_lu: Option<f64>,
    pub plr_db: Option<f64>,
    /// RMS deviation of the loudness-normalised long-term spectrum (mid, 1/6 octave) from the
    /// album average of the same files, 40 Hz–16 kHz, dB: the sequence's "Tone dB".
    #[serde(default)]
    pub tone_deviation_db: Option<f64>,
}

/// One exported track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackReport {
    pub number: usize,
    pub title: String,
    /// The written file's name, inside the album folder.
    pub file: String,
    pub source: String,
    pub target_lufs: Option<f64>,
    pub ceiling_dbtp: f64,
    /// Measured on the written file, as a platform measures it.
    pub integrated_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
    /// Loudness range of the written file's music, after its gap (as the source's is measured);
    /// `None` when undefined.
    pub lra_lu: Option<f64>,
    pub plr_db: Option<f64>,
    /// Tone deviation of the written file's music, after its gap, from the album average of
    /// the written files' music, dB (as [`Figures::tone_deviation_db`]).
    #[serde(default)]
    pub tone_deviation_db: Option<f64>,
    /// The source's figures, for before → after.
    pub before: Figures,
    /// Gain applied to reach the target, dB.
    pub gain_db: f64,
    /// Limiter gain reduction: largest and mean over the track, dB (positive numbers).
    pub max_gain_reduction_db: f64,
    pub mean_gain_reduction_db: f64,
    /// When the limit on peak reduction held the track below its target: the reduction the
    /// target would have taken, estimated, dB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_back_db: Option<f64>,
    /// Tone and stereo moves in words.
    pub moves: Vec<String>,
    pub warnings: Vec<String>,
}

/// The whole export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlbumReport {
    pub album: String,
    pub artist: String,
    pub preset: String,
    pub loudness_mode: String,
    pub format: String,
    pub sample_rate_hz: u32,
    pub dither: bool,
    pub tracks: Vec<TrackReport>,
    /// A single album WAV and cue sheet, when written.
    pub album_wav: Option<String>,
    pub warnings: Vec<String>,
    /// Every rate written, when the tracks kept their sources' different rates (then
    /// `sample_rate_hz` is only the first track's); empty when all share `sample_rate_hz`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample_rates_hz: Vec<u32>,
}

/// The tone and stereo settings in words, only the moves that are not neutral.
pub fn describe_moves(tone: &ToneSettings, stereo: &StereoSettings) -> Vec<String> {
    let mut moves = Vec::new();
    if tone.input_trim_db != 0.0 {
        moves.push(format!("input trim {} dB", signed(tone.input_trim_db, 1)));
    }
    if tone.tilt_db != 0.0 {
        moves.push(format!(
            "tilt {} dB around {}",
            signed(tone.tilt_db, 1),
            hz(tone.tilt_pivot_hz)
        ));
    }
    if tone.low_shelf.gain_db != 0.0 {
        moves.push(format!(
            "low shelf {} dB at {}",
            signed(tone.low_shelf.gain_db, 1),
            hz(tone.low_shelf.freq_hz)
        ));
    }
    if tone.high_shelf.gain_db != 0.0 {
        moves.push(format!(
            "high shelf {} dB at {}",
            signed(tone.high_shelf.gain_db, 1),
            hz(tone.high_shelf.freq_hz)
        ));
    }
    for b in tone.bells.iter().filter(|b| b.gain_db != 0.0) {
        moves.push(format!(
            "bell {} dB at {} (Q {:.1})",
            signed(b.gain_db, 1),
            hz(b.freq_hz),
            b.q
        ));
    }
    if tone.match_eq.amount > 0.0 && !tone.match_eq.curve.is_empty() {
        // A stored curve is applied as stored: it no longer follows any target.
        moves.push(format!(
            "the assistant's match curve at {:.0}% (within ±{:.1} dB)",
            tone.match_eq.amount * 100.0,
            tone.match_eq.max_db
        ));
    } else if tone.match_eq.amount > 0.0 {
        let target = match tone.match_eq.target {
            crate::project::MatchTarget::AlbumAverage => "the album average".to_string(),
            crate::project::MatchTarget::References => "the references".to_string(),
            crate::project::MatchTarget::Blend => format!(
                "a {:.0}% blend toward the references",
                tone.match_eq.blend * 100.0
            ),
        };
        moves.push(format!(
            "match EQ {:.0}% toward {target} (within ±{:.1} dB)",
            tone.match_eq.amount * 100.0,
            tone.match_eq.max_db
        ));
    }
    if stereo.width != 1.0 {
        moves.push(format!("stereo width {:.0}%", stereo.width * 100.0));
    }
    if let Some(f) = stereo.mono_bass_hz {
        moves.push(format!("mono bass below {}", hz(f)));
    }
    moves
}

/// The human-readable report.
pub fn markdown(report: &AlbumReport) -> String {
    let mut md = format!("# {} — mastering report\n\n", report.album);
    if !report.artist.is_empty() {
        md += &format!("Artist: {}  \n", report.artist);
    }
    let rates = if report.sample_rates_hz.len() > 1 {
        let list: Vec<String> = report
            .sample_rates_hz
            .iter()
            .map(|r| r.to_string())
            .collect();
        format!("{} Hz (each track at its source's rate)", list.join(" / "))
    } else {
        format!("{} Hz", report.sample_rate_hz)
    };
    md += &format!(
        "Preset: {} · loudness mode: {} · {} at {}{}\n\n",
        report.preset,
        report.loudness_mode,
        report.format,
        rates,
        if report.dither { ", TPDF dither" } else { "" }
    );
    md += "| # | title | file | target | before → after (integrated) | true peak before → after | LRA before → after | PLR after | gain | max / mean GR | tone vs album before → after |\n";
    md += "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for t in &report.tracks {
        md += &format!(
            "| {} | {} | {} | {} | {} → {} | {} → {} | {} → {} | {} | {} dB | {:.1} / {:.1} dB | {} → {} |\n",
            t.number,
            t.title,
            t.file,
            unsigned_or_dash(t.target_lufs, 1, "LUFS"),
            unsigned_or_dash(t.before.integrated_lufs, 1, "LUFS"),
            unsigned_or_dash(t.integrated_lufs, 1, "LUFS"),
            signed_or_dash(t.before.true_peak_dbtp, 1, "dBTP"),
            signed_or_dash(t.true_peak_dbtp, 1, "dBTP"),
            unsigned_or_dash(t.before.lra_lu, 1, "LU"),
            unsigned_or_dash(t.lra_lu, 1, "LU"),
            unsigned_or_dash(t.plr_db, 1, "dB"),
            signed(t.gain_db, 1),
            t.max_gain_reduction_db,
            t.mean_gain_reduction_db,
            unsigned_or_dash(t.before.tone_deviation_db, 1, "dB"),
            unsigned_or_dash(t.tone_deviation_db, 1, "dB")
        );
    }
    md += "\nTone vs album: RMS deviation of each file's loudness-normalised long-term spectrum (mid, 1/6 octave) from the album average, 40 Hz–16 kHz; before among the sources, after among the written files. LRA and tone after are measured on each file's music, after its gap: the step out of silence would read as range and tone the track does not have.\n";
    md += "\n## Moves and warnings per track\n\n";
    for t in &report.tracks {
        md += &format!(
            "**{} {}** (ceiling {} dBTP)\n\n",
            t.number,
            t.title,
            unsigned(t.ceiling_dbtp, 1)
        );
        if t.moves.is_empty() {
            md += "- tone: no change\n";
        }
        for m in &t.moves {
            md += &format!("- {m}\n");
        }
        for w in &t.warnings {
            md += &format!("- ⚠ {w}\n");
        }
        md += "\n";
    }
    if let Some(wav) = &report.album_wav {
        md += &format!("Album image: `{wav}` with its cue sheet.\n\n");
    }
    for w in &report.warnings {
        md += &format!("⚠ {w}\n\n");
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Bell, MatchTarget, Shelf};

    #[test]
    fn neutral_settings_describe_no_moves_and_moves_read_in_units() {
        assert!(describe_moves(&ToneSettings::default(), &StereoSettings::default()).is_empty());
        let mut tone = ToneSettings {
            tilt_db: -0.75,
            ..ToneSettings::default()
        };
        tone.high_shelf = Shelf {
            freq_hz: 6000.0,
            gain_db: 1.5,
        };
        tone.bells.push(Bell {
            freq_hz: 250.0,
            gain_db: -2.0,
            q: 0.7,
        });
        tone.match_eq.amount = 0.5;
        tone.match_eq.target = MatchTarget::References;
        let stereo = StereoSettings {
            width: 1.1,
            mono_bass_hz: Some(120.0),
        };
        tone.bells.push(Bell {
            freq_hz: 3200.0,
            gain_db: 1.0,
            q: 1.4,
        });
        let moves = describe_moves(&tone, &stereo);
        assert_eq!(
            moves,
            vec![
                "tilt \u{2212}0.8 dB around 1 kHz",
                "high shelf +1.5 dB at 6 kHz",
                "bell \u{2212}2.0 dB at 250 Hz (Q 0.7)",
                "bell +1.0 dB at 3.2 kHz (Q 1.4)",
                "match EQ 50% toward the references (within ±4.0 dB)",
                "stereo width 110%",
                "mono bass below 120 Hz",
            ]
        );
        // The assistant's stored curve is named as such, not as a match toward a target.
        tone.match_eq.curve = vec![
            crate::project::CurvePoint {
                freq_hz: 100.0,
                gain_db: 1.0,
            },
            crate::project::CurvePoint {
                freq_hz: 1000.0,
                gain_db: -1.0,
            },
        ];
        tone.match_eq.max_db = 3.0;
        assert!(describe_moves(&tone, &stereo)
            .contains(&"the assistant's match curve at 50% (within ±3.0 dB)".to_string()));
    }

    #[test]
    fn markdown_signs_true_peaks_over_zero_as_the_cli_does() {
        let track = TrackReport {
            number: 1,
            title: "Hot".into(),
            file: "01 Hot.wav".into(),
            source: "hot.wav".into(),
            target_lufs: Some(-14.0),
            ceiling_dbtp: -1.0,
            integrated_lufs: Some(-14.0),
            true_peak_dbtp: Some(-1.04),
            lra_lu: Some(5.0),
            plr_db: Some(13.0),
            tone_deviation_db: None,
            before: Figures {
                integrated_lufs: Some(-9.0),
                true_peak_dbtp: Some(1.04),
                lra_lu: Some(5.0),
                plr_db: Some(10.0),
                tone_deviation_db: None,
            },
            gain_db: -5.0,
            max_gain_reduction_db: 0.0,
            held_back_db: None,
            mean_gain_reduction_db: 0.0,
            moves: Vec::new(),
            warnings: Vec::new(),
        };
        let report = AlbumReport {
            album: "A".into(),
            artist: String::new(),
            preset: "Spotify".into(),
            loudness_mode: "album".into(),
            format: "WAV 24-bit".into(),
            sample_rate_hz: 44_100,
            dither: true,
            tracks: vec![track],
            album_wav: None,
            warnings: Vec::new(),
            sample_rates_hz: Vec::new(),
        };
        let md = markdown(&report);
        assert!(
            md.contains("| +1.0 dBTP \u{2192} \u{2212}1.0 dBTP |"),
            "{md}"
        );
        assert!(md.contains("| \u{2212}9.0 LUFS \u{2192} \u{2212}14.0 LUFS |"));
        assert!(
            md.contains("| \u{2014} \u{2192} \u{2014} |"),
            "unknown tone figures read as a dash"
        );
    }
}
