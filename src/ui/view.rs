//! The window layout: banners and the recovery offer, the header (album, file actions, status),
//! then the album panel and overview (left), the tone view and meters (centre), the tone and
//! headroom controls (right) — or the assistant's panel in place of both while it is open —
//! and the transport along the bottom. Pure: reads the app's state.

use super::app::{App, Message};
use super::theme;
use super::{album, export, transport};
use iced::widget::{
    button, column, container, pick_list, progress_bar, responsive, row, space, stack, text,
    tooltip,
};
use iced::{Alignment, Element, Fill, Length};

/// Width of the album column in a 1280-wide window, and the most it grows to in a wider
/// one (half of every extra pixel goes to it, so titles read whole before the tone view gets
/// the rest), logical pixels.
const ALBUM_W: f32 = 410.0;
const ALBUM_MAX_W: f32 = 640.0;
/// Width of the main row (window less the page's padding) at which the album column is
/// [`ALBUM_W`], logical pixels.
const MAIN_ROW_AT_ALBUM_W: f32 = 1256.0;
/// Width of the controls column at any window size, logical pixels.
const CONTROLS_W: f32 = 320.0;
/// Width of the assistant's panel, which takes the album's and the controls' place while open
/// (the tone view stays beside it, showing the proposal), logical pixels.
const ASSIST_W: f32 = 640.0;
/// The page's padding around the header, the main row and the transport, logical pixels.
const PAGE_PADDING: f32 = 12.0;

pub(super) fn window(app: &App) -> Element<'_, Message> {
    let mut page = column![].spacing(10).padding(PAGE_PADDING);
    for banner in &app.banners {
        page = page.push(banner_row(
            text(banner.text.as_str()).size(14).width(Fill).into(),
            vec![("Dismiss", Message::DismissBanner(banner.id))],
            theme::banner,
        ));
    }
    if let Some((_, written)) = &app.recovery {
        let age = written
            .elapsed()
            .map(|d| format!("{} min ago", d.as_secs() / 60))
            .unwrap_or_default();
        page = page.push(banner_row(
            text(format!(
                "Unsaved changes to this project were kept ({age}), newer than the file. Recover them?"
            ))
            .size(14)
            .width(Fill)
            .into(),
            vec![
                ("Recover", Message::Recover(true)),
                ("Discard", Message::Recover(false)),
            ],
            theme::notice,
        ));
    }
    page = page.push(header(app));
    let main: Element<'_, Message> = if app.assist.is_open() {
        row![
            container(app.assist.view(app.selected()).map(Message::Assist))
                .width(Length::Fixed(ASSIST_W))
                .height(Fill),
            centre(app),
        ]
        .spacing(10)
        .into()
    } else {
        responsive(move |room| {
            row![
                container(app.album_panel())
                    .width(album_width(room.width))
                    .height(Fill),
                centre(app),
                container(app.controls_panel())
                    .width(Length::Fixed(CONTROLS_W))
                    .height(Fill),
            ]
            .spacing(10)
            .into()
        })
        .into()
    };
    page = page.push(container(main).height(Fill));
    page = page.push(app.transport_bar().map(Message::Transport));
    let desk: Element<'_, Message> = container(page).width(Fill).height(Fill).into();
    app.with_dialogs(desk)
}

/// The centre column, beside the album and controls or beside the assistant: the tone view over
/// the meters, taking the width the columns beside it leave.
fn centre(app: &App) -> Element<'_, Message> {
    container(column![spectrum(app), app.meters_panel()].spacing(10))
        .width(Fill)
        .height(Fill)
        .into()
}

/// The album column's width for a main row `row_w` wide: [`ALBUM_W`] up to the default window,
/// then half of every extra pixel, at most [`ALBUM_MAX_W`].
fn album_width(row_w: f32) -> f32 {
    (ALBUM_W + 0.5 * (row_w - MAIN_ROW_AT_ALBUM_W)).clamp(ALBUM_W, ALBUM_MAX_W)
}

/// The album column's width in a window `window_w` logical pixels wide.
#[cfg(test)]
pub(crate) fn album_width_in_window(window_w: f32) -> f32 {
    album_width(window_w - 2.0 * PAGE_PADDING)
}

/// A recent project in the header's menu, shown by its file name and folder.
#[derive(Debug, Clone, PartialEq)]
struct RecentProject(std::path::PathBuf);

