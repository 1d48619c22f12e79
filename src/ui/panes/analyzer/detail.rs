//! A finding's detail: its fields, then the role's trust policy with the statements that
//! grant the access marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::app::panes::analyzer::Detail;
use crate::domain::analyzer::AccessFinding;
use crate::domain::policy::eval::granting_statements;
use crate::domain::policy::{PolicyDocument, PrincipalEntry, PrincipalKind};
use crate::theme::{Slot, Theme};
use crate::ui::style::style;
use crate::ui::text;

fn field<'a>(label: &str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        text::span(format!("{label:<14}"), style(theme, Slot::Muted)),
        text::span(value, style(theme, Slot::Text)),
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
        field("Created", f.created_at.clone(), theme),
        field("Updated", f.updated_at.clone(), theme),
    ];
    // Who can access: external and internal findings (unused ones have no principal).
    if f.is_access() {
        let at = out.len() - 2;
        let who = vec![
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
        ];
        out.splice(at..at, who);
    }
    if let Some(e) = &f.error {
        out.push(field("Error", e.clone(), theme));
    }
    out.extend(super::unused::detail_lines(f, |l, v| field(l, v, theme)));
    out
}

pub(super) fn draw_detail(frame: &mut Frame, area: Rect, d: &Detail, theme: &Theme) {
    let block = Block::bordered()
        .title(" Finding ")
        .border_style(style(theme, Slot::BorderFocused));
    let mut lines = finding_lines(&d.finding, theme);
    lines.push(Line::default());
    if !d.finding.is_access() {
        // Unused access is about the role's permissions, not who may assume it.
    } else if let Some(why) = d
        .finding
        .remediation_blocker()
        .filter(|_| !d.finding.is_role())
    {
        lines.push(text::line(why, style(theme, Slot::Info)));
    } else {
        match &d.policy {
            None => lines.push(text::line(
                "trust policy: loading…",
                style(theme, Slot::Muted),
            )),
            Some(Err(e)) => lines.push(text::line(
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
    let mut out = vec![text::line(
        "Trust policy (▌ grants the access in this finding)",
        style(theme, Slot::Header),
    )];
    let doc = match PolicyDocument::parse(text) {
        Ok(d) => d,
        Err(e) => {
            out.push(text::line(
                format!("cannot parse: {e}"),
                style(theme, Slot::Error),
            ));
            out.push(text::line(text.to_string(), style(theme, Slot::Muted)));
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
                text::span("▌", style(theme, Slot::Warning)),
                text::span(line, style(theme, Slot::Warning)),
            ])
        } else {
            Line::from(vec![
                text::raw(" "),
                text::span(line, style(theme, Slot::Text)),
            ])
        });
    }
    out
}
