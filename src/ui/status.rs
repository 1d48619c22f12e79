//! The status bar (badges, profile, account, region, endpoint) and the notification area.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::style::{style, truncate};
use crate::app::{NotifyLevel, State};
use crate::theme::Slot;

pub fn draw_status(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let s = &state.session;
    let text = style(theme, Slot::StatusBar);
    let muted = style(theme, Slot::Muted);
    // Badges first, so a narrow terminal cuts the details, never the READ-ONLY warning.
    let mut spans = Vec::new();
    if s.read_only {
        spans.push(Span::styled(
            " READ-ONLY ",
            style(theme, Slot::BadgeReadOnly),
        ));
        spans.push(Span::raw(" "));
    }
    if s.demo {
        spans.push(Span::styled(" DEMO ", style(theme, Slot::BadgeDemo)));
        spans.push(Span::raw(" "));
    }
    if let crate::app::pipeline::Stage::Executing { plan } = &state.pipeline.stage {
        let spin = super::SPINNER[state.spinner % super::SPINNER.len()];
        spans.push(Span::styled(
            format!("{spin} executing {}  ", plan.id),
            style(theme, Slot::Warning),
        ));
    }
    let account = match &s.identity {
        Some(id) => id.account.clone(),
        None => "…".to_string(),
    };
    let mut field = |label: &str, value: String| {
        spans.push(Span::styled(format!("{label} "), muted));
        spans.push(Span::styled(value, text));
        spans.push(Span::styled("  ", muted));
    };
    field(
        "profile",
        s.profile.clone().unwrap_or_else(|| "default".into()),
    );
    field("account", account);
    field("region", s.region.clone());
    if let Some(endpoint) = &s.endpoint {
        field("endpoint", endpoint.clone());
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
        let line = Line::from(Span::styled(
            truncate(&format!("{mark} {}", n.text()), area.width as usize),
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
