//! Translation preview: what each streaming platform's loudness normalisation does to a track.
//!
//! Sources and assumptions (public documentation and published measurements as of 2024; platforms
//! change these without notice, so the table is a preview, not a promise):
//! - **Spotify**: "Normal" volume level, −14 LUFS integrated (ITU-R BS.1770). Loud tracks are turned
//!   down; quiet tracks are turned up only as far as their true peak stays at or below −1 dBTP
//!   (Spotify for Artists, "Loudness normalization": "we don't apply limiting … positive gain is
//!   applied only until the track's peaks reach −1 dB"). Its "Loud" mode (−11 LUFS with a limiter)
//!   is not modelled.
//! - **Apple Music**: Sound Check, −16 LUFS (Apple, "Apple Digital Masters" guide). It turns tracks up
//!   and down. Whether positive gain is capped by the peak is not documented; Lathe assumes the
//!   same −1 dBTP cap as Spotify, which is what published measurements of Sound Check suggest.
//! - **YouTube**: −14 LUFS, turns loud tracks down and never turns quiet ones up (the "stats for nerds"
//!   content-loudness figure is never positive).
//! - **Amazon Music**: −14 LUFS, turns down only (measurements published by loudness-penalty services;
//!   Amazon documents no figure).
//! - **Deezer**: −15 LUFS, turns down only (Deezer's help pages; measurements agree).
//! - **Tidal**: −14 LUFS, turns down only (Tidal's help pages since 2023; album normalisation when an
//!   album plays in order, which turns the whole album by the loudest track's gain — not modelled).

use crate::units::{signed, trimmed};
use serde::{Deserialize, Serialize};

/// A delivery platform whose playback normalisation Lathe previews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Spotify,
    AppleMusic,
    Youtube,
    AmazonMusic,
    Deezer,
    Tidal,
}

/// How a platform treats a track quieter than its reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RaisePolicy {
    /// Quiet tracks are left as they are.
    Never,
    /// Quiet tracks are raised, but only until their true peak reaches this level, dBTP.
    UpToTruePeak(f64),
}

/// Why a platform applies the gain it applies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum GainReason {
    /// Louder than the reference: turned down to it.
    TurnedDown { reference_lufs: f64 },
    /// Quieter than the reference and raised all the way to it.
    TurnedUp { reference_lufs: f64 },
    /// Quieter than the reference; raising is capped so the true peak stays at the platform's limit.
    RaiseLimitedByPeak {
        wanted_db: f64,
        peak_limit_dbtp: f64,
    },
    /// Quieter than the reference; the platform never raises.
    NotRaised { reference_lufs: f64 },
    /// Within 0.05 LU of the reference: left alone.
    AtReference { reference_lufs: f64 },
    /// No measurable loudness: the platform has nothing to normalise.
    NoLoudness,
}

impl Platform {
    /// Every platform, in the order the preview lists them.
    pub const ALL: [Platform; 6] = [
        Platform::Spotify,
        Platform::AppleMusic,
        Platform::Youtube,
        Platform::AmazonMusic,
        Platform::Deezer,
        Platform::Tidal,
    ];

    /// Name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Spotify => "Spotify",
            Platform::AppleMusic => "Apple Music",
            Platform::Youtube => "YouTube",
            Platform::AmazonMusic => "Amazon Music",
            Platform::Deezer => "Deezer",
            Platform::Tidal => "Tidal",
        }
    }

    /// The integrated loudness the platform normalises to, LUFS (see the module notes for sources).
    pub fn reference_lufs(self) -> f64 {
        match self {
            Platform::AppleMusic => -16.0,
            Platform::Deezer => -15.0,
            _ => -14.0,
        }
    }

    /// Whether and how far the platform raises quiet tracks.
    pub fn raise_policy(self) -> RaisePolicy {
        match self {
            Platform::Spotify | Platform::AppleMusic => RaisePolicy::UpToTruePeak(-1.0),
            _ => RaisePolicy::Never,
        }
    }
}

/// The playback gain in dB a platform applies to a track of `integrated_lufs` and `true_peak_dbtp`,
/// and why. Pure; the engine's "play as on …" switch applies exactly this gain.
/// A missing true peak (digital silence) places no cap on raising.
pub fn platform_gain_db(
    platform: Platform,
    integrated_lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
) -> (f64, GainReason) {
    let Some(lufs) = integrated_lufs.filter(|l| l.is_finite()) else {
        return (0.0, GainReason::NoLoudness);
    };
    let reference_lufs = platform.reference_lufs();
    let wanted_db = reference_lufs - lufs;
    if wanted_db.abs() < 0.05 {
        return (0.0, GainReason::AtReference { reference_lufs });
    }
    if wanted_db < 0.0 {
        return (wanted_db, GainReason::TurnedDown { reference_lufs });
    }
    match platform.raise_policy() {
        RaisePolicy::Never => (0.0, GainReason::NotRaised { reference_lufs }),
        RaisePolicy::UpToTruePeak(peak_limit_dbtp) => {
            let room_db = true_peak_dbtp.map_or(f64::INFINITY, |tp| peak_limit_dbtp - tp);
            if room_db < wanted_db {
                (
                    room_db.max(0.0),
                    GainReason::RaiseLimitedByPeak {
                        wanted_db,
                        peak_limit_dbtp,
                    },
                )
            } else {
                (wanted_db, GainReason::TurnedUp { reference_lufs })
            }
        }
    }
}

impl std::fmt::Display for GainReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            GainReason::TurnedDown { reference_lufs } => {
                write!(f, "turned down to {} LUFS", trimmed(reference_lufs, 1))
            }
            GainReason::TurnedUp { reference_lufs } => {
                write!(f, "turned up to {} LUFS", trimmed(reference_lufs, 1))
            }
            GainReason::RaiseLimitedByPeak {
                wanted_db,
                peak_limit_dbtp,
            } => write!(
                f,
                "would need {} dB; raised only until the true peak reaches {} dBTP",
                signed(wanted_db, 1),
                trimmed(peak_limit_dbtp, 1)
            ),
            GainReason::NotRaised { reference_lufs } => {
                write!(
                    f,
                    "quieter than {} LUFS; never turned up",
                    trimmed(reference_lufs, 1)
                )
            }
            GainReason::AtReference { reference_lufs } => {
                write!(f, "already at {} LUFS", trimmed(reference_lufs, 1))
            }
            GainReason::NoLoudness => write!(f, "no measurable loudness"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn down_only_platforms_never_raise() {
        for p in [Platform::Youtube, Platform::Deezer, Platform::Tidal] {
            let (g, why) = platform_gain_db(p, Some(-20.0), Some(-6.0));
            assert_eq!(g, 0.0);
            assert!(matches!(why, GainReason::NotRaised { .. }));
        }
        let (g, _) = platform_gain_db(Platform::Deezer, Some(-9.0), Some(-0.2));
        assert!((g + 6.0).abs() < 1e-12);
        let (g, _) = platform_gain_db(Platform::AppleMusic, Some(-20.0), Some(-8.0));
        assert!((g - 4.0).abs() < 1e-12);
        assert_eq!(
            platform_gain_db(Platform::Spotify, None, None),
            (0.0, GainReason::NoLoudness)
        );
    }
}
