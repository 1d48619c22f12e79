//! The audits pane's suppressions view (check, resource, description, expiry; those
//! ending within 7 days highlighted and counted) and the list of findings the last import
//! could not import, with their error codes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};

use crate::app::panes::audits::{AuditsPane, Load};
use crate::app::{Context, State};
use crate::domain::iot_plan::format_date;
use crate::theme::{Slot, Theme};
use crate::ui::style::style;
use crate::ui::text;

fn expiry_text(pane: &AuditsPane, s: &crate::domain::iot::AuditSuppression) -> String {
    match (s.suppress_indefinitely, s.expiration_date) {
        (true, _) | (false, None) => "indefinitely".to_string(),
        (false, Some(e)) => {
            let now = pane.overview.as_ref().map_or(e, |o| o.now);
            let days = ((e - now) / 86_400.0).ceil().max(0.0) as i64;
            format!("{} (in {days}d)", format_date(e))
        }
    }
}

pub fn draw_view(frame: &mut Frame, area: Rect, state: &State) {
    let pane = &state.audits;
    let theme = &state.theme;
    let list = pane.suppressions();
    let expiring = list.iter().filter(|s| pane.is_expiring(s)).count();
    let hint = |action: &crate::app::Action| state.keymap.hint(Context::Audits, action);
    let mut keys: Vec<String> = Vec::new();
    if let Some(k) = hint(&crate::app::Action::Suppress) {
        keys.push(format!("{k} edit"));
    }
    if let Some(k) = hint(&crate::app::Action::Unsuppress) {
        keys.push(format!("{k} delete"));
    }
    if let Some(k) = hint(&crate::app::Action::Back) {
        keys.push(format!("{k} close"));
    }
    let block = Block::bordered()
        .title(text::raw_line(format!(
            " Suppressions ({}) · {expiring} expiring within 7 days ",
            list.len()
        )))
        .title_bottom(text::raw_line(format!(" {} ", keys.join(" · "))))
        .border_style(style(theme, Slot::BorderFocused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(view) = &pane.suppressions_view else {
        return;
    };
    if list.is_empty() {
        let msg = match &view.status {
            Load::Loading => "loading…".to_string(),
            Load::Failed(e) => format!("✗ {e}"),
            _ => "no suppressions".to_string(),
        };
        frame.render_widget(
            Paragraph::new(text::raw_line(msg)).style(style(theme, Slot::Muted)),
            inner,
        );
        return;
    }
    let visible = inner.height.saturating_sub(1) as usize;
    let offset = view.cursor.saturating_sub(visible.saturating_sub(1));
    let rows: Vec<Row> = list
        .iter()
        .skip(offset)
        .take(visible)
        .map(|s| {
            let slot = if pane.is_expiring(s) {
                Slot::Warning
            } else {
                Slot::Text
            };
            Row::new(vec![
                text::cell(s.check_name.clone()),
                text::cell(s.resource_identifier.display()),
                text::cell(expiry_text(pane, s)),
                text::cell(s.description.clone().unwrap_or_default()),
            ])
            .style(style(theme, slot))
        })
        .collect();
    let header =
        Row::new(["Check", "Resource", "Expires", "Description"]).style(style(theme, Slot::Header));
    // Check and resource as wide as their longest entry (within reason): the
    // description gets the rest.
    let widest = |f: &dyn Fn(&crate::domain::iot::AuditSuppression) -> usize, cap: usize| {
        list.iter().map(|s| f(s)).max().unwrap_or(0).clamp(8, cap) as u16
    };
    let widths = [
        Constraint::Length(widest(&|s| s.check_name.len(), 45)),
        Constraint::Length(widest(
            &|s| s.resource_identifier.display().chars().count(),
            30,
        )),
        Constraint::Length(19),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(style(theme, Slot::Selection))
        .highlight_symbol("▶ ");
    let mut ts = TableState::default().with_selected(Some(view.cursor - offset));
    frame.render_stateful_widget(table, inner, &mut ts);
}

pub fn draw_failures(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let pane = &state.audits;
    let retry = match (
        &pane.retry,
        state
            .keymap
            .hint(Context::Audits, &crate::app::Action::RetryFailed),
    ) {
        (Some(_), Some(k)) => format!(" · {k} retries them"),
        _ => String::new(),
    };
    let block = Block::bordered()
        .title(text::raw_line(format!(
            " Not imported ({}){retry} ",
            pane.import_failures.len()
        )))
        .border_style(style(theme, Slot::Error));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let shown = inner.height as usize;
    let mut lines: Vec<ratatui::text::Line> = pane
        .import_failures
        .iter()
        .take(shown)
        .map(|f| {
            text::raw_line(text::fit(
                &format!("{:<22} {} · {}", f.code, f.target, f.message),
                width,
            ))
        })
        .collect();
    let more = pane.import_failures.len().saturating_sub(shown);
    if more > 0
        && let Some(last) = lines.last_mut()
    {
        *last = text::raw_line(format!("… and {} more", more + 1));
    }
    frame.render_widget(
        Paragraph::new(lines).style(style(theme, Slot::Error)),
        inner,
    );
}
