//! The sync-from-ip-ranges dialog: the source step (a path, or the default source), then
//! the services, regions, aggregate toggle and target sets, with the planning error if
//! the last Enter found one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::panes::ipsets::sync::{Field, SyncDialog, SyncStep};
use crate::app::widgets::TextInput;
use crate::app::{Action, Context, State};
use crate::theme::Slot;
use crate::ui::style::{centered, hint_spans, style};
use crate::ui::text;
use crate::ui::text_input;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, d: &SyncDialog) {
    let theme = &state.theme;
    let height = match d.step {
        SyncStep::Options => area.height.saturating_sub(2).min(26),
        SyncStep::Source | SyncStep::Loading => {
            5 + u16::from(d.error.is_some()) + u16::from(d.step == SyncStep::Loading)
        }
    };
    let rect = centered(area, area.width.saturating_sub(4).min(90), height);
    let width = rect.width.saturating_sub(2) as usize;
    let lines = match d.step {
        SyncStep::Source | SyncStep::Loading => source_lines(state, d, width),
        SyncStep::Options => option_lines(state, d, width, rect.height),
    };
    let block = Block::bordered()
        .title(" Sync IP sets from ip-ranges.json ")
        .border_style(style(theme, Slot::BorderFocused));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The first step: where the ip-ranges.json comes from.
fn source_lines<'a>(state: &'a State, d: &'a SyncDialog, width: usize) -> Vec<Line<'a>> {
    let theme = &state.theme;
    let muted = style(theme, Slot::Muted);
    let mut lines: Vec<Line> = Vec::new();
    lines.push(text::line(
        "ip-ranges.json to sync from (a file path or URL; empty for the default):",
        muted,
    ));
    let input = style(theme, Slot::Input);
    if d.source_text.is_empty() && d.step == SyncStep::Source {
        let shown = format!("▏ (default: {})", d.default_source.describe());
        lines.push(text::line(text::fit(&shown, width), input));
    } else {
        lines.push(Line::from(text_input::spans(&d.source_text, input)));
    }
    if d.step == SyncStep::Loading {
        lines.push(text::line(
            format!(
                "reading {}…",
                d.source.as_ref().map(|s| s.describe()).unwrap_or_default()
            ),
            style(theme, Slot::Info),
        ));
    }
    if let Some(e) = &d.error {
        lines.push(text::line(text::fit(e, width), style(theme, Slot::Error)));
    }
    let keys = state.keymap.hints(
        Context::Input,
        &[(Action::Open, "read"), (Action::Back, "cancel")],
    );
    lines.push(Line::from(hint_spans(theme, &keys)));
    lines
}

/// The second step: services, regions, aggregation and the target sets.
fn option_lines<'a>(
    state: &'a State,
    d: &'a SyncDialog,
    width: usize,
    height: u16,
) -> Vec<Line<'a>> {
    let theme = &state.theme;
    let muted = style(theme, Slot::Muted);
    let key = |s: &str| text::span(s.to_string(), style(theme, Slot::Key));
    let text = |s: &str| text::span(s.to_string(), muted);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(r) = &d.ranges {
        lines.push(text::line(
            text::fit(
                &format!(
                    "{} · syncToken {} · createDate {} · {} prefixes · scope {}",
                    d.source.as_ref().map(|s| s.describe()).unwrap_or_default(),
                    r.sync_token,
                    r.create_date,
                    r.prefixes.len(),
                    state.ipsets.scope
                ),
                width,
            ),
            muted,
        ));
    }
    let focus = d.field();
    let row = |focused: bool, s: String| {
        let slot = if focused { Slot::Selection } else { Slot::Text };
        text::line(
            text::fit(&format!("{} {s}", if focused { "▶" } else { " " }), width),
            style(theme, slot),
        )
    };
    lines.extend(service_lines(state, d, width, height));
    // A text row: the field with its cursor when focused.
    let text_row = |f: Field, label: &str, input: &TextInput, hint: &str| {
        let focused = focus == f;
        let slot = style(theme, if focused { Slot::Selection } else { Slot::Text });
        let pointer = if focused { "▶" } else { " " };
        let mut spans = vec![text::span(format!("{pointer} {label}"), slot)];
        spans.extend(text_input::cursor_spans(
            input.value(),
            focused.then(|| input.cursor()),
            slot,
        ));
        spans.push(text::span(hint.to_string(), slot));
        if focused && d.replace_on_type && !input.is_empty() {
            spans.push(text::span(" (typing replaces it)".to_string(), slot));
        }
        Line::from(spans).style(slot)
    };
    lines.push(text_row(
        Field::Regions,
        "regions / border groups: ",
        &d.regions,
        " (empty: all)",
    ));
    lines.push(row(
        focus == Field::Aggregate,
        format!(
            "{} aggregate adjacent / contained prefixes",
            if d.aggregate { "[x]" } else { "[ ]" }
        ),
    ));
    lines.push(text_row(Field::V4Set, "IPv4 set: ", &d.v4_set, ""));
    lines.push(text_row(
        Field::V6Set,
        "IPv6 set: ",
        &d.v6_set,
        " (empty: no IPv6)",
    ));
    if let Some(e) = &d.error {
        lines.push(text::line(text::fit(e, width), style(theme, Slot::Error)));
    }
    // ↑↓ and space are the dialog's own keys; enter and esc come from [input].
    let mut spans = vec![
        key("↑↓ g G"),
        text(" move  "),
        key("space"),
        text(" toggle  "),
        key("A-Z"),
        text(" jump to a service  "),
    ];
    spans.extend(hint_spans(
        theme,
        &state.keymap.hints(
            Context::Input,
            &[(Action::Open, "preview"), (Action::Back, "cancel")],
        ),
    ));
    lines.push(Line::from(spans));
    lines
}

/// The services, a window of the list around the focus.
fn service_lines<'a>(
    state: &'a State,
    d: &'a SyncDialog,
    width: usize,
    height: u16,
) -> Vec<Line<'a>> {
    let theme = &state.theme;
    let muted = style(theme, Slot::Muted);
    let focus = d.field();
    let row = |focused: bool, s: String| {
        let slot = if focused { Slot::Selection } else { Slot::Text };
        text::line(
            text::fit(&format!("{} {s}", if focused { "▶" } else { " " }), width),
            style(theme, slot),
        )
    };
    let mut lines = Vec::new();
    let selected: Vec<&str> = d
        .services
        .iter()
        .filter(|(_, on)| *on)
        .map(|(s, _)| s.as_str())
        .collect();
    lines.push(text::line(
        text::fit(
            &format!(
                "services ({} selected: {})",
                selected.len(),
                selected.join(", ")
            ),
            width,
        ),
        style(theme, Slot::Header),
    ));
    // A window of the service list around the focus.
    let room = (height as usize).saturating_sub(11).max(3);
    // Off the list, its top: the selected services come first.
    let at = match focus {
        Field::Service(i) => i,
        _ => 0,
    };
    let start = at
        .saturating_sub(room - 1)
        .min(d.services.len().saturating_sub(room));
    for (i, (name, on)) in d.services.iter().enumerate().skip(start).take(room) {
        let check = if *on { "[x]" } else { "[ ]" };
        lines.push(row(focus == Field::Service(i), format!("{check} {name}")));
    }
    if d.services.len() > room {
        lines.push(text::line(
            format!("  … {} services in all", d.services.len()),
            muted,
        ));
    }
    lines
}
