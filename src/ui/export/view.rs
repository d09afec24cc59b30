//! The dialog's look: a card over the dimmed desk, one layout per state. Pure: it reads the
//! dialog and the album settings, formats a few labels and does no I/O.

use super::form::{self, PresetChoice};
use super::job::{stage_fraction, stage_label, Running};
use super::{style, ExportDialog, Finished, Message, State};
use crate::project::{AlbumSettings, BitDepth, ExportFormat, LoudnessMode};
use crate::render::export::Stage;
use crate::ui::fit_text::ellipsized;
use crate::ui::theme::{self, DANGER, MUTED, SUCCESS, WARNING};
use iced::widget::text::Wrapping;
use iced::widget::{
    button, checkbox, column, container, opaque, pick_list, progress_bar, row, scrollable, space,
    text, text_input, Column,
};
use iced::{Alignment, Element, Fill, Length};

/// Width of the dialog card, px: room for the summary table at the 1280 px minimum window.
const WIDTH: f32 = 920.0;
/// Width of the form's label column, px.
const LABEL: f32 = 130.0;
/// Width of a track's title in the progress list (cut with "…" beyond it), logical pixels.
const TITLE_W: f32 = 260.0;

impl ExportDialog {
    /// The dialog as a full-window layer: the dimmed desk and the card. The app stacks it over
    /// the desk when [`ExportDialog::is_open`]: `stack![desk, dialog.view(settings).map(..)]`.
    /// The layer is opaque, so the desk below takes no clicks while it is shown.
    pub fn view<'a>(&'a self, settings: &AlbumSettings) -> Element<'a, Message> {
        let body: Element<'a, Message> = match &self.state {
            State::Closed => space::horizontal().into(),
            State::Setup => self.setup(settings),
            State::Running(running) => self.running(running),
            State::Finished(finished) => self.finished(finished),
            State::Failed(message) => failed(message),
        };
        let card = container(body).padding(24).width(WIDTH).style(style::card);
        opaque(
            container(card)
                .center(Fill)
                .padding(24)
                .style(style::backdrop),
        )
    }

    fn setup<'a>(&'a self, settings: &AlbumSettings) -> Element<'a, Message> {
        let export = &settings.export;
        let float = export.bit_depth == BitDepth::Float32;
        let flac = export.format == ExportFormat::Flac;

        let selected = self.presets.iter().find(|c| c.preset == settings.preset);
        let preset = pick_list(self.presets.as_slice(), selected, |c: PresetChoice| {
            Message::Preset(c.preset)
        })
        .text_size(14)
        .width(Fill);
        let mode = match settings.loudness_mode {
            LoudnessMode::Album => "album mode (loudest track at the target)",
            LoudnessMode::Track => "track mode (every track at the target)",
        };
        let headroom = format!(
            "Target {} LUFS · ceiling {} dBTP · {mode}",
            crate::units::unsigned(settings.target_lufs, 1),
            crate::units::unsigned(settings.ceiling_dbtp, 1),
        );

        let formats = [ExportFormat::Wav, ExportFormat::Flac].map(|f| {
            let refused = form::is_flac_float(f, export.bit_depth);
            segment(
                form::format_label(f),
                export.format == f,
                !refused,
                Message::Format(f),
            )
        });
        let depths = [BitDepth::Int16, BitDepth::Int24, BitDepth::Float32].map(|d| {
            let refused = form::is_flac_float(export.format, d);
            segment(
                form::depth_label(d),
                export.bit_depth == d,
                !refused,
                Message::BitDepth(d),
            )
        });
        let rates = form::rate_choices(export.sample_rate_hz)
            .into_iter()
            .map(|r| {
                segment_owned(
                    form::rate_label(r),
                    export.sample_rate_hz == r,
                    Message::Rate(r),
                )
            });
        let depth_hint = if flac {
            Some("32-bit float needs WAV: FLAC holds 16- or 24-bit integers.")
        } else if float {
            Some("FLAC needs 16 or 24 bits: it holds integers, not floats.")
        } else {
            None
        };

        let dither = checkbox(export.dither && !float)
            .label("TPDF dither")
            .text_size(14)
            .on_toggle_maybe((!float).then_some(Message::Dither));
        let dither_note = if float {
            "32-bit float output is not dithered"
        } else {
            "masks the rounding to 16 or 24 bits; leave it on"
        };

        let mut form = column![
            heading(format!("Export “{}”", self.album)),
            field(
                "Delivery preset",
                column![preset, note(headroom)].spacing(6),
                false
            ),
            field("Format", segments(formats), false),
            field(
                "Bit depth",
                column![segments(depths)]
                    .push(depth_hint.map(note))
                    .spacing(6),
                false
            ),
            field("Sample rate", segments(rates), false),
            field(
                "Dither",
                row![dither, note(dither_note)]
                    .spacing(16)
                    .align_y(Alignment::Center),
                true
            ),
        ]
        .spacing(16);
        if form::allows_album_image(settings) {
            form = form.push(field(
                "CD image",
                checkbox(self.album_image)
                    .label("Also write one album WAV with a cue sheet, for burning a CD")
                    .text_size(14)
                    .on_toggle(Message::AlbumImage),
                true,
            ));
        }
        form = form.push(field("Folder", self.folder_field(), false));
        if let Some(notice) = &self.notice {
            form = form.push(
                container(text(notice.as_str()).size(14))
                    .padding([8, 12])
                    .width(Fill)
                    .style(style::notice),
            );
        }

        let refusal = self.refusal(settings);
        let start = button(text("Export").size(15))
            .padding([8, 22])
            .style(style::primary)
            .on_press_maybe(refusal.is_none().then_some(Message::Start));
        let close = button(text("Close").size(15))
            .padding([8, 18])
            .style(theme::transport_button)
            .on_press(Message::Close);
        // Why Export is disabled, unless the notice above already says just that.
        let why: Element<'a, Message> = match refusal {
            Some(why) if self.notice.as_deref() != Some(why.as_str()) => {
                text(why).size(13).color(MUTED).width(Fill).into()
            }
            _ => space::horizontal().into(),
        };
        form.push(
            row![why, close, start]
                .spacing(12)
                .align_y(Alignment::Center),
        )
        .into()
    }

    fn folder_field(&self) -> Element<'_, Message> {
        let input = text_input("Folder for the mastered album", &self.folder)
            .on_input(Message::FolderEdited)
            .size(14)
            .padding([6, 10])
            .width(Fill);
        let choose = button(text("Choose…").size(14))
            .padding([6, 14])
            .style(theme::transport_button)
            .on_press(Message::ChooseFolder);
        let below: Element<'_, Message> = if self.folder_exists && self.folder_protected {
            text("This folder holds the project or its source files: choose another one.")
                .size(13)
                .color(DANGER)
                .into()
        } else if self.folder_exists {
            column![
                text("This folder already exists.").size(13).color(WARNING),
                checkbox(self.replace)
                    .label(
                        "Replace the existing folder (the old one is removed only once the new \
                         export is complete)"
                    )
                    .text_size(13)
                    .on_toggle(Message::Replace),
            ]
            .spacing(6)
            .into()
        } else {
            note(
                "Created when the export succeeds; nothing is written if it fails or is cancelled.",
            )
            .into()
        };
        column![
            row![input, choose].spacing(8).align_y(Alignment::Center),
            below
        ]
        .spacing(6)
        .into()
    }

    fn running<'a>(&'a self, running: &'a Running) -> Element<'a, Message> {
        let total = running.tracks.len();
        let status = if running.cancelling {
            "Cancelling — removing what was written…".to_string()
        } else if running.analysing && running.done() == 0 {
            "Analysing the album…".to_string()
        } else {
            format!("{} of {total} tracks done", running.done())
        };
        let overall = running.overall();
        let tracks = Column::with_children(running.tracks.iter().map(|t| {
            let done = t.stage == Some(Stage::Done);
            row![
                text(ellipsized(&t.title, 14.0, TITLE_W))
                    .size(14)
                    .width(TITLE_W)
                    .wrapping(Wrapping::None),
                progress_bar(0.0..=1.0, stage_fraction(t.stage))
                    .girth(6)
                    .style(style::bar(done)),
                text(stage_label(t.stage))
                    .size(13)
                    .color(if done { SUCCESS } else { MUTED })
                    .width(80),
            ]
            .spacing(14)
            .align_y(Alignment::Center)
            .into()
        }))
        .spacing(10)
        .padding([0, 14]);
        let cancel = button(
            text(if running.cancelling {
                "Cancelling…"
            } else {
                "Cancel"
            })
            .size(15),
        )
        .padding([8, 18])
        .style(theme::transport_button)
        .on_press_maybe((!running.cancelling).then_some(Message::Cancel));
        column![
            heading(format!("Exporting “{}”", self.album)),
            note(format!("into {}", running.dir.display())),
            row![
                text("Overall").size(14).width(70),
                progress_bar(0.0..=1.0, overall)
                    .girth(10)
                    .style(style::bar(false)),
                text(format!("{:.0} %", overall * 100.0))
                    .size(14)
                    .width(50)
                    .align_x(Alignment::End),
            ]
            .spacing(14)
            .align_y(Alignment::Center),
            text(status).size(14).color(MUTED),
            container(scrollable(tracks)).max_height(380),
            row![
                note("The window stays usable; cancelling leaves nothing behind.").width(Fill),
                cancel
            ]
            .spacing(12)
            .align_y(Alignment::Center),
        ]
        .spacing(14)
        .into()
    }

    fn finished<'a>(&'a self, finished: &'a Finished) -> Element<'a, Message> {
        let header = table_row(
            [
                "#",
                "Title",
                "Loudness",
                "Target",
                "True peak",
                "Limiting",
                "Tone vs album",
                "",
            ],
            MUTED,
            None,
        );
        let rows = Column::with_children(finished.rows.iter().enumerate().map(|(i, r)| {
            let cells = [
                r.number.as_str(),
                r.title.as_str(),
                r.lufs.as_str(),
                r.target.as_str(),
                r.true_peak.as_str(),
                r.gain_reduction.as_str(),
                r.tone.as_str(),
                r.held_back.as_deref().unwrap_or(""),
            ];
            container(table_row(cells, theme::TEXT, Some(WARNING)))
                .padding([5, 0])
                .style(style::stripe(i % 2 == 1))
                .into()
        }));
        let warnings: Vec<(String, &str)> = finished
            .rows
            .iter()
            .flat_map(|r| {
                r.warnings
                    .iter()
                    .map(move |w| (format!("{} {}", r.number, r.title), w.as_str()))
            })
            .collect();
        let report = &finished.summary.report;
        let mut page = column![
            heading(format!("Exported “{}”", self.album)),
            note(format!(
                "{} at {}{} · {}",
                report.format,
                form::rate_label(Some(report.sample_rate_hz)),
                if report.dither { ", TPDF dither" } else { "" },
                finished.summary.dir.display()
            )),
            column![
                container(header).padding([4, 0]),
                container(scrollable(rows)).max_height(330)
            ]
            .spacing(2),
        ]
        .spacing(14);
        if !warnings.is_empty() {
            let list = Column::with_children(warnings.into_iter().map(|(track, w)| {
                row![
                    text(track).size(13).width(140),
                    text(w).size(13).color(WARNING).width(Fill)
                ]
                .spacing(10)
                .into()
            }))
            .spacing(4);
            page = page.push(container(scrollable(list)).max_height(110));
        }
        if let Some(wav) = &report.album_wav {
            page = page.push(note(format!("Album image: {wav} with its cue sheet.")));
        }
        let open = button(text("Open folder").size(15))
            .padding([8, 18])
            .style(style::primary)
            .on_press(Message::OpenFolder);
        let close = button(text("Close").size(15))
            .padding([8, 18])
            .style(theme::transport_button)
            .on_press(Message::Close);
        page.push(
            row![
                note("Measured on the written files. report.md and report.json are in the folder.")
                    .width(Fill),
                close,
                open
            ]
            .spacing(12)
            .align_y(Alignment::Center),
        )
        .into()
    }
}

