//! Text cut to a width with "…", at a whole character. iced 0.14 has no ellipsis: a clipped
//! title ends mid-glyph ("Island Dr"), which reads as a rendering fault. The width is measured
//! with the same font and shaping the desk draws with, so the cut falls where the text really
//! ends, and results are remembered per (text, size, width) because a row's view is rebuilt on
//! every meter tick.

use iced::advanced::graphics::text::Paragraph;
use iced::advanced::text::{self, Paragraph as _, Text};
use iced::{alignment, Font, Size};
use std::cell::RefCell;
use std::collections::HashMap;

/// The desk's font (set as the default in `ui::run`).
pub const FONT: Font = Font::with_name("Fira Sans");
/// What ends a cut text.
const ELLIPSIS: char = '…';
/// Most remembered results before the memory starts afresh (titles × widths seen while a window
/// is resized).
const MEMORY: usize = 512;

thread_local! {
    static FITTED: RefCell<HashMap<(String, u32, u32), String>> = RefCell::new(HashMap::new());
}

/// Width of `content` on one line at `size_px`, logical pixels.
pub fn width_px(content: &str, size_px: f32) -> f32 {
    Paragraph::with_text(Text {
        content,
        bounds: Size::INFINITE,
        size: size_px.into(),
        line_height: text::LineHeight::default(),
        font: FONT,
        align_x: text::Alignment::Default,
        align_y: alignment::Vertical::Top,
        shaping: text::Shaping::Advanced,
        wrapping: text::Wrapping::None,
    })
    .min_width()
}

/// `content` as it fits in `max_width_px` at `size_px`: itself when it fits, else its longest
/// start (whole characters, trailing spaces dropped) that fits with "…" after it.
pub fn ellipsized(content: &str, size_px: f32, max_width_px: f32) -> String {
    let key = (
        content.to_string(),
        size_px.to_bits(),
        max_width_px.floor().max(0.0) as u32,
    );
    if let Some(hit) = FITTED.with(|m| m.borrow().get(&key).cloned()) {
        return hit;
    }
    let fitted = fit(content, size_px, max_width_px.floor());
    FITTED.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMORY {
            m.clear();
        }
        m.insert(key, fitted.clone());
    });
    fitted
}

fn fit(content: &str, size_px: f32, max_width_px: f32) -> String {
    if width_px(content, size_px) <= max_width_px {
        return content.to_string();
    }
    let ends: Vec<usize> = content
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .chain([content.len()])
        .collect();
    let with_ellipsis = |n: usize| -> String {
        let start = if n == 0 { "" } else { &content[..ends[n - 1]] };
        format!("{}{ELLIPSIS}", start.trim_end())
    };
    // The longest start that fits (binary search: a longer start is never narrower).
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if width_px(&with_ellipsis(mid), size_px) <= max_width_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    with_ellipsis(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_that_fits_is_kept_and_one_that_does_not_is_cut_at_a_character_with_an_ellipsis() {
        let title = "Island Dreams of a Very Long Afternoon";
        let full = width_px(title, 14.0);
        assert!(full > 100.0, "measured with a real font: {full}");
        assert_eq!(ellipsized(title, 14.0, full + 1.0), title);

        let cut = ellipsized(title, 14.0, full / 2.0);
        assert!(cut.ends_with('…'), "{cut}");
        let start = cut.trim_end_matches('…');
        assert!(title.starts_with(start) && !start.is_empty(), "{cut}");
        assert!(
            !start.ends_with(' '),
            "no space before the ellipsis: {cut:?}"
        );
        assert!(width_px(&cut, 14.0) <= full / 2.0, "{cut} fits");
        // The longest that fits: the next longer candidate (one more visible character) would not.
        let longer = title[start.len()..]
            .char_indices()
            .map(|(i, c)| &title[..start.len() + i + c.len_utf8()])
            .find(|s| s.trim_end() != start)
            .expect("the title was cut, so there is more of it");
        assert!(
            width_px(&format!("{}…", longer.trim_end()), 14.0) > full / 2.0,
            "{cut} vs {longer}"
        );
    }

    #[test]
    fn wide_characters_are_never_split_and_nothing_fits_in_no_room() {
        let title = "Ünïcödé ☂ Fjärran";
        for w in [5.0, 30.0, 60.0, 90.0] {
            let cut = ellipsized(title, 13.0, w);
            // Valid UTF-8 by construction; the start is a prefix at a character boundary.
            assert!(
                title.starts_with(cut.trim_end_matches('…').trim_end()),
                "{cut}"
            );
        }
        assert_eq!(ellipsized(title, 13.0, 0.0), "…");
        // Same answer from memory.
        assert_eq!(ellipsized(title, 13.0, 60.0), ellipsized(title, 13.0, 60.0));
    }
}
