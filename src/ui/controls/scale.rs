//! How a control's value maps onto its slider and how it reads: pure functions, so the
//! mapping, the rounding and every unit's text are tested without a window.
//!
//! Positions run 0..=1 along the slider. Frequencies and Q sit on a log scale (equal travel per
//! octave, as the ear hears them); everything else is linear. Values are rounded to what their
//! text shows, so the number on screen is the number in the project.

use crate::units::{hz, signed, unsigned};

/// How values spread along a slider.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Equal travel per unit.
    Linear { min: f64, max: f64 },
    /// Equal travel per ratio (log10 of the value): frequencies, Q. `min` must be > 0.
    Log { min: f64, max: f64 },
}

impl Scale {
    /// Lowest and highest value.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Scale::Linear { min, max } | Scale::Log { min, max } => (min, max),
        }
    }

    /// `value` brought into range; a non-finite value becomes the lowest.
    pub fn clamp(self, value: f64) -> f64 {
        let (min, max) = self.bounds();
        if value.is_nan() {
            min
        } else {
            value.clamp(min, max)
        }
    }

    /// Where `value` sits along the slider, 0..=1 (clamped).
    pub fn position(self, value: f64) -> f64 {
        let value = self.clamp(value);
        let t = match self {
            Scale::Linear { min, max } => (value - min) / (max - min),
            Scale::Log { min, max } => (value / min).log10() / (max / min).log10(),
        };
        if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// The value at `position` (0..=1, clamped) along the slider.
    pub fn value(self, position: f64) -> f64 {
        let t = if position.is_nan() {
            0.0
        } else {
            position.clamp(0.0, 1.0)
        };
        let v = match self {
            Scale::Linear { min, max } => min + t * (max - min),
            Scale::Log { min, max } => min * (max / min).powf(t),
        };
        self.clamp(v)
    }
}

/// What a value means, which decides its rounding and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A signed gain: "+1.5 dB", "−3.0 dB", "0.0 dB".
    Db,
    /// A size in dB with no direction: "6.0 dB".
    DbSize,
    /// A symmetric bound: "±4.0 dB".
    DbBound,
    /// A frequency: "85 Hz", "120 Hz", "1.20 kHz", "12.0 kHz".
    Hz,
    /// A factor shown in percent: 0.85 → "85 %".
    Percent,
    /// Loudness: "−14.0 LUFS".
    Lufs,
    /// True peak: "−1.0 dBTP".
    Dbtp,
    /// A loudness difference: "+1.5 LU" (signed).
    Lu,
    /// A loudness span: "6.0 LU".
    LuSize,
    /// A filter's quality factor: "0.71", "2.4".
    Q,
}

impl Unit {
    /// `value` rounded to the resolution its text shows.
    pub fn round(self, value: f64) -> f64 {
        // Divide by the inverse of a fractional step: 14.0 / 10.0 is exactly the double
        // nearest 1.4, where 14.0 * 0.1 is not.
        let to = |step: f64| {
            if step >= 1.0 {
                (value / step).round() * step
            } else {
                let per_unit = (1.0 / step).round();
                (value * per_unit).round() / per_unit
            }
        };
        let v = match self {
            Unit::Db
            | Unit::DbSize
            | Unit::DbBound
            | Unit::Lufs
            | Unit::Dbtp
            | Unit::Lu
            | Unit::LuSize => to(0.1),
            Unit::Percent => to(0.01),
            Unit::Hz if value < 1_000.0 => to(1.0),
            Unit::Hz if value < 10_000.0 => to(10.0),
            Unit::Hz => to(100.0),
            Unit::Q if value < 1.0 => to(0.01),
            Unit::Q => to(0.1),
        };
        // Keep −0.0 out of the project and off the screen.
        if v == 0.0 {
            0.0
        } else {
            v
        }
    }

    /// The value as the desk shows it, with its unit.
    pub fn format(self, value: f64) -> String {
        let v = self.round(value);
        match self {
            Unit::Db => format!("{} dB", signed(v, 1)),
            Unit::DbSize => format!("{} dB", unsigned(v, 1)),
            Unit::DbBound => format!("±{} dB", unsigned(v.abs(), 1)),
            Unit::Hz => hz(v),
            Unit::Percent => format!("{} %", unsigned(v * 100.0, 0)),
            Unit::Lufs => format!("{} LUFS", unsigned(v, 1)),
            Unit::Dbtp => format!("{} dBTP", unsigned(v, 1)),
            Unit::Lu => format!("{} LU", signed(v, 1)),
            Unit::LuSize => format!("{} LU", unsigned(v, 1)),
            Unit::Q if v < 1.0 => format!("Q {v:.2}"),
            Unit::Q => format!("Q {v:.1}"),
        }
    }
}

