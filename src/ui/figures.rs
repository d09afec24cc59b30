//! The figures the desk shows for each track, gathered in one place so the album panel, the
//! album overview and the headroom controls read the same numbers.

/// Where a track stands.
#[derive(Debug, Clone, PartialEq)]
pub enum TrackState {
    /// The source file is not where the project says (offer "locate…").
    Missing,
    /// Waiting for (or in) the background analysis.
    Analysing,
    /// The file could not be read; the text says why.
    Unreadable(String),
    /// Analysed.
    Ready,
}

/// One track's figures, before and after mastering.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackFigures {
    pub state: TrackState,
    /// Length of the source, seconds.
    pub duration_s: Option<f64>,
    /// Integrated loudness of the source, LUFS.
    pub source_lufs: Option<f64>,
    /// True peak of the source, dBTP.
    pub source_true_peak_dbtp: Option<f64>,
    /// Loudness range of the source, LU.
    pub source_lra_lu: Option<f64>,
    /// Integrated loudness after mastering, LUFS: the measured value once the master has been
    /// rendered (`measured`), else the planned target (the render meets it within 0.1 LU unless
    /// `held_back`).
    pub mastered_lufs: Option<f64>,
    /// True peak after mastering, dBTP; `None` until the master has been rendered.
    pub mastered_true_peak_dbtp: Option<f64>,
    /// Largest limiter gain reduction of the master, dB (positive); `None` until rendered.
    pub gain_reduction_db: Option<f64>,
    /// The target needed more limiting than allowed: the track was held back below it.
    pub held_back: bool,
    /// Whether the mastered figures were measured on a render (true) or are the plan (false).
    pub measured: bool,
    /// RMS tonal deviation from the album average over 40 Hz–16 kHz, dB.
    pub deviation_db: Option<f64>,
    /// The same once mastered: the track after its tone EQ against the album average of the
    /// masters (predicted from the analysis; [`crate::ui::mastered_tone`]).
    pub mastered_deviation_db: Option<f64>,
    /// What the analysis noticed about the source (a DC offset, clipping, flipped polarity,
    /// NaN samples…), in words, for the selected row to show.
    pub notices: Vec<String>,
}

impl TrackFigures {
    /// A track with no figures yet in `state`.
    pub fn empty(state: TrackState) -> TrackFigures {
        TrackFigures {
            state,
            duration_s: None,
            source_lufs: None,
            source_true_peak_dbtp: None,
            source_lra_lu: None,
            mastered_lufs: None,
            mastered_true_peak_dbtp: None,
            gain_reduction_db: None,
            held_back: false,
            measured: false,
            deviation_db: None,
            mastered_deviation_db: None,
            notices: Vec::new(),
        }
    }
}
