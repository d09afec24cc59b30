//! Tone controls of the selected track: input trim, tilt and its pivot, low and high shelves,
//! up to four bells, the match EQ (target, blend, amount, largest move) and stereo (width,
//! mono bass). Every change returns the track's whole new `ToneSettings` or `StereoSettings`.

use super::knob::{Control, Spec};
use super::scale::{Scale, Unit};
use super::{heading, note, segmented, Action, ROW_SPACING, SECTION_SPACING};
use crate::project::{Bell, MatchTarget, StereoSettings, ToneSettings, Track};
use crate::ui::edit::Edit;
use crate::ui::theme;
use iced::widget::{button, column, row, space, text, toggler};
use iced::{Alignment, Element, Fill};

/// Most bells a track can have (the chain has four).
pub const MAX_BELLS: usize = 4;
/// Where new bells start, by how many there are already.
pub const BELL_DEFAULT_HZ: [f64; MAX_BELLS] = [250.0, 1_000.0, 3_000.0, 8_000.0];
/// Mono bass frequency when it is switched on for the first time.
pub const MONO_BASS_DEFAULT_HZ: f64 = 120.0;

/// One tone or stereo control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Trim,
    Tilt,
    Pivot,
    LowShelfFreq,
    LowShelfGain,
    HighShelfFreq,
    HighShelfGain,
    BellFreq(usize),
    BellGain(usize),
    BellQ(usize),
    /// With the Blend target: 0 = album average, 1 = references.
    Blend,
    /// How much of the match correction is applied, 0..=1.
    Amount,
    /// Largest boost or cut of the match curve, dB.
    MaxDb,
    Width,
    MonoBassFreq,
}

const GAIN_12: Scale = Scale::Linear {
    min: -12.0,
    max: 12.0,
};

fn gain(label: &'static str, scale: Scale) -> Spec {
    Spec {
        label,
        scale,
        unit: Unit::Db,
        neutral: 0.0,
        origin: Some(0.0),
    }
}

fn freq(label: &'static str, min: f64, max: f64, neutral: f64) -> Spec {
    Spec {
        label,
        scale: Scale::Log { min, max },
        unit: Unit::Hz,
        neutral,
        origin: None,
    }
}

impl Param {
    /// Range, unit and neutral value. Frequency ranges are the chain's (`dsp::tone`).
    pub fn spec(self) -> Spec {
        let defaults = ToneSettings::default();
        match self {
            Param::Trim => gain(
                "Input trim",
                Scale::Linear {
                    min: -24.0,
                    max: 24.0,
                },
            ),
            Param::Tilt => gain(
                "Tilt",
                Scale::Linear {
                    min: -6.0,
                    max: 6.0,
                },
            ),
            Param::Pivot => freq("Tilt pivot", 100.0, 5_000.0, defaults.tilt_pivot_hz),
            Param::LowShelfGain => gain("Low shelf", GAIN_12),
            Param::LowShelfFreq => freq("Low freq", 20.0, 1_000.0, defaults.low_shelf.freq_hz),
            Param::HighShelfGain => gain("High shelf", GAIN_12),
            Param::HighShelfFreq => {
                freq("High freq", 1_000.0, 20_000.0, defaults.high_shelf.freq_hz)
            }
            Param::BellFreq(i) => freq(
                "Freq",
                20.0,
                20_000.0,
                BELL_DEFAULT_HZ[i.min(MAX_BELLS - 1)],
            ),
            Param::BellGain(_) => gain("Gain", GAIN_12),
            Param::BellQ(_) => Spec {
                label: "Q",
                scale: Scale::Log { min: 0.3, max: 8.0 },
                unit: Unit::Q,
                neutral: 1.0,
                origin: None,
            },
            Param::Blend => Spec {
                label: "Refs share",
                scale: Scale::Linear { min: 0.0, max: 1.0 },
                unit: Unit::Percent,
                neutral: 0.5,
                origin: None,
            },
            Param::Amount => Spec {
                label: "Amount",
                scale: Scale::Linear { min: 0.0, max: 1.0 },
                unit: Unit::Percent,
                neutral: 0.0,
                origin: Some(0.0),
            },
            Param::MaxDb => Spec {
                label: "Max move",
                scale: Scale::Linear { min: 1.0, max: 6.0 },
                unit: Unit::DbBound,
                neutral: 4.0,
                origin: None,
            },
            Param::Width => Spec {
                label: "Width",
                scale: Scale::Linear { min: 0.0, max: 2.0 },
                unit: Unit::Percent,
                neutral: 1.0,
                origin: Some(1.0),
            },
            Param::MonoBassFreq => freq("Mono bass", 40.0, 250.0, MONO_BASS_DEFAULT_HZ),
        }
    }

