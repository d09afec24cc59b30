//! The assistant in the desk, at update level: options propose again within their bounds,
//! amounts scale what is written, the loudness plan is written only when ticked, undo takes it
//! all back, and the tone view draws the proposal. "As on …" playback: `tests_as_on`.

use super::analysis::Outcome;
use super::app::{App, Message};
use super::assist::{Message as A, Tab};
use super::demo;
use super::tests::{analysed, finish, task_answers, update_and_settle};
use crate::assist::{HeadroomProposal, ToneMoveKind};
use crate::engine::Engine;
use crate::project::MatchTarget;

/// Sends a panel message; options that propose again are answered before it returns (Apply's
/// task, the edit's follow-up work, is not run).
fn assist(app: &mut App, message: A) {
    if matches!(message, A::Apply) {
        let _ = app.update(Message::Assist(message));
    } else {
        update_and_settle(app, Message::Assist(message));
    }
}

/// Every tone move's own largest response over 20 Hz–20 kHz, dB (match curves left out).
fn largest_moves_db(app: &App) -> Vec<f64> {
    let bands: Vec<f64> = (0..61).map(|k| 20.0 * 2f64.powf(k as f64 / 6.0)).collect();
    app.assist_proposal()
        .unwrap()
        .tracks
        .iter()
        .flat_map(|t| &t.moves)
        .filter(|m| !matches!(m.kind, ToneMoveKind::MatchCurve { .. }))
        .map(|m| {
            m.kind
                .response_db(&bands, 48_000.0)
                .iter()
                .fold(0.0f64, |a, r| a.max(r.abs()))
        })
        .collect()
}

#[test]
fn a_smaller_largest_move_proposes_again_within_it_and_resets_the_ticks() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    update_and_settle(&mut app, Message::OpenAssist);
    let at_three = largest_moves_db(&app);
    assert!(
        at_three.iter().any(|&db| db > 1.2),
        "at ±3 dB some move is larger than ±1 dB: {at_three:?}"
    );
    assist(&mut app, A::ToggleAll(false));
    assist(&mut app, A::Amount(0.5));
    assist(&mut app, A::MaxMove(1.0));
    let proposal = app.assist_proposal().unwrap();
    assert_eq!(proposal.max_move_db, 1.0);
    assert_eq!(proposal.amount, 0.5, "the album amount is kept");
    let at_one = largest_moves_db(&app);
    assert!(!at_one.is_empty());
    assert!(
        at_one.iter().all(|&db| db <= 1.0 + 1e-6),
        "every move within ±1 dB: {at_one:?}"
    );
    assert!(
        proposal
            .tracks
            .iter()
            .flat_map(|t| &t.moves)
            .all(|m| m.accepted),
        "a new proposal starts with every move ticked"
    );
}

#[test]
fn the_narrowest_band_proposes_again_with_curves_that_wide() {
    let mut app = shipped_demo();
    update_and_settle(&mut app, Message::OpenAssist);
    let reasons = |app: &App| -> Vec<String> {
        app.assist_proposal()
            .unwrap()
            .tracks
            .iter()
            .flat_map(|t| &t.moves)
            .filter(|m| matches!(m.kind, ToneMoveKind::MatchCurve { .. }))
            .map(|m| m.reason.clone())
            .collect()
    };
    assert_eq!(app.assist_proposal().unwrap().narrowest_band_oct, 0.5);
    assert!(
        !reasons(&app).is_empty(),
        "the demo album gets match curves"
    );
    assist(&mut app, A::NarrowestBand(1.0));
    assert_eq!(app.assist_proposal().unwrap().narrowest_band_oct, 1.0);
    let strict = reasons(&app);
    assert!(
        !strict.is_empty()
            && strict
                .iter()
                .all(|r| r.contains("smoothed over two octaves")),
        "{strict:?}"
    );
}

