//! The album assistant in the desk: "Assist…" proposes the smallest tone moves that bring each
//! track toward a target (`assist::propose`, the same as `lathe assist`) and a loudness plan,
//! lists them with their reasons and predicted effect, and previews what each streaming
//! platform's normalisation will do. The user unticks moves, sets amounts (album × track),
//! accepts the loudness plan or not, and applies all of it as one undoable edit.
//!
//! The panel sits beside the tone view rather than over it, so the selected track's proposed
//! curve is visible while reviewing. Changing the options (target, largest move, spread) asks
//! the app to propose again ([`Action::Propose`]): the panel has no analyses of its own.
//!
//! - `view.rs`: the layout, options and the tone tab; `tables.rs`: the headroom and
//!   translation tabs; `preview.rs`: each track's EQ preview.

mod preview;
mod tables;
#[cfg(test)]
mod tests;
mod view;

pub use preview::{preview_hz, PREVIEW_POINTS};

use crate::assist::{AlbumProposal, AssistOptions};
use crate::project::{AlbumSettings, MatchTarget, Project, StereoSettings, ToneSettings, TrackId};

/// What of a track the loudness plan's renders depend on: its tone and stereo settings.
pub type TrackMoves = (ToneSettings, StereoSettings);

/// What the renders behind the loudness plan and the translation preview were made for, in the
/// project Apply would write: each track's tone and stereo, and, when the plan is not ticked,
/// the album settings the export then keeps (the preview is rendered under them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RenderKey {
    /// Each track's tone and stereo, album order.
    pub moves: Vec<TrackMoves>,
    /// The album settings the export keeps when the plan is not ticked (`None`: the plan's).
    pub kept_settings: Option<AlbumSettings>,
}

impl RenderKey {
    /// The key of `applied`, the project `proposal` would write.
    fn of(applied: &Project, proposal: &AlbumProposal) -> RenderKey {
        RenderKey {
            moves: applied
                .tracks
                .iter()
                .map(|t| (t.tone.clone(), t.stereo.clone()))
                .collect(),
            kept_settings: (!crate::assist::writes_plan(proposal))
                .then(|| applied.settings.clone()),
        }
    }
}

/// The album and track amounts offered, 0..=1.
pub const AMOUNTS: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];
/// The largest single move offered, ± dB.
pub const MAX_MOVES_DB: [f64; 6] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// The album spreads offered, LU.
pub const SPREADS_LU: [f64; 6] = [2.0, 4.0, 6.0, 8.0, 10.0, 12.0];

/// Panel messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Accept or reject move `mv` of track `track` (album order).
    Toggle {
        track: usize,
        mv: usize,
        accept: bool,
    },
    /// Accept or reject every move of track `track`.
    ToggleTrack {
        track: usize,
        accept: bool,
    },
    /// Accept or reject every move of the album.
    ToggleAll(bool),
    /// The amount of track `track`'s moves, 0..=1 (multiplied with the album's).
    TrackAmount {
        track: usize,
        amount: f64,
    },
    /// The album's amount of every move, 0..=1.
    Amount(f64),
    /// Accept or reject the loudness plan.
    Headroom(bool),
    /// Propose again toward this target.
    Target(MatchTarget),
    /// Move the blend between album (0) and references (1); proposes again on release.
    Blend(f64),
    /// The blend slider was released: propose again.
    BlendReleased,
    /// Propose again with moves bounded to ± this, dB.
    MaxMove(f64),
    /// Propose again with the album's loudness spread narrowed to this, LU.
    Spread(f64),
    /// Propose again with match curves no narrower than this, octaves between half-gain points.
    NarrowestBand(f64),
    /// Show this tab.
    Tab(Tab),
    /// Select track `track` (album order) in the desk.
    Select(usize),
    /// Write the accepted moves into the project.
    Apply,
    Close,
}

/// The panel's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// Tone moves per track.
    #[default]
    Tone,
    /// The loudness plan.
    Headroom,
    /// What each platform's normalisation does to each track.
    Translation,
}

