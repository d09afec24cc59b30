//! The assistant's headroom tab (the loudness plan per track, in words) and translation tab
//! (tracks × platforms: the playback gain each platform's normalisation applies, and why).

use super::view::{caption, scrolled};
use super::Message;
use crate::assist::{AlbumProposal, GainReason, LimiterWork, Platform, TrackHeadroomPlan};
use crate::ui::theme;
use iced::widget::{checkbox, column, container, row, text, tooltip};
use iced::{Alignment, Color, Element, Fill};

/// Width of a platform's column in the translation table, logical pixels.
const PLATFORM_W: f32 = 70.0;

/// A level with one decimal and a true minus sign, or a dash when unknown.
fn lufs(v: Option<f64>) -> String {
    crate::units::unsigned_or_dash(v, 1, "")
}

/// The limiter's work in words, with its peak gain reduction.
pub fn limiter_words(plan: &TrackHeadroomPlan) -> String {
    let gr = plan.gain_reduction_db;
    match plan.work {
        LimiterWork::None => "no limiting".to_string(),
        LimiterWork::Light => format!("light limiting, {gr:.1} dB"),
        LimiterWork::Moderate => format!("moderate limiting, {gr:.1} dB"),
        LimiterWork::Heavy => format!("heavy limiting, {gr:.1} dB"),
        LimiterWork::HeldBack => format!("held back ({gr:.1} dB would be needed)"),
    }
}

/// The loudness plan: accept it or not, then each track's loudness, peak, limiting and reason.
/// `stale`: ticks or amounts changed the moves since the peaks were measured (being measured
/// again); `settings_changed`: the album's delivery settings changed since the plan was made.
pub fn headroom_tab(
    proposal: &AlbumProposal,
    stale: bool,
    settings_changed: bool,
) -> Element<'_, Message> {
    let h = &proposal.headroom;
    let spread = if h.narrowed {
        format!(
            "source spread {:.1} LU, narrowed to {:.0} LU",
            h.source_spread_lu, h.max_spread_lu
        )
    } else {
        format!(
            "source spread {:.1} LU, kept (within {:.0} LU)",
            h.source_spread_lu, h.max_spread_lu
        )
    };
    let summary = caption(format!(
        "{}: the loudest track at {} LUFS, true peaks at most {} dBTP; {spread}.{}",
        h.preset.spec().label,
        lufs(Some(h.loudest_lufs)),
        lufs(Some(h.ceiling_dbtp)),
        match (stale, h.rendered) {
            (true, _) => " The moves or the plan's tick changed: rendering the tracks again (the figures below are for them as they were).",
            (false, true) => " Loudness and limiting as the export renders them, with the ticked tone moves at their amounts.",
            (false, false) => "",
        }
    ));
    let accept: Element<'_, Message> = if h.already_planned {
        text("The project already uses this plan (album mode within the spread): nothing to apply.")
            .size(13)
            .into()
    } else {
        checkbox(h.accepted)
            .label(format!(
                "Apply the loudness plan: album mode, spread at most {:.0} LU",
                h.max_spread_lu
            ))
            .text_size(13)
            .on_toggle(Message::Headroom)
            .into()
    };
    let mut list = column![].spacing(6);
    for plan in &h.tracks {
        let title = proposal
            .tracks
            .get(plan.number - 1)
            .map_or("", |t| t.title.as_str());
        let planned = match (plan.target_lufs, plan.expected_lufs) {
            (Some(target), Some(expected)) if (target - expected).abs() >= 0.05 => format!(
                "{} → {} LUFS (planned {})",
                lufs(plan.source_lufs),
                lufs(Some(expected)),
                lufs(Some(target))
            ),
            (_, expected) => format!("{} → {} LUFS", lufs(plan.source_lufs), lufs(expected)),
        };
        let work_color = match plan.work {
            LimiterWork::Heavy | LimiterWork::HeldBack => theme::WARNING,
            _ => theme::MUTED,
        };
        let mut block = column![
            row![
                text(format!("{}  {title}", plan.number))
                    .size(13)
                    .width(Fill),
                text(planned).size(12),
                text(format!("peak {} dBTP", lufs(plan.expected_true_peak_dbtp))).size(12),
            ]
            .spacing(10)
            .align_y(Alignment::Center),
            text(limiter_words(plan)).size(12).color(work_color),
            caption(plan.reason.as_str()),
        ]
        .spacing(2);
        if let Some(warning) = &plan.warning {
            block = block.push(text(warning.as_str()).size(12).color(theme::WARNING));
        }
        list = list.push(
            container(block)
                .padding([5, 10])
                .width(Fill)
                .style(theme::panel),
        );
    }
    let mut top = column![accept, summary].spacing(8);
    if !h.accepted && !h.already_planned {
        top = top.push(
            text("Not ticked: the export keeps the project's own loudness settings, and the Translation tab previews those. Below is what the plan would do.")
                .size(12)
                .color(theme::MUTED),
        );
    }
    if settings_changed {
        top = top.push(
            text("The album's delivery settings changed since this plan was made for them: choose an option above to propose again.")
                .size(12)
                .color(theme::WARNING),
        );
    }
    column![top, scrolled(list)].spacing(8).height(Fill).into()
}

