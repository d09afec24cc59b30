//! The album panel's update-level tests: every message through `update`, the pure index
//! arithmetic, the overview's axes and cache. The widgets are tested in `view_tests.rs`.

use super::overview::{Axes, Chart};
use super::*;
use crate::ui::demo;
use crate::ui::figures::{TrackFigures, TrackState};
use iced::{Point, Rectangle, Size};

pub(super) fn project() -> (Project, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (document, _) = demo::album(dir.path()).unwrap();
    (document.project, dir)
}

pub(super) fn id(i: usize) -> TrackId {
    TrackId(100 + i as u64)
}

/// Applies the action's edit (if any) the way the app does and returns the new order.
fn order_after(project: &Project, action: &Action) -> Vec<u64> {
    let mut p = project.clone();
    if let Action::Edit(edit) = action {
        assert!(edit.apply(&mut p), "{edit:?} changed nothing");
    }
    p.tracks.iter().map(|t| t.id.0).collect()
}

/// The demo album's figures: track 4 missing, 1 and 2 rendered (measured), 3, 5 and 6
/// planned, 5 held back below the −14 LUFS target.
pub(super) fn figures() -> Vec<TrackFigures> {
    let outcome = demo::outcome();
    outcome
        .tracks
        .iter()
        .enumerate()
        .map(|(i, analysis)| {
            let Some(a) = analysis else {
                return TrackFigures::empty(TrackState::Missing);
            };
            let measured = i < 2;
            let held_back = i == 4;
            TrackFigures {
                state: TrackState::Ready,
                duration_s: Some(a.duration_s),
                source_lufs: a.loudness.integrated_lufs,
                source_true_peak_dbtp: a.loudness.true_peak_dbtp,
                source_lra_lu: Some(a.loudness.lra_lu),
                mastered_lufs: Some(match i {
                    0 => -14.04,
                    1 => -13.96,
                    4 => -15.3,
                    _ => -14.0,
                }),
                mastered_true_peak_dbtp: measured.then(|| [-1.2, -1.04][i]),
                gain_reduction_db: measured.then_some(1.8),
                held_back,
                measured,
                deviation_db: outcome.stats.tonal_deviation_db[i].map(|d| [d, d, 3.6, d, d, d][i]),
                // Track 2 is brought in by its tone EQ; track 3 stays far from the album.
                mastered_deviation_db: outcome.stats.tonal_deviation_db[i]
                    .map(|d| [d, d / 2.0, 3.6, d, d, d][i]),
                notices: a.notices.clone(),
            }
        })
        .collect()
}

// --- selection -----------------------------------------------------------------------

#[test]
fn a_click_selects_another_track_and_the_selected_one_stays() {
    let (p, _dir) = project();
    let mut album = Album::default();
    assert_eq!(
        album.update(Message::Select(id(2)), &p, Some(id(0))),
        Action::Select(id(2))
    );
    assert_eq!(
        album.update(Message::Select(id(2)), &p, Some(id(2))),
        Action::None
    );
}

#[test]
fn a_click_on_an_overview_column_selects_that_track() {
    let (p, _dir) = project();
    let mut album = Album::default();
    assert_eq!(
        album.update(Message::OverviewClicked(4), &p, Some(id(0))),
        Action::Select(id(4))
    );
    assert_eq!(
        album.update(Message::OverviewClicked(6), &p, Some(id(0))),
        Action::None,
        "past the last track"
    );
}

// --- reorder ---------------------------------------------------------------------------

#[test]
fn drop_index_accounts_for_the_removed_track() {
    // Down: track 0 dropped below track 2 (slot 3) lands at index 2.
    assert_eq!(drop_index(0, 3, 6), Some(2));
    // Down to the very end.
    assert_eq!(drop_index(1, 6, 6), Some(5));
    assert_eq!(drop_index(1, 60, 6), Some(5), "slots past the end clamp");
    // Up: track 4 dropped above track 1 lands at index 1; to the top.
    assert_eq!(drop_index(4, 1, 6), Some(1));
    assert_eq!(drop_index(5, 0, 6), Some(0));
    // On itself: just above or just below it changes nothing.
    assert_eq!(drop_index(2, 2, 6), None);
    assert_eq!(drop_index(2, 3, 6), None);
    assert_eq!(drop_index(6, 0, 6), None, "no such track");
}

#[test]
fn the_pointer_picks_the_slot_by_the_half_of_the_row_it_is_in() {
    assert_eq!(slot_at(3, 2.0, 30.0), 3);
    assert_eq!(slot_at(3, 14.9, 30.0), 3);
    assert_eq!(slot_at(3, 15.0, 30.0), 4);
    // Below the main line (the selected row's detail) still means after the row.
    assert_eq!(slot_at(3, 70.0, 30.0), 4);
    assert_eq!(slot_at(0, -1.0, 30.0), 0);
}

