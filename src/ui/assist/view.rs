//! The assistant panel's layout: heading and tabs, the options that propose again, the tab's
//! body (tone moves here; headroom and translation in `tables.rs`) and the apply bar.

use super::preview::Preview;
use super::{tables, AssistPanel, Message, Tab, AMOUNTS, MAX_MOVES_DB, SPREADS_LU};
use crate::assist::{AlbumProposal, AssistOptions};
use crate::project::{MatchTarget, TrackId};
use crate::ui::export::style;
use crate::ui::theme;
use iced::widget::{
    button, checkbox, column, container, mouse_area, row, scrollable, slider, space, text,
};
use iced::{Alignment, Element, Fill, Length, Padding};

/// Room on the right of a scrolled list for its scrollbar, logical pixels.
pub(super) const SCROLLBAR_ROOM: f32 = 14.0;

/// A small choice button of a segmented control.
pub(super) fn segment<'a>(label: String, chosen: bool, message: Message) -> Element<'a, Message> {
    button(text(label).size(12))
        .padding([2, 7])
        .style(theme::segment(chosen))
        .on_press(message)
        .into()
}

/// A muted caption.
pub(super) fn caption<'a>(s: impl text::IntoFragment<'a>) -> iced::widget::Text<'a> {
    text(s).size(12).color(theme::MUTED)
}

/// A scrolled list with room for its scrollbar.
pub(super) fn scrolled<'a>(list: iced::widget::Column<'a, Message>) -> Element<'a, Message> {
    scrollable(list.padding(Padding {
        right: SCROLLBAR_ROOM,
        ..Padding::ZERO
    }))
    .height(Fill)
    .into()
}

impl AssistPanel {
    /// The panel, beside the tone view; `selected` is the desk's selected track.
    pub fn view(&self, selected: Option<TrackId>) -> Element<'_, Message> {
        let tab = |label: &'static str, which: Tab| {
            button(text(label).size(13))
                .padding([3, 10])
                .style(theme::segment(self.tab == which))
                .on_press(Message::Tab(which))
        };
        let heading = row![
            text("Assistant").size(18).width(Fill),
            row![
                tab("Tone moves", Tab::Tone),
                tab("Headroom", Tab::Headroom),
                tab("Translation", Tab::Translation),
            ]
            .spacing(4),
        ]
        .align_y(Alignment::Center);
        let close = button(text("Close").size(13))
            .padding([4, 12])
            .style(theme::transport_button)
            .on_press(Message::Close);
        let body: Element<'_, Message> = match &self.shown {
            None => space::horizontal().into(),
            Some(Err(reason)) => column![
                text("The assistant has no proposal").size(16),
                text(reason.as_str()).size(13).color(theme::WARNING),
                space::vertical(),
                row![space::horizontal(), close],
            ]
            .spacing(10)
            .into(),
            Some(Ok(proposal)) => {
                let tab: Element<'_, Message> = match self.tab {
                    Tab::Tone => tone_tab(proposal, &self.previews, &self.deviations, selected),
                    Tab::Headroom => {
                        tables::headroom_tab(proposal, self.peaks_stale(), self.settings_changed())
                    }
                    Tab::Translation => tables::translation_tab(proposal, self.peaks_stale()),
                };
                column![tab, apply_bar(proposal, close, self.busy)]
                    .spacing(10)
                    .into()
            }
        };
        let options = options_view(
            &self.options,
            self.stand_in.as_deref(),
            self.busy,
            self.references_changed(),
        );
        container(column![heading, options, body].spacing(10))
            .padding([10, 12])
            .width(Fill)
            .height(Fill)
            .style(theme::panel)
            .into()
    }
}

