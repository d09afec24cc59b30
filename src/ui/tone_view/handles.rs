//! The EQ's draggable handles: where each sits, its documented ranges, and the tone settings
//! a move, a reset, a new bell or a Q change produce. Pure functions of `ToneSettings`.

use crate::project::{Bell, ToneSettings};

/// Most bells a track can have (the chain has four bell sections).
pub const MAX_BELLS: usize = 4;
/// Tilt range, ±dB (the chain's clamp).
pub const TILT_DB: f64 = 6.0;
/// Shelf and bell gain range, ±dB.
pub const GAIN_DB: f64 = 12.0;
/// Bell Q range.
pub const Q_RANGE: (f64, f64) = (0.3, 8.0);
/// Q of a new bell: about 1.4 octaves wide, a musical default.
pub const NEW_BELL_Q: f64 = 1.0;
/// One wheel notch multiplies Q by 2^(1/4): four notches per doubling.
const Q_PER_LINE: f64 = 0.25;

/// One draggable EQ control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Handle {
    /// Tilt: vertical = tilt dB, horizontal = pivot.
    Tilt,
    /// Low shelf: corner frequency and gain.
    LowShelf,
    /// High shelf: corner frequency and gain.
    HighShelf,
    /// Bell `n` (0-based index into `ToneSettings::bells`): frequency and gain; the wheel sets Q.
    Bell(usize),
}

impl Handle {
    /// The frequency range of the handle, Hz. The tilt pivot stops at 5 kHz because the chain
    /// clamps it there (`dsp::tone`); allowing more would draw a pivot the audio does not have.
    pub fn freq_range_hz(self) -> (f64, f64) {
        match self {
            Handle::Tilt => (100.0, 5_000.0),
            Handle::LowShelf => (20.0, 1_000.0),
            Handle::HighShelf => (1_000.0, 20_000.0),
            Handle::Bell(_) => (20.0, 20_000.0),
        }
    }

    /// The gain range of the handle, ±dB.
    pub fn gain_limit_db(self) -> f64 {
        match self {
            Handle::Tilt => TILT_DB,
            _ => GAIN_DB,
        }
    }

    /// `(freq_hz, gain_db)` clamped to the handle's ranges; a non-finite value keeps `fallback`'s.
    pub fn clamp(self, freq_hz: f64, gain_db: f64, fallback: (f64, f64)) -> (f64, f64) {
        let (lo, hi) = self.freq_range_hz();
        let limit = self.gain_limit_db();
        let freq_hz = if freq_hz.is_finite() {
            freq_hz
        } else {
            fallback.0
        };
        let gain_db = if gain_db.is_finite() {
            gain_db
        } else {
            fallback.1
        };
        (freq_hz.clamp(lo, hi), gain_db.clamp(-limit, limit))
    }

    /// A short name for labels and the readout: "Tilt", "Low shelf", "Bell 2".
    pub fn name(self) -> String {
        match self {
            Handle::Tilt => "Tilt".to_string(),
            Handle::LowShelf => "Low shelf".to_string(),
            Handle::HighShelf => "High shelf".to_string(),
            Handle::Bell(i) => format!("Bell {}", i + 1),
        }
    }

    /// The one- or two-character mark drawn inside the handle.
    pub fn mark(self) -> String {
        match self {
            Handle::Tilt => "T".to_string(),
            Handle::LowShelf => "L".to_string(),
            Handle::HighShelf => "H".to_string(),
            Handle::Bell(i) => format!("{}", i + 1),
        }
    }
}

/// The handles of `tone`, in drawing order (later ones are on top and win a tie when picked).
pub fn handles(tone: &ToneSettings) -> Vec<Handle> {
    let bells = tone.bells.len().min(MAX_BELLS);
    [Handle::Tilt, Handle::LowShelf, Handle::HighShelf]
        .into_iter()
        .chain((0..bells).map(Handle::Bell))
        .collect()
}