/// A figure or "—" when there is none: `figure(Some(-14.04), Unit::Lufs)` → "−14.0 LUFS".
pub fn figure(value: Option<f64>, unit: Unit) -> String {
    match value.filter(|v| v.is_finite()) {
        Some(v) => unit.format(v),
        None => "—".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_and_log_positions_round_trip_and_clamp() {
        let gain = Scale::Linear {
            min: -12.0,
            max: 12.0,
        };
        assert_eq!(gain.position(0.0), 0.5);
        assert_eq!(gain.position(-12.0), 0.0);
        assert_eq!(gain.position(40.0), 1.0);
        assert_eq!(gain.position(f64::NAN), 0.0);
        assert_eq!(gain.value(0.75), 6.0);
        assert_eq!(gain.value(-1.0), -12.0);
        let freq = Scale::Log {
            min: 20.0,
            max: 20_000.0,
        };
        // Three decades: 200 Hz and 2 kHz sit at one and two thirds.
        assert!((freq.position(200.0) - 1.0 / 3.0).abs() < 1e-12);
        assert!((freq.position(2_000.0) - 2.0 / 3.0).abs() < 1e-12);
        assert!((freq.value(0.5) - 632.455_532).abs() < 1e-3);
        for f in [20.0, 57.0, 1_234.0, 19_999.0] {
            assert!((freq.value(freq.position(f)) - f).abs() < 1e-9 * f);
        }
        assert_eq!(freq.value(2.0), 20_000.0);
        assert_eq!(freq.clamp(5.0), 20.0);
    }

    #[test]
    fn values_round_to_what_their_text_shows() {
        assert_eq!(Unit::Db.round(1.449), 1.4);
        assert_eq!(Unit::Db.round(-0.04), 0.0);
        assert!(Unit::Db.round(-0.04).is_sign_positive());
        assert_eq!(Unit::Hz.round(84.6), 85.0);
        assert_eq!(Unit::Hz.round(1_234.0), 1_230.0);
        assert_eq!(Unit::Hz.round(12_345.0), 12_300.0);
        assert_eq!(Unit::Percent.round(0.854), 0.85);
        assert_eq!(Unit::Q.round(0.707), 0.71);
        assert_eq!(Unit::Q.round(2.44), 2.4);
    }

    #[test]
    fn figures_read_with_units_and_true_minus_signs() {
        assert_eq!(Unit::Db.format(1.5), "+1.5 dB");
        assert_eq!(Unit::Db.format(-3.0), "−3.0 dB");
        assert_eq!(Unit::Db.format(-0.01), "0.0 dB");
        assert_eq!(Unit::DbSize.format(6.0), "6.0 dB");
        assert_eq!(Unit::DbBound.format(4.0), "±4.0 dB");
        assert_eq!(Unit::Hz.format(84.6), "85 Hz");
        assert_eq!(Unit::Hz.format(120.0), "120 Hz");
        assert_eq!(Unit::Hz.format(1_200.0), "1.2 kHz");
        assert_eq!(Unit::Hz.format(12_000.0), "12 kHz");
        assert_eq!(Unit::Hz.format(999.7), "1 kHz");
        assert_eq!(Unit::Percent.format(0.85), "85 %");
        assert_eq!(Unit::Percent.format(2.0), "200 %");
        assert_eq!(Unit::Lufs.format(-14.0), "−14.0 LUFS");
        assert_eq!(Unit::Dbtp.format(-1.0), "−1.0 dBTP");
        assert_eq!(Unit::Dbtp.format(0.0), "0.0 dBTP");
        assert_eq!(Unit::Lu.format(1.5), "+1.5 LU");
        assert_eq!(Unit::Lu.format(-2.25), "−2.3 LU");
        assert_eq!(Unit::LuSize.format(8.0), "8.0 LU");
        assert_eq!(Unit::Q.format(0.707), "Q 0.71");
        assert_eq!(Unit::Q.format(4.0), "Q 4.0");
        assert_eq!(figure(None, Unit::Lufs), "—");
        assert_eq!(figure(Some(f64::NEG_INFINITY), Unit::Lufs), "—");
        assert_eq!(figure(Some(-23.04), Unit::Lufs), "−23.0 LUFS");
    }
}
