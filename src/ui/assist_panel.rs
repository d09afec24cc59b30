//! The album assistant in the desk: "Assist…" proposes the smallest tone moves that bring each
//! track toward the album's balance (`assist::propose`, the same as `lathe assist`), lists them
//! with their reasons and predicted effect, lets the user untick any, and applies the accepted
//! ones as one undoable edit.

use super::export::style;
use super::theme;
use crate::assist::AlbumProposal;
use crate::project::{LimiterCharacter, Project, StereoSettings};
use crate::render::params::chain_params;
use iced::widget::canvas::{self, Frame, Path, Stroke};
use iced::widget::{button, checkbox, column, container, opaque, row, scrollable, space, text};
use iced::{mouse, Alignment, Element, Fill, Length, Point, Rectangle, Renderer, Theme};

/// The preview's frequency points (log-spaced, 20 Hz–20 kHz) and its dB range (±).
const PREVIEW_POINTS: usize = 64;
const PREVIEW_DB: f64 = 6.0;

/// Panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Accept or reject move `mv` of track `track` (album order).
    Toggle {
        track: usize,
        mv: usize,
        accept: bool,
    },
    /// The album's amount of every move, 0..=1.
    Amount(f64),
    /// Write the accepted moves into the project.
    Apply,
    Close,
}

/// What the app must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Apply this proposal (its accepted moves) to the project as one undo step.
    Apply(Box<AlbumProposal>),
}

/// The panel: closed, a proposal being reviewed, or why there is none.
#[derive(Debug, Default)]
pub struct AssistPanel {
    shown: Option<Result<AlbumProposal, String>>,
    /// The project the proposal is for (the previews apply it to this).
    project: Option<Project>,
    /// Per track: the EQ response the accepted moves would give, dB at `preview_hz()`.
    previews: Vec<Vec<f64>>,
}

/// The preview's frequencies, Hz.
fn preview_hz() -> impl Iterator<Item = f64> {
    (0..PREVIEW_POINTS).map(|i| 20.0 * 1000f64.powf(i as f64 / (PREVIEW_POINTS - 1) as f64))
}

impl AssistPanel {
    /// Opens the panel on a fresh proposal for `project` (or the reason there is none).
    pub fn show(&mut self, proposal: Result<AlbumProposal, String>, project: &Project) {
        self.shown = Some(proposal);
        self.project = Some(project.clone());
        self.refresh_previews();
    }

    /// The EQ response the accepted moves at the current amount give each track, dB at the
    /// preview's frequencies (the chain's own analytic response).
    pub fn previews(&self) -> &[Vec<f64>] {
        &self.previews
    }

    fn refresh_previews(&mut self) {
        self.previews.clear();
        let (Some(Ok(proposal)), Some(project)) = (&self.shown, &self.project) else {
            return;
        };
        let applied = crate::assist::apply(project, proposal);
        self.previews = applied
            .tracks
            .iter()
            .map(|t| {
                let params = chain_params(
                    &t.tone,
                    &StereoSettings::default(),
                    0.0,
                    -1.0,
                    LimiterCharacter::default(),
                );
                preview_hz()
                    .map(|f| params.tone_response_db(f, 48_000.0))
                    .collect()
            })
            .collect();
    }

    pub fn is_open(&self) -> bool {
        self.shown.is_some()
    }

    /// The proposal under review.
    pub fn proposal(&self) -> Option<&AlbumProposal> {
        self.shown.as_ref()?.as_ref().ok()
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Toggle { track, mv, accept } => {
                if let Some(Ok(p)) = &mut self.shown {
                    if let Some(m) = p.tracks.get_mut(track).and_then(|t| t.moves.get_mut(mv)) {
                        m.accepted = accept;
                    }
                }
                self.refresh_previews();
                Action::None
            }
            Message::Amount(amount) => {
                if let Some(Ok(p)) = &mut self.shown {
                    p.amount = amount.clamp(0.0, 1.0);
                }
                self.refresh_previews();
                Action::None
            }
            Message::Apply => match self.shown.take() {
                Some(Ok(proposal)) => Action::Apply(Box::new(proposal)),
                _ => Action::None,
            },
            Message::Close => {
                self.shown = None;
                Action::None
            }
        }
    }

    /// The modal layer (the desk below takes no clicks while it is open).
    pub fn view(&self) -> Element<'_, Message> {
        let body: Element<'_, Message> = match &self.shown {
            None => space::horizontal().into(),
            Some(Err(reason)) => column![
                text("The assistant has no proposal").size(18),
                text(reason.as_str()).size(14).color(theme::WARNING),
                button(text("Close").size(14))
                    .style(theme::transport_button)
                    .on_press(Message::Close),
            ]
            .spacing(12)
            .into(),
            Some(Ok(proposal)) => proposal_view(proposal, &self.previews),
        };
        let card = container(body).padding(24).width(860).style(style::card);
        opaque(
            container(card)
                .center(Fill)
                .padding(24)
                .style(style::backdrop),
        )
    }
}