/// Where `handle` sits: `(freq_hz, gain_db)`; `None` for a bell `tone` does not have.
pub fn position(tone: &ToneSettings, handle: Handle) -> Option<(f64, f64)> {
    match handle {
        Handle::Tilt => Some((tone.tilt_pivot_hz, tone.tilt_db)),
        Handle::LowShelf => Some((tone.low_shelf.freq_hz, tone.low_shelf.gain_db)),
        Handle::HighShelf => Some((tone.high_shelf.freq_hz, tone.high_shelf.gain_db)),
        Handle::Bell(i) => tone.bells.get(i).map(|b| (b.freq_hz, b.gain_db)),
    }
}

/// `tone` with `handle` moved to `(freq_hz, gain_db)`, clamped to its ranges; `None` for a
/// bell `tone` does not have.
pub fn moved(
    tone: &ToneSettings,
    handle: Handle,
    freq_hz: f64,
    gain_db: f64,
) -> Option<ToneSettings> {
    let (freq_hz, gain_db) = handle.clamp(freq_hz, gain_db, position(tone, handle)?);
    let mut tone = tone.clone();
    match handle {
        Handle::Tilt => {
            tone.tilt_pivot_hz = freq_hz;
            tone.tilt_db = gain_db;
        }
        Handle::LowShelf => {
            tone.low_shelf.freq_hz = freq_hz;
            tone.low_shelf.gain_db = gain_db;
        }
        Handle::HighShelf => {
            tone.high_shelf.freq_hz = freq_hz;
            tone.high_shelf.gain_db = gain_db;
        }
        Handle::Bell(i) => {
            let bell = &mut tone.bells[i];
            bell.freq_hz = freq_hz;
            bell.gain_db = gain_db;
        }
    }
    Some(tone)
}

/// `tone` with `handle` back to neutral: gain 0 dB (frequencies kept); a bell is removed.
pub fn reset(tone: &ToneSettings, handle: Handle) -> Option<ToneSettings> {
    let mut tone = tone.clone();
    match handle {
        Handle::Tilt => tone.tilt_db = 0.0,
        Handle::LowShelf => tone.low_shelf.gain_db = 0.0,
        Handle::HighShelf => tone.high_shelf.gain_db = 0.0,
        Handle::Bell(i) if i < tone.bells.len() => {
            tone.bells.remove(i);
        }
        Handle::Bell(_) => return None,
    }
    Some(tone)
}

/// `tone` with a new bell at `(freq_hz, gain_db)` (clamped, Q [`NEW_BELL_Q`]); `None` when it
/// already has [`MAX_BELLS`].
pub fn with_bell(tone: &ToneSettings, freq_hz: f64, gain_db: f64) -> Option<ToneSettings> {
    if tone.bells.len() >= MAX_BELLS {
        return None;
    }
    let (freq_hz, gain_db) = Handle::Bell(0).clamp(freq_hz, gain_db, (1_000.0, 0.0));
    let mut tone = tone.clone();
    tone.bells.push(Bell {
        freq_hz,
        // Tenths of a dB: a double-click is not a precise gesture, and "+2.3 dB" reads better.
        gain_db: (gain_db * 10.0).round() / 10.0,
        q: NEW_BELL_Q,
    });
    Some(tone)
}

/// `tone` with bell `bell`'s Q multiplied by 2^(`lines`/4) (wheel up = narrower), clamped to
/// [`Q_RANGE`]; `None` for a bell `tone` does not have.
pub fn with_q(tone: &ToneSettings, bell: usize, lines: f64) -> Option<ToneSettings> {
    let mut tone = tone.clone();
    let b = tone.bells.get_mut(bell)?;
    let lines = if lines.is_finite() { lines } else { 0.0 };
    let q = if b.q.is_finite() { b.q } else { NEW_BELL_Q };
    b.q = (q * (Q_PER_LINE * lines).exp2()).clamp(Q_RANGE.0, Q_RANGE.1);
    Some(tone)
}