fn failed(message: &str) -> Element<'_, Message> {
    let back = button(text("Back").size(15))
        .padding([8, 18])
        .style(theme::transport_button)
        .on_press(Message::Back);
    let close = button(text("Close").size(15))
        .padding([8, 18])
        .style(theme::transport_button)
        .on_press(Message::Close);
    column![
        heading("Export failed".to_string()),
        container(text(message).size(14))
            .padding([10, 14])
            .width(Fill)
            .style(style::failure),
        row![space::horizontal(), close, back].spacing(12),
    ]
    .spacing(16)
    .into()
}

fn heading<'a>(title: String) -> Element<'a, Message> {
    text(title).size(22).into()
}

fn note<'a>(words: impl text::IntoFragment<'a>) -> text::Text<'a> {
    text(words).size(13).color(MUTED)
}

/// A labelled row of the form. The label is lowered to the text line of a 30 px control
/// (buttons, fields), or not at all beside a checkbox.
fn field<'a>(
    label: &'a str,
    control: impl Into<Element<'a, Message>>,
    beside_checkbox: bool,
) -> Element<'a, Message> {
    let lowered = if beside_checkbox { 0 } else { 6 };
    row![
        container(text(label).size(14).color(MUTED))
            .padding(iced::padding::top(lowered))
            .width(LABEL),
        container(control).width(Fill)
    ]
    .spacing(16)
    .align_y(Alignment::Start)
    .into()
}

