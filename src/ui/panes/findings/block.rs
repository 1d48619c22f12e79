//! The block-from-finding picker: the findings and their remote IPs, the IP sets of a
//! matching IP version with the web ACL rules (and actions) that use each, and the
//! "also set NOTIFIED" toggle.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::panes::findings::block::BlockStage;
use crate::app::panes::ipsets::Load;
use crate::app::{Action, Context, State};
use crate::domain::block_guardrails::set_location;
use crate::domain::cidr::MAX_ADDRESSES;
use crate::domain::waf::WafScope;
use crate::theme::Slot;
use crate::ui::style::{centered, hint_spans, style};
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, stage: &BlockStage) {
    let theme = &state.theme;
    let choices = stage.choices(state);
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(110),
        (choices.len().max(1) as u16) + 8 + u16::from(stage.without_ip > 0),
    );
    let width = rect.width.saturating_sub(2) as usize;
    let mut lines = source_lines(state, stage, width);
    lines.push(text::line(
        text::fit(&sets_header(state, &choices), width),
        style(theme, Slot::Header),
    ));
    lines.extend(set_lines(state, stage, &choices, width));
    let check = if stage.notify { "[x]" } else { "[ ]" };
    lines.push(text::line(
        format!("{check} also set workflow NOTIFIED with a note naming the IP set"),
        style(theme, Slot::Text),
    ));
    let keys = state.keymap.hints(
        Context::Preview,
        &[
            (Action::Open, "preview"),
            (Action::Mark, "toggle NOTIFIED"),
            (Action::SwitchScope, "scope"),
            (Action::Back, "cancel"),
        ],
    );
    lines.push(Line::from(hint_spans(theme, &keys)));
    let block = Block::bordered()
        .title(" Block remote IPs in a WAF IP set ")
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// What is blocked: the finding(s) and their remote IPs.
fn source_lines(state: &State, stage: &BlockStage, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let ips: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for ip in stage.sources.iter().flat_map(|s| &s.ips) {
            let s = ip.to_string();
            if !v.contains(&s) {
                v.push(s);
            }
        }
        v
    };
    let what = match stage.sources.as_slice() {
        [one] => format!("finding \"{}\"", one.title),
        many => format!("{} findings", many.len()),
    };
    let mut lines = vec![
        text::line(
            text::fit(&format!("from {what}"), width),
            style(theme, Slot::Muted),
        ),
        Line::from(vec![
            text::span("in ", style(theme, Slot::Muted)),
            text::span(
                text::fit(&source_places(stage), width.saturating_sub(3)),
                style(theme, Slot::Text),
            ),
        ]),
        Line::from(vec![
            text::span("remote IPs ", style(theme, Slot::Muted)),
            text::span(
                text::fit(&ips.join(", "), width.saturating_sub(11)),
                style(theme, Slot::Text),
            ),
        ]),
    ];
    if stage.without_ip > 0 {
        lines.push(text::line(
            format!(
                "{} marked finding(s) without a remote IP are left alone",
                stage.without_ip
            ),
            style(theme, Slot::Muted),
        ));
    }
    lines
}

/// Where the findings are: "account 111122223333, us-east-1" (each distinct place).
fn source_places(stage: &BlockStage) -> String {
    let mut places: Vec<String> = Vec::new();
    for s in &stage.sources {
        let account = if s.account.is_empty() {
            "?"
        } else {
            &s.account
        };
        let region = if s.region.is_empty() { "?" } else { &s.region };
        let place = format!("account {account}, {region}");
        if !places.contains(&place) {
            places.push(place);
        }
    }
    places.join("; ")
}

/// "IP sets (REGIONAL) in account 111122223333, us-east-1:" from the sets' ARNs (a
/// CLOUDFRONT set is global).
fn sets_header(state: &State, choices: &[usize]) -> String {
    let scope = state.ipsets.scope;
    let mut places: Vec<String> = Vec::new();
    for row in choices.iter().filter_map(|i| state.ipsets.rows.get(*i)) {
        let (account, region) = set_location(&row.set);
        let place = if scope == WafScope::Cloudfront {
            format!("account {account}, global")
        } else {
            format!("account {account}, {region}")
        };
        if !places.contains(&place) {
            places.push(place);
        }
    }
    if places.is_empty() {
        format!("IP sets ({scope}):")
    } else {
        format!("IP sets ({scope}) in {}:", places.join("; "))
    }
}

/// The IP sets on offer, each with the web ACL rules that use it.
fn set_lines(
    state: &State,
    stage: &BlockStage,
    choices: &[usize],
    width: usize,
) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = Vec::new();
    if choices.is_empty() {
        let message = match state.ipsets.load {
            Load::NotLoaded | Load::Loading => "loading IP sets…".to_string(),
            Load::Failed(ref e) => format!("could not load IP sets: {e}"),
            Load::Loaded => format!(
                "no {} IP set for these addresses (t switches scope)",
                state.ipsets.scope
            ),
        };
        lines.push(text::line(message, style(theme, Slot::Muted)));
    }
    for (i, idx) in choices.iter().enumerate() {
        let Some(row) = state.ipsets.rows.get(*idx) else {
            continue;
        };
        let used = if row.references.is_empty() {
            "not referenced by any web ACL".to_string()
        } else {
            row.references
                .iter()
                .map(|r| format!("{}/{} #{} {}", r.web_acl, r.rule, r.priority, r.action))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let text = format!(
            "{} {:<24} {} {:>5}/{MAX_ADDRESSES}  {used}",
            if i == stage.cursor { "▶" } else { " " },
            row.set.set.name,
            row.set.version,
            row.set.addresses.len()
        );
        let slot = if i == stage.cursor {
            Slot::Selection
        } else {
            Slot::Text
        };
        lines.push(text::line(text::fit(&text, width), style(theme, slot)));
    }
    lines
}
