//! Play / Pause / Stop for the selected track. Decoding runs in the background; the app
//! starts it when this panel asks, and hands the result back through `decoded`.

use super::theme;
use super::tracks::duration;
use crate::engine::{Engine, EngineEvent, EngineStatus, Meters, Monitor, Program, Source};
use crate::project::TrackId;
use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Element, Fill};
use std::sync::Arc;

/// Panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Play,
    Pause,
    Stop,
    /// Switch between the master and the loudness-matched original.
    ToggleOriginal,
}

/// What the app must do for the panel.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Decode `track` in the background; answer with `decoded(generation, ..)`.
    Decode {
        track: TrackId,
        generation: u64,
    },
}

/// Transport state as the UI shows it.
#[derive(Debug, Default)]
pub struct Transport {
    /// The track whose audio the engine holds.
    loaded: Option<TrackId>,
    /// The track being decoded, and its generation (older decodes are dropped).
    decoding: Option<(TrackId, u64)>,
    generation: u64,
    pub playing: bool,
    pub position_s: f64,
    pub duration_s: f64,
    /// What is heard.
    pub monitor: Monitor,
    /// The meters at the last tick.
    pub meters: Meters,
}

impl Transport {
    pub fn update(
        &mut self,
        message: Message,
        selected: Option<TrackId>,
        engine: &mut Engine,
    ) -> Action {
        match message {
            Message::Play => {
                // Without an output there is nothing to decode for.
                let (Some(track), Some(_)) = (selected, engine.output_rate_hz()) else {
                    return Action::None;
                };
                if Some(track) == self.loaded {
                    engine.play();
                    self.playing = true;
                    Action::None
                } else {
                    self.generation += 1;
                    self.decoding = Some((track, self.generation));
                    Action::Decode {
                        track,
                        generation: self.generation,
                    }
                }
            }
            Message::Pause => {
                engine.pause();
                self.playing = false;
                Action::None
            }
            Message::ToggleOriginal => {
                self.monitor = match self.monitor {
                    Monitor::Mastered => Monitor::Original,
                    _ => Monitor::Mastered,
                };
                engine.set_monitor(self.monitor);
                Action::None
            }
            Message::Stop => {
                engine.stop();
                self.decoding = None;
                self.playing = false;
                self.position_s = 0.0;
                Action::None
            }
        }
    }

    /// A background decode finished. Stale generations are ignored; errors come back for
    /// the app's banner.
    pub fn decoded(
        &mut self,
        generation: u64,
        result: Result<Arc<Source>, String>,
        engine: &mut Engine,
    ) -> Result<(), String> {
        let Some((track, current)) = self.decoding else {
            return Ok(());
        };
        if generation != current {
            return Ok(());
        }
        self.decoding = None;
        let source = Arc::try_unwrap(result?).unwrap_or_else(|shared| (*shared).clone());
        self.duration_s = source.audio.duration_s();
        let key = source.key;
        if let Some(old) = self.loaded {
            engine.unload(old.0);
        }
        engine.load_source(source).map_err(|e| e.to_string())?;
        engine.set_program(Program::single(key), None);
        engine.play();
        self.loaded = Some(track);
        self.playing = true;
        self.position_s = 0.0;
        Ok(())
    }

    /// Reads the engine's position and events (on a timer while playing); returns device
    /// errors for the app's banner.
    pub fn tick(&mut self, engine: &mut Engine) -> Vec<String> {
        let mut errors = Vec::new();
        for event in engine.poll_events() {
            match event {
                EngineEvent::Ended => self.playing = false,
                EngineEvent::DeviceError(reason) | EngineEvent::DeviceLost(reason) => {
                    errors.push(format!("Audio output: {reason}"))
                }
                EngineEvent::LoadFailed(_, reason) => errors.push(reason),
                EngineEvent::DeviceRestored => self.loaded = None,
                EngineEvent::Underrun | EngineEvent::Loaded(_) | EngineEvent::Waiting(_) => {}
            }
        }
        self.position_s = engine.position_s();
        self.meters = engine.meters();
        errors
    }

    pub fn is_busy(&self) -> bool {
        self.playing || self.decoding.is_some()
    }

    pub fn loaded(&self) -> Option<TrackId> {
        self.loaded
    }

    /// `now_playing` is the title of the loaded track, `selected` whether a track is selected.
    pub fn view<'a>(
        &self,
        engine: &Engine,
        now_playing: Option<&'a str>,
        selected: bool,
    ) -> Element<'a, Message> {
        let available = !matches!(engine.status(), EngineStatus::NoDevice(_));
        let control = |label: &'a str, message: Message, enabled: bool| {
            button(text(label).size(15))
                .padding([6, 16])
                .style(theme::transport_button)
                .on_press_maybe((available && enabled).then_some(message))
        };
        let controls = row![
            control("Play", Message::Play, selected),
            control("Pause", Message::Pause, self.playing),
            control("Stop", Message::Stop, self.playing || self.position_s > 0.0),
            control(
                // The button says what pressing it does.
                if self.monitor == Monitor::Original {
                    "Hear master"
                } else {
                    "Hear original"
                },
                Message::ToggleOriginal,
                self.loaded.is_some(),
            ),
        ]
        .spacing(8);

        let status: Element<'a, Message> = match engine.status() {
            EngineStatus::NoDevice(reason) => column![
                text("No audio output — playback disabled")
                    .size(15)
                    .color(theme::WARNING),
                text(reason.clone()).size(12).color(theme::MUTED),
            ]
            .into(),
            _ if self.decoding.is_some() => text("Preparing the master…")
                .size(15)
                .color(theme::MUTED)
                .into(),
            _ => match now_playing {
                Some(title) => row![
                    text(title).size(15),
                    text(format!(
                        "{} / {}",
                        duration(self.position_s),
                        duration(self.duration_s)
                    ))
                    .size(15)
                    .color(theme::MUTED),
                    text(self.meters.line()).size(15).color(theme::MUTED),
                ]
                .spacing(12)
                .into(),
                None => text("Select a track and press Play")
                    .size(15)
                    .color(theme::MUTED)
                    .into(),
            },
        };

        container(
            row![controls, status]
                .spacing(20)
                .align_y(Alignment::Center),
        )
        .padding([10, 14])
        .width(Fill)
        .style(theme::panel)
        .into()
    }
}
