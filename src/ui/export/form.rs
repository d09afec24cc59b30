//! The setup form's vocabulary: preset labels, the choices of format, depth and rate, the default
//! album folder, and the checks that decide whether an export may start. Pure except for the
//! folder checks, which touch the file system and are called from `update` only.

use crate::project::{AlbumSettings, BitDepth, DeliveryPreset, Document, ExportFormat};
use crate::render::names::safe_title;
use crate::units::trimmed;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why FLAC and 32-bit float cannot go together, in words the user can act on.
pub const FLAC_FLOAT: &str =
    "FLAC holds 16- or 24-bit integers: choose 16 or 24 bits for FLAC, or WAV for 32-bit float.";

/// Output sample rates offered besides the source's own, Hz.
pub const RATES_HZ: [u32; 4] = [44_100, 48_000, 88_200, 96_000];

/// A delivery preset as the pick list shows it: "Spotify — −14 LUFS, −1 dBTP".
#[derive(Debug, Clone, PartialEq)]
pub struct PresetChoice {
    /// The preset this entry applies.
    pub preset: DeliveryPreset,
    label: String,
}

impl fmt::Display for PresetChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Every preset, in the order `DeliveryPreset::ALL` gives, with its target and ceiling shown.
pub fn preset_choices() -> Vec<PresetChoice> {
    DeliveryPreset::ALL
        .into_iter()
        .map(|preset| PresetChoice {
            preset,
            label: preset_label(preset),
        })
        .collect()
}

/// "Spotify — −14 LUFS, −1 dBTP"; the CD preset adds its format, Custom says whose values count.
pub fn preset_label(preset: DeliveryPreset) -> String {
    let spec = preset.spec();
    // The spec's label is "Name (details)": keep the name, restate the numbers uniformly.
    let name = spec.label.split(" (").next().unwrap_or(spec.label);
    match preset {
        DeliveryPreset::Custom => "Custom — your own target and ceiling".to_string(),
        _ => {
            let mut label = format!(
                "{name} — {} LUFS, {} dBTP",
                trimmed(spec.target_lufs, 1),
                trimmed(spec.ceiling_dbtp, 1)
            );
            if let Some(loudest) = spec.album_loudest_lufs {
                label += &format!(" (loudest track {} LUFS)", trimmed(loudest, 1));
            }
            if spec.format == ExportFormat::Flac {
                label += ", FLAC";
            }
            if let Some(rate_hz) = spec.sample_rate_hz {
                label += &format!(
                    ", {} {}",
                    rate_label(Some(rate_hz)),
                    depth_label(spec.bit_depth)
                );
            }
            label
        }
    }
}

/// "WAV" / "FLAC".
pub fn format_label(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Wav => "WAV",
        ExportFormat::Flac => "FLAC",
    }
}

/// "16-bit" / "24-bit" / "32-bit float".
pub fn depth_label(depth: BitDepth) -> &'static str {
    match depth {
        BitDepth::Int16 => "16-bit",
        BitDepth::Int24 => "24-bit",
        BitDepth::Float32 => "32-bit float",
    }
}

/// "Source rate", "44.1 kHz", "48 kHz".
pub fn rate_label(rate_hz: Option<u32>) -> String {
    match rate_hz {
        None => "Source rate".to_string(),
        Some(rate_hz) => crate::units::hz(f64::from(rate_hz)),
    }
}

/// The rates the form offers: the source's, the standard ones, and the project's own rate
/// when it is something else (set from the CLI), so it stays visible and selected.
pub fn rate_choices(current: Option<u32>) -> Vec<Option<u32>> {
    let mut rates: Vec<Option<u32>> = std::iter::once(None)
        .chain(RATES_HZ.iter().copied().map(Some))
        .collect();
    if !rates.contains(&current) {
        rates.push(current);
    }
    rates
}

/// The combination FLAC + 32-bit float, which FLAC cannot store.
pub fn is_flac_float(format: ExportFormat, depth: BitDepth) -> bool {
    format == ExportFormat::Flac && depth == BitDepth::Float32
}

