//! The Access Analyzer pane: a header naming the analyzer and its zone of trust, then the
//! findings table, the analyzers list, the archive rules, or a finding's detail with the
//! role's trust policy and the statement that grants the access highlighted.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table};

use super::style::style;
use crate::app::State;
use crate::app::analyzer::{AnalyzerPane, Detail, View};
use crate::app::analyzer_rule_editor::{Editing, RuleEditor};
use crate::domain::analyzer::AccessFinding;
use crate::domain::policy::eval::granting_statements;
use crate::domain::policy::{PolicyDocument, PrincipalEntry, PrincipalKind};
use crate::theme::{Slot, Theme};

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let pane = &state.analyzer;
    let theme = &state.theme;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(header(pane, theme)), head);
    if let Some(d) = &pane.detail {
        return draw_detail(frame, body, d, theme);
    }
    match pane.view {
        View::Findings => draw_findings(frame, body, pane, theme),
        View::Analyzers => draw_analyzers(frame, body, pane, theme),
        View::Rules => draw_rules(frame, body, pane, theme),
    }
    if let Some(ed) = &pane.rule_editor {
        draw_rule_editor(frame, body, pane, ed, theme);
    }
}

/// "Archive similar": the rule's name, criteria and apply switch, each editable, with
/// how many current ACTIVE findings it matches.
fn draw_rule_editor(
    frame: &mut Frame,
    area: Rect,
    pane: &AnalyzerPane,
    ed: &RuleEditor,
    theme: &Theme,
) {
    let typing = |target: Editing| match &ed.editing {
        Some((t, text)) if *t == target => Some(format!("{text}▏")),
        _ => None,
    };
    let row = |i: usize, label: String, value: String, typed: Option<String>| {
        let selected = ed.cursor == i && ed.editing.is_none();
        let line = Line::from(vec![
            Span::styled(format!(" {label:<28}"), style(theme, Slot::Muted)),
            match typed {
                Some(t) => Span::styled(t, style(theme, Slot::Input)),
                None => Span::raw(value),
            },
        ]);
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
        typing(Editing::Name),
    )];
    for (i, (k, v)) in ed.criteria.iter().enumerate() {
        lines.push(row(
            i + 1,
            k.clone(),
            format!("= {}", v.join(" | ")),
            typing(Editing::Criterion(i)).map(|t| format!("= {t}")),
        ));
    }
    if let Some(t) = typing(Editing::New) {
        lines.push(Line::from(vec![
            Span::styled(" new criterion KEY=VALUE    ", style(theme, Slot::Muted)),
            Span::styled(t, style(theme, Slot::Input)),
        ]));
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
    let rect = super::style::centered(area, width, height);
    let block = Block::bordered()
        .title(format!(" Archive rule on {} ", ed.analyzer_name))
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn header<'a>(pane: &AnalyzerPane, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    match pane.current() {
        Some(a) => {
            spans.push(Span::styled(
                format!(" {} ", a.name),
                style(theme, Slot::Header),
            ));
            spans.push(Span::styled(
                format!(
                    "{} · {} · zone of trust: {}",
                    a.kind,
                    a.status,
                    a.zone_of_trust()
                ),
                style(theme, Slot::Muted),
            ));
        }
        None if pane.analyzers_loading => spans.push(Span::styled(
            " loading analyzers…",
            style(theme, Slot::Muted),
        )),
        None => spans.push(Span::styled(
            " no analyzer selected (:analyzer NAME)",
            style(theme, Slot::Muted),
        )),
    }
    let count = |s: &str| pane.findings.iter().filter(|f| f.status == s).count();
    spans.push(Span::styled(
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

fn status_slot(status: &str) -> Slot {
    match status {
        "ACTIVE" => Slot::Warning,
        "RESOLVED" => Slot::Success,
        _ => Slot::Muted,
    }
}

fn short_type(t: &str) -> &str {
    t.strip_prefix("AWS::").unwrap_or(t)
}

/// The resource part of an ARN (`role/path/Name`, a bucket name), which is what differs.
fn short_resource(arn: &str) -> &str {
    arn.splitn(6, ':')
        .nth(5)
        .filter(|r| !r.is_empty())
        .unwrap_or(arn)
}

fn short_finding_type(t: &str) -> String {
    match t {
        "ExternalAccess" => "external".into(),
        "InternalAccess" => "internal".into(),
        other => other
            .replace("Unused", "unused ")
            .replace("IAMUser", "user ")
            .trim()
            .to_string(),
    }
}

/// Principals in the table without the `arn:aws:iam::` noise.
fn short_principal(f: &AccessFinding) -> String {
    f.principal
        .iter()
        .map(|(k, v)| {
            let v = v
                .strip_prefix("arn:aws:iam::")
                .or_else(|| v.strip_prefix("arn:aws:sts::"))
                .unwrap_or(v);
            if k == "AWS" {
                v.to_string()
            } else {
                format!("{k}: {v}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn draw_findings(frame: &mut Frame, area: Rect, pane: &AnalyzerPane, theme: &Theme) {
    let mut title = " Findings ".to_string();
    if !pane.filter.is_empty() {
        let terms: Vec<String> = pane
            .filter
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        title = format!(" Findings where {} ", terms.join(" "));
    }
    if let Some(g) = &pane.group {
        title.push_str(&format!("grouped by {g} "));
    }
    let block = Block::bordered()
        .title(title)
        .border_style(style(theme, Slot::BorderFocused));
    let inner_rows = area.height.saturating_sub(3) as usize;
    let start = pane.cursor.saturating_sub(inner_rows.saturating_sub(1));
    let visible = pane.visible();
    let rows: Vec<Row> = visible
        .iter()
        .enumerate()
        .skip(start)
        .take(inner_rows)
        .map(|(i, f)| {
            let mark = if pane.marked.contains(&f.id) {
                "*"
            } else {
                " "
            };
            let row = Row::new(vec![
                Span::raw(mark.to_string()),
                Span::styled(f.status.clone(), style(theme, status_slot(&f.status))),
                Span::raw(short_finding_type(&f.finding_type)),
                Span::raw(short_type(&f.resource_type).to_string()),
                Span::raw(short_resource(&f.resource).to_string()),
                Span::raw(f.account.clone()),
                Span::raw(short_principal(f)),
                Span::raw(f.actions.join(",")),
                Span::raw(
                    match f.is_public {
                        Some(true) => "public",
                        _ => "",
                    }
                    .to_string(),
                ),
                Span::raw(f.updated_at.get(..10).unwrap_or_default().to_string()),
            ]);
            if i == pane.cursor {
                row.style(style(theme, Slot::Selection))
            } else {
                row
            }
        })
        .collect();
    let widths = [
        Constraint::Length(1),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(14),
        Constraint::Fill(4),
        Constraint::Length(12),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(6),
        Constraint::Length(10),
    ];
    let head = Row::new([
        "",
        "status",
        "type",
        "resource type",
        "resource",
        "account",
        "principal",
        "actions",
        "public",
        "updated",
    ])
    .style(style(theme, Slot::Header));
    let table = Table::new(rows, widths)
        .header(head)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
    if visible.is_empty() {
        let msg = match &pane.error {
            Some(e) => e.clone(),
            None if pane.loading || pane.analyzers_loading => "loading…".into(),
            None => "no findings".into(),
        };
        let line = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        if area.height > 3 {
            frame.render_widget(Paragraph::new(msg).style(style(theme, Slot::Muted)), line);
        }
    }
}

fn draw_analyzers(frame: &mut Frame, area: Rect, pane: &AnalyzerPane, theme: &Theme) {
    let block = Block::bordered()
        .title(" Analyzers (enter picks) ")
        .border_style(style(theme, Slot::BorderFocused));
    let rows: Vec<Row> = pane
        .analyzers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let chosen = if pane.selected.as_ref() == Some(&a.name) {
                "●"
            } else {
                " "
            };
            let row = Row::new(vec![
                chosen.to_string(),
                a.name.clone(),
                a.kind.clone(),
                a.status.clone(),
                a.zone_of_trust(),
                a.created_at.get(..10).unwrap_or_default().to_string(),
            ]);
            if i == pane.analyzer_cursor {
                row.style(style(theme, Slot::Selection))
            } else {
                row
            }
        })
        .collect();
    let widths = [
        Constraint::Length(1),
        Constraint::Fill(2),
        Constraint::Length(24),
        Constraint::Length(8),
        Constraint::Fill(2),
        Constraint::Length(10),
    ];
    let head = Row::new(["", "name", "type", "status", "zone of trust", "created"])
        .style(style(theme, Slot::Header));
    frame.render_widget(
        Table::new(rows, widths)
            .header(head)
            .block(block)
            .column_spacing(1),
        area,
    );
}

fn draw_rules(frame: &mut Frame, area: Rect, pane: &AnalyzerPane, theme: &Theme) {
    let block = Block::bordered()
        .title(" Archive rules (:delete-rule NAME) ")
        .border_style(style(theme, Slot::BorderFocused));
    let mut lines = Vec::new();
    for (name, criteria) in &pane.rules {
        lines.push(Line::styled(name.clone(), style(theme, Slot::Header)));
        for (k, v) in criteria {
            lines.push(Line::styled(
                format!("  {k} = {}", v.join(" | ")),
                style(theme, Slot::Text),
            ));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("no archive rules", style(theme, Slot::Muted)));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn field<'a>(label: &str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<14}"), style(theme, Slot::Muted)),
        Span::styled(value, style(theme, Slot::Text)),
    ])
}

fn finding_lines<'a>(f: &AccessFinding, theme: &Theme) -> Vec<Line<'a>> {
    let mut out = vec![
        field("Id", f.id.clone(), theme),
        field("Status", f.status.clone(), theme),
        field("Type", f.finding_type.clone(), theme),
        field("Resource", f.resource.clone(), theme),
        field("Resource type", f.resource_type.clone(), theme),
        field("Account", f.account.clone(), theme),
        field("Principal", f.principal_text(), theme),
        field("Actions", f.actions.join(", "), theme),
        field(
            "Condition",
            f.condition
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join("; "),
            theme,
        ),
        field(
            "Public",
            f.is_public.map(|p| p.to_string()).unwrap_or_default(),
            theme,
        ),
        field("Created", f.created_at.clone(), theme),
        field("Updated", f.updated_at.clone(), theme),
    ];
    if let Some(e) = &f.error {
        out.push(field("Error", e.clone(), theme));
    }
    out
}

fn draw_detail(frame: &mut Frame, area: Rect, d: &Detail, theme: &Theme) {
    let block = Block::bordered()
        .title(" Finding ")
        .border_style(style(theme, Slot::BorderFocused));
    let mut lines = finding_lines(&d.finding, theme);
    lines.push(Line::default());
    if let Some(why) = d
        .finding
        .remediation_blocker()
        .filter(|_| !d.finding.is_role())
    {
        lines.push(Line::styled(why, style(theme, Slot::Info)));
    } else {
        match &d.policy {
            None => lines.push(Line::styled(
                "trust policy: loading…",
                style(theme, Slot::Muted),
            )),
            Some(Err(e)) => lines.push(Line::styled(
                format!("trust policy: {e}"),
                style(theme, Slot::Error),
            )),
            Some(Ok(text)) => lines.extend(policy_lines(&d.finding, text, theme)),
        }
    }
    let lines: Vec<Line> = lines.into_iter().skip(d.scroll).collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The trust policy pretty-printed, the statements granting the finding's principal marked.
fn policy_lines<'a>(f: &AccessFinding, text: &str, theme: &Theme) -> Vec<Line<'a>> {
    let mut out = vec![Line::styled(
        "Trust policy (▌ grants the access in this finding)",
        style(theme, Slot::Header),
    )];
    let doc = match PolicyDocument::parse(text) {
        Ok(d) => d,
        Err(e) => {
            out.push(Line::styled(
                format!("cannot parse: {e}"),
                style(theme, Slot::Error),
            ));
            out.push(Line::styled(text.to_string(), style(theme, Slot::Muted)));
            return out;
        }
    };
    let entries: Vec<PrincipalEntry> = f
        .principal
        .iter()
        .filter_map(|(k, v)| PrincipalEntry::new(PrincipalKind::parse(k)?, v).ok())
        .collect();
    let granting = granting_statements(&doc, &entries);
    let (lines, spans) = doc.pretty_with_spans();
    for (i, line) in lines.into_iter().enumerate() {
        let hot = spans
            .iter()
            .enumerate()
            .any(|(s, r)| granting.contains(&s) && r.contains(&i));
        out.push(if hot {
            Line::from(vec![
                Span::styled("▌", style(theme, Slot::Warning)),
                Span::styled(line, style(theme, Slot::Warning)),
            ])
        } else {
            Line::from(vec![
                Span::raw(" "),
                Span::styled(line, style(theme, Slot::Text)),
            ])
        });
    }
    out
}