#[test]
fn apply_waits_for_the_proposal_the_options_ask_for() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    update_and_settle(&mut app, Message::OpenAssist);
    let before = app.document().unwrap().project.clone();
    // A smaller largest move is asked for; its proposal is still being made.
    let pending = app.update(Message::Assist(A::MaxMove(1.0)));
    assert!(app.assist.is_busy());
    assert!(
        largest_moves_db(&app).iter().any(|&db| db > 1.2),
        "still the ±3 dB proposal"
    );
    let _ = app.update(Message::Assist(A::Apply));
    assert_eq!(
        app.document().unwrap().project,
        before,
        "the ±3 dB moves shown are not written"
    );
    // Once the new proposal is in, Apply writes it.
    for answer in task_answers(pending) {
        update_and_settle(&mut app, answer);
    }
    assert!(!app.assist.is_busy());
    assert!(largest_moves_db(&app).iter().all(|&db| db <= 1.0 + 1e-6));
    assist(&mut app, A::Apply);
    assert_ne!(app.document().unwrap().project, before);
}

#[test]
fn the_references_target_without_reference_tracks_aims_at_the_built_in_curve() {
    let dir = tempfile::tempdir().unwrap();
    let (mut document, outcome) = demo::album(dir.path()).unwrap();
    document.project.references.clear();
    let outcome = Outcome {
        references: Vec::new(),
        ..outcome
    };
    let mut app = App::new(document, Engine::disabled("test"));
    let _ = app.start_analysis();
    let generation = app.analysis_generation();
    finish(&mut app, generation, outcome);
    update_and_settle(&mut app, Message::OpenAssist);
    let album_target = app.assist_proposal().unwrap().target.clone();
    assert!(app.assist.stand_in().is_none());
    assert_eq!(
        app.tone_shown().unwrap().corridor,
        None,
        "no corridor toward the album"
    );
    assist(&mut app, A::Target(MatchTarget::References));
    let proposal = app.assist_proposal().expect("the built-in curve stands in");
    assert_ne!(proposal.target.mid_db, album_target.mid_db);
    assert!(
        proposal.target.corridor_db.is_some(),
        "a reference curve has a corridor"
    );
    assert_eq!(
        app.tone_shown().unwrap().corridor,
        proposal.target.corridor_db,
        "the tone view draws it"
    );
    let curve = crate::assist::built_in(crate::assist::DEFAULT_CURVE).unwrap();
    let note = app.assist.stand_in().expect("the panel says so");
    assert!(note.contains(&curve.title), "{note}");
}

#[test]
fn the_track_and_album_amounts_multiply_in_what_apply_writes_and_undo_restores() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    let original = app.document().unwrap().project.clone();
    update_and_settle(&mut app, Message::OpenAssist);
    let proposal = app.assist_proposal().unwrap().clone();
    let (t, tilt_db) = proposal
        .tracks
        .iter()
        .enumerate()
        .find_map(|(t, track)| {
            track.moves.iter().find_map(|m| match m.kind {
                ToneMoveKind::Tilt { gain_db, .. } if gain_db.abs() > 2.0 => Some((t, gain_db)),
                _ => None,
            })
        })
        .expect("the demo album has a tilt move");
    assist(
        &mut app,
        A::TrackAmount {
            track: t,
            amount: 0.5,
        },
    );
    assist(&mut app, A::Amount(0.5));
    assist(&mut app, A::Apply);
    let project = &app.document().unwrap().project;
    let expected = (tilt_db * 0.25 * 10.0).trunc() / 10.0;
    assert!(
        (project.tracks[t].tone.tilt_db - expected).abs() < 1e-9,
        "{} vs a quarter of {tilt_db}",
        project.tracks[t].tone.tilt_db
    );
    let _ = app.update(Message::Undo);
    assert_eq!(app.document().unwrap().project, original);
}

#[test]
fn the_loudness_plan_is_written_only_when_ticked_and_undo_restores_the_settings() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    let before = app.document().unwrap().project.settings.clone();
    assert_eq!(before.album_spread_lu, None);
    update_and_settle(&mut app, Message::OpenAssist);
    assist(&mut app, A::Spread(2.0));
    let h = &app.assist_proposal().unwrap().headroom;
    assert!(h.narrowed && h.accepted, "the 3.6 LU album narrowed to 2");
    assert!(h.tracks.iter().all(|t| !t.reason.is_empty()));
    assist(&mut app, A::Tab(Tab::Headroom));
    assist(&mut app, A::Apply);
    let settings = &app.document().unwrap().project.settings;
    assert_eq!(settings.album_spread_lu, Some(2.0));
    assert_eq!(settings.loudness_mode, crate::project::LoudnessMode::Album);
    let _ = app.update(Message::Undo);
    assert_eq!(app.document().unwrap().project.settings, before);

    update_and_settle(&mut app, Message::OpenAssist);
    assert_eq!(
        app.assist.options().max_spread_lu,
        2.0,
        "options remembered"
    );
    assist(&mut app, A::Headroom(false));
    assist(&mut app, A::Apply);
    let project = &app.document().unwrap().project;
    assert_eq!(project.settings, before, "unticked: settings kept");
    assert!(
        project.tracks.iter().any(|t| t.tone != Default::default()),
        "the tone moves are still written"
    );
}

