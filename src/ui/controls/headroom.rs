//! Headroom controls: delivery preset, target loudness, true-peak ceiling, loudness mode,
//! album spread, the selected track's offset (album mode), limiter character and its largest
//! allowed gain reduction; a gain-reduction meter and a warning in plain words when the limiter
//! works hard. Album changes return the whole new `AlbumSettings`.

use super::knob::{Control, Spec};
use super::scale::{Scale, Unit};
use super::{heading, note, segmented, Action, ROW_SPACING, SECTION_SPACING};
use crate::project::{AlbumSettings, DeliveryPreset, LimiterCharacter, LoudnessMode, Track};
use crate::ui::edit::Edit;
use crate::ui::figures::TrackFigures;
use crate::ui::meters::{Bar, Marker};
use crate::ui::theme;
use iced::widget::{canvas, column, container, pick_list, row, text, toggler};
use iced::{Alignment, Element, Fill};

/// Peak gain reduction above which the desk suggests a lower target, dB.
pub const WARN_GAIN_REDUCTION_DB: f64 = 3.0;
/// Full scale of the gain-reduction meter, dB.
pub const GR_METER_DB: f64 = 12.0;
/// Album spread when it is switched on for the first time, LU (the assistant's default).
pub const SPREAD_DEFAULT_LU: f64 = 6.0;

/// One headroom control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// Target integrated loudness, LUFS.
    Target,
    /// True-peak ceiling, dBTP.
    Ceiling,
    /// Largest loudness spread between tracks in album mode, LU.
    Spread,
    /// The selected track's nudge in album mode, LU.
    Offset,
    /// Largest peak gain reduction the render allows, dB.
    MaxGainReduction,
}

impl Param {
    /// Range, unit and default neutral value (see [`Param::neutral`] for the preset's).
    pub fn spec(self) -> Spec {
        let defaults = AlbumSettings::default();
        let spec = |label, min, max, unit, neutral, origin| Spec {
            label,
            scale: Scale::Linear { min, max },
            unit,
            neutral,
            origin,
        };
        match self {
            Param::Target => spec(
                "Target",
                -24.0,
                -6.0,
                Unit::Lufs,
                defaults.target_lufs,
                None,
            ),
            Param::Ceiling => spec(
                "Ceiling",
                -3.0,
                0.0,
                Unit::Dbtp,
                defaults.ceiling_dbtp,
                None,
            ),
            Param::Spread => spec("Spread", 0.0, 12.0, Unit::LuSize, SPREAD_DEFAULT_LU, None),
            Param::Offset => spec("Offset", -6.0, 6.0, Unit::Lu, 0.0, Some(0.0)),
            Param::MaxGainReduction => spec(
                "Max limiting",
                1.0,
                12.0,
                Unit::DbSize,
                defaults.max_gain_reduction_db,
                None,
            ),
        }
    }

    /// What a double-click restores: the preset's target and ceiling (so a reset never leaves
    /// the preset), the defaults for the rest.
    pub fn neutral(self, settings: &AlbumSettings) -> f64 {
        let spec = settings.preset.spec();
        match (self, settings.preset) {
            (Param::Target, p) if p != DeliveryPreset::Custom => spec.target_lufs,
            (Param::Ceiling, p) if p != DeliveryPreset::Custom => spec.ceiling_dbtp,
            _ => self.spec().neutral,
        }
    }
}

/// After a hand change of target or ceiling: the preset keeps its name while its figures
/// still hold, and becomes `Custom` once they do not (the export report and the AES preset's
/// loudest-track rule go by the name). Within 0.05 counts as holding.
pub fn preset_after_hand_change(settings: &AlbumSettings) -> DeliveryPreset {
    let preset = settings.preset;
    if preset == DeliveryPreset::Custom {
        return preset;
    }
    let spec = preset.spec();
    let holds = (settings.target_lufs - spec.target_lufs).abs() < 0.05
        && (settings.ceiling_dbtp - spec.ceiling_dbtp).abs() < 0.05;
    if holds {
        preset
    } else {
        DeliveryPreset::Custom
    }
}

