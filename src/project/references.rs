//! Adding reference tracks and weighing them: what the desk's References list and
//! `lathe references` both do to a project.

use super::create::title_from_file_name;
use super::model::{Project, Reference, TrackId};
use super::Document;
use std::path::PathBuf;

/// Weights a reference may be given, from a quarter to four times the others'.
pub const REFERENCE_WEIGHT_RANGE: (f64, f64) = (0.25, 4.0);

/// The first id no track or reference of `project` uses (they share one numbering).
pub fn next_id(project: &Project) -> u64 {
    project
        .tracks
        .iter()
        .map(|t| t.id.0)
        .chain(project.references.iter().map(|r| r.id.0))
        .max()
        .map_or(1, |m| m + 1)
}

/// `files` split into those that are new and those already among `held` (compared as the
/// files their sources resolve to) or given twice in `files`: a reference listed twice would
/// count twice in the average. Both in the order given.
pub fn split_repeated<'a>(
    doc: &Document,
    held: impl IntoIterator<Item = &'a Reference>,
    files: &[PathBuf],
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut sources: Vec<PathBuf> = held
        .into_iter()
        .map(|r| doc.source_path(&r.source))
        .collect();
    let (mut fresh, mut repeated) = (Vec::new(), Vec::new());
    for file in files {
        let source = doc.source_path(&doc.relative_source(file));
        if sources.contains(&source) {
            repeated.push(file.clone());
        } else {
            sources.push(source);
            fresh.push(file.clone());
        }
    }
    (fresh, repeated)
}

/// `doc`'s references with `files` added at the end, each with weight 1 and its tag title
/// (`titles[i]`, else one made from the file name; one title per file); sources are stored
/// relative to the project.
pub fn with_added(doc: &Document, files: &[PathBuf], titles: &[Option<String>]) -> Vec<Reference> {
    debug_assert_eq!(files.len(), titles.len(), "one title per file");
    let mut references = doc.project.references.clone();
    for (id, (file, title)) in (next_id(&doc.project)..).zip(files.iter().zip(titles)) {
        references.push(Reference {
            id: TrackId(id),
            title: title.clone().unwrap_or_else(|| title_from_file_name(file)),
            source: doc.relative_source(file),
            weight: 1.0,
        });
    }
    references
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Track;

    #[test]
    fn added_references_take_fresh_ids_relative_sources_and_weight_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut project = Project {
            schema_version: crate::project::SCHEMA_VERSION,
            album: Default::default(),
            settings: Default::default(),
            tracks: Vec::new(),
            references: Vec::new(),
        };
        project.tracks.push(Track {
            id: TrackId(3),
            title: "t".into(),
            source: "t.wav".into(),
            gap_before_s: 0.0,
            fade_in_s: 0.0,
            fade_out_s: 0.0,
            tone: Default::default(),
            stereo: Default::default(),
            headroom: Default::default(),
        });
        project.references.push(Reference {
            id: TrackId(7),
            title: "r".into(),
            source: "r.wav".into(),
            weight: 2.0,
        });
        let doc = Document {
            project,
            path: dir.path().join("album.json"),
        };
        let refs = with_added(
            &doc,
            &[
                dir.path().join("refs/Big_Hit.flac"),
                dir.path().join("b.wav"),
            ],
            &[None, Some("Tagged".into())],
        );
        assert_eq!(refs.len(), 3, "the existing reference is kept, first");
        assert_eq!(refs[0].weight, 2.0);
        assert_eq!((refs[1].id, refs[2].id), (TrackId(8), TrackId(9)));
        assert_eq!(refs[1].source, PathBuf::from("refs/Big_Hit.flac"));
        assert_eq!(refs[1].title, "Big Hit");
        assert_eq!(refs[2].title, "Tagged");
        assert!(refs[1..].iter().all(|r| r.weight == 1.0));
    }
}