/// A reason in one or two words, and its colour.
pub fn reason_words(reason: &GainReason) -> (&'static str, Color) {
    match reason {
        GainReason::TurnedDown { .. } => ("turned down", theme::ALBUM),
        GainReason::TurnedUp { .. } => ("raised", theme::SUCCESS),
        GainReason::RaiseLimitedByPeak { .. } => ("peak-capped", theme::WARNING),
        GainReason::NotRaised { .. } => ("not raised", theme::MUTED),
        GainReason::AtReference { .. } => ("at its level", theme::MUTED),
        GainReason::NoLoudness => ("no loudness", theme::MUTED),
    }
}

/// Tracks × platforms: the gain each platform applies, the reason in words (in full on hover).
/// What each platform does to each exported track. `stale`: the moves or the plan's tick changed
/// since the figures were rendered (being rendered again).
pub fn translation_tab(proposal: &AlbumProposal, stale: bool) -> Element<'_, Message> {
    let head = |s: &'static str, w: f32| text(s).size(12).color(theme::MUTED).width(w);
    let mut header = row![head("#", 22.0), head("LUFS", 44.0), head("dBTP", 40.0)]
        .spacing(4)
        .align_y(Alignment::End);
    for platform in Platform::ALL {
        header = header.push(head(platform.label(), PLATFORM_W));
    }
    let mut list = column![].spacing(4);
    for t in &proposal.translation {
        let mut line = row![
            text(t.number.to_string()).size(13).width(22),
            text(lufs(t.exported_lufs)).size(12).width(44),
            text(lufs(t.exported_true_peak_dbtp)).size(12).width(40),
        ]
        .spacing(4)
        .align_y(Alignment::Center);
        for gain in &t.platforms {
            let (words, color) = reason_words(&gain.reason);
            let gain_db = match gain.reason {
                GainReason::NoLoudness => "—".to_string(),
                _ => format!("{} dB", crate::units::signed(gain.gain_db, 1)),
            };
            let cell = column![text(gain_db).size(12), text(words).size(11).color(color),]
                .width(PLATFORM_W);
            line = line.push(tooltip(
                cell,
                container(text(format!("{}: {}", gain.platform.label(), gain.reason)).size(12))
                    .padding([4, 8])
                    .style(theme::panel),
                tooltip::Position::Top,
            ));
        }
        list = list.push(
            container(line)
                .padding([3, 6])
                .width(Fill)
                .style(theme::panel),
        );
    }
    let which = if stale {
        "as the moves and the plan's tick were a moment ago (rendering the tracks again)"
    } else if proposal.headroom.accepted || proposal.headroom.already_planned {
        "as planned"
    } else {
        "with the project's own loudness settings (the plan is not ticked)"
    };
    column![
        caption(format!("What each platform's loudness normalisation does to each track exported {which}: the playback gain it applies, and why (hover a cell for the rule).")),
        container(header).padding([0, 6]),
        scrolled(list),
        caption("turned down: louder than the platform's level · raised: turned up to it · peak-capped: raised only until the true peak reaches −1 dBTP · not raised: the platform never turns quiet tracks up. Hear it with “As on” in the transport."),
    ]
    .spacing(6)
    .height(Fill)
    .into()
}
