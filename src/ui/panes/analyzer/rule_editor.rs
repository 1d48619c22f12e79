//! The "archive similar" rule editor dialog drawn over the pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::panes::analyzer::AnalyzerPane;
use crate::app::panes::analyzer::rule_editor::{Editing, RuleEditor};
use crate::theme::{Slot, Theme};
use crate::ui::style::style;
use crate::ui::text_input;

/// "Archive similar": the rule's name, criteria and apply switch, each editable, with
/// how many current ACTIVE findings it matches.
pub(super) fn draw_rule_editor(
    frame: &mut Frame,
    area: Rect,
    pane: &AnalyzerPane,
    ed: &RuleEditor,
    theme: &Theme,
) {
    let input = style(theme, Slot::Input);
    // The line being typed, with its cursor, after `head`.
    let typing = |target: Editing, head: &str| match &ed.editing {
        Some((t, text)) if *t == target => {
            let mut spans = vec![Span::styled(head.to_string(), input)];
            spans.extend(text_input::spans(text, input));
            Some(spans)
        }
        _ => None,
    };
    let row = |i: usize, label: String, value: String, typed: Option<Vec<Span<'static>>>| {
        let selected = ed.cursor == i && ed.editing.is_none();
        let mut spans = vec![Span::styled(
            format!(" {label:<28}"),
            style(theme, Slot::Muted),
        )];
        match typed {
            Some(t) => spans.extend(t),
            None => spans.push(Span::raw(value)),
        }
        let line = Line::from(spans);
        if selected {
            line.style(style(theme, Slot::Selection))
        } else {
            line
        }
    };
    let mut lines = vec![row(
        0,
        "rule name".into(),
        ed.rule_name.clone(),
        typing(Editing::Name, ""),
    )];
    for (i, (k, v)) in ed.criteria.iter().enumerate() {
        lines.push(row(
            i + 1,
            k.clone(),
            format!("= {}", v.join(" | ")),
            typing(Editing::Criterion(i), "= "),
        ));
    }
    if let Some(t) = typing(Editing::New, "") {
        let mut spans = vec![Span::styled(
            " new criterion KEY=VALUE    ",
            style(theme, Slot::Muted),
        )];
        spans.extend(t);
        lines.push(Line::from(spans));
    }
    lines.push(row(
        ed.criteria.len() + 1,
        "apply to existing findings".into(),
        if ed.apply { "yes" } else { "no" }.into(),
        None,
    ));
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            " matches {} current ACTIVE finding(s)",
            ed.matching(&pane.findings)
        ),
        style(theme, Slot::Header),
    ));
    if let Some(e) = &ed.error {
        lines.push(Line::styled(format!(" {e}"), style(theme, Slot::Error)));
    }
    let hint = if ed.editing.is_some() {
        "enter keep  esc cancel  (values: a, b, c)"
    } else {
        "enter edit  d remove  a add  space apply  y preview  esc cancel"
    };
    lines.push(Line::styled(format!(" {hint}"), style(theme, Slot::Key)));
    let width = area.width.saturating_sub(4).min(90);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = crate::ui::style::centered(area, width, height);
    let block = Block::bordered()
        .title(format!(" Archive rule on {} ", ed.analyzer_name))
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