    /// The control's current value on `track`; `None` for a bell it does not have, or mono
    /// bass while it is off.
    pub fn get(self, track: &Track) -> Option<f64> {
        let t = &track.tone;
        Some(match self {
            Param::Trim => t.input_trim_db,
            Param::Tilt => t.tilt_db,
            Param::Pivot => t.tilt_pivot_hz,
            Param::LowShelfFreq => t.low_shelf.freq_hz,
            Param::LowShelfGain => t.low_shelf.gain_db,
            Param::HighShelfFreq => t.high_shelf.freq_hz,
            Param::HighShelfGain => t.high_shelf.gain_db,
            Param::BellFreq(i) => t.bells.get(i)?.freq_hz,
            Param::BellGain(i) => t.bells.get(i)?.gain_db,
            Param::BellQ(i) => t.bells.get(i)?.q,
            Param::Blend => t.match_eq.blend,
            Param::Amount => t.match_eq.amount,
            Param::MaxDb => t.match_eq.max_db,
            Param::Width => track.stereo.width,
            Param::MonoBassFreq => track.stereo.mono_bass_hz?,
        })
    }

    /// The edit that sets this control of `track` to `value` (clamped to the range and
    /// rounded as shown); `None` when the control does not exist on the track.
    pub fn edit(self, track: &Track, value: f64) -> Option<Edit> {
        self.get(track)?;
        let v = self.spec().settle(value);
        let mut tone = track.tone.clone();
        let mut stereo = track.stereo.clone();
        match self {
            Param::Trim => tone.input_trim_db = v,
            Param::Tilt => tone.tilt_db = v,
            Param::Pivot => tone.tilt_pivot_hz = v,
            Param::LowShelfFreq => tone.low_shelf.freq_hz = v,
            Param::LowShelfGain => tone.low_shelf.gain_db = v,
            Param::HighShelfFreq => tone.high_shelf.freq_hz = v,
            Param::HighShelfGain => tone.high_shelf.gain_db = v,
            Param::BellFreq(i) => tone.bells[i].freq_hz = v,
            Param::BellGain(i) => tone.bells[i].gain_db = v,
            Param::BellQ(i) => tone.bells[i].q = v,
            // Blend and largest move shape a measured curve: touching them measures again.
            Param::Blend => {
                tone.match_eq.blend = v;
                tone.match_eq.curve.clear();
            }
            Param::Amount => tone.match_eq.amount = v,
            Param::MaxDb => {
                tone.match_eq.max_db = v;
                tone.match_eq.curve.clear();
            }
            Param::Width => stereo.width = v,
            Param::MonoBassFreq => stereo.mono_bass_hz = Some(v),
        }
        Some(match self {
            Param::Width | Param::MonoBassFreq => Edit::Stereo {
                track: track.id,
                stereo,
            },
            _ => Edit::Tone {
                track: track.id,
                tone,
            },
        })
    }
}

/// Tone panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A control moved to this value (sent on every movement of a drag).
    Set(Param, f64),
    /// Double-click: back to the control's neutral value.
    Reset(Param),
    /// The drag ended.
    Released,
    AddBell,
    RemoveBell(usize),
    /// What the match curve aims at (a stored curve gives way to a measured one).
    Target(MatchTarget),
    /// Drop the stored curve and measure the match curve toward the target again.
    MeasureCurve,
    /// Mono bass on or off.
    MonoBass(bool),
}

