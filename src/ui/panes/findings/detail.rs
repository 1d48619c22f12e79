//! The finding detail view: fields, text sections and the JSON, wrapped to the width and
//! drawn from the scroll position down (only what fits is laid out).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::app::panes::findings::detail::{DetailLine, DetailTab, DetailView};
use crate::domain::finding::Severity;
use crate::theme::{Slot, Theme};
use crate::ui::style::{severity_slot, style};
use crate::ui::text;

const LABEL_WIDTH: usize = 14;

/// A pretty-printed JSON line coloured: keys, strings, and other values apart.
fn json_line(json: &str, theme: &Theme) -> Line<'static> {
    let indent = json.len() - json.trim_start().len();
    let rest = &json[indent..];
    let mut spans = vec![text::raw(json[..indent].to_string())];
    let (key, value) = match rest.find("\": ") {
        Some(i) if rest.starts_with('"') => (&rest[..i + 3], &rest[i + 3..]),
        _ => ("", rest),
    };
    if !key.is_empty() {
        spans.push(text::span(key.to_string(), style(theme, Slot::Key)));
    }
    let slot = if value.starts_with('"') {
        Slot::Text
    } else if value.starts_with(['{', '}', '[', ']']) {
        Slot::Muted
    } else {
        Slot::Info
    };
    spans.push(text::span(value.to_string(), style(theme, slot)));
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, view: &DetailView, theme: &Theme) {
    let lines = view.tab_lines();
    let tabs: Vec<String> = DetailTab::ALL
        .iter()
        .map(|t| {
            if *t == view.tab {
                format!("[{}]", t.title())
            } else {
                t.title().to_string()
            }
        })
        .collect();
    let block = Block::bordered()
        .title(text::raw_line(format!(
            " Finding · {} · line {}/{} ",
            tabs.join(" "),
            (view.scroll + 1).min(lines.len()),
            lines.len()
        )))
        .border_style(style(theme, Slot::BorderFocused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut out: Vec<Line> = Vec::new();
    let needle = view.search.value().to_lowercase();
    for line in lines.iter().skip(view.scroll) {
        if out.len() >= inner.height as usize {
            break;
        }
        let hit = !needle.is_empty()
            && crate::app::panes::findings::detail::line_text(line)
                .to_lowercase()
                .contains(&needle);
        if hit {
            // A search hit shows whole, in the selection colour.
            out.extend(
                text::wrap(&crate::app::panes::findings::detail::line_text(line), width)
                    .into_iter()
                    .map(|p| text::line(p, style(theme, Slot::Selection))),
            );
            continue;
        }
        match line {
            DetailLine::Heading(t) => out.push(text::line(t.clone(), style(theme, Slot::Header))),
            DetailLine::Blank => out.push(Line::default()),
            DetailLine::Field { label, value } => {
                let value_style = match *label {
                    "Severity" => style(theme, severity_slot(Severity::parse(value))),
                    _ => style(theme, Slot::Text),
                };
                let pieces = text::wrap(value, width.saturating_sub(LABEL_WIDTH));
                for (i, piece) in pieces.into_iter().enumerate() {
                    let label = if i == 0 { *label } else { "" };
                    out.push(Line::from(vec![
                        text::span(format!("{label:<LABEL_WIDTH$}"), style(theme, Slot::Muted)),
                        text::span(piece, value_style),
                    ]));
                }
            }
            DetailLine::Pick { index, text: t } => {
                let picked = view.exposure.as_ref().is_some_and(|n| n.picked == *index);
                let (mark, slot) = if picked {
                    ("▶ ", Slot::Selection)
                } else {
                    ("  ", Slot::Text)
                };
                let shown = text::fit(&format!("{mark}{t}"), width);
                out.push(text::line(shown, style(theme, slot)));
            }
            DetailLine::Text(t) => out.extend(
                text::wrap(t, width)
                    .into_iter()
                    .map(|p| text::line(p, style(theme, Slot::Text))),
            ),
            DetailLine::Json(t) if text::width(t) <= width => out.push(json_line(t, theme)),
            DetailLine::Json(t) => out.extend(
                text::wrap(t, width)
                    .into_iter()
                    .map(|p| text::line(p, style(theme, Slot::Muted))),
            ),
        }
    }
    out.truncate(inner.height as usize);
    frame.render_widget(Paragraph::new(out), inner);
}
