//! The sequence: one row per track in album order. Columns are sized for a ~480 px wide
//! panel: grip, number (▶ when playing), title, time, LUFS before → after, true peak after,
//! tonal deviation (bar and dB), gap before. The selected row opens a detail line with the
//! gap field, fade steppers, move/rename/remove buttons.
//!
//! Reordering by drag: the grip's press starts a drag (`DragStart`); while dragging, every row
//! reports which half of it the pointer is over (`DragOver(slot)`, see [`super::slot_at`]),
//! a line marks the insertion slot, and a release over the list drops (`DragEnd`). Leaving
//! the list abandons the drag.

use super::widgets::{
    cell, field_style, grip, muted, row_style, small_button, tip, tone, PlayMarker,
};
use super::{duration_text, slot_at, Album, Message, RENAME_INPUT};
use crate::project::{Project, Track, TrackId};
use crate::ui::figures::{TrackFigures, TrackState};
use crate::ui::fit_text::ellipsized;
use crate::ui::theme;
use iced::widget::text::Wrapping;
use iced::widget::{
    button, canvas, column, container, mouse_area, responsive, row, scrollable, space, text,
    text_input, tooltip, Column, Space,
};
use iced::{alignment, mouse, Alignment, Color, Element, Fill, Point};

/// Height of a row's main line, logical pixels (the drop slot is decided by its halves).
pub(crate) const ROW_H: f32 = 30.0;
/// The drop indicator above each row.
pub(crate) const INDICATOR_H: f32 = 3.0;

pub(super) const GRIP_W: f32 = 10.0;
const NUMBER_W: f32 = 24.0;
const TIME_W: f32 = 32.0;
const IN_W: f32 = 34.0;
const ARROW_W: f32 = 16.0;
const OUT_W: f32 = 36.0;
const MARK_W: f32 = 8.0;
const LUFS_W: f32 = IN_W + ARROW_W + OUT_W + MARK_W;
const PEAK_W: f32 = 38.0;
pub(super) const TONE_W: f32 = 50.0;
const GAP_W: f32 = 36.0;
pub(super) const SPACING: f32 = 6.0;
/// The figure columns between title and gap, for states that show a sentence instead.
const FIGURES_W: f32 = TIME_W + LUFS_W + PEAK_W + TONE_W + 3.0 * SPACING;

/// Text sizes: figures and titles, labels and buttons.
pub(super) const SIZE: f32 = 13.0;
pub(super) const SMALL: f32 = 12.0;

/// The sequence panel. `figures[i]` belongs to `project.tracks[i]` (a missing entry reads as
/// "analysing…").
pub(super) fn view<'a>(
    album: &'a Album,
    project: &'a Project,
    figures: &'a [TrackFigures],
    references: &'a [super::ReferenceStatus],
    selected: Option<TrackId>,
    playing: Option<TrackId>,
) -> Element<'a, Message> {
    let refs = super::references::view(project, references);
    let content: Element<'a, Message> = if project.tracks.is_empty() {
        column![heading(project, figures, false), empty_hint(), refs]
            .spacing(8)
            .into()
    } else {
        let len = project.tracks.len();
        let slot = album.drag.and_then(|d| d.slot);
        let mut rows = Column::new();
        for (index, track) in project.tracks.iter().enumerate() {
            let row = Row {
                album,
                project,
                index,
                track,
                figures: figures.get(index),
                selected: selected == Some(track.id),
                playing: playing == Some(track.id),
                dragged: album.drag.is_some_and(|d| d.track == track.id),
                slot_above: slot == Some(index),
            };
            rows = rows.push(row.view());
        }
        rows = rows.push(indicator(slot == Some(len)));
        // The drop area is the whole visible list, so a release below the last row drops
        // there too; leaving it abandons the drag.
        // A thin scrollbar beside the rows (embedded), not over their last column.
        let bar = scrollable::Scrollbar::new()
            .width(4)
            .scroller_width(4)
            .spacing(2);
        let list = scrollable(rows)
            .direction(scrollable::Direction::Vertical(bar))
            .height(Fill);
        let mut list = mouse_area(list);
        if album.drag.is_some() {
            list = list
                .on_release(Message::DragEnd)
                .on_exit(Message::DragCancel)
                .interaction(mouse::Interaction::Grabbing);
        }
        column![heading(project, figures, true), header(), list, refs]
            .spacing(6)
            .into()
    };
    container(content)
        .padding(8)
        .style(theme::panel)
        .width(Fill)
        .height(Fill)
        .into()
}

