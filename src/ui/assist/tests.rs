//! The panel on its own: a real proposal for the demo album, messages in, proposal and
//! previews out.

use super::{preview, Action, AssistPanel, Message, Tab};
use crate::assist::{self, AssistInput, AssistOptions, ToneMoveKind};
use crate::project::{MatchTarget, Project};
use crate::ui::demo;

/// The demo album and the panel showing a proposal made with `options`.
fn panel(options: AssistOptions) -> (AssistPanel, Project, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (document, outcome) = demo::album(dir.path()).unwrap();
    let references: Vec<_> = outcome
        .references
        .iter()
        .filter_map(|r| Some((r.as_ref().ok()?.clone(), 1.0)))
        .collect();
    let input = AssistInput {
        project: &document.project,
        tracks: &outcome.tracks,
        references: &references,
        curve: None,
    };
    let proposal = assist::propose(&input, &options).map_err(|e| e.to_string());
    let mut panel = AssistPanel::default();
    panel.show(
        proposal,
        &document.project,
        &document.project,
        options,
        None,
    );
    (panel, document.project, dir)
}

/// The first track with a move that has a gain, and that move's index and full gain.
fn gain_move(panel: &AssistPanel) -> (usize, usize, f64) {
    let proposal = panel.proposal().unwrap();
    for (t, track) in proposal.tracks.iter().enumerate() {
        for (m, mv) in track.moves.iter().enumerate() {
            if !matches!(mv.kind, ToneMoveKind::MatchCurve { .. }) && mv.kind.gain_db().abs() > 1.0
            {
                return (t, m, mv.kind.gain_db());
            }
        }
    }
    panic!("the demo album has a move with a gain");
}

/// The gain the applied tone of track `t` holds for move kind `kind`.
fn applied_gain(project: &Project, t: usize, kind: &ToneMoveKind) -> f64 {
    let tone = &project.tracks[t].tone;
    match kind {
        ToneMoveKind::Tilt { .. } => tone.tilt_db,
        ToneMoveKind::LowShelf { .. } => tone.low_shelf.gain_db,
        ToneMoveKind::HighShelf { .. } => tone.high_shelf.gain_db,
        ToneMoveKind::Bell { freq_hz, .. } => {
            tone.bells
                .iter()
                .find(|b| (b.freq_hz - freq_hz.round()).abs() < 0.5)
                .unwrap()
                .gain_db
        }
        ToneMoveKind::MatchCurve { .. } => unreachable!(),
    }
}

#[test]
fn the_track_amount_times_the_album_amount_scales_what_apply_writes_and_the_preview_follows() {
    let (mut panel, project, _dir) = panel(AssistOptions::default());
    let (t, m, full_db) = gain_move(&panel);
    let kind = panel.proposal().unwrap().tracks[t].moves[m].kind.clone();
    let written = |panel: &AssistPanel| {
        let applied = assist::apply(&project, panel.proposal().unwrap());
        (applied_gain(&applied, t, &kind), applied)
    };
    let (at_full, _) = written(&panel);
    assert!((at_full - full_db).abs() <= 0.1, "{at_full} vs {full_db}");

    assert_eq!(
        panel.update(Message::TrackAmount {
            track: t,
            amount: 0.5
        }),
        Action::Changed
    );
    assert_eq!(panel.update(Message::Amount(0.5)), Action::Changed);
    let (quarter, applied) = written(&panel);
    // Stored to 0.1 dB toward zero: a quarter of the full move, never more.
    let expected = (full_db * 0.25 * 10.0).trunc() / 10.0;
    assert!((quarter - expected).abs() < 1e-9, "{quarter} vs {expected}");
    assert!(quarter.abs() < at_full.abs() / 2.0);
    // The preview is the chain's response of exactly that tone.
    assert_eq!(
        panel.previews()[t],
        preview::response_db(
            &applied.tracks[t].tone,
            &preview::preview_hz().collect::<Vec<_>>()
        )
    );
    assert_eq!(
        panel.proposed_tone(project.tracks[t].id),
        Some(&applied.tracks[t].tone)
    );

    // A track at 0 % writes nothing: it keeps its tone and shows no proposed curve.
    let _ = panel.update(Message::TrackAmount {
        track: t,
        amount: 0.0,
    });
    let (zero, _) = written(&panel);
    assert_eq!(zero, 0.0);
    assert_eq!(panel.proposed_tone(project.tracks[t].id), None);
    let kept = assist::apply(&project, panel.proposal().unwrap());
    assert_eq!(
        kept.tracks[t].tone, project.tracks[t].tone,
        "its tone settings stay as they were"
    );
}