/// Tone panel state: only what the project does not keep.
#[derive(Debug, Default)]
pub struct Tone {
    /// The mono bass frequency last used, restored when it is switched on again.
    last_mono_bass_hz: Option<f64>,
}

impl Tone {
    /// Handles a message for `track`. Matching toward references is refused without them.
    pub fn update(&mut self, message: Message, track: &Track, has_references: bool) -> Action {
        let id = track.id;
        let tone_commit = |tone: ToneSettings| Action::Commit(Edit::Tone { track: id, tone });
        match message {
            Message::Set(param, value) => {
                let edit = param.edit(track, value);
                if param == Param::MonoBassFreq && edit.is_some() {
                    self.last_mono_bass_hz = Some(param.spec().settle(value));
                }
                edit.map_or(Action::None, Action::Edit)
            }
            Message::Reset(param) => param
                .edit(track, param.spec().neutral)
                .map_or(Action::None, Action::Commit),
            Message::Released => Action::GestureEnd,
            Message::AddBell => {
                if track.tone.bells.len() >= MAX_BELLS {
                    return Action::None;
                }
                let mut tone = track.tone.clone();
                tone.bells.push(Bell {
                    freq_hz: new_bell_hz(&tone.bells),
                    gain_db: 0.0,
                    q: 1.0,
                });
                tone_commit(tone)
            }
            Message::RemoveBell(i) => {
                if i >= track.tone.bells.len() {
                    return Action::None;
                }
                let mut tone = track.tone.clone();
                tone.bells.remove(i);
                tone_commit(tone)
            }
            Message::Target(target) => {
                if target != MatchTarget::AlbumAverage && !has_references {
                    return Action::None;
                }
                let mut tone = track.tone.clone();
                tone.match_eq.target = target;
                tone.match_eq.curve.clear();
                tone_commit(tone)
            }
            Message::MeasureCurve => {
                if track.tone.match_eq.curve.is_empty() {
                    return Action::None;
                }
                let mut tone = track.tone.clone();
                tone.match_eq.curve.clear();
                tone_commit(tone)
            }
            Message::MonoBass(on) => {
                if let Some(hz) = track.stereo.mono_bass_hz {
                    self.last_mono_bass_hz = Some(hz);
                }
                let stereo = StereoSettings {
                    mono_bass_hz: on
                        .then(|| self.last_mono_bass_hz.unwrap_or(MONO_BASS_DEFAULT_HZ)),
                    ..track.stereo.clone()
                };
                Action::Commit(Edit::Stereo { track: id, stereo })
            }
        }
    }

    /// The "Tone", "Match" and "Stereo" sections for `track`.
    pub fn view<'a>(&'a self, track: &'a Track, has_references: bool) -> Element<'a, Message> {
        let control = |param: Param| -> Element<'a, Message> {
            let value = param.get(track).unwrap_or(param.spec().neutral);
            Control::new(
                param.spec(),
                value,
                move |v| Message::Set(param, v),
                Message::Reset(param),
                Message::Released,
            )
            .into()
        };

        let can_add = track.tone.bells.len() < MAX_BELLS;
        let mut tone = column![
            row![
                heading("Tone"),
                text(track.title.as_str()).size(12).color(theme::TRACK),
                space::horizontal(),
                small_button(
                    if can_add {
                        "Add bell"
                    } else {
                        "4 bells at most"
                    },
                    can_add.then_some(Message::AddBell)
                ),
            ]
            .spacing(10)
            .align_y(Alignment::Center),
            control(Param::Trim),
            control(Param::Tilt),
            control(Param::Pivot),
            control(Param::LowShelfGain),
            control(Param::LowShelfFreq),
            control(Param::HighShelfGain),
            control(Param::HighShelfFreq),
        ]
        .spacing(ROW_SPACING);
        for i in 0..track.tone.bells.len() {
            tone = tone.push(
                row![
                    text(format!("Bell {}", i + 1)).size(12).color(theme::TEXT),
                    space::horizontal(),
                    small_button("Remove", Some(Message::RemoveBell(i))),
                ]
                .align_y(Alignment::Center),
            );
            tone = tone
                .push(control(Param::BellFreq(i)))
                .push(control(Param::BellGain(i)))
                .push(control(Param::BellQ(i)));
        }