impl std::fmt::Display for RecentProject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.0.file_name().unwrap_or_default().to_string_lossy();
        match self.0.parent().and_then(|p| p.file_name()) {
            Some(folder) => write!(f, "{name} — {}", folder.to_string_lossy()),
            None => write!(f, "{name}"),
        }
    }
}

fn banner_row<'a>(
    body: Element<'a, Message>,
    actions: Vec<(&'a str, Message)>,
    style: fn(&iced::Theme) -> container::Style,
) -> Element<'a, Message> {
    let mut line = row![body].spacing(10).align_y(Alignment::Center);
    for (label, message) in actions {
        line = line.push(
            button(text(label).size(13))
                .style(theme::transport_button)
                .on_press(message),
        );
    }
    container(line)
        .padding([6, 12])
        .width(Fill)
        .style(style)
        .into()
}

fn header(app: &App) -> Element<'_, Message> {
    let (title, artist) = match app.document() {
        Some(d) => (
            d.project.album.title.as_str(),
            d.project.album.artist.as_str(),
        ),
        None => ("Lathe", ""),
    };
    let modified: Element<'_, Message> = if app.is_modified() {
        tooltip(
            text("● modified").size(12).color(theme::TRACK),
            container(
                text("Unsaved changes (autosaved every few seconds) — Ctrl+S saves").size(12),
            )
            .padding([4, 8])
            .style(theme::panel),
            tooltip::Position::Bottom,
        )
        .into()
    } else {
        space::horizontal().width(0).into()
    };
    let names = column![
        row![text(title).size(22), modified]
            .spacing(10)
            .align_y(Alignment::Center),
        text(artist).size(13).color(theme::MUTED)
    ]
    .spacing(0);
    let action = |label: &'static str, message: Option<Message>, tip: &'static str| {
        tooltip(
            button(text(label).size(13))
                .padding([4, 10])
                .style(theme::transport_button)
                .on_press_maybe(message),
            container(text(tip).size(12))
                .padding([4, 8])
                .style(theme::panel),
            tooltip::Position::Bottom,
        )
    };
    let has_doc = app.document().is_some();
    let recent: Vec<RecentProject> = app
        .recent
        .projects
        .iter()
        .filter(|p| Some(p.as_path()) != app.document().map(|d| d.path.as_path()))
        .map(|p| RecentProject(p.clone()))
        .collect();
    let recent_menu: Element<'_, Message> = if recent.is_empty() {
        space::horizontal().width(0).into()
    } else {
        pick_list(recent, None::<RecentProject>, |r| Message::OpenRecent(r.0))
            .placeholder("Recent…")
            .text_size(13)
            .padding([4, 8])
            .into()
    };
    let actions = row![
        recent_menu,
        action("Open…", Some(Message::Open), "Open a project (Ctrl+O)"),
        action(
            "Save",
            has_doc.then_some(Message::Save),
            "Save the project (Ctrl+S)"
        ),
        action(
            "Save as…",
            has_doc.then_some(Message::SaveAs),
            "Save under a new name (Ctrl+Shift+S)"
        ),
        action(
            "Undo",
            app.history.undo_label().map(|_| Message::Undo),
            "Undo (Ctrl+Z)"
        ),
        action(
            "Redo",
            app.history.redo_label().map(|_| Message::Redo),
            "Redo (Ctrl+Shift+Z)"
        ),
        action(
            "Assist…",
            app.stats.as_ref().map(|_| Message::OpenAssist),
            "Propose the smallest tone moves that bring each track toward the album"
        ),
        app.export_button(),
    ]
    .spacing(4);
    let status: Element<'_, Message> = match (app.analysis_progress(), &app.notice) {
        (Some((fraction, done, total)), _) => column![
            text(format!("Analysing {done} of {total} files"))
                .size(12)
                .color(theme::MUTED),
            progress_bar(0.0..=1.0, fraction).length(200).girth(6),
        ]
        .spacing(4)
        .align_x(Alignment::End)
        .into(),
        (None, Some(notice)) => text(notice.as_str()).size(12).color(theme::MUTED).into(),
        (None, None) => match &app.stats {
            Some(stats) => text(format!(
                "Loudness spread across the album: {:.1} LU",
                stats.loudness_spread_lu
            ))
            .size(12)
            .color(theme::MUTED)
            .into(),
            None => space::horizontal().width(0).into(),
        },
    };
    row![names, space::horizontal(), status, actions]
        .spacing(16)
        .align_y(Alignment::Center)
        .padding([0, 4])
        .into()
}