/// What the app must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    None,
    /// Apply this proposal (its accepted moves and plan) to the project as one undo step.
    Apply(Box<AlbumProposal>),
    /// Propose again with these options and [`AssistPanel::show`] the result.
    Propose(AssistOptions),
    /// Select this track in the desk.
    Select(TrackId),
    /// The proposal changed (ticks, amounts): the tone view's proposed curve follows.
    Changed,
}

/// The panel: closed, a proposal being reviewed, or why there is none.
#[derive(Debug, Default)]
pub struct AssistPanel {
    shown: Option<Result<AlbumProposal, String>>,
    /// The options the shown proposal was made with.
    options: AssistOptions,
    /// Why the references are not what the user may think (a built-in curve stands in).
    stand_in: Option<String>,
    tab: Tab,
    /// The project the proposal is for (the previews apply it to this).
    project: Option<Project>,
    /// The project as Apply would write it (accepted moves at their amounts).
    applied: Option<Project>,
    /// Per track: the EQ response the accepted moves would give, dB at `preview_hz()`.
    previews: Vec<Vec<f64>>,
    /// Per track: the tonal deviation left by what Apply would write now (ticks and amounts), dB.
    deviations: Vec<Option<f64>>,
    /// A new proposal is being made on another thread.
    busy: bool,
    /// The tone and stereo each track had in the project Apply would write when the loudness
    /// plan's peaks were measured: once ticks, amounts, the plan's tick or a desk edit change
    /// them, the plan's limiting is stale until it is rendered again
    /// ([`AssistPanel::set_measured_plan`]).
    measured_for: RenderKey,
    /// The project's references when the proposal was made (its references target).
    references_at_proposal: Vec<crate::project::Reference>,
    /// The album settings the loudness plan was made for (preset, target, ceiling, …).
    settings_at_proposal: Option<crate::project::AlbumSettings>,
}

impl AssistPanel {
    /// Opens the panel on a fresh proposal for `project` made with `options` (or the reason
    /// there is none); `stand_in` says when a built-in curve stands in for the references.
    /// `measured_on` is the project the proposal's peaks were measured on (the desk may have
    /// changed since: then the plan shows as stale).
    pub fn show(
        &mut self,
        proposal: Result<AlbumProposal, String>,
        project: &Project,
        measured_on: &Project,
        options: AssistOptions,
        stand_in: Option<String>,
    ) {
        self.references_at_proposal = measured_on.references.clone();
        self.settings_at_proposal = Some(measured_on.settings.clone());
        self.measured_for = match &proposal {
            Ok(p) => RenderKey::of(&crate::assist::apply(measured_on, p), p),
            Err(_) => RenderKey::default(),
        };
        self.shown = Some(proposal);
        self.busy = false;
        self.options = options;
        self.stand_in = stand_in;
        self.project = Some(project.clone());
        self.refresh();
    }

    /// The project changed under the open panel (an edit in the desk): previews and the
    /// proposed curves follow it.
    pub fn set_project(&mut self, project: &Project) {
        if self.shown.is_none() || self.project.as_ref() == Some(project) {
            return;
        }
        self.project = Some(project.clone());
        self.refresh();
    }

    /// The EQ response the accepted moves at the current amounts give each track, dB at the
    /// preview's frequencies (the chain's own analytic response).
    pub fn previews(&self) -> &[Vec<f64>] {
        &self.previews
    }

    /// Each track's tonal deviation from the target after what Apply would write now (the moves
    /// ticked, at their amounts), dB; the proposal's own prediction is for all moves at full amount.
    pub fn deviations(&self) -> &[Option<f64>] {
        &self.deviations
    }

    /// The edges of the reference corridor the proposal aims at (a built-in curve, with a
    /// references or blend target), on the proposal's bands, dB.
    pub fn corridor(&self) -> Option<(Vec<f64>, Vec<f64>)> {
        self.proposal()?.target.corridor_db.clone()
    }

