//! Each track's proposed EQ as a small picture: the chain's analytic response of exactly the
//! tone settings Apply would write, on a log axis 20 Hz–20 kHz.

use super::Message;
use crate::dsp::MatchKernel;
use crate::project::{LimiterCharacter, StereoSettings, ToneSettings};
use crate::render::params::chain_params;
use crate::ui::theme;
use iced::widget::canvas::{self, Frame, Path, Stroke};
use iced::{mouse, Point, Rectangle, Renderer, Theme};

/// The preview's frequency points (log-spaced, 20 Hz–20 kHz).
pub const PREVIEW_POINTS: usize = 64;
/// The preview's level range, ± dB.
const PREVIEW_DB: f64 = 6.0;
/// The rate the response is evaluated at, Hz (as the tone view does).
const RESPONSE_RATE_HZ: f64 = 48_000.0;

/// The preview's frequencies, Hz.
pub fn preview_hz() -> impl Iterator<Item = f64> {
    (0..PREVIEW_POINTS).map(|i| 20.0 * 1000f64.powf(i as f64 / (PREVIEW_POINTS - 1) as f64))
}

/// The response of `tone` at `freqs` (Hz), dB: the tone EQ plus a stored match curve at its
/// amount (a measured match curve depends on the analysis and shows in the tone view).
pub fn response_db(tone: &ToneSettings, freqs: &[f64]) -> Vec<f64> {
    let params = chain_params(
        tone,
        &StereoSettings::default(),
        0.0,
        -1.0,
        LimiterCharacter::default(),
    );
    // A stored curve as its FIR applies it (as the tone view draws it).
    let stored = &tone.match_eq.curve;
    let matched: Vec<f64> = if stored.is_empty() {
        vec![0.0; freqs.len()]
    } else {
        let gains: Vec<f64> = stored.iter().map(|p| p.gain_db).collect();
        let centres: Vec<f64> = stored.iter().map(|p| p.freq_hz).collect();
        MatchKernel::design(&gains, &centres, RESPONSE_RATE_HZ).realised_db(freqs)
    };
    freqs
        .iter()
        .zip(&matched)
        .map(|(&f, &m)| params.tone_response_db(f, RESPONSE_RATE_HZ) + params.match_response_db(m))
        .collect()
}

/// A small picture of one track's proposed EQ: ±6 dB around a 0 dB line.
pub struct Preview<'a> {
    pub response: &'a [f64],
}

impl canvas::Program<Message> for Preview<'_> {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let mut frame = Frame::new(renderer, bounds.size());
        let (w, h) = (bounds.width, bounds.height);
        let y = |db: f64| {
            (h / 2.0) - (db.clamp(-PREVIEW_DB, PREVIEW_DB) / PREVIEW_DB) as f32 * (h / 2.0 - 2.0)
        };
        frame.fill_rectangle(Point::ORIGIN, bounds.size(), theme::RAISED);
        frame.stroke(
            &Path::line(Point::new(0.0, h / 2.0), Point::new(w, h / 2.0)),
            Stroke::default().with_color(theme::LINE).with_width(1.0),
        );
        let last = (self.response.len().max(2) - 1) as f32;
        let curve = Path::new(|p| {
            for (i, &db) in self.response.iter().enumerate() {
                let point = Point::new(i as f32 / last * w, y(db));
                if i == 0 {
                    p.move_to(point);
                } else {
                    p.line_to(point);
                }
            }
        });
        frame.stroke(
            &curve,
            Stroke::default().with_color(theme::EQ).with_width(2.0),
        );
        vec![frame.into_geometry()]
    }
}
