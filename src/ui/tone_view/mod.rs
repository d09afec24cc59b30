//! The tone view, the centre of the desk: the selected track's spectral balance (mid, or side
//! on a toggle) on a log-frequency axis against the album average and the references, the
//! processed curve over the original, the deviation from the match target as a shaded band,
//! the live spectrum, and below it the EQ response with draggable handles.
//!
//! The app hands it owned data with [`ToneView::set`] (whenever the track, the analysis or the
//! settings change), the live spectrum with [`ToneView::set_live`] and a note with
//! [`ToneView::set_note`]; the view answers with [`Action`]s. Everything drawn is computed in
//! `set` ([`model`]); `draw` only strokes cached paths.

mod axes;
mod canvas;
mod draw;
mod handles;
mod model;
mod overlay;
#[cfg(test)]
mod tests;

pub use handles::{Handle, MAX_BELLS};

use super::edit::Edit;
use super::theme;
use crate::analysis::{SpectralBalance, TrackAnalysis};
use crate::project::{ToneSettings, TrackId};
use iced::widget::{button, canvas as canvas_widget, column, container, row, text};
use iced::{Alignment, Element, Fill};
use model::Model;

/// What the view shows for one track, owned so the view can compare and cache it.
#[derive(Debug, Clone, PartialEq)]
pub struct ToneInput {
    /// The track the edits are for.
    pub track: TrackId,
    /// Its title, for the heading.
    pub title: String,
    /// Its analysis (the spectrum: `bands_hz`, `mid_db`, `side_db`).
    pub analysis: TrackAnalysis,
    /// The album average, mid and side (an empty side is simply not drawn).
    pub album: SpectralBalance,
    /// The references average, if there are references.
    pub references: Option<SpectralBalance>,
    /// The track's tone settings as in the project.
    pub tone: ToneSettings,
    /// The tone settings the assistant's proposal would write (drawn as "Proposed"), while
    /// its panel is open and the proposal changes this track.
    pub proposed: Option<ToneSettings>,
    /// A built-in reference corridor the assistant aims at, while its panel shows one: its
    /// lower and upper edges on the analysis' bands, dB (any level: the view aligns its middle
    /// with the track, as the assistant does).
    pub corridor: Option<(Vec<f64>, Vec<f64>)>,
}

/// The panel's messages. The canvas turns mouse gestures into these; frequencies and gains
/// arrive already in Hz and dB (the pixel mapping and Shift's fine mode are the canvas's).
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Show the side spectrum (true) or the mid (false).
    ShowSide(bool),
    /// A handle was dragged to `(freq_hz, gain_db)` (clamped to its ranges here too).
    DragTo {
        handle: Handle,
        freq_hz: f64,
        gain_db: f64,
    },
    /// The mouse button was released after a press on the EQ (ends the gesture).
    Release,
    /// The wheel turned over bell `bell` by `lines` notches (up = positive = higher Q).
    WheelQ { bell: usize, lines: f64 },
    /// Double-click on the EQ strip: a new bell there.
    AddBell { freq_hz: f64, gain_db: f64 },
    /// Double-click on a handle: back to neutral (a bell is removed).
    Reset(Handle),
}

/// What the app must do after [`ToneView::update`].
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Apply this edit (always `Edit::Tone`, the track's whole new tone settings). During a
    /// drag one arrives per movement; they merge into one undo step.
    Edit(Edit),
    /// The mouse was released: close the gesture so the next drag is a new undo step.
    GestureEnd,
}

/// One curve's level under the cursor (the hover readout).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The curve's legend name ("Master", "Album average", "EQ", …).
    pub name: &'static str,
    /// Its level at the frequency asked, dB (the EQ: its gain).
    pub level_db: f64,
    /// Its colour in the plot.
    pub color: iced::Color,
    /// What the value is (and so where the crosshair marks it).
    pub kind: ReadingKind,
}

/// What a [`Reading`] measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingKind {
    /// A curve's level, dB relative to loudness (marked on the spectrum plot).
    Level,
    /// A difference between two curves, dB (not marked).
    Difference,
    /// The EQ's gain, dB (marked on the EQ strip).
    Eq,
}

/// What is on the canvas.
#[derive(Debug)]
enum Content {
    /// No curves: this sentence instead ("Select a track…", "Analysing…", "File missing").
    Note(String),
    /// A track's curves.
    Shown(Box<Shown>),
}

#[derive(Debug)]
struct Shown {
    input: ToneInput,
    model: Model,
}

/// The tone view's state: what it shows (owned copies of the app's data, and the curves
/// computed from them) and its canvas caches.
#[derive(Debug)]
pub struct ToneView {
    content: Content,
    /// Show the side spectrum instead of the mid.
    side: bool,
    /// The live spectrum, dB relative to the short-term loudness, on the analysis bands.
    live: Option<Vec<f64>>,
    /// Background, grid, labels and legend.
    grid: iced::widget::canvas::Cache,
    /// The curves, the band and the EQ strip with its handles.
    curves: iced::widget::canvas::Cache,
    /// The live spectrum (redrawn at the meters' rate without touching the others).
    live_layer: iced::widget::canvas::Cache,
    /// Counts clears of the static caches (tests check that unchanged input keeps them).
    revision: u64,
}

impl Default for ToneView {
    fn default() -> Self {
        ToneView {
            content: Content::Note(String::new()),
            side: false,
            live: None,
            grid: Default::default(),
            curves: Default::default(),
            live_layer: Default::default(),
            revision: 0,
        }
    }
}

impl ToneView {
    /// Shows `input`. Recomputes the curves and clears the caches only when it differs from
    /// what is shown.
    pub fn set(&mut self, input: ToneInput) {
        if let Content::Shown(shown) = &self.content {
            if shown.input == input {
                return;
            }
        }
        let model = Model::new(&input);
        self.content = Content::Shown(Box::new(Shown { input, model }));
        self.invalidate();
    }