/// The warning under the gain-reduction meter, in plain words, or `None` when the limiter is
/// at ease: a held-back track first, then a peak reduction of
/// [`WARN_GAIN_REDUCTION_DB`] or more.
pub fn limiter_warning(figures: &TrackFigures, settings: &AlbumSettings) -> Option<String> {
    let allowed = trim_zero(settings.max_gain_reduction_db);
    if figures.held_back {
        return Some(match figures.mastered_lufs {
            Some(lufs) => format!(
                "Held back at {}: the target needs more than {allowed} dB of limiting",
                Unit::Lufs.format(lufs)
            ),
            None => {
                format!("Held back below the target: it needs more than {allowed} dB of limiting")
            }
        });
    }
    let gr = figures.gain_reduction_db?;
    (gr >= WARN_GAIN_REDUCTION_DB).then(|| {
        format!(
            "{} dB peak reduction: consider a lower target",
            crate::units::unsigned(-gr, 1)
        )
    })
}

/// "6", "4.5": a setting's figure without a needless ".0".
fn trim_zero(value: f64) -> String {
    let text = crate::units::unsigned(value, 1);
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// A preset in the pick list, shown by its short name ("Spotify", "AES TD1008 streaming").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresetChoice(pub DeliveryPreset);

impl std::fmt::Display for PresetChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = self.0.spec().label;
        f.write_str(label.split(" (").next().unwrap_or(label))
    }
}

/// What a preset prescribes, in a few words: "−14 LUFS, −1 dBTP · WAV 24-bit, source rate".
pub fn preset_summary(preset: DeliveryPreset) -> String {
    use crate::project::{BitDepth, ExportFormat};
    if preset == DeliveryPreset::Custom {
        return "Your own target and ceiling.".to_string();
    }
    let spec = preset.spec();
    let loudest = spec
        .album_loudest_lufs
        .map_or(String::new(), |l| format!(" (loudest {})", trim_zero(l)));
    let format = match spec.format {
        ExportFormat::Wav => "WAV",
        ExportFormat::Flac => "FLAC",
    };
    let depth = match spec.bit_depth {
        BitDepth::Int16 => "16-bit",
        BitDepth::Int24 => "24-bit",
        BitDepth::Float32 => "32-bit float",
    };
    let rate = spec.sample_rate_hz.map_or("source rate".to_string(), |r| {
        crate::units::hz(f64::from(r))
    });
    format!(
        "{} LUFS{loudest}, {} dBTP · {format} {depth}, {rate}",
        trim_zero(spec.target_lufs),
        trim_zero(spec.ceiling_dbtp)
    )
}

fn character_words(character: LimiterCharacter) -> &'static str {
    match character {
        LimiterCharacter::Transparent => "Slow release: no pumping on dense material.",
        LimiterCharacter::Balanced => "The default: quick enough, rarely heard.",
        LimiterCharacter::Fast => "Quick release after transients: louder, less subtle.",
    }
}

/// Headroom panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A delivery preset was picked.
    Preset(DeliveryPreset),
    /// A control moved to this value (sent on every movement of a drag).
    Set(Param, f64),
    /// Double-click: back to the neutral value.
    Reset(Param),
    /// The drag ended.
    Released,
    Mode(LoudnessMode),
    /// Album spread on (narrow the mix's offsets) or off (keep them).
    SpreadOn(bool),
    Limiter(LimiterCharacter),
}

/// Headroom panel state: only what the project does not keep.
#[derive(Debug, Default)]
pub struct Headroom {
    /// The spread last used, restored when it is switched on again.
    last_spread_lu: Option<f64>,
}

