//! Every change the desk makes to the project, as data. Panels return an `Edit`; the app
//! applies it through the undo history (`history.rs`), so every edit can be undone and a
//! drag of one control becomes one undo step (see [`Edit::gesture`]).

use crate::project::{
    AlbumSettings, Project, Reference, StereoSettings, ToneSettings, Track, TrackId,
};
use std::path::PathBuf;

/// One change to the project. Cheap enough to clone (a project edit is a few hundred bytes).
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Replace a track's tone settings (tilt, shelves, bells, match EQ, trim).
    Tone { track: TrackId, tone: ToneSettings },
    /// Replace a track's stereo settings (width, mono bass).
    Stereo {
        track: TrackId,
        stereo: StereoSettings,
    },
    /// A track's loudness nudge in album mode, LU.
    Offset { track: TrackId, offset_lu: f64 },
    /// Rename a track.
    Rename { track: TrackId, title: String },
    /// Silence before a track, seconds (clamped to 0..=60).
    Gap { track: TrackId, gap_before_s: f64 },
    /// A track's fades, seconds (clamped to 0..=30).
    Fades {
        track: TrackId,
        fade_in_s: f64,
        fade_out_s: f64,
    },
    /// Move a track so it ends up at `to_index` (album order, 0-based; clamped).
    Move { track: TrackId, to_index: usize },
    /// Remove a track from the album (its file is untouched).
    Remove { track: TrackId },
    /// Append tracks (ids already unique: the app assigns them).
    Add { tracks: Vec<Track> },
    /// Point a track at another source file (after "locate…").
    Relocate { track: TrackId, source: PathBuf },
    /// Replace the album-wide delivery, headroom and export settings.
    Album(AlbumSettings),
    /// Replace the reference list.
    References(Vec<Reference>),
    /// The assistant's accepted moves, written into the project as one step.
    Assist(Box<Project>),
}

/// Which control an edit comes from: consecutive edits with the same gesture (a slider being
/// dragged, a curve handle being pulled) merge into one undo step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gesture {
    Tone(TrackId),
    Stereo(TrackId),
    Offset(TrackId),
    Gap(TrackId),
    Fades(TrackId),
    Album,
    /// Never merges (reorder, add, remove, rename, relocate, references).
    Discrete,
}

impl Edit {
    /// The gesture this edit belongs to (see [`Gesture`]).
    pub fn gesture(&self) -> Gesture {
        match self {
            Edit::Tone { track, .. } => Gesture::Tone(*track),
            Edit::Stereo { track, .. } => Gesture::Stereo(*track),
            Edit::Offset { track, .. } => Gesture::Offset(*track),
            Edit::Gap { track, .. } => Gesture::Gap(*track),
            Edit::Fades { track, .. } => Gesture::Fades(*track),
            Edit::Album(_) => Gesture::Album,
            _ => Gesture::Discrete,
        }
    }

    /// A few words for the undo menu and the status line: "tone of “Paper Boats”".
    pub fn describe(&self, project: &Project) -> String {
        let title = |id: &TrackId| {
            project
                .tracks
                .iter()
                .find(|t| t.id == *id)
                .map_or_else(|| "a track".to_string(), |t| format!("“{}”", t.title))
        };
        match self {
            Edit::Tone { track, .. } => format!("tone of {}", title(track)),
            Edit::Stereo { track, .. } => format!("stereo of {}", title(track)),
            Edit::Offset { track, .. } => format!("loudness offset of {}", title(track)),
            Edit::Rename { track, .. } => format!("rename {}", title(track)),
            Edit::Gap { track, .. } => format!("gap before {}", title(track)),
            Edit::Fades { track, .. } => format!("fades of {}", title(track)),
            Edit::Move { track, .. } => format!("move {}", title(track)),
            Edit::Remove { track } => format!("remove {}", title(track)),
            Edit::Add { tracks } if tracks.len() == 1 => "add a track".to_string(),
            Edit::Add { tracks } => format!("add {} tracks", tracks.len()),
            Edit::Relocate { track, .. } => format!("locate the file of {}", title(track)),
            Edit::Album(_) => "album settings".to_string(),
            Edit::References(_) => "references".to_string(),
            Edit::Assist(_) => "the assistant's moves".to_string(),
        }
    }

    /// Applies the edit. Returns false (and leaves the project as it was) when it names a
    /// track the project does not have or would change nothing.
    pub fn apply(&self, project: &mut Project) -> bool {
        let before = project.clone();
        self.apply_unchecked(project);
        *project != before
    }

