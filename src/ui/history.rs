//! Undo and redo: every applied [`Edit`] keeps the project as it was before. Consecutive
//! edits of one gesture (a control being dragged) within [`MERGE_WINDOW`] merge into one step,
//! so Ctrl+Z undoes the whole drag, not its last pixel.

use super::edit::{Edit, Gesture};
use crate::project::Project;
use std::time::{Duration, Instant};

/// Edits of the same gesture closer than this become one undo step.
pub const MERGE_WINDOW: Duration = Duration::from_millis(1200);
/// Steps kept; the oldest are dropped (a project snapshot is a few kB).
const LIMIT: usize = 500;

#[derive(Debug, Clone)]
struct Step {
    /// The project before the step (on the undo stack) or after it (on the redo stack).
    project: Project,
    label: String,
}

/// The undo and redo stacks of one open project.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// The gesture of the newest step and when it was last extended.
    open: Option<(Gesture, Instant)>,
}

impl History {
    /// Applies `edit` to `project` and records it. Returns false when the edit changed nothing
    /// (then nothing is recorded).
    pub fn apply(&mut self, project: &mut Project, edit: &Edit, now: Instant) -> bool {
        let before = project.clone();
        if !edit.apply(project) {
            return false;
        }
        let gesture = edit.gesture();
        let merges = match self.open {
            Some((open, at)) => {
                open == gesture
                    && gesture != Gesture::Discrete
                    && now.saturating_duration_since(at) < MERGE_WINDOW
            }
            None => false,
        };
        if !merges {
            self.undo.push(Step {
                project: before.clone(),
                label: edit.describe(&before),
            });
            if self.undo.len() > LIMIT {
                self.undo.remove(0);
            }
        }
        self.open = Some((gesture, now));
        self.redo.clear();
        true
    }

    /// Ends the current gesture: the next edit starts a new step even if it is the same control
    /// (called when a drag is released).
    pub fn close_gesture(&mut self) {
        self.open = None;
    }

    /// Restores the project before the newest step; returns what was undone.
    pub fn undo(&mut self, project: &mut Project) -> Option<String> {
        let step = self.undo.pop()?;
        self.redo.push(Step {
            project: std::mem::replace(project, step.project),
            label: step.label.clone(),
        });
        self.open = None;
        Some(step.label)
    }

    /// Re-applies the newest undone step; returns what was redone.
    pub fn redo(&mut self, project: &mut Project) -> Option<String> {
        let step = self.redo.pop()?;
        self.undo.push(Step {
            project: std::mem::replace(project, step.project),
            label: step.label.clone(),
        });
        self.open = None;
        Some(step.label)
    }

    /// What Ctrl+Z would undo.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    /// What Ctrl+Shift+Z would redo.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::TrackId;
    use crate::ui::demo;

    fn project() -> (Project, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let (document, _) = demo::album(dir.path()).unwrap();
        (document.project, dir)
    }

    fn tilt(project: &Project, db: f64) -> Edit {
        let mut tone = project.tracks[0].tone.clone();
        tone.tilt_db = db;
        Edit::Tone {
            track: TrackId(100),
            tone,
        }
    }

    #[test]
    fn a_drag_is_one_undo_step_and_redo_restores_its_end() {
        let (mut p, _dir) = project();
        let original = p.clone();
        let mut h = History::default();
        let t0 = Instant::now();
        for (i, db) in [0.5, 1.0, 1.5, 2.0].into_iter().enumerate() {
            let edit = tilt(&p, db);
            assert!(h.apply(&mut p, &edit, t0 + Duration::from_millis(100 * i as u64)));
        }
        assert_eq!(p.tracks[0].tone.tilt_db, 2.0);
        assert_eq!(h.undo_label(), Some("tone of “Harbour Lights”"));
        assert!(h.undo(&mut p).is_some());
        assert_eq!(p, original, "one undo takes back the whole drag");
        assert!(h.undo(&mut p).is_none());
        assert!(h.redo(&mut p).is_some());
        assert_eq!(p.tracks[0].tone.tilt_db, 2.0);
    }

    #[test]
    fn a_pause_a_released_drag_or_another_control_starts_a_new_step() {
        let (mut p, _dir) = project();
        let mut h = History::default();
        let t0 = Instant::now();
        {
            let e = tilt(&p, 1.0);
            h.apply(&mut p, &e, t0);
        }
        {
            let e = tilt(&p, 2.0);
            h.apply(&mut p, &e, t0 + MERGE_WINDOW * 2);
        }
        h.close_gesture();
        {
            let e = tilt(&p, 3.0);
            h.apply(&mut p, &e, t0 + MERGE_WINDOW * 2);
        }
        let gap = Edit::Gap {
            track: TrackId(100),
            gap_before_s: 2.0,
        };
        h.apply(&mut p, &gap, t0 + MERGE_WINDOW * 2);
        let mut tilts = Vec::new();
        while h.undo(&mut p).is_some() {
            tilts.push((p.tracks[0].tone.tilt_db, p.tracks[0].gap_before_s));
        }
        assert_eq!(tilts, [(3.0, 0.0), (2.0, 0.0), (1.0, 0.0), (0.0, 0.0)]);
    }

    #[test]
    fn a_new_edit_clears_redo_and_a_no_op_records_nothing() {
        let (mut p, _dir) = project();
        let mut h = History::default();
        let now = Instant::now();
        {
            let e = tilt(&p, 1.0);
            h.apply(&mut p, &e, now);
        }
        h.undo(&mut p);
        assert!(h.redo_label().is_some());
        let e = tilt(&p, 0.0);
        assert!(!h.apply(&mut p, &e, now), "tilt is already 0");
        assert!(h.redo_label().is_some(), "a no-op keeps redo");
        {
            let e = tilt(&p, -1.0);
            h.apply(&mut p, &e, now);
        }
        assert!(h.redo_label().is_none());
    }
}