/// Largest difference of two plans' expected true peaks and limiting over the tracks, dB.
fn plans_differ_db(a: &HeadroomProposal, b: &HeadroomProposal) -> f64 {
    a.tracks
        .iter()
        .zip(&b.tracks)
        .map(|(x, y)| {
            let tp =
                (x.expected_true_peak_dbtp.unwrap() - y.expected_true_peak_dbtp.unwrap()).abs();
            tp.max((x.gain_reduction_db - y.gain_reduction_db).abs())
        })
        .fold(0.0, f64::max)
}

/// The shipped demo album (real audio under `assets/`), analysed, in an app; nothing is written.
fn shipped_demo() -> App {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/demo.json");
    let document = crate::project::Document::load(&path).unwrap();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let tracks: Vec<_> = document
        .project
        .tracks
        .iter()
        .map(|t| {
            let source = document.source_path(&t.source);
            Some(crate::analysis::analyze_file(&source, &cancel).unwrap())
        })
        .collect();
    let mut app = App::new(document, Engine::disabled("test"));
    let _ = app.start_analysis();
    let generation = app.analysis_generation();
    let errors = vec![None; tracks.len()];
    finish(&mut app, generation, Outcome::from_tracks(tracks, errors));
    app
}

#[test]
fn unticked_moves_have_the_loudness_plan_rendered_again_for_the_moves_left() {
    let mut app = shipped_demo();
    update_and_settle(&mut app, Message::OpenAssist);
    let proposed = app.assist_proposal().unwrap().clone();
    assert!(proposed.headroom.rendered);
    let document = app.document().unwrap().clone();
    let analyses: Vec<_> = document
        .project
        .tracks
        .iter()
        .map(|t| app.analyses.get(&t.id).cloned())
        .collect();
    // What the plan must be with no move ticked: the tracks rendered without moves.
    let mut unticked = proposed.clone();
    for t in &mut unticked.tracks {
        t.moves.iter_mut().for_each(|m| m.accepted = false);
    }
    let without_moves = crate::render::toned::with_rendered_plan(
        &document,
        &unticked,
        &analyses,
        Vec::new(),
        &std::sync::atomic::AtomicBool::new(false),
    );
    // The demo's moves move some track's peaks by over 1 dB (track 5), so the two plans differ.
    let apart = plans_differ_db(&proposed.headroom, &without_moves.headroom);
    assert!(apart > 1.0, "{apart:.2} dB");

    // No move ticked: rendered again, the plan is the one without moves.
    assist(&mut app, A::ToggleAll(false));
    let h = &app.assist_proposal().unwrap().headroom;
    assert!(!app.assist.peaks_stale());
    assert!(h.rendered);
    assert!(plans_differ_db(h, &without_moves.headroom) < 1e-9);
    let spotify = |p: &crate::assist::AlbumProposal| {
        p.translation
            .iter()
            .map(|t| t.platforms[0].gain_db)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        spotify(app.assist_proposal().unwrap()),
        spotify(&without_moves),
        "the translation preview follows"
    );

    // Ticked again: rendered again, the proposal's figures come back.
    assist(&mut app, A::ToggleAll(true));
    let h = &app.assist_proposal().unwrap().headroom;
    assert!(h.rendered);
    assert!(plans_differ_db(h, &proposed.headroom) < 1e-9);
}

