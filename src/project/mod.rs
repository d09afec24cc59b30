//! The album project: model (serde), load/save (atomic), schema checks, creation from files.

mod document;
mod model;

pub use document::{Document, ProjectError};
pub use model::*;
