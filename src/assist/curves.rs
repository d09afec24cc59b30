//! Built-in reference curves (`assets/references/*.json`): published average spectra of commercial
//! music, each a centre line and a corridor, with its source stated in the file.

use super::AssistError;
use serde::{Deserialize, Serialize};

/// One point of a reference curve: levels in dB of band power, any common offset.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Frequency, Hz.
    pub freq_hz: f64,
    /// Centre line, dB.
    pub mid_db: f64,
    /// Lower edge of the corridor, dB.
    pub lower_db: f64,
    /// Upper edge of the corridor, dB.
    pub upper_db: f64,
}

/// A reference curve as stored in `assets/references/NAME.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceCurve {
    /// Short name (`--curve NAME`).
    pub name: String,
    /// Name shown to the user.
    pub title: String,
    /// Where the numbers come from (paper, dataset).
    pub source: String,
    /// How the points were derived from the source.
    pub method: String,
    /// What the corridor means and where it comes from.
    pub corridor: String,
    /// Points in increasing frequency.
    pub points: Vec<CurvePoint>,
}

/// The curve on an analysis grid: centre and corridor per band, dB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridCurve {
    /// Band centres, Hz.
    pub bands_hz: Vec<f64>,
    /// Centre line per band, dB.
    pub mid_db: Vec<f64>,
    /// Corridor's lower edge per band, dB.
    pub lower_db: Vec<f64>,
    /// Corridor's upper edge per band, dB.
    pub upper_db: Vec<f64>,
}

const BUILT_IN: [(&str, &str); 1] = [(
    "elowsson-friberg-2017",
    include_str!("../../assets/references/elowsson-friberg-2017.json"),
)];

/// The name of the default built-in curve.
pub const DEFAULT_CURVE: &str = "elowsson-friberg-2017";

/// Names of the built-in curves.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(n, _)| *n).collect()
}

/// A built-in curve by name.
pub fn built_in(name: &str) -> Result<ReferenceCurve, AssistError> {
    let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) else {
        return Err(AssistError::UnknownCurve {
            name: name.to_string(),
            known: built_in_names().join(", "),
        });
    };
    parse_curve(name, text)
}

/// Parses and checks a curve file's text (`name` only labels errors).
pub fn parse_curve(name: &str, text: &str) -> Result<ReferenceCurve, AssistError> {
    let bad = |message: String| AssistError::BadCurve {
        name: name.to_string(),
        message,
    };
    let curve: ReferenceCurve = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    if curve.points.len() < 2 {
        return Err(bad("a curve needs at least two points".into()));
    }
    for w in curve.points.windows(2) {
        if !(w[0].freq_hz > 0.0 && w[1].freq_hz > w[0].freq_hz) {
            return Err(bad("frequencies must be positive and increasing".into()));
        }
    }
    if curve
        .points
        .iter()
        .any(|p| !(p.lower_db <= p.mid_db && p.mid_db <= p.upper_db))
    {
        return Err(bad("every point needs lower_db ≤ mid_db ≤ upper_db".into()));
    }
    Ok(curve)
}

impl ReferenceCurve {
    /// The curve interpolated linearly in log-frequency onto `bands_hz` (held flat beyond its ends).
    pub fn on_grid(&self, bands_hz: &[f64]) -> GridCurve {
        let at = |f: f64, pick: fn(&CurvePoint) -> f64| -> f64 {
            let p = &self.points;
            if f <= p[0].freq_hz {
                return pick(&p[0]);
            }
            if f >= p[p.len() - 1].freq_hz {
                return pick(&p[p.len() - 1]);
            }
            let i = p.iter().position(|q| q.freq_hz >= f).unwrap_or(1).max(1);
            let (a, b) = (&p[i - 1], &p[i]);
            let t = (f / a.freq_hz).ln() / (b.freq_hz / a.freq_hz).ln();
            pick(a) + t * (pick(b) - pick(a))
        };
        GridCurve {
            bands_hz: bands_hz.to_vec(),
            mid_db: bands_hz.iter().map(|&f| at(f, |p| p.mid_db)).collect(),
            lower_db: bands_hz.iter().map(|&f| at(f, |p| p.lower_db)).collect(),
            upper_db: bands_hz.iter().map(|&f| at(f, |p| p.upper_db)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elowsson_friberg_has_the_published_slopes_and_a_corridor() {
        let c = built_in(DEFAULT_CURVE).unwrap();
        assert!(c.source.contains("9762") && c.source.contains("142nd"));
        let g = c.on_grid(&[200.0, 400.0, 800.0, 1600.0, 3200.0, 6400.0, 12800.0, 94.0]);
        let slope = |lo: usize| g.mid_db[lo + 1] - g.mid_db[lo];
        // Octave-wide differences equal the mean of the published slopes at the two ends, per Hz
        // as published, plus 3.01 dB/octave: Lathe's bands hold the power of a band whose width
        // grows with frequency (pink noise reads flat).
        for (i, want) in [(0, 0.0), (1, -1.32), (2, -2.635), (3, -3.95), (4, -5.27)] {
            assert!((slope(i) - want).abs() < 0.15, "octave {i}: {}", slope(i));
        }
        // In band power the 94 Hz peak per Hz becomes a broad maximum around 250-315 Hz.
        assert!(g.mid_db[0] > g.mid_db[7] && g.mid_db[0] > g.mid_db[2]);
        let w = |i: usize| g.upper_db[i] - g.lower_db[i];
        assert!(w(2) < w(6) && (w(2) - 3.0).abs() < 0.01);
        // ±6 dB at both ends, as the file says.
        let ends = c.on_grid(&[20.0, 20_000.0]);
        for i in 0..2 {
            assert!(
                (ends.upper_db[i] - ends.lower_db[i] - 12.0).abs() < 0.2,
                "{ends:?}"
            );
        }
        assert!(matches!(
            built_in("nope"),
            Err(AssistError::UnknownCurve { .. })
        ));
    }
}