fn spectrum(app: &App) -> Element<'_, Message> {
    container(app.tone_view.view().map(Message::Tone))
        .padding(10)
        .style(theme::panel)
        .width(Fill)
        .height(Fill)
        .into()
}

impl App {
    /// The transport bar's view of playback.
    fn transport_bar(&self) -> Element<'_, transport::Message> {
        let position = self.position();
        let title = position.key.and_then(|k| {
            self.document()?
                .project
                .tracks
                .iter()
                .find(|t| t.id.0 == k)
                .map(|t| t.title.as_str())
        });
        let (loudness, duration_s) = self.playing_loudness();
        let step_s = self
            .playback
            .current_track()
            .or(self.selected())
            .and_then(|id| self.analyses.get(&id))
            .map_or(0.1, |a| a.loudness.short_term_step_s);
        let selected = self.selected_index();
        let playable = self
            .selected()
            .is_some_and(|id| self.analyses.contains_key(&id));
        let count = self.document().map_or(0, |d| d.project.tracks.len());
        self.transport.view(transport::View {
            status: self.engine.status(),
            position,
            now_playing: title,
            preparing: position.waiting,
            mode: self.playback.mode,
            monitor: self.monitor(),
            has_reference: self
                .reference_statuses
                .iter()
                .any(|s| matches!(s, album::ReferenceStatus::Read { plays: true, .. })),
            can_play: playable,
            can_transition: playable && selected.is_some_and(|i| i + 1 < count),
            loudness,
            step_s,
            duration_s,
            loop_region: self.playback.loop_region,
            platform: self.playback.platform,
            platform_gain: self.platform_gain(),
        })
    }

    fn album_panel(&self) -> Element<'_, Message> {
        match self.document() {
            Some(document) => {
                let target_lufs = document.project.settings.target_lufs;
                let playing = self.playback.current_track();
                column![
                    self.album
                        .view(
                            &document.project,
                            &self.figures,
                            &self.reference_statuses,
                            self.selected,
                            playing
                        )
                        .map(Message::Album),
                    container(
                        self.album
                            .overview(&self.figures, target_lufs, self.selected_index())
                            .map(Message::Album)
                    )
                    .padding(6)
                    .style(theme::panel),
                ]
                .spacing(10)
                .into()
            }
            None => container(text("No project open").color(theme::MUTED))
                .center(Fill)
                .style(theme::panel)
                .into(),
        }
    }

    fn meters_panel(&self) -> Element<'_, Message> {
        let settings = &self.controls_context().settings;
        let target_lufs = self
            .selected_index()
            .and_then(|i| self.figures.get(i)?.mastered_lufs)
            .unwrap_or(settings.target_lufs);
        self.meter_strip
            .view(&self.meters, settings.ceiling_dbtp, target_lufs)
            .map(Message::Meters)
    }

    fn controls_panel(&self) -> Element<'_, Message> {
        self.controls
            .view(self.controls_context())
            .map(Message::Controls)
    }

    fn export_button(&self) -> Element<'_, Message> {
        let enabled = self
            .document()
            .is_some_and(|d| !d.project.tracks.is_empty());
        tooltip(
            button(text("Export…").size(13))
                .padding([4, 12])
                .style(theme::segment(true))
                .on_press_maybe(enabled.then_some(Message::Export(export::Message::Open))),
            container(text("Export the mastered album folder (Ctrl+E)").size(12))
                .padding([4, 8])
                .style(theme::panel),
            tooltip::Position::Bottom,
        )
        .into()
    }

    /// The desk with the export dialog over it when open (the assistant is beside the tone
    /// view, not over the desk).
    fn with_dialogs<'a>(&'a self, desk: Element<'a, Message>) -> Element<'a, Message> {
        match self.document().filter(|_| self.export.is_open()) {
            Some(document) => stack![
                desk,
                self.export
                    .view(&document.project.settings)
                    .map(Message::Export)
            ]
            .into(),
            None => desk,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_album_column_keeps_its_width_in_the_default_window_and_grows_to_a_cap_in_wider_ones() {
        assert_eq!(album_width(MAIN_ROW_AT_ALBUM_W), ALBUM_W);
        assert_eq!(album_width(900.0), ALBUM_W, "never narrower");
        assert_eq!(album_width(MAIN_ROW_AT_ALBUM_W + 200.0), ALBUM_W + 100.0);
        assert_eq!(album_width(1896.0), ALBUM_MAX_W, "1920 window: capped");
    }
}
