//! CD cue sheets for a single album WAV (Red Book: 75 frames per second, 588 samples per frame at 44.1 kHz).

/// Samples per CD frame (sector) at 44.1 kHz.
pub const CD_FRAME_SAMPLES: u64 = 588;
/// CD frames per second.
pub const CD_FRAMES_PER_S: u64 = 75;
/// Shortest track the Red Book allows, seconds.
pub const MIN_TRACK_S: f64 = 4.0;
/// Most tracks on a CD.
pub const MAX_TRACKS: usize = 99;

/// One track of the album WAV, positions in samples at 44.1 kHz, all on CD-frame boundaries.
#[derive(Debug, Clone, PartialEq)]
pub struct CueTrack {
    pub title: String,
    /// Where the pregap (the gap before the track) starts: INDEX 00. Equal to `start` when there is no gap.
    pub pregap_start: u64,
    /// Where the track itself starts: INDEX 01.
    pub start: u64,
}

/// `mm:ss:ff` for a sample position on a CD-frame boundary.
pub fn msf(samples: u64) -> String {
    let frames = samples / CD_FRAME_SAMPLES;
    let (m, rest) = (
        frames / (60 * CD_FRAMES_PER_S),
        frames % (60 * CD_FRAMES_PER_S),
    );
    format!(
        "{:02}:{:02}:{:02}",
        m,
        rest / CD_FRAMES_PER_S,
        rest % CD_FRAMES_PER_S
    )
}

/// Rounds a sample count up to the next CD-frame boundary.
pub fn to_frame_boundary(samples: u64) -> u64 {
    samples.div_ceil(CD_FRAME_SAMPLES) * CD_FRAME_SAMPLES
}

/// The cue sheet text for `wav_name` holding `tracks` (gaps as INDEX 00 pregaps).
pub fn cue_sheet(album_title: &str, artist: &str, wav_name: &str, tracks: &[CueTrack]) -> String {
    let quote = |s: &str| s.replace('"', "'");
    let mut out = String::new();
    if !artist.is_empty() {
        out += &format!("PERFORMER \"{}\"\n", quote(artist));
    }
    out += &format!(
        "TITLE \"{}\"\nFILE \"{}\" WAVE\n",
        quote(album_title),
        quote(wav_name)
    );
    for (i, t) in tracks.iter().enumerate() {
        out += &format!(
            "  TRACK {:02} AUDIO\n    TITLE \"{}\"\n",
            i + 1,
            quote(&t.title)
        );
        if !artist.is_empty() {
            out += &format!("    PERFORMER \"{}\"\n", quote(artist));
        }
        // The first track's pregap is the disc's lead-in: INDEX 01 at 00:00:00 is what players expect.
        if t.pregap_start < t.start && i > 0 {
            out += &format!("    INDEX 00 {}\n", msf(t.pregap_start));
        }
        out += &format!("    INDEX 01 {}\n", msf(t.start));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msf_counts_minutes_seconds_frames() {
        assert_eq!(msf(0), "00:00:00");
        assert_eq!(msf(588), "00:00:01");
        assert_eq!(msf(44100), "00:01:00");
        assert_eq!(msf(44100 * 61 + 588 * 74), "01:01:74");
        assert_eq!(to_frame_boundary(1), 588);
        assert_eq!(to_frame_boundary(588), 588);
        assert_eq!(to_frame_boundary(0), 0);
    }

    #[test]
    fn cue_sheet_has_pregaps_as_index_00() {
        let tracks = vec![
            CueTrack {
                title: "One".into(),
                pregap_start: 0,
                start: 0,
            },
            CueTrack {
                title: "Two \"live\"".into(),
                pregap_start: 44100 * 200,
                start: 44100 * 202,
            },
        ];
        let cue = cue_sheet("Album", "Band", "Album.wav", &tracks);
        assert!(cue.contains("FILE \"Album.wav\" WAVE"));
        assert!(cue.contains("  TRACK 02 AUDIO\n    TITLE \"Two 'live'\"\n    PERFORMER \"Band\"\n    INDEX 00 03:20:00\n    INDEX 01 03:22:00\n"), "{cue}");
        assert!(!cue
            .contains("TRACK 01 AUDIO\n    TITLE \"One\"\n    PERFORMER \"Band\"\n    INDEX 00"));
    }
}
