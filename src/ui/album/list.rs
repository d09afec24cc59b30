//! The sequence: one row per track in album order. Columns are sized for a ~480 px wide
//! panel: grip, number (▶ when playing), title, time, LUFS before → after, true peak after,
//! tonal deviation (bar and dB), gap before. The selected row opens a detail line with the
//! gap field, fade steppers, move/rename/remove buttons.
//!
//! Reordering by drag: the grip's press starts a drag (`DragStart`); while dragging, every row
//! reports which half of it the pointer is over (`DragOver(slot)`, see [`super::slot_at`]),
//! a line marks the insertion slot, and a release over the list drops (`DragEnd`). Leaving
//! the list abandons the drag.

use super::{
    db_text, duration_text, slot_at, Album, Fade, GapError, Message, FADE_STEP_S, GAP_MAX_S,
    RENAME_INPUT,
};
use crate::project::{Project, Track, TrackId};
use crate::ui::figures::{TrackFigures, TrackState};
use crate::ui::theme;
use iced::widget::text::Wrapping;
use iced::widget::{
    button, canvas, column, container, mouse_area, row, scrollable, space, text, text_input,
    tooltip, Column, Space,
};
use iced::{
    alignment, border, mouse, Alignment, Background, Border, Color, Element, Fill, Point,
    Rectangle, Renderer, Theme,
};

/// Height of a row's main line, logical pixels (the drop slot is decided by its halves).
pub(crate) const ROW_H: f32 = 30.0;
/// The drop indicator above each row.
pub(crate) const INDICATOR_H: f32 = 3.0;

const GRIP_W: f32 = 10.0;
const NUMBER_W: f32 = 24.0;
const TIME_W: f32 = 32.0;
const IN_W: f32 = 34.0;
const ARROW_W: f32 = 16.0;
const OUT_W: f32 = 36.0;
const MARK_W: f32 = 8.0;
const LUFS_W: f32 = IN_W + ARROW_W + OUT_W + MARK_W;
const PEAK_W: f32 = 38.0;
const TONE_BAR_W: f32 = 22.0;
const TONE_W: f32 = 50.0;
const GAP_W: f32 = 36.0;
const SPACING: f32 = 6.0;
/// The figure columns between title and gap, for states that show a sentence instead.
const FIGURES_W: f32 = TIME_W + LUFS_W + PEAK_W + TONE_W + 3.0 * SPACING;
/// Tonal deviation at which the bar turns to the warning colour, dB.
const TONE_WARN_DB: f64 = 3.0;
/// Tonal deviation that fills the bar, dB.
const TONE_FULL_DB: f64 = 6.0;

const SIZE: f32 = 13.0;
const SMALL: f32 = 12.0;

/// The sequence panel. `figures[i]` belongs to `project.tracks[i]` (a missing entry reads as
/// "analysing…").
pub(super) fn view<'a>(
    album: &'a Album,
    project: &'a Project,
    figures: &'a [TrackFigures],
    selected: Option<TrackId>,
    playing: Option<TrackId>,
) -> Element<'a, Message> {
    let content: Element<'a, Message> = if project.tracks.is_empty() {
        column![heading(project, figures, false), empty_hint()]
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
        let mut list = mouse_area(scrollable(rows).height(Fill));
        if album.drag.is_some() {
            list = list
                .on_release(Message::DragEnd)
                .on_exit(Message::DragCancel)
                .interaction(mouse::Interaction::Grabbing);
        }
        column![heading(project, figures, true), header(), list,]
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
struct Row<'a> {
    album: &'a Album,
    project: &'a Project,
    index: usize,
    track: &'a Track,
    figures: Option<&'a TrackFigures>,
    selected: bool,
    playing: bool,
    dragged: bool,
    slot_above: bool,
}