#[test]
fn unticking_the_plan_has_the_translation_rendered_under_the_projects_own_settings() {
    let mut app = shipped_demo();
    update_and_settle(&mut app, Message::OpenAssist);
    // At 2 LU the plan narrows the demo's 3.6 LU spread: the plan and the project's own
    // settings put some tracks at different loudness.
    assist(&mut app, A::Spread(2.0));
    let gap = |app: &App| {
        let p = app.assist_proposal().unwrap();
        p.translation
            .iter()
            .zip(&p.headroom.tracks)
            .map(|(t, h)| (t.exported_lufs.unwrap() - h.expected_lufs.unwrap()).abs())
            .fold(0.0, f64::max)
    };
    assert!(app.assist_proposal().unwrap().headroom.accepted);
    assert!(gap(&app) < 1e-9, "ticked: the preview is the plan's");
    let rendered = |app: &App| app.render_memo.albums_rendered;
    assert_eq!(rendered(&app), 1, "the proposal's plan");
    assist(&mut app, A::Headroom(false));
    assert!(!app.assist.peaks_stale());
    assert!(
        gap(&app) > 0.5,
        "unticked: {:.2} LU from the plan",
        gap(&app)
    );
    assert_eq!(rendered(&app), 2, "the project's settings, the plan's kept");
    assist(&mut app, A::Headroom(true));
    assert!(!app.assist.peaks_stale());
    assert!(gap(&app) < 1e-9);
    assist(&mut app, A::Headroom(false));
    assert!(gap(&app) > 0.5);
    assert_eq!(
        rendered(&app),
        2,
        "ticking back and forth renders nothing more"
    );
}

#[test]
fn the_tone_view_draws_the_proposed_curve_of_the_track_selected_in_the_panel() {
    use crate::render::params::{match_curve_db, match_target};
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    update_and_settle(&mut app, Message::OpenAssist);
    let proposal = app.assist_proposal().unwrap().clone();
    assert_eq!(
        app.tone_shown().unwrap().proposed.is_some(),
        !proposal.tracks[0].moves.is_empty(),
        "the first track, selected, shows its proposal if it has one"
    );
    let t = proposal
        .tracks
        .iter()
        .rposition(|tr| !tr.moves.is_empty())
        .unwrap();
    assist(&mut app, A::Select(t));
    assert_eq!(app.selected(), Some(proposal.tracks[t].track_id));
    let input = app.tone_shown().unwrap().clone();
    let proposed = input
        .proposed
        .clone()
        .expect("the proposal changes this track");
    let applied = crate::assist::apply(&app.document().unwrap().project, &proposal);
    assert_eq!(proposed, applied.tracks[t].tone);
    // Processed curve of the proposal = the track's curve + the chain's response of it.
    let params = crate::render::params::tone_params(&proposed);
    let eq = &proposed.match_eq;
    let target = match_target(eq.target, eq.blend, &input.album, input.references.as_ref());
    let curve = match_curve_db(&input.analysis, &target, eq.max_db);
    let bands = &input.analysis.spectrum.bands_hz;
    let response = |k: usize| {
        let m = if params.match_amount > 0.0 {
            params.match_response_db(curve[k])
        } else {
            0.0
        };
        params.tone_response_db(bands[k], 48_000.0) + m
    };
    let k = (0..bands.len())
        .max_by(|&a, &b| response(a).abs().total_cmp(&response(b).abs()))
        .unwrap();
    assert!(response(k).abs() > 0.5, "a visible move: {}", response(k));
    let read = |app: &App, name: &str| {
        app.tone_readout(bands[k])
            .into_iter()
            .find(|r| r.name == name)
            .map(|r| r.level_db)
    };
    let expected = input.analysis.spectrum.mid_db[k] + response(k);
    let shown = read(&app, "Proposed").expect("a Proposed reading");
    assert!((shown - expected).abs() < 1e-9, "{shown} vs {expected}");
    // Half the amount: the curve follows.
    assist(
        &mut app,
        A::TrackAmount {
            track: t,
            amount: 0.5,
        },
    );
    let half = read(&app, "Proposed").unwrap();
    assert!((half - expected).abs() > 0.2, "{half} vs {expected}");
    assist(&mut app, A::Close);
    assert_eq!(app.tone_shown().unwrap().proposed, None);
    assert_eq!(read(&app, "Proposed"), None);
}