fn proposal_view<'a>(
    proposal: &'a AlbumProposal,
    previews: &'a [Vec<f64>],
) -> Element<'a, Message> {
    let db = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1} dB"));
    // Room on the right for the scrollbar.
    let mut list = column![].spacing(10).padding(iced::Padding {
        right: 14.0,
        ..iced::Padding::ZERO
    });
    for (t, track) in proposal.tracks.iter().enumerate() {
        let preview: Element<'a, Message> = match previews.get(t).filter(|p| !p.is_empty()) {
            Some(response) if !track.moves.is_empty() => iced::widget::canvas(Preview { response })
                .width(Length::Fixed(150.0))
                .height(Length::Fixed(30.0))
                .into(),
            _ => space::horizontal().width(150).into(),
        };
        let mut block = column![row![
            text(format!("{}  {}", track.number, track.title))
                .size(15)
                .width(Fill),
            preview,
            text(format!(
                "deviation {} → {}",
                db(track.deviation_db),
                db(track.predicted_deviation_db)
            ))
            .size(13)
            .color(theme::MUTED),
        ]
        .spacing(12)
        .align_y(Alignment::Center)]
        .spacing(4);
        block = block.push(text(track.summary.as_str()).size(13).color(theme::MUTED));
        for (m, mv) in track.moves.iter().enumerate() {
            block = block.push(
                checkbox(mv.accepted)
                    .label(mv.reason.as_str())
                    .text_size(13)
                    .on_toggle(move |accept| Message::Toggle {
                        track: t,
                        mv: m,
                        accept,
                    }),
            );
        }
        list = list.push(
            container(block)
                .padding([6, 10])
                .width(Fill)
                .style(theme::panel),
        );
    }
    let accepted = proposal
        .tracks
        .iter()
        .flat_map(|t| &t.moves)
        .filter(|m| m.accepted)
        .count();
    let amounts = [0.25, 0.5, 0.75, 1.0].map(|a| {
        button(text(format!("{:.0} %", a * 100.0)).size(13))
            .padding([3, 10])
            .style(theme::segment((proposal.amount - a).abs() < 1e-9))
            .on_press(Message::Amount(a))
            .into()
    });
    let amount_row = row![text("Amount of every move").size(13).color(theme::MUTED)]
        .extend(amounts)
        .spacing(6)
        .align_y(Alignment::Center);
    column![
        text("Assistant: tone moves toward the album").size(20),
        text(format!(
            "Target: {}. Each move stays within ±{:.1} dB; tracks within ±{:.1} dB get none. Untick what you do not want; applying is one undo step.",
            proposal.target.label, proposal.max_move_db, proposal.tolerance_db
        ))
        .size(13)
        .color(theme::MUTED),
        scrollable(list).height(Length::Fixed(440.0)),
        row![
            amount_row,
            space::horizontal(),
            button(text("Close").size(14))
                .style(theme::transport_button)
                .on_press(Message::Close),
            button(text(format!("Apply {accepted} moves")).size(14))
                .style(style::primary)
                .on_press_maybe((accepted > 0).then_some(Message::Apply)),
        ]
        .spacing(8),
    ]
    .spacing(12)
    .into()
}

/// A small picture of one track's proposed EQ: its response on a log axis 20 Hz–20 kHz,
/// ±6 dB, around a 0 dB line.
struct Preview<'a> {
    response: &'a [f64],
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