    /// The tone settings applying would give `track`, when they differ from its current ones.
    pub fn proposed_tone(&self, track: TrackId) -> Option<&ToneSettings> {
        let current = self
            .project
            .as_ref()?
            .tracks
            .iter()
            .find(|t| t.id == track)?;
        let applied = self
            .applied
            .as_ref()?
            .tracks
            .iter()
            .find(|t| t.id == track)?;
        (applied.tone != current.tone).then_some(&applied.tone)
    }

    fn refresh(&mut self) {
        self.previews.clear();
        self.deviations.clear();
        self.applied = None;
        let (Some(Ok(proposal)), Some(project)) = (&self.shown, &self.project) else {
            return;
        };
        let applied = crate::assist::apply(project, proposal);
        // One response per track (a stored curve's FIR designed once) at the preview's
        // frequencies and then the proposal's bands: this runs on the UI thread at every tick.
        let bands = &proposal.target.bands_hz;
        let freqs: Vec<f64> = preview_hz().chain(bands.iter().copied()).collect();
        let responses: Vec<Vec<f64>> = applied
            .tracks
            .iter()
            .map(|t| preview::response_db(&t.tone, &freqs))
            .collect();
        self.previews = responses
            .iter()
            .map(|r| r[..PREVIEW_POINTS].to_vec())
            .collect();
        self.deviations = proposal
            .tracks
            .iter()
            .map(|t| {
                let i = applied.tracks.iter().position(|a| a.id == t.track_id)?;
                // A measured match (no stored curve) depends on the analysis, which the response
                // here leaves out: no figure rather than a wrong one.
                let eq = &applied.tracks[i].tone.match_eq;
                if eq.amount > 0.0 && eq.curve.is_empty() {
                    return None;
                }
                crate::assist::deviation_after(&t.wanted_db, bands, &responses[i][PREVIEW_POINTS..])
            })
            .collect();
        self.applied = Some(applied);
    }

    /// What the renders of the plan and the preview depend on in the project Apply would write
    /// now (empty without a proposal).
    pub fn render_key(&self) -> RenderKey {
        match (&self.applied, self.proposal()) {
            (Some(applied), Some(proposal)) => RenderKey::of(applied, proposal),
            _ => RenderKey::default(),
        }
    }

    /// Whether the proposal aims at the references (or a blend) and the project's references
    /// or their weights changed since it was made: it aims at their old average.
    pub fn references_changed(&self) -> bool {
        self.proposal().is_some()
            && self.options.target != MatchTarget::AlbumAverage
            && self
                .project
                .as_ref()
                .is_some_and(|p| p.references != self.references_at_proposal)
    }

    /// Whether the album's settings (delivery preset, target, ceiling, mode…) changed since the
    /// loudness plan was made for them.
    pub fn settings_changed(&self) -> bool {
        self.proposal().is_some()
            && self
                .project
                .as_ref()
                .zip(self.settings_at_proposal.as_ref())
                .is_some_and(|(p, s)| p.settings != *s)
    }

    /// Whether ticks, amounts, the plan's tick or a desk edit changed what the loudness plan and
    /// the preview were rendered for.
    pub fn peaks_stale(&self) -> bool {
        self.proposal().is_some() && self.render_key() != self.measured_for
    }

    /// Takes the loudness plan and translation preview of `measured` (the proposal under review
    /// rendered for `key`) when the project Apply would write is still that; the user's choice of
    /// accepting the plan is kept. Returns whether it was taken.
    pub fn set_measured_plan(&mut self, key: &RenderKey, measured: &AlbumProposal) -> bool {
        if self.render_key() != *key {
            return false;
        }
        let Some(Ok(proposal)) = &mut self.shown else {
            return false;
        };
        let accepted = proposal.headroom.accepted;
        proposal.headroom = measured.headroom.clone();
        proposal.headroom.accepted = accepted;
        proposal.translation = measured.translation.clone();
        self.measured_for = key.clone();
        true
    }

    pub fn is_open(&self) -> bool {
        self.shown.is_some()
    }

    /// Marks a proposal in the making (the panel says so; the one shown stays until it comes).
    pub fn set_busy(&mut self, busy: bool) {
        self.busy = busy;
    }