#[test]
fn only_the_latest_proposal_is_shown_and_one_for_other_tracks_is_made_again() {
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    update_and_settle(&mut app, Message::OpenAssist);
    // Two option changes in quick succession; the first one's answer arrives last.
    let first = app.update(Message::Assist(A::MaxMove(1.0)));
    let second = app.update(Message::Assist(A::MaxMove(2.0)));
    assert!(app.assist_is_busy(), "the panel says a proposal is coming");
    let (first, second) = (task_answers(first), task_answers(second));
    for answer in second.into_iter().chain(first) {
        update_and_settle(&mut app, answer);
    }
    assert_eq!(app.assist_proposal().unwrap().max_move_db, 2.0);
    assert!(!app.assist_is_busy());
    // A proposal for a track list the album no longer has is made again for the album as it is.
    let asked = app.update(Message::Assist(A::MaxMove(3.0)));
    let tracks = app.document().unwrap().project.tracks.len();
    let removed = app.document().unwrap().project.tracks[0].id;
    let _ = app.apply_edit(crate::ui::edit::Edit::Remove { track: removed });
    for answer in task_answers(asked) {
        update_and_settle(&mut app, answer);
    }
    let proposal = app.assist_proposal().unwrap();
    assert_eq!(proposal.tracks.len(), tracks - 1);
    assert!(proposal.tracks.iter().all(|t| t.track_id != removed));
    assert_eq!(proposal.max_move_db, 3.0);
}

#[test]
fn the_assistant_proposes_applies_only_accepted_moves_and_undo_takes_them_back() {
    use crate::ui::assist as assist_panel;
    let (mut app, _dir) = analysed(Engine::disabled("test"));
    let original = app.document().unwrap().project.clone();
    let _ = app.update(Message::OpenAssist);
    assert!(app.assist_proposal().is_none(), "made on another thread");
    update_and_settle(&mut app, Message::OpenAssist);
    let proposal = app.assist_proposal().expect("a proposal").clone();
    assert_eq!(proposal.tracks.len(), 6);
    let moves: Vec<(usize, usize)> = proposal
        .tracks
        .iter()
        .enumerate()
        .flat_map(|(t, track)| (0..track.moves.len()).map(move |m| (t, m)))
        .collect();
    assert!(
        moves.len() >= 2,
        "the demo album's tracks differ enough: {moves:?}"
    );
    // Keep only the first move.
    for &(track, mv) in &moves[1..] {
        let _ = app.update(Message::Assist(assist_panel::Message::Toggle {
            track,
            mv,
            accept: false,
        }));
    }
    let _ = app.update(Message::Assist(assist_panel::Message::Amount(0.5)));
    let mut expected_proposal = proposal.clone();
    expected_proposal.amount = 0.5;
    for &(t, m) in &moves[1..] {
        expected_proposal.tracks[t].moves[m].accepted = false;
    }
    let expected = crate::assist::apply(&original, &expected_proposal);
    // The preview of the kept move's track is the response of what will be written.
    let (kept, _) = moves[0];
    let preview = app.assist_previews()[kept].clone();
    let params = crate::render::params::chain_params(
        &expected.tracks[kept].tone,
        &Default::default(),
        0.0,
        -1.0,
        Default::default(),
    );
    assert!((preview[0] - params.tone_response_db(20.0, 48_000.0)).abs() < 1e-9);
    assert!(
        preview.iter().any(|db| db.abs() > 0.3),
        "the move shows: {preview:?}"
    );
    let _ = app.update(Message::Assist(assist_panel::Message::Apply));
    assert!(app.assist_proposal().is_none(), "the panel closes");
    let project = &app.document().unwrap().project;
    assert_eq!(*project, expected, "exactly the accepted move is written");
    assert_ne!(*project, original);
    let (t, _) = moves[0];
    let changed: Vec<usize> = (0..6)
        .filter(|&i| project.tracks[i].tone != original.tracks[i].tone)
        .collect();
    assert_eq!(
        changed,
        [t],
        "only the track of the accepted move changes tone"
    );
    let _ = app.update(Message::Undo);
    assert_eq!(app.document().unwrap().project, original, "one undo step");
}

#[test]
fn a_stereo_edit_under_the_open_assistant_has_the_plan_measured_again() {
    let mut app = shipped_demo();
    update_and_settle(&mut app, Message::OpenAssist);
    assert!(!app.assist.peaks_stale());
    let track = app.document().unwrap().project.tracks[1].id;
    let stereo = crate::project::StereoSettings {
        width: 1.8,
        ..Default::default()
    };
    let task = app.apply_edit(crate::ui::edit::Edit::Stereo { track, stereo });
    assert!(app.assist.peaks_stale(), "a wider track peaks differently");
    for answer in super::tests::task_answers(task) {
        update_and_settle(&mut app, answer);
    }
    assert!(!app.assist.peaks_stale(), "measured again");
}
