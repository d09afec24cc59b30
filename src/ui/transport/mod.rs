//! The transport bar: play/pause, stop, previous/next, the loudness seek bar (click to seek,
//! drag a loop), album playback, transition audition and the Original / Mastered / Reference
//! switch, and "As on …" (play as a streaming platform's loudness normalisation would). The panel
//! only draws and reports; `app::playback` drives the engine.

mod seek_bar;

pub use seek_bar::{gesture, Scale};

use super::theme;
use crate::assist::Platform;
use crate::engine::{EngineStatus, Monitor, PlayPosition};
use iced::widget::{button, canvas, column, container, pick_list, row, text, tooltip};
use iced::{Alignment, Element, Fill, Length};

/// Transport messages (buttons, seek bar and keyboard shortcuts).
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Space: play the selected track (or resume), or pause.
    PlayPause,
    Stop,
    /// Previous / next track (in album playback: skip within the album).
    Previous,
    Next,
    /// Seek in the current track, seconds.
    Seek(f64),
    /// ←/→: seek relative to the position, seconds.
    SeekBy(f64),
    /// Loop a region of the current track (seconds), or stop looping.
    SetLoop(Option<(f64, f64)>),
    /// What is heard: the master, the loudness-matched original, or the reference.
    Monitor(Monitor),
    /// B: between master and original.
    ToggleOriginal,
    /// R: between the reference and what was heard before.
    ToggleReference,
    /// Play the whole album in order with its gaps, from the selected track.
    PlayAlbum,
    /// The end of the selected track, the gap, the start of the next.
    Transition,
    /// Play everything as this platform's normalisation would (`None`: as exported).
    PlayAs(Option<Platform>),
}

/// A choice of the "As on" list: a platform, or off (as exported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayAs(pub Option<Platform>);

impl PlayAs {
    /// Off, then every platform in the preview's order.
    pub fn all() -> Vec<PlayAs> {
        std::iter::once(PlayAs(None))
            .chain(Platform::ALL.into_iter().map(|p| PlayAs(Some(p))))
            .collect()
    }
}

impl std::fmt::Display for PlayAs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(platform) => f.write_str(platform.label()),
            None => f.write_str("Off"),
        }
    }
}

/// How the transport is playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The selected track alone.
    #[default]
    Track,
    /// The album from a track on, gaps and fades as exported.
    Album,
    /// The transition between two tracks.
    Transition,
}

/// What the bar shows, read from the app's state.
pub struct View<'a> {
    pub status: &'a EngineStatus,
    pub position: PlayPosition,
    /// Title of the track at the playhead.
    pub now_playing: Option<&'a str>,
    /// The master is being prepared (first play of a track).
    pub preparing: bool,
    pub mode: Mode,
    pub monitor: Monitor,
    pub has_reference: bool,
    /// A track is selected and playable.
    pub can_play: bool,
    /// The selected track has a next one.
    pub can_transition: bool,
    /// Short-term loudness of the track at the playhead and its step, seconds.
    pub loudness: &'a [Option<f32>],
    pub step_s: f64,
    /// Length of the track the seek bar shows, seconds (before playback starts too).
    pub duration_s: f64,
    pub loop_region: Option<(f64, f64)>,
    /// The platform played as (`None`: as exported).
    pub platform: Option<Platform>,
    /// What it does to the track at the playhead (or the selected one): the gain and why.
    pub platform_gain: Option<(f64, String)>,
}

/// The bar's own state: the seek bar's cached loudness picture and what it was drawn for.
#[derive(Debug, Default)]
pub struct Transport {
    cache: canvas::Cache,
    drawn_for: Option<(Option<u64>, usize, u64)>,
}

impl Transport {
    /// Clears the loudness picture when the curve it shows changed: another track (`track`,
    /// its id), or the same track re-analysed (its number of points or length).
    pub fn refresh(&mut self, track: Option<u64>, points: usize, duration_s: f64) {
        let key = (track, points, duration_s.to_bits());
        if self.drawn_for != Some(key) {
            self.drawn_for = Some(key);
            self.cache.clear();
        }
    }