impl<'a> Row<'a> {
    fn view(self) -> Element<'a, Message> {
        let id = self.track.id;
        let main = row![
            grip(id),
            self.number(),
            self.title(),
            self.figures(),
            self.gap(),
        ]
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
        let title = container(
            text(self.track.title.as_str())
                .size(SIZE + 1.0)
                .wrapping(Wrapping::None),
        )
        .clip(true)
        .width(Fill);
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
                tone(figures.deviation_db),
            ]
            .spacing(SPACING)
            .align_y(Alignment::Center)
            .into(),
        }
    }

    /// "−9.8 → −14.0": measured figures plain, a plan muted with "≈", held back in warning
    /// colour with a "!" that explains.
    fn loudness(&self, figures: &TrackFigures) -> Element<'a, Message> {
        let source = cell(figures.source_lufs.map(db_text), IN_W);
        let (out, color) = match figures.mastered_lufs {
            Some(v) if figures.measured => (db_text(v), theme::TEXT),
            Some(v) => (format!("≈{}", db_text(v)), theme::MUTED),
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
                    db_text(self.project.settings.max_gain_reduction_db)
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
            Some(v) => (db_text(v), theme::TEXT),
            None if figures.mastered_lufs.is_some() => (
                format!("≤{}", db_text(self.project.settings.ceiling_dbtp)),
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

    /// The selected row's second and third lines: gap and fades, then the row's buttons.
    fn detail(&self) -> Element<'a, Message> {
        let track = self.track;
        let id = track.id;
        let draft = self.album.gap.as_ref().filter(|g| g.track == id);
        let gap_text =
            draft.map_or_else(|| format!("{:.1}", track.gap_before_s), |g| g.text.clone());
        let error = draft.and_then(|g| g.error);
        let gap_field = text_input("0.0", &gap_text)
            .on_input(move |s| Message::GapInput(id, s))
            .on_submit(Message::GapCommit(id))
            .size(SMALL)
            .padding([2, 4])
            .width(40)
            .style(field_style(error.is_some()));
        let mut gap = row![label("Gap before"), gap_field, label("s")]
            .spacing(4)
            .align_y(Alignment::Center);
        if let Some(error) = error {
            gap = gap.push(
                text(match error {
                    GapError::NotANumber => "a number, please",
                    GapError::OutOfRange => "0–60 s",
                })
                .size(SMALL)
                .color(theme::DANGER),
            );
        }
        let gap = tooltip(
            gap,
            tip(format!(
                "Silence before this track, 0–{GAP_MAX_S:.0} s; Enter applies"
            )),
            tooltip::Position::Bottom,
        );
        let fades = row![
            label("Fade in"),
            stepper(id, Fade::In, track.fade_in_s),
            label("out"),
            stepper(id, Fade::Out, track.fade_out_s),
        ]
        .spacing(4)
        .align_y(Alignment::Center);
        let first = row![gap, space::horizontal(), fades]
            .spacing(SPACING)
            .align_y(Alignment::Center);

        let len = self.project.tracks.len();
        let up = (self.index > 0).then_some(Message::MoveSelected(-1));
        let down = (self.index + 1 < len).then_some(Message::MoveSelected(1));
        let second = row![
            tooltip(
                small_button("↑", up),
                tip("Move up (Alt+↑)"),
                tooltip::Position::Bottom
            ),
            tooltip(
                small_button("↓", down),
                tip("Move down (Alt+↓)"),
                tooltip::Position::Bottom
            ),
            small_button("Rename", Some(Message::StartRename(id))),
            small_button("Remove", Some(Message::Remove(id))),
            container(
                text(self.file_name())
                    .size(SMALL)
                    .color(theme::MUTED)
                    .wrapping(Wrapping::None)
            )
            .clip(true)
            .width(Fill)
            .align_x(alignment::Horizontal::Right),
        ]
        .spacing(SPACING)
        .align_y(Alignment::Center);
        column![first, second]
            .spacing(6)
            .padding(iced::Padding {
                top: 0.0,
                right: 0.0,
                bottom: 8.0,
                left: GRIP_W + SPACING,
            })
            .into()
    }

    fn file_name(&self) -> String {
        self.track.source.file_name().map_or_else(
            || self.track.source.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// Three short bars: press and drag to reorder.
fn grip<'a>(id: TrackId) -> Element<'a, Message> {
    let bar = || {
        container(Space::new().width(GRIP_W - 2.0).height(2.0)).style(|_| {
            container::Style::default()
                .background(theme::MUTED)
                .border(border::rounded(1))
        })
    };
    let bars = container(column![bar(), bar(), bar()].spacing(3))
        .center_y(ROW_H)
        .width(GRIP_W);
    tooltip(
        mouse_area(bars)
            .on_press(Message::DragStart(id))
            .interaction(mouse::Interaction::Grab),
        tip("Drag to reorder"),
        tooltip::Position::Right,
    )
    .into()
}

/// A figure right-aligned in its column; "—" when unknown.
fn cell<'a>(value: Option<String>, width: f32) -> Element<'a, Message> {
    let (content, color) = match value {
        Some(v) => (v, theme::TEXT),
        None => ("—".to_string(), theme::MUTED),
    };
    text(content)
        .size(SIZE)
        .color(color)
        .width(width)
        .align_x(alignment::Horizontal::Right)
        .wrapping(Wrapping::None)
        .into()
}

/// The tonal deviation: a bar whose length grows with the dB (full at 6 dB) and the figure,
/// both in the warning colour from 3 dB.
fn tone<'a>(deviation_db: Option<f64>) -> Element<'a, Message> {
    let Some(db) = deviation_db.filter(|v| v.is_finite()) else {
        return cell(None, TONE_W);
    };
    let color = if db > TONE_WARN_DB {
        theme::WARNING
    } else {
        theme::ALBUM
    };
    let fill = (TONE_BAR_W as f64 * (db / TONE_FULL_DB).clamp(0.0, 1.0)).max(1.0) as f32;
    let bar = container(
        container(Space::new().width(fill).height(6.0))
            .style(move |_| container::Style::default().background(color)),
    )
    .width(TONE_BAR_W)
    .style(|_| container::Style::default().background(theme::LINE));
    let content = row![
        bar,
        text(format!("{db:.1}"))
            .size(SIZE)
            .color(if db > TONE_WARN_DB {
                theme::WARNING
            } else {
                theme::TEXT
            })
            .width(Fill)
            .align_x(alignment::Horizontal::Right),
    ]
    .spacing(4)
    .width(TONE_W)
    .align_y(Alignment::Center);
    tooltip(
        content,
        tip(format!("{} dB from the album's average tone", db_text(db))),
        tooltip::Position::Bottom,
    )
    .into()
}

/// "[−] 1.5 s [+]" for one fade.
fn stepper<'a>(track: TrackId, fade: Fade, value_s: f64) -> Element<'a, Message> {
    let step = |delta_s: f64| Message::FadeStep {
        track,
        fade,
        delta_s,
    };
    row![
        small_button("−", (value_s > 0.0).then(|| step(-FADE_STEP_S))),
        text(format!("{value_s:.1} s"))
            .size(SMALL)
            .width(30)
            .align_x(alignment::Horizontal::Center),
        small_button(
            "+",
            (value_s < super::FADE_MAX_S).then(|| step(FADE_STEP_S))
        ),
    ]
    .spacing(2)
    .align_y(Alignment::Center)
    .into()
}

fn label<'a>(content: &'a str) -> iced::widget::Text<'a> {
    text(content).size(SMALL).color(theme::MUTED)
}

fn muted<'a>(content: &'a str) -> iced::widget::Text<'a> {
    text(content).size(SIZE).color(theme::MUTED)
}

