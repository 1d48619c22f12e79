//! The "archive similar" rule editor dialog drawn over the pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::panes::analyzer::rule_editor::{Editing, RuleEditor};
use crate::app::{Action, Context, State};
use crate::theme::Slot;
use crate::ui::style::style;
use crate::ui::text;
use crate::ui::text_input;

/// "Archive similar": the rule's name, criteria and apply switch, each editable, with
/// how many current ACTIVE findings it matches.
pub(super) fn draw_rule_editor(frame: &mut Frame, area: Rect, state: &State, ed: &RuleEditor) {
    let (pane, theme) = (&state.analyzer, &state.theme);
    let input = style(theme, Slot::Input);
    // The line being typed, with its cursor, after `head`.
    let typing = |target: Editing, head: &str| match &ed.editing {
        Some((t, text)) if *t == target => {
            let mut spans = vec![text::span(head.to_string(), input)];
            spans.extend(text_input::spans(text, input));
            Some(spans)
        }
        _ => None,
    };
    let row = |i: usize, label: String, value: String, typed: Option<Vec<Span<'static>>>| {
        let selected = ed.cursor == i && ed.editing.is_none();
        let mut spans = vec![text::span(
            format!(" {label:<28}"),
            style(theme, Slot::Muted),
        )];
        match typed {
            Some(t) => spans.extend(t),
            None => spans.push(text::raw(value)),
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
        let mut spans = vec![text::span(
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
    lines.push(text::line(
        format!(
            " matches {} current ACTIVE finding(s)",
            ed.matching(&pane.findings)
        ),
        style(theme, Slot::Header),
    ));
    if let Some(e) = &ed.error {
        lines.push(text::line(format!(" {e}"), style(theme, Slot::Error)));
    }
    // Enter and esc come from [input]; d, a, space and y are the editor's own keys.
    let key = |a: &Action, label: &str| {
        let pairs = state.keymap.hints(Context::Input, &[(a.clone(), label)]);
        crate::ui::style::hint_text(&pairs, "")
    };
    let hint = if ed.editing.is_some() {
        format!(
            "{}  {}  (values: a, b, c)",
            key(&Action::Open, "keep"),
            key(&Action::Back, "cancel")
        )
    } else {
        format!(
            "{}  d remove  a add  space apply  y preview  {}",
            key(&Action::Open, "edit"),
            key(&Action::Back, "cancel")
        )
    };
    lines.push(text::line(format!(" {hint}"), style(theme, Slot::Key)));
    let width = area.width.saturating_sub(4).min(90);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = crate::ui::style::centered(area, width, height);
    let block = Block::bordered()
        .title(text::raw_line(format!(
            " Archive rule on {} ",
            ed.analyzer_name
        )))
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