#[test]
fn dragging_down_moves_the_track_below_the_drop_line() {
    let (p, _dir) = project();
    let mut album = Album::default();
    assert_eq!(
        album.update(Message::DragStart(id(0)), &p, None),
        Action::None
    );
    assert!(album.is_dragging());
    for slot in [1, 2, 3] {
        assert_eq!(
            album.update(Message::DragOver(slot), &p, None),
            Action::None
        );
    }
    let action = album.update(Message::DragEnd, &p, None);
    assert_eq!(
        action,
        Action::Edit(Edit::Move {
            track: id(0),
            to_index: 2
        })
    );
    assert_eq!(order_after(&p, &action), [101, 102, 100, 103, 104, 105]);
    assert!(!album.is_dragging());
}

#[test]
fn dragging_up_moves_the_track_above_the_drop_line() {
    let (p, _dir) = project();
    let mut album = Album::default();
    album.update(Message::DragStart(id(4)), &p, None);
    album.update(Message::DragOver(1), &p, None);
    let action = album.update(Message::DragEnd, &p, None);
    assert_eq!(order_after(&p, &action), [100, 104, 101, 102, 103, 105]);
}

#[test]
fn a_drop_on_itself_a_click_on_the_grip_or_a_cancelled_drag_edits_nothing() {
    let (p, _dir) = project();
    let mut album = Album::default();
    for slot in [2, 3] {
        album.update(Message::DragStart(id(2)), &p, None);
        album.update(Message::DragOver(slot), &p, None);
        assert_eq!(album.update(Message::DragEnd, &p, None), Action::None);
    }
    // Pressed and released without moving over a row.
    album.update(Message::DragStart(id(2)), &p, None);
    assert_eq!(album.update(Message::DragEnd, &p, None), Action::None);
    // Dragged out of the list.
    album.update(Message::DragStart(id(2)), &p, None);
    album.update(Message::DragOver(0), &p, None);
    album.update(Message::DragCancel, &p, None);
    assert_eq!(album.update(Message::DragEnd, &p, None), Action::None);
    // Movements with no drag are ignored.
    album.update(Message::DragOver(0), &p, None);
    assert_eq!(album.update(Message::DragEnd, &p, None), Action::None);
}

#[test]
fn move_buttons_and_alt_arrows_stop_at_the_ends() {
    let (p, _dir) = project();
    let mut album = Album::default();
    let first = Some(id(0));
    let last = Some(id(5));
    assert_eq!(
        album.update(Message::MoveSelected(-1), &p, first),
        Action::None
    );
    assert_eq!(
        album.update(Message::MoveSelected(1), &p, last),
        Action::None
    );
    assert_eq!(
        album.update(Message::MoveSelected(1), &p, None),
        Action::None
    );
    let down = album.update(Message::MoveSelected(1), &p, first);
    assert_eq!(order_after(&p, &down), [101, 100, 102, 103, 104, 105]);
    let up = album.update(Message::MoveSelected(-1), &p, last);
    assert_eq!(order_after(&p, &up), [100, 101, 102, 103, 105, 104]);
    // A big jump stops at the end instead of being refused.
    assert_eq!(moved_index(1, -5, 6), Some(0));
    assert_eq!(moved_index(4, 9, 6), Some(5));
    assert_eq!(moved_index(0, -1, 6), None);
    assert_eq!(moved_index(5, 1, 6), None);
}

#[test]
fn a_press_on_the_detail_that_just_opened_under_the_pointer_renames_instead() {
    // Double-clicking the title of track 2 while track 1 is open: the first click selects track
    // 2, track 1's detail closes above it, and track 2's detail (↑ ↓ Rename Remove) opens where
    // the pointer is. The second click lands on a button there, but was meant for the title.
    let (p, _dir) = project();
    let mut album = Album::default();
    let (one, two) = (Some(id(0)), Some(id(1)));
    assert_eq!(
        album.update(Message::Select(id(1)), &p, one),
        Action::Select(id(1))
    );
    for press in [
        Message::MoveSelected(1),
        Message::Remove(id(1)),
        Message::FadeStep {
            track: id(1),
            fade: Fade::In,
            delta_s: FADE_STEP_S,
        },
    ] {
        assert_eq!(
            album.update(press, &p, two),
            Action::Focus(Id::new(RENAME_INPUT))
        );
        assert_eq!(album.rename.as_ref().map(|r| r.track), Some(id(1)));
    }
    // Once the pointer has had time to see what opened, the buttons do what they say.
    let (track, at) = album.selected_at.unwrap();
    album.selected_at = Some((track, at - SECOND_CLICK));
    let down = album.update(Message::MoveSelected(1), &p, two);
    assert_eq!(order_after(&p, &down), [100, 102, 101, 103, 104, 105]);
    assert!(album.rename.is_none());
    // Selected by the keyboard or long ago: no guard at all.
    let mut fresh = Album::default();
    assert_eq!(
        fresh.update(Message::Remove(id(1)), &p, two),
        Action::Edit(Edit::Remove { track: id(1) })
    );
}