    /// Shows `note` instead of curves (nothing selected, still analysing, file missing).
    pub fn set_note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !matches!(&self.content, Content::Note(shown) if *shown == note) {
            self.content = Content::Note(note);
            self.invalidate();
        }
    }

    /// The live spectrum of what is playing (`engine::Meters::spectrum_db`, on the analysis
    /// bands), `None` when nothing plays. Redraws only the live layer.
    pub fn set_live(&mut self, spectrum_db: Option<Vec<f64>>) {
        if self.live != spectrum_db {
            self.live = spectrum_db;
            self.live_layer.clear();
        }
    }

    /// The input shown, if any.
    pub fn input(&self) -> Option<&ToneInput> {
        match &self.content {
            Content::Shown(shown) => Some(&shown.input),
            Content::Note(_) => None,
        }
    }

    /// The sentence shown instead of curves, if any.
    pub fn note(&self) -> Option<&str> {
        match &self.content {
            Content::Note(note) => Some(note),
            Content::Shown(_) => None,
        }
    }

    /// Whether the side spectrum is shown.
    pub fn shows_side(&self) -> bool {
        self.side
    }

    /// The levels of the curves shown at `freq_hz` (interpolated between bands, in log
    /// frequency), in legend order, then the live spectrum (mid only), the deviation
    /// (processed − match target) and the EQ response. Empty without curves.
    pub fn readout(&self, freq_hz: f64) -> Vec<Reading> {
        let Content::Shown(shown) = &self.content else {
            return Vec::new();
        };
        let model = &shown.model;
        let channel = model.channel(self.side);
        let at = |values: &[f64]| model::interpolate(&model.bands_hz, values, freq_hz);
        let blend = model.target_kind == model::TargetKind::Blend;
        let levels: [(&'static str, Option<&[f64]>, iced::Color); 7] = [
            ("Master", Some(&channel.processed), theme::TRACK),
            ("Proposed", channel.proposed.as_deref(), theme::PROPOSED),
            ("Mix", Some(&channel.original), theme::TRACK),
            ("Album average", channel.album.as_deref(), theme::ALBUM),
            (
                "References",
                channel.references.as_deref(),
                theme::REFERENCE,
            ),
            (
                "Match target",
                channel.target.as_deref().filter(|_| blend),
                theme::MUTED,
            ),
            // The engine measures the mid only: no live reading over the side curves.
            (
                "Live",
                self.live.as_deref().filter(|_| !self.side),
                theme::LIVE,
            ),
        ];
        let reading = |name, level_db: Option<f64>, color, kind| {
            level_db.map(|level_db| Reading {
                name,
                level_db,
                color,
                kind,
            })
        };
        let deviation = channel
            .target
            .as_deref()
            .and_then(|target| Some(at(&channel.processed)? - at(target)?));
        levels
            .into_iter()
            .map(|(name, values, color)| {
                reading(name, values.and_then(at), color, ReadingKind::Level)
            })
            .chain([
                reading(
                    "Deviation",
                    deviation,
                    theme::DEVIATION,
                    ReadingKind::Difference,
                ),
                reading("EQ", model.response_at(freq_hz), theme::EQ, ReadingKind::Eq),
            ])
            .flatten()
            .collect()
    }

    fn invalidate(&mut self) {
        self.grid.clear();
        self.curves.clear();
        self.live_layer.clear();
        self.revision += 1;
    }

    /// Handles a panel message. Edits are adopted at once (the curves follow the drag without
    /// waiting for the app), so the app's next `set` with the same settings costs nothing.
    pub fn update(&mut self, message: Message) -> Action {
        let shown = match (&message, &self.content) {
            (Message::ShowSide(side), _) => {
                if self.side != *side {
                    self.side = *side;
                    self.invalidate();
                }
                return Action::None;
            }
            (Message::Release, _) => return Action::GestureEnd,
            (_, Content::Note(_)) => return Action::None,
            (_, Content::Shown(shown)) => shown,
        };
        let tone = &shown.input.tone;
        let new = match message {
            Message::DragTo {
                handle,
                freq_hz,
                gain_db,
            } => handles::moved(tone, handle, freq_hz, gain_db),
            Message::WheelQ { bell, lines } => handles::with_q(tone, bell, lines),
            Message::AddBell { freq_hz, gain_db } => handles::with_bell(tone, freq_hz, gain_db),
            Message::Reset(handle) => handles::reset(tone, handle),
            Message::ShowSide(_) | Message::Release => None,
        };
        match new {
            Some(new) if new != *tone => {
                let track = shown.input.track;
                let mut input = shown.input.clone();
                input.tone = new.clone();
                self.set(input);
                Action::Edit(Edit::Tone { track, tone: new })
            }
            _ => Action::None,
        }
    }

    /// The panel: a heading with the Mid/Side toggle over the canvas.
    pub fn view(&self) -> Element<'_, Message> {
        let title = match &self.content {
            Content::Shown(shown) => shown.input.title.as_str(),
            Content::Note(_) => "",
        };
        let toggle = |label: &'static str, side: bool| {
            button(text(label).size(12))
                .padding([2, 10])
                .style(theme::segment(self.side == side))
                .on_press(Message::ShowSide(side))
        };
        let heading = row![
            text("Tone").size(15),
            text(title).size(13).color(theme::MUTED).width(Fill),
            row![toggle("Mid", false), toggle("Side", true)].spacing(4),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let plot = canvas_widget(self).width(Fill).height(Fill);
        container(column![heading, plot].spacing(6))
            .padding([8, 10])
            .width(Fill)
            .height(Fill)
            .style(theme::panel)
            .into()
    }
}
