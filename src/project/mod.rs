//! The album project: model (serde), load/save (atomic), schema checks, creation from files.

mod create;
mod document;
mod model;
mod presets;
mod ranges;
mod references;

pub use create::{
    collect_audio_files, is_audio_path, project_from_files, title_from_file_name, AUDIO_EXTENSIONS,
};
pub use document::{relative_path, write_atomically, Document, ProjectError};
pub use model::*;
pub use presets::PresetSpec;
pub use ranges::{CEILING_DBTP_RANGE, EXPORT_RATE_HZ_RANGE, TARGET_LUFS_RANGE};
pub use references::{next_id, split_repeated, with_added, REFERENCE_WEIGHT_RANGE};
