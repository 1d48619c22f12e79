//! The status bar (badges, profile, account, region, endpoint) and the notification area.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::style::style;
use crate::app::{NotifyLevel, State};
use crate::theme::Slot;
use crate::ui::text;

pub fn draw_status(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let s = &state.session;
    let text = style(theme, Slot::StatusBar);
    let muted = style(theme, Slot::Muted);
    // Badges first, so a narrow terminal cuts the details, never the READ-ONLY warning.
    let mut spans = Vec::new();
    if s.read_only {
        spans.push(text::span(" READ-ONLY ", style(theme, Slot::BadgeReadOnly)));
        spans.push(text::raw(" "));
    }
    if s.demo {
        spans.push(text::span(" DEMO ", style(theme, Slot::BadgeDemo)));
        spans.push(text::raw(" "));
    }
    if let crate::app::pipeline::Stage::Executing { plan } = &state.pipeline.stage {
        let spin = super::SPINNER[state.spinner % super::SPINNER.len()];
        spans.push(text::span(
            format!("{spin} executing {}  ", plan.id),
            style(theme, Slot::Warning),
        ));
    }
    let account = match &s.identity {
        Some(id) => id.account.clone(),
        None => "…".to_string(),
    };
    let mut field = |label: &str, value: String| {
        spans.push(text::span(format!("{label} "), muted));
        spans.push(text::span(value, text));
        spans.push(text::span("  ", muted));
    };
    field(
        "profile",
        s.profile.clone().unwrap_or_else(|| "default".into()),
    );
    field("account", account);
    // A delegated administrator's `:scope` changes whose findings are shown: early, so
    // 80 columns keep it.
    if let Some(scope) = state
        .findings
        .ocsf
        .scope
        .as_ref()
        .filter(|_| state.findings.on_ocsf())
    {
        field(
            "scope",
            scope.label().trim_start_matches("scope ").to_string(),
        );
    }
    field("region", s.region.clone());
    if let Some(endpoint) = &s.endpoint {
        field("endpoint", endpoint.clone());
    }
    if let Some(api) = state.findings.source.status_label() {
        field("findings", api);
    }
    frame.render_widget(Line::from(spans), area);
}

pub fn draw_notifications(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    for (i, n) in state
        .notifications
        .iter()
        .take(area.height as usize)
        .enumerate()
    {
        let (slot, mark) = match n.level {
            NotifyLevel::Error => (Slot::Error, "✗"),
            NotifyLevel::Warning => (Slot::Warning, "!"),
            NotifyLevel::Success => (Slot::Success, "✓"),
            NotifyLevel::Info => (Slot::Info, "·"),
        };
        let line = Line::from(text::span(
            text::fit(&format!("{mark} {}", n.text()), area.width as usize),
            style(theme, slot),
        ));
        let row = Rect {
            y: area.y + i as u16,
            height: 1,
            ..area
        };
        frame.render_widget(line, row);
    }
}
