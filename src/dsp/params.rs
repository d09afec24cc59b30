//! The chain's user parameters: plain `Copy` data with units in every name.

use super::tone;

/// One parametric bell band (RBJ cookbook peakingEQ). Plain data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bell {
    /// Whether the band is in the signal path (a disabled band ramps its gain to 0 dB, then is bypassed).
    pub enabled: bool,
    /// Centre frequency in Hz, 20..=20000 (clamped below 0.49·sample rate).
    pub freq_hz: f64,
    /// Gain at the centre frequency in dB, -12..=12.
    pub gain_db: f64,
    /// Quality factor (RBJ cookbook definition), 0.3..=10.
    pub q: f64,
}

impl Default for Bell {
    fn default() -> Self {
        Self {
            enabled: false,
            freq_hz: 1000.0,
            gain_db: 0.0,
            q: 1.0,
        }
    }
}

/// How the true-peak limiter recovers after reducing gain. Every preset keeps a hold longer than
/// half a period of 40 Hz, so bass is limited without the gain rippling at the signal frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LimiterCharacter {
    /// Hold 30 ms, release 250 ms: slowest, for dense material where pumping must not be heard.
    Transparent,
    /// Hold 20 ms, release 120 ms: the default.
    #[default]
    Balanced,
    /// Hold 14 ms, release 50 ms: recovers quickly after isolated transients, louder, less subtle.
    Fast,
}

impl LimiterCharacter {
    /// (hold in ms, release time constant in ms) of the preset. Pure.
    pub fn hold_release_ms(self) -> (f64, f64) {
        match self {
            LimiterCharacter::Transparent => (30.0, 250.0),
            LimiterCharacter::Balanced => (20.0, 120.0),
            LimiterCharacter::Fast => (14.0, 50.0),
        }
    }
}

/// Every parameter of one track's mastering chain ([`super::Chain`]). Plain `Copy` data, safe to
/// send to the audio thread as a latest-value-wins snapshot; `Default` is the neutral chain
/// (output = input delayed by the chain's latency). Values outside the documented ranges are clamped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChainParams {
    /// Input trim in dB, -24..=24, applied first.
    pub input_trim_db: f64,
    /// Tilt in dB, -6..=6: the difference between the tilt's high and low asymptotes; the response is
    /// 0 dB at `tilt_pivot_hz`, rises monotonically (for positive values) and is antisymmetric in
    /// log-frequency (bilinear-warped) around the pivot. With the pivot at 1 kHz, the response at 20 kHz
    /// minus that at 20 Hz is 0.99..1.0 of `tilt_db` (5.93 dB at 96 kHz, 5.98 dB at 44.1 kHz for 6 dB). Built from three first-order tilt sections (pivot/4, pivot, pivot·4),
    /// each a third of the tilt, so the slope spreads over about six octaves.
    pub tilt_db: f64,
    /// Pivot of the tilt in Hz, 100..=5000 (default 1000): the frequency the tilt leaves unchanged.
    pub tilt_pivot_hz: f64,
    /// Corner of the low shelf in Hz, 20..=1000 (RBJ lowShelf, slope S = 0.7; half the gain at this frequency).
    pub low_shelf_freq_hz: f64,
    /// Gain of the low shelf in dB, -12..=12 (0 = bypassed).
    pub low_shelf_gain_db: f64,
    /// Corner of the high shelf in Hz, 1000..=20000 (RBJ highShelf, slope S = 0.7).
    pub high_shelf_freq_hz: f64,
    /// Gain of the high shelf in dB, -12..=12 (0 = bypassed).
    pub high_shelf_gain_db: f64,
    /// Four parametric bells.
    pub bells: [Bell; 4],
    /// How much of the match curve is applied, 0..=1. The FIR output is blended with the equally
    /// delayed dry signal in amplitude (`(1-a)·dry + a·fir`), so the applied response is
    /// `20·log10(1 - a + a·10^(curve_db/20))`: exact at 0 and 1, and between them within 0.5 dB of
    /// `a·curve_db` for curves within ±6 dB.
    pub match_amount: f64,
    /// Stereo width as side gain, 0..=2 (0 = mono, 1 = unchanged).
    pub width: f64,
    /// Below this frequency in Hz the side channel is removed (Linkwitz-Riley 4th order), 0 = off, else 20..=500.
    pub mono_bass_hz: f64,
    /// Gain before the limiter in dB, -24..=24 (the caller computes gain-to-target).
    pub gain_db: f64,
    /// Ceiling of the true-peak limiter in dBTP, -20..=0 (ITU-R BS.1770-4 true peak).
    pub ceiling_dbtp: f64,
    /// Whether the limiter reduces gain (when off its delay stays, so latency does not change).
    pub limiter_enabled: bool,
    /// Release behaviour of the limiter.
    pub limiter_character: LimiterCharacter,
}

impl Default for ChainParams {
    fn default() -> Self {
        Self {
            input_trim_db: 0.0,
            tilt_db: 0.0,
            tilt_pivot_hz: 1000.0,
            low_shelf_freq_hz: 100.0,
            low_shelf_gain_db: 0.0,
            high_shelf_freq_hz: 8000.0,
            high_shelf_gain_db: 0.0,
            bells: [Bell::default(); 4],
            match_amount: 0.0,
            width: 1.0,
            mono_bass_hz: 0.0,
            gain_db: 0.0,
            ceiling_dbtp: -1.0,
            limiter_enabled: true,
            limiter_character: LimiterCharacter::Balanced,
        }
    }
}

impl ChainParams {
    /// Analytic magnitude in dB of tilt + shelves + bells at `freq_hz` for a chain running at
    /// `sample_rate_hz` (the exact digital response of the biquads the chain runs once settled).
    /// For drawing and tests; pure, allocation-free.
    pub fn tone_response_db(&self, freq_hz: f64, sample_rate_hz: f64) -> f64 {
        tone::sections_for(self, sample_rate_hz)
            .iter()
            .flatten()
            .map(|c| c.magnitude_db(freq_hz, sample_rate_hz))
            .sum()
    }

    /// Magnitude in dB applied by the match stage for a designed curve value `curve_db` at the
    /// current `match_amount` (see [`ChainParams::match_amount`]). Pure.
    pub fn match_response_db(&self, curve_db: f64) -> f64 {
        let a = self.match_amount.clamp(0.0, 1.0);
        20.0 * (1.0 - a + a * 10f64.powf(curve_db / 20.0)).log10()
    }
}
