//! Every control's message → the right `Edit` (clamped), resets, presets, the offset in track
//! mode, the warning's thresholds, the fader's drag / fine / double-click behaviour, and a
//! tiny-skia snapshot of the column (tests/snapshots/controls-tiny-skia.png; delete to re-record).

mod fader;
mod headroom;
mod tone;
mod view;

use super::Action;
use crate::project::{AlbumSettings, Project, ToneSettings};
use crate::ui::demo;
use crate::ui::edit::Edit;
use crate::ui::figures::{TrackFigures, TrackState};

pub(super) fn project() -> (Project, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (document, _) = demo::album(dir.path()).unwrap();
    (document.project, dir)
}

pub(super) fn tone_of(action: &Action) -> &ToneSettings {
    match action {
        Action::Edit(Edit::Tone { tone, .. }) | Action::Commit(Edit::Tone { tone, .. }) => tone,
        other => panic!("expected a tone edit, got {other:?}"),
    }
}

pub(super) fn album_of(action: &Action) -> &AlbumSettings {
    match action {
        Action::Edit(Edit::Album(s)) | Action::Commit(Edit::Album(s)) => s,
        other => panic!("expected an album edit, got {other:?}"),
    }
}

/// Figures of a rendered master with this peak reduction, hold-back and loudness.
pub(super) fn figures(gr: Option<f64>, held_back: bool, lufs: Option<f64>) -> TrackFigures {
    TrackFigures {
        gain_reduction_db: gr,
        held_back,
        mastered_lufs: lufs,
        measured: true,
        ..TrackFigures::empty(TrackState::Ready)
    }
}
