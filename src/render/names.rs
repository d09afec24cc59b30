//! Safe file names for exported tracks: `NN Title.ext`.

/// `NN Title.ext` with characters that are unsafe on common file systems replaced,
/// trimmed, and bounded in length (FAT/NTFS/ext4 and CD-burning tools all accept the result).
pub fn track_file_name(number: usize, title: &str, extension: &str) -> String {
    format!("{number:02} {}.{extension}", safe_title(title))
}

/// A title made safe for a file name; "Untitled" when nothing is left.
pub fn safe_title(title: &str) -> String {
    let mapped: String = title
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let collapsed = mapped.split_whitespace().collect::<Vec<_>>().join(" ");
    // Windows refuses names ending in a dot or space; a leading dot would hide the file.
    let trimmed = collapsed.trim_matches(|c: char| c == '.' || c == ' ');
    let bounded: String = trimmed.chars().take(100).collect();
    let bounded = bounded.trim_end_matches(['.', ' ']).to_string();
    let reserved = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3",
    ];
    if bounded.is_empty() {
        "Untitled".to_string()
    } else if reserved.contains(&bounded.to_ascii_uppercase().as_str()) {
        format!("{bounded}_")
    } else {
        bounded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_replaced() {
        assert_eq!(
            track_file_name(3, "AC/DC: Live?", "wav"),
            "03 AC-DC- Live-.wav"
        );
        assert_eq!(
            track_file_name(12, "  ..Hidden.. ", "flac"),
            "12 Hidden.flac"
        );
        assert_eq!(track_file_name(1, "a\tb\nc", "wav"), "01 a b c.wav");
        assert_eq!(track_file_name(1, "///", "wav"), "01 ---.wav");
        assert_eq!(track_file_name(1, "...", "wav"), "01 Untitled.wav");
        assert_eq!(track_file_name(1, "con", "wav"), "01 con_.wav");
        assert_eq!(safe_title(&"x".repeat(300)).len(), 100);
        assert_eq!(
            track_file_name(2, "Café – déjà vu", "wav"),
            "02 Café – déjà vu.wav"
        );
    }
}
