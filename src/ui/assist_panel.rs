//! The album assistant in the desk: "Assist…" proposes the smallest tone moves that bring each
//! track toward the album's balance (`assist::propose`, the same as `lathe assist`), lists them
//! with their reasons and predicted effect, lets the user untick any, and applies the accepted
//! ones as one undoable edit.

use super::export::style;
use super::theme;
use crate::assist::AlbumProposal;
use iced::widget::{button, checkbox, column, container, opaque, row, scrollable, space, text};
use iced::{Alignment, Element, Fill, Length};

/// Panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Accept or reject move `mv` of track `track` (album order).
    Toggle {
        track: usize,
        mv: usize,
        accept: bool,
    },
    /// The album's amount of every move, 0..=1.
    Amount(f64),
    /// Write the accepted moves into the project.
    Apply,
    Close,
}

/// What the app must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Apply this proposal (its accepted moves) to the project as one undo step.
    Apply(Box<AlbumProposal>),
}

/// The panel: closed, a proposal being reviewed, or why there is none.
#[derive(Debug, Default)]
pub struct AssistPanel {
    shown: Option<Result<AlbumProposal, String>>,
}

impl AssistPanel {
    /// Opens the panel on a fresh proposal (or the reason there is none).
    pub fn show(&mut self, proposal: Result<AlbumProposal, String>) {
        self.shown = Some(proposal);
    }

    pub fn is_open(&self) -> bool {
        self.shown.is_some()
    }

    /// The proposal under review.
    pub fn proposal(&self) -> Option<&AlbumProposal> {
        self.shown.as_ref()?.as_ref().ok()
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Toggle { track, mv, accept } => {
                if let Some(Ok(p)) = &mut self.shown {
                    if let Some(m) = p.tracks.get_mut(track).and_then(|t| t.moves.get_mut(mv)) {
                        m.accepted = accept;
                    }
                }
                Action::None
            }
            Message::Amount(amount) => {
                if let Some(Ok(p)) = &mut self.shown {
                    p.amount = amount.clamp(0.0, 1.0);
                }
                Action::None
            }
            Message::Apply => match self.shown.take() {
                Some(Ok(proposal)) => Action::Apply(Box::new(proposal)),
                _ => Action::None,
            },
            Message::Close => {
                self.shown = None;
                Action::None
            }
        }
    }

    /// The modal layer (the desk below takes no clicks while it is open).
    pub fn view(&self) -> Element<'_, Message> {
        let body: Element<'_, Message> = match &self.shown {
            None => space::horizontal().into(),
            Some(Err(reason)) => column![
                text("The assistant has no proposal").size(18),
                text(reason.as_str()).size(14).color(theme::WARNING),
                button(text("Close").size(14))
                    .style(theme::transport_button)
                    .on_press(Message::Close),
            ]
            .spacing(12)
            .into(),
            Some(Ok(proposal)) => proposal_view(proposal),
        };
        let card = container(body).padding(24).width(860).style(style::card);
        opaque(
            container(card)
                .center(Fill)
                .padding(24)
                .style(style::backdrop),
        )
    }
}

fn proposal_view(proposal: &AlbumProposal) -> Element<'_, Message> {
    let db = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1} dB"));
    // Room on the right for the scrollbar.
    let mut list = column![].spacing(10).padding(iced::Padding {
        right: 14.0,
        ..iced::Padding::ZERO
    });
    for (t, track) in proposal.tracks.iter().enumerate() {
        let mut block = column![row![
            text(format!("{}  {}", track.number, track.title))
                .size(15)
                .width(Fill),
            text(format!(
                "deviation {} → {}",
                db(track.deviation_db),
                db(track.predicted_deviation_db)
            ))
            .size(13)
            .color(theme::MUTED),
        ]
        .align_y(Alignment::Center)]
        .spacing(4);
        block = block.push(text(track.summary.as_str()).size(13).color(theme::MUTED));
        for (m, mv) in track.moves.iter().enumerate() {
            block = block.push(
                checkbox(mv.accepted)
                    .label(mv.reason.as_str())
                    .text_size(13)
                    .on_toggle(move |accept| Message::Toggle {
                        track: t,
                        mv: m,
                        accept,
                    }),
            );
        }
        list = list.push(
            container(block)
                .padding([6, 10])
                .width(Fill)
                .style(theme::panel),
        );
    }
    let accepted = proposal
        .tracks
        .iter()
        .flat_map(|t| &t.moves)
        .filter(|m| m.accepted)
        .count();
    let amounts = [0.25, 0.5, 0.75, 1.0].map(|a| {
        button(text(format!("{:.0} %", a * 100.0)).size(13))
            .padding([3, 10])
            .style(theme::segment((proposal.amount - a).abs() < 1e-9))
            .on_press(Message::Amount(a))
            .into()
    });
    let amount_row = row![text("Amount of every move").size(13).color(theme::MUTED)]
        .extend(amounts)
        .spacing(6)
        .align_y(Alignment::Center);
    column![
        text("Assistant: tone moves toward the album").size(20),
        text(format!(
            "Target: {}. Each move stays within ±{:.1} dB; tracks within ±{:.1} dB get none. Untick what you do not want; applying is one undo step.",
            proposal.target.label, proposal.max_move_db, proposal.tolerance_db
        ))
        .size(13)
        .color(theme::MUTED),
        scrollable(list).height(Length::Fixed(440.0)),
        row![
            amount_row,
            space::horizontal(),
            button(text("Close").size(14))
                .style(theme::transport_button)
                .on_press(Message::Close),
            button(text(format!("Apply {accepted} moves")).size(14))
                .style(style::primary)
                .on_press_maybe((accepted > 0).then_some(Message::Apply)),
        ]
        .spacing(8),
    ]
    .spacing(12)
    .into()
}