    fn apply_unchecked(&self, project: &mut Project) {
        let track = |project: &mut Project, id: TrackId| -> Option<usize> {
            project.tracks.iter().position(|t| t.id == id)
        };
        match self {
            Edit::Tone { track: id, tone } => {
                if let Some(i) = track(project, *id) {
                    project.tracks[i].tone = tone.clone();
                }
            }
            Edit::Stereo { track: id, stereo } => {
                if let Some(i) = track(project, *id) {
                    project.tracks[i].stereo = stereo.clone();
                }
            }
            Edit::Offset {
                track: id,
                offset_lu,
            } => {
                if let Some(i) = track(project, *id) {
                    project.tracks[i].headroom.offset_lu = offset_lu.clamp(-20.0, 20.0);
                }
            }
            Edit::Rename { track: id, title } => {
                let title = title.trim();
                if let (Some(i), false) = (track(project, *id), title.is_empty()) {
                    project.tracks[i].title = title.to_string();
                }
            }
            Edit::Gap {
                track: id,
                gap_before_s,
            } => {
                if let Some(i) = track(project, *id) {
                    project.tracks[i].gap_before_s = finite_or(*gap_before_s, 0.0).clamp(0.0, 60.0);
                }
            }
            Edit::Fades {
                track: id,
                fade_in_s,
                fade_out_s,
            } => {
                if let Some(i) = track(project, *id) {
                    project.tracks[i].fade_in_s = finite_or(*fade_in_s, 0.0).clamp(0.0, 30.0);
                    project.tracks[i].fade_out_s = finite_or(*fade_out_s, 0.0).clamp(0.0, 30.0);
                }
            }
            Edit::Move {
                track: id,
                to_index,
            } => {
                if let Some(i) = track(project, *id) {
                    let moved = project.tracks.remove(i);
                    let to = (*to_index).min(project.tracks.len());
                    project.tracks.insert(to, moved);
                }
            }
            Edit::Remove { track: id } => {
                if let Some(i) = track(project, *id) {
                    project.tracks.remove(i);
                }
            }
            Edit::Add { tracks } => project.tracks.extend(tracks.iter().cloned()),
            Edit::Relocate { track: id, source } => {
                if let Some(i) = track(project, *id) {
                    project.tracks[i].source = source.clone();
                }
            }
            Edit::Album(settings) => project.settings = settings.clone(),
            Edit::References(references) => project.references = references.clone(),
            Edit::Assist(assisted) => *project = (**assisted).clone(),
        }
    }
}

fn finite_or(value: f64, fallback: f64) -> f64 {
    if value.is_finite() {
        value
    } else {
        fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::demo;

    fn project() -> (Project, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let (document, _) = demo::album(dir.path()).unwrap();
        (document.project, dir)
    }

    fn order(project: &Project) -> Vec<u64> {
        project.tracks.iter().map(|t| t.id.0).collect()
    }

    #[test]
    fn move_puts_the_track_at_the_asked_index_and_clamps() {
        let (mut p, _dir) = project();
        assert!(Edit::Move {
            track: TrackId(100),
            to_index: 2
        }
        .apply(&mut p));
        assert_eq!(order(&p), [101, 102, 100, 103, 104, 105]);
        assert!(Edit::Move {
            track: TrackId(105),
            to_index: 0
        }
        .apply(&mut p));
        assert_eq!(order(&p), [105, 101, 102, 100, 103, 104]);
        assert!(Edit::Move {
            track: TrackId(105),
            to_index: 99
        }
        .apply(&mut p));
        assert_eq!(order(&p), [101, 102, 100, 103, 104, 105]);
    }

    #[test]
    fn edits_that_change_nothing_or_name_no_track_report_false() {
        let (mut p, _dir) = project();
        let before = p.clone();
        assert!(!Edit::Remove {
            track: TrackId(999)
        }
        .apply(&mut p));
        assert!(!Edit::Rename {
            track: TrackId(100),
            title: "   ".into()
        }
        .apply(&mut p));
        assert!(!Edit::Move {
            track: TrackId(100),
            to_index: 0
        }
        .apply(&mut p));
        assert_eq!(p, before);
    }

    #[test]
    fn values_are_clamped_to_their_documented_ranges() {
        let (mut p, _dir) = project();
        Edit::Gap {
            track: TrackId(101),
            gap_before_s: 500.0,
        }
        .apply(&mut p);
        Edit::Fades {
            track: TrackId(101),
            fade_in_s: f64::NAN,
            fade_out_s: -3.0,
        }
        .apply(&mut p);
        let t = &p.tracks[1];
        assert_eq!(
            (t.gap_before_s, t.fade_in_s, t.fade_out_s),
            (60.0, 0.0, 0.0)
        );
        Edit::Rename {
            track: TrackId(101),
            title: "  Rain  ".into(),
        }
        .apply(&mut p);
        assert_eq!(p.tracks[1].title, "Rain");
    }

    #[test]
    fn drags_of_one_control_share_a_gesture_and_structure_edits_never_merge() {
        let tone = Edit::Tone {
            track: TrackId(1),
            tone: ToneSettings::default(),
        };
        assert_eq!(tone.gesture(), Gesture::Tone(TrackId(1)));
        assert_ne!(
            tone.gesture(),
            Edit::Tone {
                track: TrackId(2),
                tone: ToneSettings::default()
            }
            .gesture()
        );
        assert_eq!(
            Edit::Remove { track: TrackId(1) }.gesture(),
            Gesture::Discrete
        );
    }
}