#[test]
fn reject_track_unticks_one_track_and_accept_all_reject_all_every_move() {
    let (mut panel, _project, _dir) = panel(AssistOptions::default());
    let count = |panel: &AssistPanel, t: Option<usize>| {
        let p = panel.proposal().unwrap();
        p.tracks
            .iter()
            .enumerate()
            .filter(|(i, _)| t.is_none_or(|t| t == *i))
            .flat_map(|(_, tr)| &tr.moves)
            .filter(|m| m.accepted)
            .count()
    };
    let total = count(&panel, None);
    let (t, _, _) = gain_move(&panel);
    let of_track = count(&panel, Some(t));
    assert!(of_track > 0 && total > of_track);
    let _ = panel.update(Message::ToggleTrack {
        track: t,
        accept: false,
    });
    assert_eq!(count(&panel, Some(t)), 0);
    assert_eq!(count(&panel, None), total - of_track, "only that track");
    let _ = panel.update(Message::ToggleAll(false));
    assert_eq!(count(&panel, None), 0);
    assert!(
        panel.previews().iter().flatten().all(|db| db.abs() < 1e-9),
        "nothing accepted: flat previews"
    );
    let _ = panel.update(Message::ToggleAll(true));
    assert_eq!(count(&panel, None), total);
}

#[test]
fn options_ask_for_a_new_proposal_keeping_the_album_amount() {
    let (mut panel, _project, _dir) = panel(AssistOptions::default());
    let _ = panel.update(Message::Amount(0.75));
    let Action::Propose(options) = panel.update(Message::MaxMove(1.0)) else {
        panic!("a new proposal is asked for");
    };
    assert_eq!(options.max_move_db, 1.0);
    assert_eq!(options.amount, 0.75, "the album amount is kept");
    let Action::Propose(options) = panel.update(Message::Spread(4.0)) else {
        panic!()
    };
    assert_eq!((options.max_move_db, options.max_spread_lu), (1.0, 4.0));
    // The blend moves freely and proposes once, on release.
    let _ = panel.update(Message::Target(MatchTarget::Blend));
    assert_eq!(panel.update(Message::Blend(0.3)), Action::None);
    let Action::Propose(options) = panel.update(Message::BlendReleased) else {
        panic!()
    };
    assert_eq!(options.target, MatchTarget::Blend);
    assert!((options.blend - 0.3).abs() < 1e-12);
    // Out-of-range bounds are clamped to what the panel offers.
    let Action::Propose(options) = panel.update(Message::MaxMove(40.0)) else {
        panic!()
    };
    assert_eq!(options.max_move_db, 6.0);
}

#[test]
fn headroom_tick_selecting_tabs_and_tracks_and_closing() {
    let options = AssistOptions {
        max_spread_lu: 2.0,
        ..AssistOptions::default()
    };
    let (mut panel, project, _dir) = panel(options);
    let h = &panel.proposal().unwrap().headroom;
    assert!(h.narrowed && !h.already_planned && h.accepted, "{h:?}");
    let _ = panel.update(Message::Headroom(false));
    assert!(!panel.proposal().unwrap().headroom.accepted);
    let _ = panel.update(Message::Tab(Tab::Translation));
    assert_eq!(panel.tab(), Tab::Translation);
    assert_eq!(
        panel.update(Message::Select(2)),
        Action::Select(project.tracks[2].id)
    );
    let Action::Apply(proposal) = panel.update(Message::Apply) else {
        panic!("apply hands the proposal over")
    };
    assert!(!proposal.headroom.accepted);
    assert!(!panel.is_open());
    assert!(panel.previews().is_empty());
}

#[test]
fn a_stored_curve_shows_in_the_preview_at_its_amount() {
    let mut tone = crate::project::ToneSettings::default();
    tone.match_eq.curve = [(100.0, 2.0), (10_000.0, 2.0)]
        .into_iter()
        .map(|(freq_hz, gain_db)| crate::project::CurvePoint { freq_hz, gain_db })
        .collect();
    let at_1k = |tone: &crate::project::ToneSettings| {
        let i = preview::preview_hz().position(|f| f >= 1000.0).unwrap();
        preview::response_db(tone, &preview::preview_hz().collect::<Vec<_>>())[i]
    };
    // Off (amount 0) it is flat; at 100 % the curve's +2 dB; at 50 % the mix of dry and +2 dB.
    assert!(at_1k(&tone).abs() < 1e-9);
    tone.match_eq.amount = 1.0;
    assert!((at_1k(&tone) - 2.0).abs() < 0.1, "{}", at_1k(&tone));
    tone.match_eq.amount = 0.5;
    let half = 20.0 * (0.5 + 0.5 * 10f64.powf(2.0 / 20.0)).log10();
    assert!(
        (at_1k(&tone) - half).abs() < 0.1,
        "{} vs {half}",
        at_1k(&tone)
    );
}