/// The album WAV with a cue sheet is for CD only: 44.1 kHz, 16-bit.
pub fn allows_album_image(settings: &AlbumSettings) -> bool {
    settings.export.bit_depth == BitDepth::Int16 && settings.export.sample_rate_hz == Some(44_100)
}

/// The default album folder: "<Album title> (master)" beside the project file, as the README's
/// `lathe export album.json --out "My Album (master)"` names it.
pub fn default_folder(document: &Document) -> PathBuf {
    absolute(&document.folder().join(folder_name(document)))
}

/// `path` from the root, with no "." in it: a project opened as `album.json` lives in ".", and
/// "./Album (master)" joined to "." again read "././Album (master)" in the dialog.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// "<Album title> (master)", safe as a folder name.
pub fn folder_name(document: &Document) -> String {
    format!("{} (master)", safe_title(&document.project.album.title))
}

/// The folder typed in the field as a path: `~/` is the home folder, and a relative path is
/// taken from the project's folder (the working directory means nothing in a desktop app).
pub fn resolve_folder(text: &str, document: &Document) -> Option<PathBuf> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let path = match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(text),
    };
    Some(if path.is_relative() {
        absolute(&document.folder().join(path))
    } else {
        path
    })
}

/// Whether replacing `dir` would delete the project file or one of its sources: a folder the
/// user must never be offered to replace, whatever they typed.
pub fn holds_project(dir: &Path, document: &Document) -> bool {
    let Ok(dir) = dir.canonicalize() else {
        return false;
    };
    let inside = |path: &Path| path.canonicalize().is_ok_and(|p| p.starts_with(&dir));
    inside(&document.folder())
        || document
            .project
            .tracks
            .iter()
            .any(|t| inside(&document.source_path(&t.source)))
        || document
            .project
            .references
            .iter()
            .any(|r| inside(&document.source_path(&r.source)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_units_and_true_minus_signs() {
        assert_eq!(
            preset_label(DeliveryPreset::Spotify),
            "Spotify — −14 LUFS, −1 dBTP"
        );
        assert_eq!(
            preset_label(DeliveryPreset::Cd),
            "CD — −10 LUFS, −0.3 dBTP, 44.1 kHz 16-bit"
        );
        assert_eq!(
            preset_label(DeliveryPreset::Hires),
            "Hi-res download — −14 LUFS, −1 dBTP, FLAC"
        );
        assert!(preset_label(DeliveryPreset::Aes).contains("loudest track −14 LUFS"));
        assert_eq!(preset_choices().len(), DeliveryPreset::ALL.len());
        assert_eq!(rate_label(Some(88_200)), "88.2 kHz");
        assert_eq!(rate_label(Some(48_000)), "48 kHz");
    }

    #[test]
    fn an_unusual_project_rate_stays_offered() {
        assert_eq!(rate_choices(Some(48_000)).len(), 5);
        assert_eq!(rate_choices(Some(192_000)).last(), Some(&Some(192_000)));
    }

    #[test]
    fn relative_folders_are_taken_from_the_project_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (mut document, _) = crate::ui::demo::album(dir.path()).unwrap();
        document.path = PathBuf::from("/music/tidewater/album.lathe.json");
        assert_eq!(
            resolve_folder(" masters/cd ", &document),
            Some(PathBuf::from("/music/tidewater/masters/cd"))
        );
        assert_eq!(
            resolve_folder("/tmp/out", &document),
            Some(PathBuf::from("/tmp/out"))
        );
        assert_eq!(resolve_folder("  ", &document), None);
        assert_eq!(
            default_folder(&document),
            PathBuf::from("/music/tidewater/Tidewater (master)")
        );
        // A project opened by its bare name lives in "."; the folders read from the root.
        document.path = PathBuf::from("album.lathe.json");
        let here = std::env::current_dir().unwrap();
        assert_eq!(default_folder(&document), here.join("Tidewater (master)"));
        assert_eq!(
            resolve_folder("./masters", &document),
            Some(here.join("masters"))
        );
    }
}