impl Headroom {
    /// Handles a message; `track` is the selected track (for its offset).
    pub fn update(
        &mut self,
        message: Message,
        settings: &AlbumSettings,
        track: Option<&Track>,
    ) -> Action {
        let mut new = settings.clone();
        match message {
            Message::Preset(preset) => {
                new.apply_preset(preset);
                Action::Commit(Edit::Album(new))
            }
            Message::Set(Param::Offset, _) | Message::Reset(Param::Offset)
                if settings.loudness_mode == LoudnessMode::Track =>
            {
                // Offsets do nothing in track mode (the control is disabled there).
                Action::None
            }
            Message::Set(param, value) => self
                .set(&mut new, param, value, track)
                .map_or(Action::None, Action::Edit),
            Message::Reset(param) => {
                let neutral = param.neutral(settings);
                self.set(&mut new, param, neutral, track)
                    .map_or(Action::None, Action::Commit)
            }
            Message::Released => Action::GestureEnd,
            Message::Mode(mode) => {
                new.loudness_mode = mode;
                Action::Commit(Edit::Album(new))
            }
            Message::SpreadOn(on) => {
                if let Some(lu) = settings.album_spread_lu {
                    self.last_spread_lu = Some(lu);
                }
                new.album_spread_lu = on.then(|| self.last_spread_lu.unwrap_or(SPREAD_DEFAULT_LU));
                Action::Commit(Edit::Album(new))
            }
            Message::Limiter(character) => {
                new.limiter = character;
                Action::Commit(Edit::Album(new))
            }
        }
    }

    /// The edit setting `param` to `value` (clamped and rounded as shown), applied to `new`
    /// for album settings; `None` when it cannot apply (no track, spread off).
    fn set(
        &mut self,
        new: &mut AlbumSettings,
        param: Param,
        value: f64,
        track: Option<&Track>,
    ) -> Option<Edit> {
        let v = param.spec().settle(value);
        match param {
            Param::Target => new.target_lufs = v,
            Param::Ceiling => new.ceiling_dbtp = v,
            Param::Spread => {
                new.album_spread_lu?;
                new.album_spread_lu = Some(v);
                self.last_spread_lu = Some(v);
            }
            Param::MaxGainReduction => new.max_gain_reduction_db = v,
            Param::Offset => {
                return track.map(|t| Edit::Offset {
                    track: t.id,
                    offset_lu: v,
                })
            }
        }
        new.preset = preset_after_hand_change(new);
        Some(Edit::Album(new.clone()))
    }