/// Target, blend, largest move and spread: each change proposes again.
fn options_view<'a>(
    options: &AssistOptions,
    stand_in: Option<&'a str>,
    busy: bool,
    references_changed: bool,
) -> Element<'a, Message> {
    let target = |label: &str, which: MatchTarget| {
        segment(
            label.to_string(),
            options.target == which,
            Message::Target(which),
        )
    };
    let mut targets = row![
        caption("Target").width(52),
        target("Album average", MatchTarget::AlbumAverage),
        target("References", MatchTarget::References),
        target("Blend", MatchTarget::Blend),
    ]
    .spacing(4)
    .align_y(Alignment::Center);
    if options.target == MatchTarget::Blend {
        targets = targets.push(
            row![
                caption("album"),
                slider(0.0..=1.0, options.blend, Message::Blend)
                    .step(0.05)
                    .on_release(Message::BlendReleased)
                    .width(90),
                caption("refs"),
                text(format!("{:.2}", options.blend)).size(12),
            ]
            .spacing(4)
            .align_y(Alignment::Center),
        );
    }
    let moves = MAX_MOVES_DB.map(|db| {
        segment(
            format!("±{db:.0}"),
            (options.max_move_db - db).abs() < 1e-9,
            Message::MaxMove(db),
        )
    });
    let spreads = SPREADS_LU.map(|lu| {
        segment(
            format!("{lu:.0}"),
            (options.max_spread_lu - lu).abs() < 1e-9,
            Message::Spread(lu),
        )
    });
    let bounds = row![
        caption("Largest move").width(78),
        row(moves).spacing(3),
        caption("dB"),
        space::horizontal().width(12),
        caption("Album spread"),
        row(spreads).spacing(3),
        caption("LU"),
    ]
    .spacing(4)
    .align_y(Alignment::Center);
    let narrowest = crate::assist::NARROWEST_BANDS_OCT.map(|oct| {
        segment(
            crate::assist::narrowest_words(oct).to_string(),
            (options.narrowest_band_oct - oct).abs() < 1e-9,
            Message::NarrowestBand(oct),
        )
    });
    let width = row![
        caption("Narrowest").width(78),
        row(narrowest).spacing(3),
        caption("of a match curve's features (half-gain width; a Q √2 bell: 1 octave)"),
    ]
    .spacing(4)
    .align_y(Alignment::Center);
    let mut note = String::from(
        "Changing these options proposes again: ticks, track amounts and the plan start over.",
    );
    if let Some(stand_in) = stand_in {
        note = format!("{stand_in} {note}");
    }
    if references_changed {
        note = format!("The references changed since this proposal, which aims at their old average: choose the target again to propose toward them. {note}");
    }
    if busy {
        note = format!("Proposing again… {note}");
    }
    column![targets, bounds, width, caption(note)]
        .spacing(6)
        .into()
}