// --- add, remove, locate ---------------------------------------------------------------

#[test]
fn add_remove_and_locate_become_the_apps_actions() {
    let (p, _dir) = project();
    let mut album = Album::default();
    assert_eq!(
        album.update(Message::PickFiles, &p, None),
        Action::PickFiles
    );
    assert_eq!(
        album.update(Message::Locate(id(3)), &p, None),
        Action::Locate(id(3))
    );
    assert_eq!(
        album.update(Message::Remove(id(1)), &p, Some(id(1))),
        Action::Edit(Edit::Remove { track: id(1) })
    );
    let gone = TrackId(999);
    assert_eq!(album.update(Message::Locate(gone), &p, None), Action::None);
    assert_eq!(album.update(Message::Remove(gone), &p, None), Action::None);
}

// --- rename ----------------------------------------------------------------------------

#[test]
fn rename_starts_with_the_title_focuses_the_field_and_enter_commits_it_trimmed() {
    let (p, _dir) = project();
    let mut album = Album::default();
    assert_eq!(
        album.update(Message::StartRename(id(1)), &p, Some(id(1))),
        Action::Focus(Id::new(RENAME_INPUT))
    );
    assert_eq!(album.rename.as_ref().unwrap().draft, "Slow Weather");
    album.update(Message::RenameInput("  Slower Weather ".into()), &p, None);
    assert_eq!(
        album.update(Message::RenameCommit, &p, None),
        Action::Edit(Edit::Rename {
            track: id(1),
            title: "Slower Weather".into()
        })
    );
    assert!(!album.is_renaming());
}

#[test]
fn an_empty_title_is_refused_and_the_field_stays_open() {
    let (p, _dir) = project();
    let mut album = Album::default();
    album.update(Message::StartRename(id(1)), &p, None);
    album.update(Message::RenameInput("   ".into()), &p, None);
    assert_eq!(album.update(Message::RenameCommit, &p, None), Action::None);
    let rename = album.rename.as_ref().expect("still renaming");
    assert!(rename.rejected);
    album.update(Message::RenameInput("Rain".into()), &p, None);
    assert!(!album.rename.as_ref().unwrap().rejected, "typing clears it");
}

#[test]
fn escape_or_a_click_elsewhere_cancels_and_an_unchanged_title_is_no_edit() {
    let (p, _dir) = project();
    let mut album = Album::default();
    album.update(Message::StartRename(id(1)), &p, None);
    album.update(Message::RenameInput("Other".into()), &p, None);
    assert_eq!(album.update(Message::RenameCancel, &p, None), Action::None);
    assert!(!album.is_renaming());
    assert_eq!(album.update(Message::RenameCommit, &p, None), Action::None);

    album.update(Message::StartRename(id(1)), &p, None);
    album.update(Message::RenameInput("Other".into()), &p, None);
    album.update(Message::Select(id(2)), &p, Some(id(1)));
    assert!(!album.is_renaming(), "clicking another row ends the rename");

    album.update(Message::StartRename(id(1)), &p, None);
    assert_eq!(album.update(Message::RenameCommit, &p, None), Action::None);
    assert!(!album.is_renaming());
    assert_eq!(
        album.update(Message::StartRename(TrackId(999)), &p, None),
        Action::None
    );
}

// --- gap and fades -----------------------------------------------------------------------

#[test]
fn typed_seconds_are_validated() {
    assert_eq!(parse_seconds("2", 60.0), Ok(2.0));
    assert_eq!(parse_seconds(" 2,5 s ", 60.0), Ok(2.5));
    assert_eq!(parse_seconds("0.04", 60.0), Ok(0.0));
    assert_eq!(parse_seconds("60", 60.0), Ok(60.0));
    assert_eq!(parse_seconds("60.1", 60.0), Err(GapError::OutOfRange));
    assert_eq!(parse_seconds("-1", 60.0), Err(GapError::OutOfRange));
    assert_eq!(parse_seconds("", 60.0), Err(GapError::NotANumber));
    assert_eq!(parse_seconds("two", 60.0), Err(GapError::NotANumber));
    assert_eq!(parse_seconds("NaN", 60.0), Err(GapError::NotANumber));
    assert_eq!(parse_seconds("inf", 60.0), Err(GapError::NotANumber));
}

