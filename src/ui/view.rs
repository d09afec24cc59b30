//! The window layout: banners, header, track list beside the spectrum, transport. Pure:
//! reads the app's state, never changes it.

use super::app::{App, Message};
use super::spectrum_plot::Content;
use super::theme;
use iced::widget::{button, canvas, column, container, progress_bar, row, space, text};
use iced::{Alignment, Element, Fill, FillPortion, Length};

pub(super) fn window(app: &App) -> Element<'_, Message> {
    let mut page = column![].spacing(12).padding(16);
    for banner in &app.banners {
        page = page.push(
            container(
                row![
                    text(banner.text.as_str()).size(14).width(Fill),
                    button(text("Dismiss").size(13))
                        .style(theme::transport_button)
                        .on_press(Message::DismissBanner(banner.id)),
                ]
                .spacing(12)
                .align_y(Alignment::Center),
            )
            .padding([8, 12])
            .width(Fill)
            .style(theme::banner),
        );
    }
    page = page.push(header(app));
    let tracks: Element<'_, Message> = match &app.document {
        Some(document) => {
            let stats = app.outcome.as_ref().map(|o| &o.stats);
            app.tracks
                .view(&document.project, &app.rows(), stats)
                .map(Message::Tracks)
        }
        None => container(text("No project open").color(theme::MUTED))
            .center(Fill)
            .style(theme::panel)
            .into(),
    };
    page = page.push(
        row![
            container(tracks).width(FillPortion(3)),
            container(spectrum(app)).width(FillPortion(2)),
        ]
        .spacing(12)
        .height(Fill),
    );
    let now_playing = app.transport.loaded().and_then(|id| {
        let tracks = &app.document.as_ref()?.project.tracks;
        tracks.iter().find(|t| t.id == id).map(|t| t.title.as_str())
    });
    page = page.push(
        app.transport
            .view(&app.engine, now_playing, app.tracks.selected.is_some())
            .map(Message::Transport),
    );
    container(page).width(Fill).height(Fill).into()
}

fn header(app: &App) -> Element<'_, Message> {
    let (title, artist) = match &app.document {
        Some(d) => (
            d.project.album.title.as_str(),
            d.project.album.artist.as_str(),
        ),
        None => ("Lathe", ""),
    };
    let names = column![
        text(title).size(26),
        text(artist).size(15).color(theme::MUTED)
    ]
    .spacing(2);
    let status: Element<'_, Message> = match (app.job.progress, &app.outcome) {
        (Some((fraction, done, total)), _) => column![
            text(format!("Analysing {done} of {total} files"))
                .size(13)
                .color(theme::MUTED),
            progress_bar(0.0..=1.0, fraction).length(240).girth(8),
        ]
        .spacing(6)
        .align_x(Alignment::End)
        .into(),
        (None, Some(outcome)) => text(format!(
            "Loudness spread across the album: {:.1} LU",
            outcome.stats.loudness_spread_lu
        ))
        .size(13)
        .color(theme::MUTED)
        .into(),
        (None, None) => space::horizontal().into(),
    };
    row![names, space::horizontal(), status]
        .align_y(Alignment::Center)
        .padding([0, 4])
        .into()
}

fn spectrum(app: &App) -> Element<'_, Message> {
    let selected_title = app.selected_index().and_then(|i| {
        app.document
            .as_ref()
            .map(|d| d.project.tracks[i].title.as_str())
    });
    let heading = row![
        text("Spectral balance").size(16),
        text("mid, dB relative to the track's loudness")
            .size(13)
            .color(theme::MUTED),
    ]
    .spacing(10)
    .align_y(Alignment::End);
    let mut panel = column![heading, canvas(&app.spectrum).width(Fill).height(Fill)].spacing(10);
    if let (Content::Curves(_), Some(title)) = (app.plot(), selected_title) {
        panel = panel.push(
            row![
                legend(title, theme::TRACK, false),
                legend("Album average", theme::ALBUM, true)
            ]
            .spacing(20),
        );
    }
    container(panel)
        .padding(12)
        .style(theme::panel)
        .width(Fill)
        .height(Fill)
        .into()
}

/// A legend entry: a short line in the curve's colour (dashed like the curve) and its name.
fn legend(label: &str, color: iced::Color, dashed: bool) -> Element<'_, Message> {
    let dash = |width: f32| {
        container(space::horizontal())
            .width(Length::Fixed(width))
            .height(3)
            .style(move |_| container::Style::default().background(color))
    };
    let line: Element<'_, Message> = if dashed {
        row![dash(7.0), dash(7.0), dash(6.0)].spacing(4).into()
    } else {
        dash(26.0).into()
    };
    row![line, text(label).size(13)]
        .spacing(8)
        .align_y(Alignment::Center)
        .into()
}