    pub fn view<'a>(&'a self, v: View<'a>) -> Element<'a, Message> {
        let available = !matches!(v.status, EngineStatus::NoDevice(_));
        let playing = v.position.playing;
        let button_ = |label: &'a str, message: Message, enabled: bool, tip: &'a str| {
            tooltip(
                button(text(label).size(14))
                    .padding([5, 12])
                    .style(theme::transport_button)
                    .on_press_maybe((available && enabled).then_some(message)),
                container(text(tip).size(12))
                    .padding([4, 8])
                    .style(theme::panel),
                tooltip::Position::Top,
            )
        };
        let monitor = |label: &'a str, which: Monitor, enabled: bool, tip: &'a str| {
            let selected = v.monitor == which;
            tooltip(
                button(text(label).size(14))
                    .padding([5, 12])
                    .style(theme::segment(selected))
                    .on_press_maybe((available && enabled).then_some(Message::Monitor(which))),
                container(text(tip).size(12))
                    .padding([4, 8])
                    .style(theme::panel),
                tooltip::Position::Top,
            )
        };
        let controls = row![
            button_("Prev", Message::Previous, v.can_play, "Previous track"),
            button_(
                if playing { "Pause" } else { "Play" },
                Message::PlayPause,
                v.can_play || playing,
                "Play / pause (Space)"
            ),
            button_(
                "Stop",
                Message::Stop,
                playing || v.position.position_s > 0.0,
                "Stop"
            ),
            button_("Next", Message::Next, v.can_play, "Next track"),
        ]
        .spacing(4);
        let modes = row![
            button_(
                "Album",
                Message::PlayAlbum,
                v.can_play,
                "Play the album from this track, with its gaps"
            ),
            button_(
                "Transition",
                Message::Transition,
                v.can_transition,
                "Hear the end of this track, the gap and the start of the next"
            ),
        ]
        .spacing(4);
        let monitors = row![
            monitor(
                "Original",
                Monitor::Original,
                v.can_play,
                "The unprocessed mix at the master's loudness (B)"
            ),
            monitor(
                "Mastered",
                Monitor::Mastered,
                v.can_play,
                "What the export will sound like (B)"
            ),
            monitor(
                "Reference",
                Monitor::Reference,
                v.has_reference,
                if v.has_reference {
                    "The reference chosen under the sequence (the first unless you chose), at the master's loudness (R)"
                } else {
                    "Add a reference to the project to compare with it"
                }
            ),
        ]
        .spacing(2);
        let gain: Element<'a, Message> = match &v.platform_gain {
            Some((gain_db, _)) => text(format!("{} dB", crate::units::signed(*gain_db, 1)))
                .size(12)
                .color(theme::ALBUM)
                .into(),
            None => iced::widget::space::horizontal().width(0).into(),
        };
        let as_on_tip = match &v.platform_gain {
            Some((_, words)) => words.clone(),
            None => "Off: as exported. Or hear the album as a streaming platform's loudness normalisation plays it (the original and the reference follow)".to_string(),
        };
        let as_on = tooltip(
            row![
                text("As on").size(12).color(theme::MUTED),
                pick_list(PlayAs::all(), Some(PlayAs(v.platform)), |p: PlayAs| {
                    Message::PlayAs(p.0)
                })
                .text_size(13)
                .padding([4, 6])
                .width(Length::Fixed(112.0)),
                gain,
            ]
            .spacing(5)
            .align_y(Alignment::Center),
            container(text(as_on_tip).size(12))
                .padding([4, 8])
                .max_width(360)
                .style(theme::panel),
            // Beside, not above: the list opens upwards from the bottom bar, under a tooltip on top.
            tooltip::Position::Left,
        );

        let status: Element<'a, Message> = match v.status {
            EngineStatus::NoDevice(reason) => column![
                text("No audio output — playback disabled")
                    .size(14)
                    .color(theme::WARNING),
                text(reason.as_str()).size(12).color(theme::MUTED),
            ]
            .into(),
            _ if v.preparing => text("Preparing the master…")
                .size(14)
                .color(theme::MUTED)
                .into(),
            _ => match v.now_playing {
                Some(title) => column![
                    text(title).size(14),
                    text(format!(
                        "{} / {}{}",
                        duration(v.position.position_s),
                        duration(v.position.duration_s),
                        match v.mode {
                            Mode::Track => "",
                            Mode::Album => "  · album",
                            Mode::Transition => "  · transition",
                        }
                    ))
                    .size(12)
                    .color(theme::MUTED),
                ]
                .into(),
                None => text("Select a track and press Play (Space)")
                    .size(14)
                    .color(theme::MUTED)
                    .into(),
            },
        };

        let bar = canvas(seek_bar::SeekBar {
            loudness: v.loudness,
            step_s: v.step_s,
            duration_s: if v.position.duration_s > 0.0 {
                v.position.duration_s
            } else {
                v.duration_s
            },
            position_s: v.position.position_s,
            loop_region: v.loop_region,
            cache: &self.cache,
        })
        .width(Fill)
        .height(34);
        let loop_note: Element<'a, Message> = match v.loop_region {
            Some((a, b)) => row![
                text(format!("Loop {}–{}", duration(a), duration(b)))
                    .size(12)
                    .color(theme::ALBUM),
                button(text("×").size(12))
                    .padding([0, 6])
                    .style(theme::transport_button)
                    .on_press(Message::SetLoop(None)),
            ]
            .spacing(4)
            .align_y(Alignment::Center)
            .into(),
            None => text("Click to seek · drag to loop")
                .size(12)
                .color(theme::MUTED)
                .into(),
        };

        container(
            column![
                row![
                    controls,
                    container(status).width(Length::Fixed(200.0)),
                    modes,
                    iced::widget::space::horizontal(),
                    as_on,
                    monitors,
                ]
                .spacing(14)
                .align_y(Alignment::Center),
                row![bar, container(loop_note).width(Length::Fixed(150.0))]
                    .spacing(10)
                    .align_y(Alignment::Center),
            ]
            .spacing(8),
        )
        .padding([8, 12])
        .width(Fill)
        .style(theme::panel)
        .into()
    }
}

/// `m:ss` for a duration in seconds.
pub fn duration(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", total / 60, total % 60)
}
