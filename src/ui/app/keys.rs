//! Keyboard shortcuts, as a pure mapping from a key press to what it does. Keys typed into a
//! text field never get here (iced reports them as captured).

use iced::keyboard::{key::Named, Key, Modifiers};

/// What a shortcut asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shortcut {
    PlayPause,
    ToggleOriginal,
    ToggleReference,
    /// Seek by this many seconds.
    SeekBy(f64),
    /// Select the previous (−1) or next (+1) track.
    Select(i32),
    /// Move the selected track up (−1) or down (+1).
    Move(i32),
    Undo,
    Redo,
    Save,
    SaveAs,
    Open,
    Export,
    /// Escape: close a dialog or cancel what is in progress.
    Escape,
}

/// Seconds an arrow key seeks; with Shift, ten times as far.
const SEEK_S: f64 = 5.0;

/// The shortcut for a key press, if any.
pub fn shortcut(key: &Key, modifiers: Modifiers) -> Option<Shortcut> {
    let command = modifiers.command();
    match key.as_ref() {
        Key::Character(c) if command => match c.to_lowercase().as_str() {
            "z" if modifiers.shift() => Some(Shortcut::Redo),
            "z" => Some(Shortcut::Undo),
            "y" => Some(Shortcut::Redo),
            "s" if modifiers.shift() => Some(Shortcut::SaveAs),
            "s" => Some(Shortcut::Save),
            "o" => Some(Shortcut::Open),
            "e" => Some(Shortcut::Export),
            _ => None,
        },
        Key::Character(c) if !modifiers.control() && !modifiers.alt() => {
            match c.to_lowercase().as_str() {
                "b" => Some(Shortcut::ToggleOriginal),
                "r" => Some(Shortcut::ToggleReference),
                _ => None,
            }
        }
        Key::Named(Named::Space) if !command => Some(Shortcut::PlayPause),
        Key::Named(Named::ArrowLeft) => Some(Shortcut::SeekBy(-seek_step(modifiers))),
        Key::Named(Named::ArrowRight) => Some(Shortcut::SeekBy(seek_step(modifiers))),
        Key::Named(Named::ArrowUp) if modifiers.alt() => Some(Shortcut::Move(-1)),
        Key::Named(Named::ArrowDown) if modifiers.alt() => Some(Shortcut::Move(1)),
        Key::Named(Named::ArrowUp) => Some(Shortcut::Select(-1)),
        Key::Named(Named::ArrowDown) => Some(Shortcut::Select(1)),
        Key::Named(Named::Escape) => Some(Shortcut::Escape),
        _ => None,
    }
}

fn seek_step(modifiers: Modifiers) -> f64 {
    if modifiers.shift() {
        SEEK_S * 10.0
    } else {
        SEEK_S
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(c: &str) -> Key {
        Key::Character(c.into())
    }

    #[test]
    fn the_documented_shortcuts_map_as_the_issue_asks() {
        let none = Modifiers::empty();
        let ctrl = Modifiers::CTRL;
        assert_eq!(
            shortcut(&Key::Named(Named::Space), none),
            Some(Shortcut::PlayPause)
        );
        assert_eq!(shortcut(&ch("b"), none), Some(Shortcut::ToggleOriginal));
        assert_eq!(shortcut(&ch("R"), none), Some(Shortcut::ToggleReference));
        assert_eq!(
            shortcut(&Key::Named(Named::ArrowLeft), none),
            Some(Shortcut::SeekBy(-5.0))
        );
        assert_eq!(
            shortcut(&Key::Named(Named::ArrowRight), Modifiers::SHIFT),
            Some(Shortcut::SeekBy(50.0))
        );
        assert_eq!(
            shortcut(&Key::Named(Named::ArrowUp), none),
            Some(Shortcut::Select(-1))
        );
        assert_eq!(
            shortcut(&Key::Named(Named::ArrowDown), Modifiers::ALT),
            Some(Shortcut::Move(1))
        );
        assert_eq!(shortcut(&ch("z"), ctrl), Some(Shortcut::Undo));
        assert_eq!(
            shortcut(&ch("Z"), ctrl | Modifiers::SHIFT),
            Some(Shortcut::Redo)
        );
        assert_eq!(shortcut(&ch("s"), ctrl), Some(Shortcut::Save));
        assert_eq!(
            shortcut(&ch("s"), ctrl | Modifiers::SHIFT),
            Some(Shortcut::SaveAs)
        );
        assert_eq!(shortcut(&ch("x"), none), None);
        assert_eq!(shortcut(&ch("b"), ctrl), None, "Ctrl+B is not B");
    }
}