        let m = &track.tone.match_eq;
        let stored = !m.curve.is_empty();
        let target = |name: &'a str, t: MatchTarget, possible: bool| {
            (
                name,
                !stored && m.target == t,
                possible.then_some(Message::Target(t)),
            )
        };
        let mut matching = column![
            heading("Match"),
            segmented(
                "Target",
                vec![
                    target("Album", MatchTarget::AlbumAverage, true),
                    target("References", MatchTarget::References, has_references),
                    target("Blend", MatchTarget::Blend, has_references),
                ],
            ),
        ]
        .spacing(ROW_SPACING);
        if stored {
            let largest = m.curve.iter().fold(0.0f64, |a, p| a.max(p.gain_db.abs()));
            matching = matching
                .push(
                    row![
                        note(format!("The assistant's curve, up to ±{largest:.1} dB")),
                        space::horizontal(),
                        small_button("Measure instead", Some(Message::MeasureCurve)),
                    ]
                    .spacing(8)
                    .align_y(Alignment::Center),
                )
                .push(note(
                    "A target, blend or max move measures the curve again.",
                ));
        } else if !has_references {
            matching = matching.push(note(if m.target == MatchTarget::AlbumAverage {
                "References: add a reference track to match toward it."
            } else {
                "No references loaded: the match aims at the album average."
            }));
        }
        if m.target == MatchTarget::Blend {
            matching = matching.push(control(Param::Blend));
        }
        matching = matching
            .push(control(Param::Amount))
            .push(control(Param::MaxDb));

        let mono_on = track.stereo.mono_bass_hz.is_some();
        let mono_value = track
            .stereo
            .mono_bass_hz
            .or(self.last_mono_bass_hz)
            .unwrap_or(MONO_BASS_DEFAULT_HZ);
        let mut mono = Control::new(
            Param::MonoBassFreq.spec(),
            mono_value,
            |v| Message::Set(Param::MonoBassFreq, v),
            Message::Reset(Param::MonoBassFreq),
            Message::Released,
        )
        .enabled(mono_on)
        .label(
            toggler(mono_on)
                .label("Mono bass")
                .text_wrapping(iced::widget::text::Wrapping::None)
                .text_size(12)
                .size(12)
                .spacing(4)
                .on_toggle(Message::MonoBass),
        );
        if !mono_on {
            mono = mono.value_text("off");
        }
        let stereo = column![heading("Stereo"), control(Param::Width), mono].spacing(ROW_SPACING);

        column![tone, matching, stereo]
            .spacing(SECTION_SPACING)
            .width(Fill)
            .into()
    }
}

/// A compact text button (add or remove a bell).
pub(crate) fn small_button<'a, M: Clone + 'a>(
    label: &'a str,
    message: Option<M>,
) -> Element<'a, M> {
    button(text(label).size(12))
        .padding([0, 8])
        .style(theme::transport_button)
        .on_press_maybe(message)
        .into()
}

/// A frequency for a new bell: the first default not within half an octave of a bell already
/// there, so a new band does not land on top of another.
fn new_bell_hz(bells: &[Bell]) -> f64 {
    BELL_DEFAULT_HZ
        .into_iter()
        .find(|&f| bells.iter().all(|b| (b.freq_hz / f).log2().abs() >= 0.5))
        .unwrap_or(BELL_DEFAULT_HZ[bells.len().min(MAX_BELLS - 1)])
}