/// "Sequence · 6 tracks · 24:23" and the add button.
fn heading<'a>(project: &Project, figures: &[TrackFigures], add: bool) -> Element<'a, Message> {
    let count = project.tracks.len();
    let mut summary = match count {
        1 => "1 track".to_string(),
        n => format!("{n} tracks"),
    };
    let known: Option<f64> = project
        .tracks
        .iter()
        .enumerate()
        .map(|(i, t)| Some(figures.get(i)?.duration_s? + t.gap_before_s))
        .sum();
    if let Some(total_s) = known.filter(|_| count > 0) {
        summary.push_str(&format!(" · {}", duration_text(total_s)));
    }
    let mut line = row![
        text("Sequence").size(16),
        text(summary).size(SIZE).color(theme::MUTED),
        space::horizontal(),
    ]
    .spacing(10)
    .align_y(Alignment::Center);
    if add {
        line = line.push(small_button("Add tracks…", Some(Message::PickFiles)));
    }
    line.padding([0, 2]).into()
}

fn empty_hint<'a>() -> Element<'a, Message> {
    container(
        column![
            text("No tracks yet").size(16),
            button(text("Add tracks…").size(14))
                .padding([6, 14])
                .style(theme::transport_button)
                .on_press(Message::PickFiles),
            text("or drop audio files on the window")
                .size(SIZE)
                .color(theme::MUTED),
        ]
        .spacing(10)
        .align_x(Alignment::Center),
    )
    .center(Fill)
    .into()
}

/// Column names, with the units the cells leave out.
fn header<'a>() -> Element<'a, Message> {
    let name = |label: &'a str, width: f32, align: alignment::Horizontal| {
        text(label)
            .size(SMALL)
            .color(theme::MUTED)
            .width(width)
            .align_x(align)
            .wrapping(Wrapping::None)
    };
    let right = alignment::Horizontal::Right;
    let tone = tooltip(
        name("Tone dB", TONE_W, right),
        tip("How far the track's tone is from the album's average (RMS over 40 Hz–16 kHz)"),
        tooltip::Position::Bottom,
    );
    row![
        Space::new().width(GRIP_W),
        name("#", NUMBER_W, right),
        name("Title", 0.0, alignment::Horizontal::Left).width(Fill),
        name("Time", TIME_W, right),
        name("LUFS in → out", LUFS_W - MARK_W, right).width(LUFS_W),
        name("dBTP", PEAK_W, right),
        tone,
        name("Gap", GAP_W, right),
    ]
    .spacing(SPACING)
    .padding([0, 6])
    .into()
}

/// The line that marks where a dragged track would land.
fn indicator<'a>(active: bool) -> Element<'a, Message> {
    container(Space::new().width(Fill).height(1.0))
        .height(INDICATOR_H)
        .width(Fill)
        .style(move |_| {
            container::Style::default().background(if active {
                theme::TRACK
            } else {
                Color::TRANSPARENT
            })
        })
        .into()
}

/// One track's row and what it needs to draw itself.
pub(super) struct Row<'a> {
    pub(super) album: &'a Album,
    pub(super) project: &'a Project,
    pub(super) index: usize,
    pub(super) track: &'a Track,
    pub(super) figures: Option<&'a TrackFigures>,
    pub(super) selected: bool,
    pub(super) playing: bool,
    pub(super) dragged: bool,
    pub(super) slot_above: bool,
}