/// A compact button; disabled (dimmed) without a message.
fn small_button<'a>(label: &'a str, message: Option<Message>) -> Element<'a, Message> {
    button(text(label).size(SMALL))
        .padding([1, 7])
        .style(theme::transport_button)
        .on_press_maybe(message)
        .into()
}

/// A tooltip's bubble.
fn tip<'a>(content: impl text::IntoFragment<'a>) -> Element<'a, Message> {
    container(text(content).size(SMALL).color(theme::TEXT))
        .padding([4, 8])
        .max_width(280)
        .style(|_| container::Style {
            background: Some(Background::Color(theme::RAISED)),
            border: Border {
                color: theme::LINE,
                width: 1.0,
                radius: 4.0.into(),
            },
            ..container::Style::default()
        })
        .into()
}

fn row_style(selected: bool, dragged: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let mut style = theme::row(selected)(theme, status);
        if dragged {
            // The track being moved stays visible but recedes; the drop line is the focus.
            style.background = Some(Background::Color(theme::LINE));
            style.text_color = theme::MUTED;
        }
        style
    }
}

fn field_style(invalid: bool) -> impl Fn(&Theme, text_input::Status) -> text_input::Style {
    move |_theme, status| {
        let border_color = match (invalid, status) {
            (true, _) => theme::DANGER,
            (false, text_input::Status::Focused { .. }) => theme::TRACK,
            (false, text_input::Status::Hovered) => theme::MUTED,
            _ => theme::LINE,
        };
        text_input::Style {
            background: Background::Color(theme::BACKGROUND),
            border: Border {
                color: border_color,
                width: 1.0,
                radius: 3.0.into(),
            },
            icon: theme::MUTED,
            placeholder: theme::MUTED,
            value: theme::TEXT,
            selection: Color {
                a: 0.35,
                ..theme::TRACK
            },
        }
    }
}

/// The ▶ beside the playing track (Fira Sans has no ▶ glyph, so it is drawn).
struct PlayMarker;

impl canvas::Program<Message> for PlayMarker {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let mut frame = canvas::Frame::new(renderer, bounds.size());
        let (w, h) = (bounds.width, bounds.height);
        let triangle = canvas::Path::new(|p| {
            p.move_to(Point::new(0.0, 0.0));
            p.line_to(Point::new(w, h / 2.0));
            p.line_to(Point::new(0.0, h));
            p.close();
        });
        frame.fill(&triangle, theme::SUCCESS);
        vec![frame.into_geometry()]
    }
}