#[test]
fn a_plan_measured_for_other_moves_is_not_taken_and_the_plan_is_stale_until_one_is() {
    let (mut panel, _, _dir) = panel(AssistOptions::default());
    assert!(!panel.peaks_stale(), "shown as measured");
    let proposed_tones = panel.render_key();
    let (t, m, _) = gain_move(&panel);
    panel.update(Message::Toggle {
        track: t,
        mv: m,
        accept: false,
    });
    assert!(
        panel.peaks_stale(),
        "a move unticked: the plan's peaks are for the old moves"
    );

    // A plan that comes back for the old moves is dropped.
    let mut measured = panel.proposal().unwrap().clone();
    measured.headroom.tracks[t].gain_reduction_db += 5.0;
    measured.headroom.accepted = !measured.headroom.accepted;
    assert!(!panel.set_measured_plan(&proposed_tones, &measured));
    assert!(panel.peaks_stale());
    let shown = panel.proposal().unwrap().headroom.tracks[t].gain_reduction_db;
    assert_ne!(shown, measured.headroom.tracks[t].gain_reduction_db);

    // One for the moves as they are now is taken, keeping the user's tick of the plan.
    let accepted = panel.proposal().unwrap().headroom.accepted;
    assert!(panel.set_measured_plan(&panel.render_key(), &measured));
    assert!(!panel.peaks_stale());
    let headroom = &panel.proposal().unwrap().headroom;
    assert_eq!(
        headroom.tracks[t].gain_reduction_db,
        measured.headroom.tracks[t].gain_reduction_db
    );
    assert_eq!(headroom.accepted, accepted);

    // Ticking the move again makes that plan stale in turn.
    panel.update(Message::Toggle {
        track: t,
        mv: m,
        accept: true,
    });
    assert!(panel.peaks_stale());
}

#[test]
fn a_references_proposal_says_when_the_references_changed_since_it_was_made() {
    let options = AssistOptions {
        target: MatchTarget::References,
        ..AssistOptions::default()
    };
    let (mut toward_refs, mut project, _dir) = panel(options);
    assert!(toward_refs.proposal().is_some());
    assert!(!toward_refs.references_changed());
    project.references[0].weight = 2.0;
    toward_refs.set_project(&project);
    assert!(
        toward_refs.references_changed(),
        "a weight changes their average"
    );
    // Toward the album average the references do not matter.
    let (mut album, mut project, _dir) = panel(AssistOptions::default());
    project.references.clear();
    album.set_project(&project);
    assert!(!album.references_changed());
}

#[test]
fn the_loudness_plan_says_when_the_album_settings_changed_since_it_was_made() {
    let (mut panel, mut project, _dir) = panel(AssistOptions::default());
    assert!(!panel.settings_changed());
    project.tracks[0].title = "Renamed".into();
    panel.set_project(&project);
    assert!(
        !panel.settings_changed(),
        "a track edit is not a settings change"
    );
    project.settings.target_lufs = -9.0;
    panel.set_project(&project);
    assert!(panel.settings_changed());
}

#[test]
fn each_tracks_deviation_follows_its_ticks_and_amounts() {
    let (mut panel, project, _dir) = panel(AssistOptions::default());
    let proposal = panel.proposal().unwrap().clone();
    let moved: Vec<usize> = (0..proposal.tracks.len())
        .filter(|&t| !proposal.tracks[t].moves.is_empty())
        .collect();
    assert!(!moved.is_empty());
    let now = |panel: &AssistPanel, t: usize| panel.deviations()[t].unwrap();
    // All moves at full amount: the proposal's own prediction (it realises the curve's FIR at the
    // track's rate, the panel at 48 kHz).
    for &t in &moved {
        let predicted = proposal.tracks[t].predicted_deviation_db.unwrap();
        assert!(
            (now(&panel, t) - predicted).abs() <= 0.15,
            "track {t}: {} vs {predicted}",
            now(&panel, t)
        );
    }
    let t = moved[0];
    assert_eq!(
        project.tracks[t].tone,
        crate::project::ToneSettings::default()
    );
    let (before, full) = (proposal.tracks[t].deviation_db.unwrap(), now(&panel, t));
    assert!(full < before - 0.5, "{before} → {full}");
    // Half the amount: part of the way.
    let _ = panel.update(Message::TrackAmount {
        track: t,
        amount: 0.5,
    });
    let half = now(&panel, t);
    assert!(
        full + 0.1 < half && half < before - 0.1,
        "{before} → {half} → {full}"
    );
    // Nothing ticked on a track without EQ of its own: where it started.
    let _ = panel.update(Message::ToggleTrack {
        track: t,
        accept: false,
    });
    assert!(
        (now(&panel, t) - before).abs() < 1e-6,
        "{} vs {before}",
        now(&panel, t)
    );
    // A measured match of the track's own (no stored curve) depends on the analysis, which the
    // panel's response leaves out: no figure rather than a wrong one.
    let mut matched = project.clone();
    matched.tracks[t].tone.match_eq.amount = 0.5;
    panel.set_project(&matched);
    assert_eq!(panel.deviations()[t], None);
    panel.set_project(&project);
    // The other tracks keep theirs.
    for &u in moved.iter().skip(1) {
        let predicted = proposal.tracks[u].predicted_deviation_db.unwrap();
        assert!((now(&panel, u) - predicted).abs() <= 0.15);
    }
}