impl<'a> Row<'a> {
    fn view(self) -> Element<'a, Message> {
        let id = self.track.id;
        // While renaming, the field takes the row's figures' room too: the title column alone is
        // a few characters wide in a narrow window.
        let renaming = self.album.rename.as_ref().is_some_and(|r| r.track == id);
        let main = if renaming {
            row![grip(id), self.number(), self.title()]
        } else {
            row![
                grip(id),
                self.number(),
                self.title(),
                self.figures(),
                self.gap(),
            ]
        }
        .spacing(SPACING)
        .height(ROW_H)
        .align_y(Alignment::Center);
        let content: Element<'a, Message> = if self.selected {
            column![main, self.detail()].into()
        } else {
            main.into()
        };
        let body = button(content)
            .on_press(Message::Select(id))
            .padding([0, 6])
            .width(Fill)
            .style(row_style(self.selected, self.dragged));
        let index = self.index;
        let mut area = mouse_area(column![indicator(self.slot_above), body]);
        if self.album.drag.is_some() {
            area = area.on_move(move |p: Point| {
                Message::DragOver(slot_at(index, p.y - INDICATOR_H, ROW_H))
            });
        }
        area.into()
    }

    fn number(&self) -> Element<'a, Message> {
        let marker: Element<'a, Message> = if self.playing {
            tooltip(
                canvas(PlayMarker).width(7).height(9),
                tip("Playing"),
                tooltip::Position::Right,
            )
            .into()
        } else {
            Space::new().width(7).into()
        };
        row![
            marker,
            text(format!("{}", self.index + 1))
                .size(SIZE)
                .color(if self.selected {
                    theme::TRACK
                } else {
                    theme::MUTED
                })
                .width(Fill)
                .align_x(alignment::Horizontal::Right),
        ]
        .width(NUMBER_W)
        .align_y(Alignment::Center)
        .into()
    }

    fn title(&self) -> Element<'a, Message> {
        let id = self.track.id;
        if let Some(rename) = self.album.rename.as_ref().filter(|r| r.track == id) {
            let placeholder = if rename.rejected {
                "A title is needed"
            } else {
                "Title"
            };
            let field = text_input(placeholder, &rename.draft)
                .id(RENAME_INPUT)
                .on_input(Message::RenameInput)
                .on_submit(Message::RenameCommit)
                .size(SIZE + 1.0)
                .padding([2, 4])
                .width(Fill)
                .style(field_style(rename.rejected));
            let cancel = tooltip(
                small_button("×", Some(Message::RenameCancel)),
                tip("Cancel (Esc)"),
                tooltip::Position::Bottom,
            );
            return row![field, cancel]
                .spacing(4)
                .width(Fill)
                .align_y(Alignment::Center)
                .into();
        }
        let full = self.track.title.as_str();
        // Cut with "…" to the room the row leaves it (the window decides), not mid-glyph.
        let title = responsive(move |room| {
            let shown = ellipsized(full, SIZE + 1.0, room.width);
            let cut = shown != full;
            let label = container(text(shown).size(SIZE + 1.0).wrapping(Wrapping::None))
                .clip(true)
                .width(Fill)
                .height(Fill)
                .align_y(Alignment::Center);
            if cut {
                tooltip(label, tip(full), tooltip::Position::Bottom).into()
            } else {
                label.into()
            }
        });
        mouse_area(title)
            .on_press(Message::Select(id))
            .on_double_click(Message::StartRename(id))
            .into()
    }

    fn figures(&self) -> Element<'a, Message> {
        let sentence = |content: Element<'a, Message>| -> Element<'a, Message> {
            container(content)
                .width(FIGURES_W)
                .align_x(alignment::Horizontal::Right)
                .clip(true)
                .into()
        };
        let Some(figures) = self.figures else {
            return sentence(muted("analysing…").into());
        };
        match &figures.state {
            TrackState::Missing => sentence(
                row![
                    text("file missing").size(SIZE).color(theme::WARNING),
                    small_button("Locate…", Some(Message::Locate(self.track.id))),
                ]
                .spacing(8)
                .align_y(Alignment::Center)
                .into(),
            ),
            TrackState::Unreadable(reason) => sentence(
                tooltip(
                    text(format!("unreadable: {reason}"))
                        .size(SMALL)
                        .color(theme::DANGER)
                        .wrapping(Wrapping::None),
                    tip(format!("{} could not be read: {reason}", self.file_name())),
                    tooltip::Position::Bottom,
                )
                .into(),
            ),
            TrackState::Analysing => sentence(muted("analysing…").into()),
            TrackState::Ready => row![
                cell(figures.duration_s.map(duration_text), TIME_W),
                self.loudness(figures),
                self.peak(figures),
                tone(figures.deviation_db, figures.mastered_deviation_db),
            ]
            .spacing(SPACING)
            .align_y(Alignment::Center)
            .into(),
        }
    }

    /// "−9.8 → −14.0": measured figures plain, a plan muted with "≈", held back in warning
    /// colour with a "!" that explains.
    fn loudness(&self, figures: &TrackFigures) -> Element<'a, Message> {
        let source = cell(
            figures.source_lufs.map(|v| crate::units::unsigned(v, 1)),
            IN_W,
        );
        let (out, color) = match figures.mastered_lufs {
            Some(v) if figures.measured => (crate::units::unsigned(v, 1), theme::TEXT),
            Some(v) => (format!("≈{}", crate::units::unsigned(v, 1)), theme::MUTED),
            None => ("—".to_string(), theme::MUTED),
        };
        let color = if figures.held_back {
            theme::WARNING
        } else {
            color
        };
        let mark: Element<'a, Message> = if figures.held_back {
            tooltip(
                text("!")
                    .size(SIZE)
                    .color(theme::WARNING)
                    .width(MARK_W)
                    .align_x(alignment::Horizontal::Center),
                tip(format!(
                    "Held back: reaching the target needed more than the {} dB of limiting \
                     allowed, so this track stays quieter",
                    crate::units::unsigned(self.project.settings.max_gain_reduction_db, 1)
                )),
                tooltip::Position::Bottom,
            )
            .into()
        } else {
            Space::new().width(MARK_W).into()
        };
        row![
            source,
            text("→")
                .size(SIZE)
                .color(theme::MUTED)
                .width(ARROW_W)
                .align_x(alignment::Horizontal::Center),
            text(out)
                .size(SIZE)
                .color(color)
                .width(OUT_W)
                .align_x(alignment::Horizontal::Right)
                .wrapping(Wrapping::None),
            mark,
        ]
        .width(LUFS_W)
        .align_y(Alignment::Center)
        .into()
    }

    /// The master's true peak once measured; before that the ceiling it will not pass.
    fn peak(&self, figures: &TrackFigures) -> Element<'a, Message> {
        let (content, color) = match figures.mastered_true_peak_dbtp {
            Some(v) => (crate::units::unsigned(v, 1), theme::TEXT),
            None if figures.mastered_lufs.is_some() => (
                format!(
                    "≤{}",
                    crate::units::unsigned(self.project.settings.ceiling_dbtp, 1)
                ),
                theme::MUTED,
            ),
            None => ("—".to_string(), theme::MUTED),
        };
        text(content)
            .size(SIZE)
            .color(color)
            .width(PEAK_W)
            .align_x(alignment::Horizontal::Right)
            .wrapping(Wrapping::None)
            .into()
    }

    fn gap(&self) -> Element<'a, Message> {
        let gap_s = self.track.gap_before_s;
        text(format!("{gap_s:.1} s"))
            .size(SIZE)
            .color(if gap_s > 0.0 {
                theme::TEXT
            } else {
                theme::MUTED
            })
            .width(GAP_W)
            .align_x(alignment::Horizontal::Right)
            .wrapping(Wrapping::None)
            .into()
    }

    pub(super) fn file_name(&self) -> String {
        self.track.source.file_name().map_or_else(
            || self.track.source.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}
