//! Delivery presets: target loudness, true-peak ceiling and file format per medium.

use super::model::*;

/// What a delivery preset prescribes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PresetSpec {
    pub preset: DeliveryPreset,
    /// Shown to the user.
    pub label: &'static str,
    /// Target integrated loudness per track, LUFS.
    pub target_lufs: f64,
    /// True-peak ceiling, dBTP.
    pub ceiling_dbtp: f64,
    /// In album mode the loudest track may sit here instead of at `target_lufs` (AES TD1008).
    pub album_loudest_lufs: Option<f64>,
    pub bit_depth: BitDepth,
    /// `None` = keep the source's rate.
    pub sample_rate_hz: Option<u32>,
    pub format: ExportFormat,
}

impl DeliveryPreset {
    /// All presets, in the order the user sees them.
    pub const ALL: [DeliveryPreset; 10] = [
        DeliveryPreset::Spotify,
        DeliveryPreset::Youtube,
        DeliveryPreset::Tidal,
        DeliveryPreset::Apple,
        DeliveryPreset::Amazon,
        DeliveryPreset::Deezer,
        DeliveryPreset::Aes,
        DeliveryPreset::Cd,
        DeliveryPreset::Hires,
        DeliveryPreset::Custom,
    ];

    /// The CLI name (`spotify`, `cd`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryPreset::Spotify => "spotify",
            DeliveryPreset::Youtube => "youtube",
            DeliveryPreset::Tidal => "tidal",
            DeliveryPreset::Apple => "apple",
            DeliveryPreset::Amazon => "amazon",
            DeliveryPreset::Deezer => "deezer",
            DeliveryPreset::Aes => "aes",
            DeliveryPreset::Cd => "cd",
            DeliveryPreset::Hires => "hires",
            DeliveryPreset::Custom => "custom",
        }
    }

    /// Parses a CLI name.
    pub fn from_name(name: &str) -> Option<DeliveryPreset> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(name))
    }

    /// The preset's prescription. `Custom` returns the streaming defaults; its values are the user's.
    pub fn spec(self) -> PresetSpec {
        let streaming = |preset, label, target_lufs, ceiling_dbtp| PresetSpec {
            preset,
            label,
            target_lufs,
            ceiling_dbtp,
            album_loudest_lufs: None,
            bit_depth: BitDepth::Int24,
            sample_rate_hz: None,
            format: ExportFormat::Wav,
        };
        match self {
            DeliveryPreset::Spotify => streaming(self, "Spotify (−14 LUFS, −1 dBTP)", -14.0, -1.0),
            DeliveryPreset::Youtube => streaming(self, "YouTube (−14 LUFS, −1 dBTP)", -14.0, -1.0),
            DeliveryPreset::Tidal => streaming(self, "Tidal (−14 LUFS, −1 dBTP)", -14.0, -1.0),
            DeliveryPreset::Apple => {
                streaming(self, "Apple Music (−16 LUFS, −1 dBTP)", -16.0, -1.0)
            }
            DeliveryPreset::Amazon => {
                streaming(self, "Amazon Music (−14 LUFS, −2 dBTP)", -14.0, -2.0)
            }
            DeliveryPreset::Deezer => streaming(self, "Deezer (−15 LUFS, −1 dBTP)", -15.0, -1.0),
            DeliveryPreset::Aes => PresetSpec {
                album_loudest_lufs: Some(-14.0),
                ..streaming(
                    self,
                    "AES TD1008 streaming (−16 LUFS, loudest −14, −1 dBTP)",
                    -16.0,
                    -1.0,
                )
            },
            DeliveryPreset::Cd => PresetSpec {
                bit_depth: BitDepth::Int16,
                sample_rate_hz: Some(44_100),
                ..streaming(
                    self,
                    "CD (44.1 kHz 16-bit, −10 LUFS, −0.3 dBTP)",
                    -10.0,
                    -0.3,
                )
            },
            DeliveryPreset::Hires => PresetSpec {
                format: ExportFormat::Flac,
                ..streaming(
                    self,
                    "Hi-res download (FLAC 24-bit, source rate)",
                    -14.0,
                    -1.0,
                )
            },
            DeliveryPreset::Custom => streaming(self, "Custom", -14.0, -1.0),
        }
    }
}

impl AlbumSettings {
    /// Applies a preset: its target, ceiling and format. `Custom` keeps the current values.
    pub fn apply_preset(&mut self, preset: DeliveryPreset) {
        self.preset = preset;
        if preset == DeliveryPreset::Custom {
            return;
        }
        let spec = preset.spec();
        self.target_lufs = spec.target_lufs;
        self.ceiling_dbtp = spec.ceiling_dbtp;
        self.export.bit_depth = spec.bit_depth;
        self.export.sample_rate_hz = spec.sample_rate_hz;
        self.export.format = spec.format;
        self.export.dither = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cli_name_round_trips() {
        for p in DeliveryPreset::ALL {
            assert_eq!(DeliveryPreset::from_name(p.as_str()), Some(p));
        }
        assert_eq!(
            DeliveryPreset::from_name("SPOTIFY"),
            Some(DeliveryPreset::Spotify)
        );
        assert_eq!(DeliveryPreset::from_name("vinyl"), None);
    }

    #[test]
    fn presets_prescribe_the_published_targets() {
        let t = |p: DeliveryPreset| (p.spec().target_lufs, p.spec().ceiling_dbtp);
        assert_eq!(t(DeliveryPreset::Spotify), (-14.0, -1.0));
        assert_eq!(t(DeliveryPreset::Apple), (-16.0, -1.0));
        assert_eq!(t(DeliveryPreset::Amazon), (-14.0, -2.0));
        assert_eq!(t(DeliveryPreset::Deezer), (-15.0, -1.0));
        assert_eq!(t(DeliveryPreset::Cd), (-10.0, -0.3));
        assert_eq!(DeliveryPreset::Aes.spec().album_loudest_lufs, Some(-14.0));
        let mut s = AlbumSettings::default();
        s.apply_preset(DeliveryPreset::Cd);
        assert_eq!(
            (s.export.bit_depth, s.export.sample_rate_hz),
            (BitDepth::Int16, Some(44_100))
        );
        s.target_lufs = -9.0;
        s.apply_preset(DeliveryPreset::Custom);
        assert_eq!(s.target_lufs, -9.0);
    }
}