    /// Whether a proposal is being made.
    pub fn is_busy(&self) -> bool {
        self.busy
    }

    /// The proposal under review.
    pub fn proposal(&self) -> Option<&AlbumProposal> {
        self.shown.as_ref()?.as_ref().ok()
    }

    /// The options the proposal under review was made with.
    pub fn options(&self) -> &AssistOptions {
        &self.options
    }

    /// The note shown when a built-in curve stands in for missing reference tracks.
    pub fn stand_in(&self) -> Option<&str> {
        self.stand_in.as_deref()
    }

    /// The tab shown.
    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Toggle { track, mv, accept } => self.edit(|p| {
                if let Some(m) = p.tracks.get_mut(track).and_then(|t| t.moves.get_mut(mv)) {
                    m.accepted = accept;
                }
            }),
            Message::ToggleTrack { track, accept } => self.edit(|p| {
                if let Some(t) = p.tracks.get_mut(track) {
                    t.moves.iter_mut().for_each(|m| m.accepted = accept);
                }
            }),
            Message::ToggleAll(accept) => self.edit(|p| {
                p.tracks
                    .iter_mut()
                    .flat_map(|t| &mut t.moves)
                    .for_each(|m| m.accepted = accept);
            }),
            Message::TrackAmount { track, amount } => self.edit(|p| {
                if let Some(t) = p.tracks.get_mut(track) {
                    t.amount = amount.clamp(0.0, 1.0);
                }
            }),
            Message::Amount(amount) => self.edit(|p| p.amount = amount.clamp(0.0, 1.0)),
            Message::Headroom(accept) => self.edit(|p| p.headroom.accepted = accept),
            Message::Target(target) => {
                self.options.target = target;
                self.propose_again()
            }
            Message::Blend(blend) => {
                self.options.blend = blend.clamp(0.0, 1.0);
                Action::None
            }
            Message::BlendReleased => self.propose_again(),
            Message::MaxMove(db) => {
                self.options.max_move_db = db.clamp(MAX_MOVES_DB[0], MAX_MOVES_DB[5]);
                self.propose_again()
            }
            Message::Spread(lu) => {
                self.options.max_spread_lu = lu.clamp(SPREADS_LU[0], SPREADS_LU[5]);
                self.propose_again()
            }
            Message::NarrowestBand(oct) => {
                let [loose, strict] = crate::assist::NARROWEST_BANDS_OCT;
                self.options.narrowest_band_oct = oct.clamp(loose, strict);
                self.propose_again()
            }
            Message::Tab(tab) => {
                self.tab = tab;
                Action::None
            }
            Message::Select(track) => self
                .proposal()
                .and_then(|p| p.tracks.get(track))
                .map_or(Action::None, |t| Action::Select(t.track_id)),
            // The proposal shown is for the options before the change being proposed: applying it
            // would write moves toward a target the panel no longer shows.
            Message::Apply if self.busy => Action::None,
            Message::Apply => match self.shown.take() {
                Some(Ok(proposal)) => {
                    self.forget();
                    Action::Apply(Box::new(proposal))
                }
                _ => Action::None,
            },
            Message::Close => {
                self.shown = None;
                self.forget();
                Action::Changed
            }
        }
    }

    /// Changes the proposal under review and recomputes what depends on it.
    fn edit(&mut self, change: impl FnOnce(&mut AlbumProposal)) -> Action {
        let Some(Ok(proposal)) = &mut self.shown else {
            return Action::None;
        };
        change(proposal);
        self.refresh();
        Action::Changed
    }

    /// Asks for a new proposal under the current options, keeping the album amount.
    fn propose_again(&mut self) -> Action {
        if let Some(p) = self.proposal() {
            self.options.amount = p.amount;
        }
        Action::Propose(self.options.clone())
    }

    fn forget(&mut self) {
        self.project = None;
        self.applied = None;
        self.previews.clear();
        self.deviations.clear();
        self.measured_for = RenderKey::default();
    }
}