    /// The "Headroom" and "Limiter" sections. `figures` are the selected track's;
    /// `live_gain_reduction_db` what the limiter does right now (0 when nothing plays).
    pub fn view<'a>(
        &'a self,
        settings: &'a AlbumSettings,
        track: Option<&'a Track>,
        figures: Option<&'a TrackFigures>,
        live_gain_reduction_db: f64,
    ) -> Element<'a, Message> {
        let control = |param: Param, value: f64| {
            Control::new(
                param.spec(),
                value,
                move |v| Message::Set(param, v),
                Message::Reset(param),
                Message::Released,
            )
        };
        let album_mode = settings.loudness_mode == LoudnessMode::Album;

        let preset = row![
            text("Delivery")
                .size(super::knob::TEXT_SIZE)
                .color(theme::MUTED)
                .width(super::knob::LABEL_WIDTH),
            pick_list(
                DeliveryPreset::ALL.map(PresetChoice),
                Some(PresetChoice(settings.preset)),
                |p: PresetChoice| Message::Preset(p.0),
            )
            .text_size(13)
            .padding([2, 8])
            .width(Fill),
        ]
        .spacing(8)
        .align_y(Alignment::Center);

        let mut spread = control(
            Param::Spread,
            settings
                .album_spread_lu
                .or(self.last_spread_lu)
                .unwrap_or(SPREAD_DEFAULT_LU),
        )
        .enabled(album_mode && settings.album_spread_lu.is_some())
        .label(
            toggler(settings.album_spread_lu.is_some())
                .label("Spread")
                .text_size(12)
                .size(12)
                .spacing(4)
                .on_toggle_maybe(album_mode.then_some(Message::SpreadOn)),
        );
        if settings.album_spread_lu.is_none() {
            spread = spread.value_text("as mixed");
        }

        let offset_value = track.map_or(0.0, |t| t.headroom.offset_lu);
        let mut headroom = column![
            heading("Headroom"),
            preset,
            note(preset_summary(settings.preset)),
            control(Param::Target, settings.target_lufs),
            control(Param::Ceiling, settings.ceiling_dbtp),
            segmented(
                "Loudness",
                vec![
                    (
                        "Album",
                        album_mode,
                        Some(Message::Mode(LoudnessMode::Album))
                    ),
                    (
                        "Track",
                        !album_mode,
                        Some(Message::Mode(LoudnessMode::Track))
                    ),
                ],
            ),
            spread,
            control(Param::Offset, offset_value).enabled(album_mode && track.is_some()),
        ]
        .spacing(ROW_SPACING);
        if !album_mode {
            headroom = headroom.push(note(
                "Track mode: every track goes to the target, so spread and offsets do not apply.",
            ));
        }

        let character = |name: &'a str, c: LimiterCharacter| {
            (name, settings.limiter == c, Some(Message::Limiter(c)))
        };
        let mut limiter = column![
            heading("Limiter"),
            segmented(
                "Character",
                vec![
                    character("Transparent", LimiterCharacter::Transparent),
                    character("Balanced", LimiterCharacter::Balanced),
                    character("Fast", LimiterCharacter::Fast),
                ],
            ),
            note(character_words(settings.limiter)),
            control(Param::MaxGainReduction, settings.max_gain_reduction_db),
            gain_reduction_meter(
                live_gain_reduction_db,
                figures.and_then(|f| f.gain_reduction_db),
                settings.max_gain_reduction_db,
            ),
        ]
        .spacing(ROW_SPACING);
        let warning = figures.and_then(|f| limiter_warning(f, settings));
        let peak = figures.and_then(|f| f.gain_reduction_db);
        limiter = match (warning, peak) {
            (Some(words), _) => limiter.push(text(words).size(12).color(theme::WARNING)),
            (None, Some(gr)) => limiter.push(note(format!(
                "Peak reduction in the master: {}",
                Unit::DbSize.format(gr)
            ))),
            (None, None) => limiter,
        };

        column![headroom, limiter]
            .spacing(SECTION_SPACING)
            .width(Fill)
            .into()
    }
}

/// The gain-reduction meter: live reduction as a bar over 0–12 dB, red beyond the largest
/// allowed (the zone from there on is tinted), and a white mark at the master's measured peak.
fn gain_reduction_meter<'a>(
    live_db: f64,
    measured_peak_db: Option<f64>,
    allowed_db: f64,
) -> Element<'a, Message> {
    let bar = Bar {
        min: 0.0,
        max: GR_METER_DB,
        value: (live_db > 0.0).then_some(live_db),
        color: theme::TRACK,
        over: Some(allowed_db),
        hold: None,
        markers: [
            measured_peak_db.map(|at| Marker {
                at,
                color: theme::TEXT,
            }),
            None,
        ],
    };
    row![
        text("Reduction")
            .size(super::knob::TEXT_SIZE)
            .color(theme::MUTED)
            .width(super::knob::LABEL_WIDTH),
        // Inset like the faders' rails, so 0 dB lines up with their left ends.
        container(canvas(bar).width(Fill).height(10)).padding([0, 5]),
        text(Unit::DbSize.format(live_db.max(0.0)))
            .size(super::knob::TEXT_SIZE)
            .width(super::knob::VALUE_WIDTH)
            .align_x(Alignment::End),
    ]
    .spacing(8)
    .align_y(Alignment::Center)
    .into()
}
