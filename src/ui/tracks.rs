//! The track list: album order, loudness and tone figures per track, click to select.

use super::theme;
use crate::analysis::{AlbumStats, TrackAnalysis};
use crate::project::{Project, TrackId};
use iced::widget::{button, column, container, row, scrollable, text, Text};
use iced::{Alignment, Element, Fill, Length};

/// Panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Select(TrackId),
}

/// What the app must do after a panel message.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    SelectionChanged(TrackId),
}

/// Panel state: only the selection; the figures come from the analysis each frame.
#[derive(Debug, Default)]
pub struct Tracks {
    pub selected: Option<TrackId>,
}

/// What the list shows for one track, borrowed from the app's state.
pub struct RowData<'a> {
    pub analysis: Option<&'a TrackAnalysis>,
    pub missing: bool,
    /// Why the track has no analysis (decode error), if known.
    pub error: Option<&'a str>,
}

const NUMBER_W: f32 = 28.0;
const FIGURE_W: f32 = 62.0;

impl Tracks {
    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Select(id) if self.selected != Some(id) => {
                self.selected = Some(id);
                Action::SelectionChanged(id)
            }
            Message::Select(_) => Action::None,
        }
    }

    /// `rows[i]` belongs to `project.tracks[i]`; `stats` are the album's, when analysed.
    pub fn view<'a>(
        &self,
        project: &'a Project,
        rows: &[RowData<'a>],
        stats: Option<&AlbumStats>,
    ) -> Element<'a, Message> {
        let header = row![
            cell("#", NUMBER_W),
            text("Title").size(13).color(theme::MUTED).width(Fill),
            cell("Time", FIGURE_W),
            cell("LUFS", FIGURE_W),
            cell("LRA", FIGURE_W),
            cell("dBTP", FIGURE_W),
            cell("PLR", FIGURE_W),
            cell("Tone Δ", FIGURE_W),
        ]
        .spacing(8)
        .padding([4, 10]);

        let list = project
            .tracks
            .iter()
            .zip(rows)
            .enumerate()
            .map(|(index, (track, data))| {
                let deviation_db =
                    stats.and_then(|s| s.tonal_deviation_db.get(index).copied().flatten());
                let selected = self.selected == Some(track.id);
                let figures: Element<'a, Message> = if data.missing {
                    row![text("file missing — locate it to analyse")
                        .size(14)
                        .color(theme::WARNING)]
                    .into()
                } else if let Some(a) = data.analysis {
                    row![
                        figure(Some(duration(a.duration_s))),
                        figure(a.loudness.integrated_lufs.map(|v| format!("{v:.1}"))),
                        figure(Some(format!("{:.1}", a.loudness.lra_lu))),
                        figure(a.loudness.true_peak_dbtp.map(|v| format!("{v:.1}"))),
                        figure(a.loudness.plr_db.map(|v| format!("{v:.1}"))),
                        figure(deviation_db.map(|v| format!("{v:.1}"))),
                    ]
                    .spacing(8)
                    .into()
                } else if let Some(error) = data.error {
                    row![text(format!("unreadable: {error}"))
                        .size(13)
                        .color(theme::DANGER)]
                    .into()
                } else {
                    row![text("analysing…").size(14).color(theme::MUTED)].into()
                };
                let content = row![
                    text(format!("{}", index + 1))
                        .size(14)
                        .color(theme::MUTED)
                        .width(NUMBER_W),
                    text(track.title.as_str()).size(15).width(Fill),
                    figures,
                ]
                .spacing(8)
                .align_y(Alignment::Center);
                button(content)
                    .on_press(Message::Select(track.id))
                    .padding([7, 10])
                    .width(Fill)
                    .style(theme::row(selected))
                    .into()
            });

        container(column![header, scrollable(column(list).spacing(2)).height(Fill)].spacing(4))
            .padding(8)
            .style(theme::panel)
            .width(Fill)
            .height(Fill)
            .into()
    }
}

fn cell(label: &str, width: f32) -> Text<'_> {
    text(label)
        .size(13)
        .color(theme::MUTED)
        .width(width)
        .align_x(alignment_for(width))
}

fn alignment_for(width: f32) -> iced::alignment::Horizontal {
    if width == NUMBER_W {
        iced::alignment::Horizontal::Left
    } else {
        iced::alignment::Horizontal::Right
    }
}

fn figure<'a>(value: Option<String>) -> Element<'a, Message> {
    let (content, color) = match value {
        Some(v) => (v, theme::TEXT),
        None => ("—".to_string(), theme::MUTED),
    };
    text(content)
        .size(14)
        .color(color)
        .width(Length::Fixed(FIGURE_W))
        .align_x(iced::alignment::Horizontal::Right)
        .into()
}

/// `m:ss` for a duration in seconds.
pub fn duration(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", total / 60, total % 60)
}
