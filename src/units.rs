//! How a figure reads wherever Lathe shows it (the desk, the CLI, the assistant's reasons): a fixed
//! number of decimals, a true minus sign and never "−0.0". Pure, so every figure's text is tested
//! here once.

/// The minus sign used in every figure (U+2212, as wide as the plus sign; a hyphen looks thin).
pub const MINUS: char = '\u{2212}';

/// `value` rounded half away from zero to `decimals`, as text with an ASCII sign.
fn rounded(value: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    // `+ 0.0` turns a rounded −0 into 0.
    let r = (value * scale).round() / scale + 0.0;
    format!("{r:.decimals$}")
}

/// "−3.0", "2.5" (no plus sign), with a true minus sign and never "−0.0".
pub fn unsigned(value: f64, decimals: usize) -> String {
    let text = rounded(value, decimals);
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => {
            format!("{MINUS}{rest}")
        }
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// "+1.5", "−3.0", "0.0": a sign on everything but zero, as changes are read.
pub fn signed(value: f64, decimals: usize) -> String {
    let text = unsigned(value, decimals);
    if text.starts_with(MINUS) || text.chars().all(|c| !c.is_ascii_digit() || c == '0') {
        text
    } else {
        format!("+{text}")
    }
}

/// At most `decimals` decimals, trailing zeros dropped, true minus sign ("−14", "−0.3"): for
/// labels such as a preset's name, where "−14.0 LUFS" would read as a measurement.
pub fn trimmed(value: f64, decimals: usize) -> String {
    let text = unsigned(value, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A frequency in three significant figures at most, trailing zeros dropped: "62.5 Hz", "850 Hz",
/// "1.25 kHz", "6 kHz", "12.5 kHz", "192 kHz" (a setting, a readout or a rate; the assistant's
/// reasons round further, as frequencies are spoken).
pub fn hz(freq_hz: f64) -> String {
    let (value, unit) = if freq_hz.abs() >= 999.5 {
        (freq_hz / 1000.0, "kHz")
    } else {
        (freq_hz, "Hz")
    };
    let decimals = match value.abs() {
        v if v < 9.995 => 2,
        v if v < 99.95 => 1,
        _ => 0,
    };
    format!("{} {unit}", trimmed(value, decimals))
}

/// [`unsigned`] followed by its unit ("−14.0 LUFS"), or "—" alone when the figure is unknown
/// (no measurable loudness, a track without a spectrum). An empty unit adds nothing.
pub fn unsigned_or_dash(value: Option<f64>, decimals: usize, unit: &str) -> String {
    value.map_or(DASH.to_string(), |v| with_unit(unsigned(v, decimals), unit))
}

/// [`signed`] followed by its unit ("+0.4 dBTP"), or "—" alone when the figure is unknown.
pub fn signed_or_dash(value: Option<f64>, decimals: usize, unit: &str) -> String {
    value.map_or(DASH.to_string(), |v| with_unit(signed(v, decimals), unit))
}

/// A time in the track as minutes, seconds and tenths ("1:05.3"), rounded to the tenth first so
/// 59.96 s reads "1:00.0", not "0:60.0".
pub fn min_sec_tenths(seconds: f64) -> String {
    let tenths = (seconds.max(0.0) * 10.0).round() as u64;
    format!("{}:{:02}.{}", tenths / 600, tenths % 600 / 10, tenths % 10)
}

/// What stands for an unknown figure.
const DASH: &str = "—";

fn with_unit(figure: String, unit: &str) -> String {
    if unit.is_empty() {
        figure
    } else {
        format!("{figure} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_to_the_tenth_before_they_split() {
        assert_eq!(min_sec_tenths(0.0), "0:00.0");
        assert_eq!(min_sec_tenths(65.34), "1:05.3");
        assert_eq!(min_sec_tenths(59.96), "1:00.0");
        assert_eq!(min_sec_tenths(12.5), "0:12.5");
    }

    #[test]
    fn figures_use_a_true_minus_and_never_show_minus_zero() {
        assert_eq!(unsigned(-14.04, 1), "\u{2212}14.0");
        assert_eq!(unsigned(-0.04, 1), "0.0");
        assert_eq!(unsigned(-0.01, 1), "0.0");
        // Half away from zero, as a reader rounds (the binary 0.25 is an exact tie).
        assert_eq!(unsigned(0.25, 1), "0.3");
        assert_eq!(unsigned(-0.25, 1), "\u{2212}0.3");
        assert_eq!(unsigned(2.25, 2), "2.25");
        assert_eq!(unsigned(99.6, 0), "100");
        assert_eq!(signed(1.54, 1), "+1.5");
        assert_eq!(signed(-3.0, 1), "\u{2212}3.0");
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(0.04, 1), "0.0");
        assert_eq!(trimmed(-14.0, 1), "\u{2212}14");
        assert_eq!(trimmed(-0.3, 1), "\u{2212}0.3");
        assert_eq!(trimmed(44.1, 1), "44.1");
        assert_eq!(trimmed(-0.01, 1), "0");
    }

    #[test]
    fn frequencies_read_in_three_figures_at_most() {
        assert_eq!(hz(62.5), "62.5 Hz");
        assert_eq!(hz(84.6), "84.6 Hz");
        assert_eq!(hz(85.0), "85 Hz");
        assert_eq!(hz(850.0), "850 Hz");
        assert_eq!(hz(999.7), "1 kHz");
        assert_eq!(hz(1_250.0), "1.25 kHz");
        assert_eq!(hz(1_234.0), "1.23 kHz");
        assert_eq!(hz(6_000.0), "6 kHz");
        assert_eq!(hz(9_999.0), "10 kHz");
        assert_eq!(hz(12_500.0), "12.5 kHz");
        assert_eq!(hz(44_100.0), "44.1 kHz");
        assert_eq!(hz(192_000.0), "192 kHz");
    }

    #[test]
    fn an_unknown_figure_is_a_dash_without_its_unit() {
        assert_eq!(
            unsigned_or_dash(Some(-14.04), 1, "LUFS"),
            "\u{2212}14.0 LUFS"
        );
        assert_eq!(unsigned_or_dash(Some(-0.04), 1, ""), "0.0");
        assert_eq!(unsigned_or_dash(None, 1, "LUFS"), "—");
        assert_eq!(signed_or_dash(Some(0.44), 2, "dBTP"), "+0.44 dBTP");
        assert_eq!(signed_or_dash(Some(-1.0), 1, "dB"), "\u{2212}1.0 dB");
        assert_eq!(signed_or_dash(None, 2, "dBTP"), "—");
    }
}
