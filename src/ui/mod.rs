//! ui (being implemented)
use std::path::PathBuf;

/// Opens the mastering desk on a project.
pub fn run(project_path: PathBuf) -> Result<(), String> {
    let _ = project_path;
    Err("the window is being built".into())
}