#[test]
fn a_valid_gap_commits_and_an_invalid_one_is_kept_with_its_reason() {
    let (p, _dir) = project();
    let mut album = Album::default();
    album.update(Message::GapInput(id(2), "75".into()), &p, None);
    assert_eq!(
        album.update(Message::GapCommit(id(2)), &p, None),
        Action::None
    );
    assert_eq!(
        album.gap.as_ref().unwrap().error,
        Some(GapError::OutOfRange)
    );

    album.update(Message::GapInput(id(2), "2.5 s".into()), &p, None);
    assert_eq!(album.gap.as_ref().unwrap().error, None, "typing clears it");
    assert_eq!(
        album.update(Message::GapCommit(id(2)), &p, None),
        Action::Edit(Edit::Gap {
            track: id(2),
            gap_before_s: 2.5
        })
    );
    assert!(album.gap.is_none());

    // The current value again, or Enter with nothing typed: no edit.
    album.update(Message::GapInput(id(2), "0".into()), &p, None);
    assert_eq!(
        album.update(Message::GapCommit(id(2)), &p, None),
        Action::None
    );
    assert_eq!(
        album.update(Message::GapCommit(id(2)), &p, None),
        Action::None
    );

    // A draft is dropped when another track is selected.
    album.update(Message::GapInput(id(2), "4".into()), &p, None);
    album.update(Message::Select(id(3)), &p, Some(id(2)));
    assert!(album.gap.is_none());
}

#[test]
fn fade_steppers_step_half_seconds_within_0_to_30() {
    let (mut p, _dir) = project();
    let mut album = Album::default();
    let step = |fade, delta_s| Message::FadeStep {
        track: id(0),
        fade,
        delta_s,
    };
    assert_eq!(
        album.update(step(Fade::Out, FADE_STEP_S), &p, None),
        Action::Edit(Edit::Fades {
            track: id(0),
            fade_in_s: 0.0,
            fade_out_s: 0.5
        })
    );
    assert_eq!(
        album.update(step(Fade::In, -FADE_STEP_S), &p, None),
        Action::None,
        "already 0 s"
    );
    p.tracks[0].fade_in_s = 30.0;
    assert_eq!(
        album.update(step(Fade::In, FADE_STEP_S), &p, None),
        Action::None,
        "already 30 s"
    );
}

// --- formatting --------------------------------------------------------------------------

#[test]
fn the_tone_tip_names_both_figures_only_when_the_eq_changes_the_one_shown() {
    assert_eq!(
        super::widgets::tone_tip(Some(2.94), 1.2),
        "2.9 dB from the album's average tone as mixed → 1.2 dB as mastered"
    );
    assert_eq!(
        super::widgets::tone_tip(Some(1.24), 1.2),
        "1.2 dB from the album's average tone"
    );
    assert_eq!(
        super::widgets::tone_tip(None, 0.8),
        "0.8 dB from the album's average tone"
    );
}

#[test]
fn durations_read_as_minutes_and_seconds() {
    assert_eq!(duration_text(232.4), "3:52");
}

// --- overview ------------------------------------------------------------------------------

fn chart() -> Chart {
    Chart::new(&figures(), -14.0, Some(1))
}

#[test]
fn overview_columns_are_hit_from_their_left_edge_to_the_next() {
    let chart = chart();
    let (axes, _) = Axes::new(Size::new(464.0, 158.0), &chart);
    let plot = axes.plot;
    let w = plot.width / 6.0;
    assert_eq!(axes.column_at(plot.x - 1.0), None, "the y labels");
    assert_eq!(axes.column_at(plot.x), Some(0));
    assert_eq!(axes.column_at(plot.x + w - 0.01), Some(0));
    assert_eq!(axes.column_at(plot.x + w + 0.01), Some(1));
    assert_eq!(axes.column_at(plot.x + 5.5 * w), Some(5));
    assert_eq!(axes.column_at(plot.x + plot.width), None);
    for i in 0..6 {
        assert_eq!(axes.column_at(axes.x(i)), Some(i), "centre of column {i}");
    }
    let empty = Chart::new(&[], -14.0, None);
    let (axes, _) = Axes::new(Size::new(464.0, 158.0), &empty);
    assert_eq!(axes.column_at(100.0), None);
}

