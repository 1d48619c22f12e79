//! The Access Analyzer pane: a header naming the analyzer and its zone of trust, then the
//! findings table, the analyzers list, the archive rules, or a finding's detail with the
//! role's trust policy and the statement that grants the access highlighted.
//! This module lays out the pane and draws the header; each view has its submodule.

mod detail;
mod lists;
mod rule_editor;
mod table;
mod unused;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::State;
use crate::app::panes::analyzer::{AnalyzerPane, View};
use crate::theme::{Slot, Theme};
use crate::ui::style::style;
use crate::ui::text;
use detail::draw_detail;
use lists::{draw_analyzers, draw_rules};
use rule_editor::draw_rule_editor;
use table::draw_findings;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let pane = &state.analyzer;
    let theme = &state.theme;
    let (head, body) = crate::app::layout::panes::analyzer(crate::ui::area(area));
    let (head, body) = (crate::ui::rect(head), crate::ui::rect(body));
    frame.render_widget(Paragraph::new(header(pane, theme)), head);
    if let Some(d) = &pane.detail {
        return draw_detail(frame, body, d, theme);
    }
    match pane.view {
        View::Findings => draw_findings(frame, body, pane, theme),
        View::Analyzers => draw_analyzers(frame, body, state),
        View::Rules => draw_rules(frame, body, pane, theme),
    }
    if let Some(ed) = &pane.rule_editor {
        draw_rule_editor(frame, body, state, ed);
    }
}

fn header<'a>(pane: &AnalyzerPane, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    match pane.current() {
        Some(a) => {
            spans.push(text::span(
                format!(" {} ", a.name),
                style(theme, Slot::Header),
            ));
            spans.push(text::span(
                format!(
                    "{} · {} · zone of trust: {}",
                    a.kind,
                    a.status,
                    a.zone_of_trust()
                ),
                style(theme, Slot::Muted),
            ));
        }
        None if pane.analyzers_loading => {
            spans.push(text::span(" loading analyzers…", style(theme, Slot::Muted)))
        }
        None => spans.push(text::span(
            " no analyzer selected (:analyzer NAME)",
            style(theme, Slot::Muted),
        )),
    }
    let count = |s: &str| pane.findings.iter().filter(|f| f.status == s).count();
    spans.push(text::span(
        format!(
            "   {} findings: {} active, {} archived, {} resolved{}{}",
            pane.findings.len(),
            count("ACTIVE"),
            count("ARCHIVED"),
            count("RESOLVED"),
            if pane.marked.is_empty() {
                String::new()
            } else {
                format!(", {} marked", pane.marked.len())
            },
            if pane.loading { " · loading…" } else { "" }
        ),
        style(theme, Slot::Text),
    ));
    Line::from(spans)
}