/// Every track with its moves: select, amount, reject; the preview of what will be written.
fn tone_tab<'a>(
    proposal: &'a AlbumProposal,
    previews: &'a [Vec<f64>],
    deviations: &[Option<f64>],
    selected: Option<TrackId>,
) -> Element<'a, Message> {
    let db = |v: Option<f64>| crate::units::unsigned_or_dash(v, 1, "");
    let mut list = column![].spacing(8);
    for (t, track) in proposal.tracks.iter().enumerate() {
        let has_moves = !track.moves.is_empty();
        let preview: Element<'a, Message> = match previews.get(t).filter(|p| !p.is_empty()) {
            Some(response) if has_moves => iced::widget::canvas(Preview { response })
                .width(Length::Fixed(110.0))
                .height(Length::Fixed(26.0))
                .into(),
            _ => space::horizontal().width(110).into(),
        };
        let title = text(format!("{}  {}", track.number, track.title))
            .size(14)
            .width(Fill);
        let mut block = column![row![
            title,
            preview,
            // As ticked and scaled now (the summary below is the proposal at full amount).
            caption(format!(
                "deviation {} → {} dB",
                db(track.deviation_db),
                db(deviations
                    .get(t)
                    .map_or(track.predicted_deviation_db, |d| *d))
            )),
        ]
        .spacing(10)
        .align_y(Alignment::Center)]
        .spacing(4);
        if has_moves {
            let any = track.moves.iter().any(|m| m.accepted);
            let amounts = AMOUNTS.map(|a| {
                segment(
                    format!("{:.0} %", a * 100.0),
                    (track.amount - a).abs() < 1e-9,
                    Message::TrackAmount {
                        track: t,
                        amount: a,
                    },
                )
            });
            block = block.push(
                row![
                    caption("Track amount"),
                    row(amounts).spacing(3),
                    space::horizontal(),
                    button(text(if any { "Reject track" } else { "Accept track" }).size(12))
                        .padding([2, 8])
                        .style(theme::transport_button)
                        .on_press(Message::ToggleTrack {
                            track: t,
                            accept: !any,
                        }),
                ]
                .spacing(4)
                .align_y(Alignment::Center),
            );
        }
        block = block.push(caption(track.summary.as_str()));
        if track.replaces_settings && has_moves {
            block = block.push(
                text("Accepting replaces this track's current tone EQ.")
                    .size(12)
                    .color(theme::WARNING),
            );
        }
        for (m, mv) in track.moves.iter().enumerate() {
            block = block.push(
                checkbox(mv.accepted)
                    .label(mv.reason.as_str())
                    .text_size(12)
                    .on_toggle(move |accept| Message::Toggle {
                        track: t,
                        mv: m,
                        accept,
                    }),
            );
        }
        let chosen = selected == Some(track.track_id);
        list = list.push(
            mouse_area(
                container(block)
                    .padding([6, 10])
                    .width(Fill)
                    .style(move |t| chosen_panel(t, chosen)),
            )
            .on_press(Message::Select(t)),
        );
    }
    let total = proposal.tracks.iter().map(|t| t.moves.len()).sum::<usize>();
    let accepted = accepted_moves(proposal);
    let all = |label: &'static str, accept: bool| {
        button(text(label).size(12))
            .padding([2, 8])
            .style(theme::transport_button)
            .on_press(Message::ToggleAll(accept))
    };
    column![
        row![
            caption(format!(
                "{accepted} of {total} moves accepted, toward {}; each within ±{:.0} dB. Deviations: tone shape against {} (the sequence's Tone dB is against the sources' average). Click a track to see it in the tone view.",
                proposal.target.label, proposal.max_move_db, proposal.target.measured_against()
            ))
            .width(Fill),
            all("Accept all", true),
            all("Reject all", false),
        ]
        .spacing(4)
        .align_y(Alignment::Center),
        scrolled(list),
    ]
    .spacing(6)
    .height(Fill)
    .into()
}

/// A track's block: the panel, outlined in the track colour when it is the desk's selection.
fn chosen_panel(theme_: &iced::Theme, chosen: bool) -> container::Style {
    let base = theme::panel(theme_);
    if chosen {
        container::Style {
            border: iced::Border {
                color: theme::TRACK,
                ..base.border
            },
            ..base
        }
    } else {
        base
    }
}

/// How many tone moves are ticked.
pub(super) fn accepted_moves(proposal: &AlbumProposal) -> usize {
    proposal
        .tracks
        .iter()
        .flat_map(|t| &t.moves)
        .filter(|m| m.accepted)
        .count()
}

/// The album amount, Close and Apply (naming what it writes; disabled while a new proposal is
/// being made, since the one shown is no longer for the options above it).
fn apply_bar<'a>(
    proposal: &'a AlbumProposal,
    close: iced::widget::Button<'a, Message>,
    busy: bool,
) -> Element<'a, Message> {
    let amounts = AMOUNTS[1..].iter().map(|&a| {
        segment(
            format!("{:.0} %", a * 100.0),
            (proposal.amount - a).abs() < 1e-9,
            Message::Amount(a),
        )
    });
    let moves = accepted_moves(proposal);
    let plan = proposal.headroom.accepted && !proposal.headroom.already_planned;
    let label = match (moves, plan) {
        (0, true) => "Apply the loudness plan".to_string(),
        (1, false) => "Apply 1 move".to_string(),
        (n, false) => format!("Apply {n} moves"),
        (1, true) => "Apply 1 move + plan".to_string(),
        (n, true) => format!("Apply {n} moves + plan"),
    };
    row![
        caption("Album amount"),
        row(amounts).spacing(3),
        space::horizontal(),
        close,
        button(text(label).size(13))
            .padding([4, 12])
            .style(style::primary)
            .on_press_maybe((!busy && (moves > 0 || plan)).then_some(Message::Apply)),
    ]
    .spacing(6)
    .align_y(Alignment::Center)
    .into()
}