#[test]
fn overview_y_maps_lufs_linearly_with_louder_higher() {
    let chart = chart();
    let (lo, hi, step) = chart.lufs_range();
    // Sources −8.9…−11.2, masters −13.96…−15.3, target −14: all inside, on grid steps.
    assert!(lo <= -15.3 - 1.0 && hi >= -8.9 + 1.0, "{lo}..{hi}");
    assert_eq!(lo % step, 0.0);
    assert_eq!(hi % step, 0.0);
    assert!((hi - lo) / step <= 5.0);
    let axes = Axes {
        plot: Rectangle::new(Point::new(10.0, 20.0), Size::new(300.0, 100.0)),
        count: 6,
        lo_lufs: -20.0,
        hi_lufs: -10.0,
    };
    assert!((axes.y(-10.0) - 20.0).abs() < 1e-4);
    assert!((axes.y(-20.0) - 120.0).abs() < 1e-4);
    assert!((axes.y(-14.0) - 60.0).abs() < 1e-4);
    assert!((axes.y(-40.0) - 120.0).abs() < 1e-4, "clamped to the plot");
    assert!(axes.y(-9.0) < axes.y(-11.0));
}

#[test]
fn a_consistent_album_still_gets_a_readable_span() {
    let mut f = figures();
    for t in &mut f {
        t.source_lufs = t.source_lufs.map(|_| -14.2);
        t.mastered_lufs = t.mastered_lufs.map(|_| -14.0);
    }
    let (lo, hi, _) = Chart::new(&f, -14.0, None).lufs_range();
    assert!(hi - lo >= 6.0, "{lo}..{hi}");
}

#[test]
fn the_overview_cache_is_cleared_only_when_the_chart_changes() {
    let album = Album::default();
    let f = figures();
    let _ = album.overview(&f, -14.0, Some(1));
    assert_eq!(album.overview.revision(), 1);
    let _ = album.overview(&f, -14.0, Some(1));
    assert_eq!(album.overview.revision(), 1, "same inputs keep the cache");
    let _ = album.overview(&f, -14.0, Some(2));
    assert_eq!(album.overview.revision(), 2, "selection moved");
    let _ = album.overview(&f, -9.0, Some(2));
    assert_eq!(album.overview.revision(), 3, "target changed");
}

/// The weight of the project's first reference after `message`'s edit (unchanged without one).
fn first_weight_after(project: &Project, action: Action) -> f64 {
    let mut p = project.clone();
    if let Action::Edit(edit) = action {
        assert!(edit.apply(&mut p), "{edit:?} changed nothing");
    }
    p.references[0].weight
}

#[test]
fn a_reference_weight_steps_within_its_range_and_a_typed_one_moves_toward_it() {
    let (mut p, _dir) = project();
    let mut album = Album::default();
    let reference = p.references[0].id;
    let (lo, hi) = crate::project::REFERENCE_WEIGHT_RANGE;
    let step = |album: &mut Album, p: &Project, delta: f64| {
        album.update(Message::ReferenceWeight(reference, delta), p, None)
    };
    assert_eq!(p.references[0].weight, 1.0);
    assert_eq!(
        first_weight_after(&p, step(&mut album, &p, WEIGHT_STEP)),
        1.25
    );
    assert_eq!(
        first_weight_after(&p, step(&mut album, &p, -WEIGHT_STEP)),
        0.75
    );
    p.references[0].weight = hi;
    assert_eq!(
        step(&mut album, &p, WEIGHT_STEP),
        Action::None,
        "at the top"
    );
    p.references[0].weight = lo;
    assert_eq!(
        step(&mut album, &p, -WEIGHT_STEP),
        Action::None,
        "at the bottom"
    );
    // A weight written into the file outside the range only moves toward it.
    p.references[0].weight = 0.1;
    assert_eq!(step(&mut album, &p, -WEIGHT_STEP), Action::None);
    assert_eq!(
        first_weight_after(&p, step(&mut album, &p, WEIGHT_STEP)),
        0.25
    );
    p.references[0].weight = 9.0;
    assert_eq!(step(&mut album, &p, WEIGHT_STEP), Action::None);
    assert_eq!(
        first_weight_after(&p, step(&mut album, &p, -WEIGHT_STEP)),
        8.75
    );
    // An unknown reference changes nothing.
    assert_eq!(
        album.update(Message::ReferenceWeight(TrackId(9999), 1.0), &p, None),
        Action::None
    );
    assert_eq!(
        album.update(Message::RemoveReference(TrackId(9999)), &p, None),
        Action::None
    );
    assert_eq!(
        album.update(Message::PickReferences, &p, None),
        Action::PickReferences
    );
}
