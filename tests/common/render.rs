//! Headless rendering through `update` and `ui::draw` alone, no runtime: a state sized as
//! the runtime's first Resize leaves it, keys typed into it, and what the terminal shows.
//! (Snapshots stay in each test file: insta names them after the calling module.)

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secdeck::app::{Action, Effect, Key, Keymap, Session, State, update};
use secdeck::theme::Theme;
use secdeck::ui::draw;

/// The fixed seed of [`headless`] states' plan ids (snapshots show them).
pub fn fixed_plan_ids() -> secdeck::domain::plan::PlanIds {
    secdeck::domain::plan::PlanIds::new(1_764_806_400_000, [0x5e; 8])
}

/// A state for `session` with the embedded keymap, `width` x `height`, plan ids from
/// [`fixed_plan_ids`].
pub fn headless(session: Session, theme: Theme, width: u16, height: u16) -> State {
    let mut s = State::new(session, Keymap::default_embedded(), theme);
    s.pipeline.ids = fixed_plan_ids();
    update(&mut s, Action::Resize { width, height });
    s
}

/// Types `seq` (see `Key::sequence`) through `update`; the effects it asked for.
pub fn type_keys(s: &mut State, seq: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for k in Key::sequence(seq).expect("keys") {
        out.extend(update(s, Action::Key(k)));
    }
    out
}

/// `s` drawn on a `width` x `height` test terminal.
pub fn render(s: &State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    t.draw(|f| draw(f, s)).expect("draw");
    t
}

/// Every cell's symbol, row after row, without line breaks.
pub fn buffer_text(t: &Terminal<TestBackend>) -> String {
    t.backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .collect()
}

/// Starts the console (`init`) and answers its first findings read with `findings`, as a
/// one-page GetFindings would.
pub fn with_findings(s: &mut State, findings: Vec<secdeck::domain::finding::Finding>) {
    secdeck::app::init(s);
    let request = s.findings.request;
    let page = secdeck::app::FindingsMsg::Page {
        request,
        findings,
        next_token: None,
    };
    update(s, Action::Pane(secdeck::app::PaneMsg::Findings(page)));
}
