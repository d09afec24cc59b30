//! The iced desktop interface. Only this module imports iced.
//!
//! `app` holds the state and routes messages; each panel owns its messages and view: `album`
//! (sequence and overview), `tone_view` (spectra and draggable EQ), `controls` (tone and
//! headroom), `meters`, `transport` (with the loudness seek bar and "As on …"), `export` (the
//! dialog) and `assist` (the album assistant's panel beside the tone view).
//! Every project change is an `edit::Edit` applied through `history` (undo); `session` keeps
//! recent projects and the autosave; `analysis` runs the album analysis in the background;
//! `theme` is the one dark palette.

pub mod album;
mod analysis;
mod app;
pub mod assist;
pub mod controls;
#[doc(hidden)]
pub mod demo;
pub mod edit;
pub mod export;
pub mod figures;
mod fit_text;
pub mod history;
pub mod mastered_tone;
pub mod meters;
pub mod session;
mod theme;
pub mod tone_view;
pub mod transport;
mod view;
#[cfg(test)]
pub(crate) use view::album_width_in_window;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_as_on;
#[cfg(test)]
mod tests_assist;
#[cfg(test)]
mod tests_playback;
#[cfg(test)]
mod tests_references;

pub use analysis::{Event as AnalysisEvent, Outcome};
pub use app::{App, Banner, Message, Pick, Shortcut};
pub use theme::lathe as theme;

use std::path::PathBuf;

/// Why the window could not run (the graphics stack failed; project errors are shown inside).
#[derive(Debug, thiserror::Error)]
#[error("the window could not be opened: {0}")]
pub struct UiError(#[from] iced::Error);

/// The smallest window the desk is laid out for: narrower, the tone view's legend and axis labels
/// run into each other and the transport's buttons are cut.
pub const MIN_WINDOW: iced::Size = iced::Size::new(1200.0, 700.0);

/// The window's size when it opens: at 1440×900 (most screens have the room) the sequence reads
/// whole titles, the tone view its whole legend and the controls their limiter, which 1280×800
/// cut to "crushe…", "Dev." and a scrollbar. A smaller screen's window manager shrinks it.
pub const DEFAULT_WINDOW: iced::Size = iced::Size::new(1440.0, 900.0);

/// Opens the Lathe window on `project_path` and runs until it is closed.
pub fn run(project_path: PathBuf) -> Result<(), UiError> {
    iced::application(
        move || App::boot(project_path.clone()),
        App::update,
        App::view,
    )
    .title(App::title)
    .theme(App::theme)
    .subscription(App::subscription)
    .default_font(fit_text::FONT)
    .window(iced::window::Settings {
        size: DEFAULT_WINDOW,
        min_size: Some(MIN_WINDOW),
        exit_on_close_request: false,
        ..iced::window::Settings::default()
    })
    .run()?;
    Ok(())
}