fn segments<'a>(buttons: impl IntoIterator<Item = Element<'a, Message>>) -> Element<'a, Message> {
    iced::widget::Row::with_children(buttons).spacing(6).into()
}

fn segment<'a>(
    label: &'a str,
    selected: bool,
    enabled: bool,
    message: Message,
) -> Element<'a, Message> {
    button(text(label).size(14))
        .padding([6, 14])
        .style(style::segment(selected))
        .on_press_maybe(enabled.then_some(message))
        .into()
}

fn segment_owned<'a>(label: String, selected: bool, message: Message) -> Element<'a, Message> {
    button(text(label).size(14))
        .padding([6, 14])
        .style(style::segment(selected))
        .on_press(message)
        .into()
}

/// A summary row: the columns share their widths with the header.
fn table_row<'a>(
    cells: [&'a str; 8],
    color: iced::Color,
    last_color: Option<iced::Color>,
) -> Element<'a, Message> {
    let widths = [
        Length::Fixed(28.0),
        Fill,
        Length::Fixed(100.0),
        Length::Fixed(100.0),
        Length::Fixed(96.0),
        Length::Fixed(70.0),
        Length::Fixed(112.0),
        Length::Fixed(118.0),
    ];
    let numeric = [false, false, true, true, true, true, true, false];
    iced::widget::Row::with_children(cells.iter().zip(widths).zip(numeric).enumerate().map(
        |(i, ((cell, width), numeric))| {
            let color = if i == cells.len() - 1 {
                last_color.unwrap_or(color)
            } else {
                color
            };
            let t = text(*cell).size(14).color(color).width(width);
            let t = if numeric {
                t.align_x(Alignment::End)
            } else {
                t
            };
            t.into()
        },
    ))
    .spacing(10)
    .padding([0, 8])
    .into()
}
