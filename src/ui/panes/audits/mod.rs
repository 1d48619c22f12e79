//! Draws the IoT audits pane: a configuration / suppressions summary, the audit tasks
//! table and the selected task's findings grouped by check, coloured by severity.

pub(crate) mod suppressions;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};

use crate::app::panes::audits::{AuditsPane, Focus, Load, Row as PaneRow};
use crate::app::{Action, Context, State};
use crate::domain::iot::AuditTask;
use crate::domain::iot_plan::format_date;
use crate::theme::{Slot, Theme};
use crate::ui::columns::{self, Column};
use crate::ui::style::{severity_slot, style};
use crate::ui::text;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let pane = &state.audits;
    let theme = &state.theme;
    // The same split `update()` hit-tests clicks against.
    let parts = crate::app::layout::panes::audits(crate::ui::area(area), pane);
    let [summary, tasks, failed, findings] =
        [parts.summary, parts.tasks, parts.failures, parts.findings].map(crate::ui::rect);
    draw_summary(frame, summary, pane, theme);
    if let Some((sent, total)) = pane.import_progress {
        // The import gauge takes the summary's second line while it runs.
        let [_, line] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(summary);
        let gauge = ratatui::widgets::LineGauge::default()
            .filled_style(style(theme, Slot::Success))
            .label(text::raw_line(format!("importing {sent}/{total}")))
            .ratio(sent as f64 / total.max(1) as f64);
        frame.render_widget(ratatui::widgets::Clear, line);
        frame.render_widget(gauge, line);
    }
    if pane.suppressions_view.is_some() {
        let [_, rest] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(area);
        crate::ui::panes::audits::suppressions::draw_view(frame, rest, state);
        return;
    }
    draw_tasks(frame, tasks, pane, theme);
    if failed.height > 0 {
        crate::ui::panes::audits::suppressions::draw_failures(frame, failed, state, theme);
    }
    draw_findings(frame, findings, state);
}

fn draw_summary(frame: &mut Frame, area: Rect, pane: &AuditsPane, theme: &Theme) {
    let Some(o) = &pane.overview else {
        let msg = match &pane.overview_status {
            Load::Failed(e) => format!("✗ {e}"),
            _ => "loading IoT Device Defender audits…".to_string(),
        };
        let slot = if matches!(pane.overview_status, Load::Failed(_)) {
            Slot::Error
        } else {
            Slot::Muted
        };
        frame.render_widget(
            Paragraph::new(text::raw_line(msg)).style(style(theme, slot)),
            area,
        );
        return;
    };
    let sns = match (&o.config.sns_target_arn, o.config.sns_enabled) {
        (Some(arn), true) => format!("SNS {arn}"),
        (Some(arn), false) => format!("SNS {arn} (disabled)"),
        (None, _) => "no SNS target".to_string(),
    };
    let first = Line::from(vec![
        text::span("Audit checks ", style(theme, Slot::Header)),
        text::span(
            format!(
                "{} of {} enabled · {sns}",
                o.config.enabled_checks().len(),
                o.config.checks.len()
            ),
            style(theme, Slot::Text),
        ),
    ]);
    let expiring = pane.expiring();
    let mut second = vec![
        text::span("Suppressions ", style(theme, Slot::Header)),
        text::span(
            format!("{} · ", o.suppressions.len()),
            style(theme, Slot::Text),
        ),
        text::span(
            format!("{} expiring within 7 days", expiring.len()),
            style(
                theme,
                if expiring.is_empty() {
                    Slot::Muted
                } else {
                    Slot::Warning
                },
            ),
        ),
    ];
    for s in expiring.iter().take(2) {
        second.push(text::span(
            format!(
                " · {} {} {}",
                s.check_name,
                s.resource_identifier.display(),
                s.expiration_date.map(format_date).unwrap_or_default()
            ),
            style(theme, Slot::Muted),
        ));
    }
    second.push(text::span(
        format!(
            " · mitigation actions {} · tasks {}",
            o.mitigation_actions.len(),
            o.mitigation_tasks.len()
        ),
        style(theme, Slot::Muted),
    ));
    frame.render_widget(Paragraph::new(vec![first, Line::from(second)]), area);
}

fn totals(t: &AuditTask) -> (i64, i64, i64) {
    t.audit_details
        .values()
        .fold((0, 0, 0), |(nc, sup, res), d| {
            (
                nc + d.non_compliant_resources_count,
                sup + d.suppressed_non_compliant_resources_count,
                res + d.total_resources_count,
            )
        })
}

fn time_of(secs: Option<f64>) -> String {
    let Some(secs) = secs else { return "-".into() };
    time::OffsetDateTime::from_unix_timestamp(secs as i64)
        .map(|t| format!("{} {:02}:{:02}", format_date(secs), t.hour(), t.minute()))
        .unwrap_or_else(|_| "-".into())
}

/// The tasks table's columns: when and how it went stay, the rest leave on narrow screens.
const TASK_COLUMNS: [Column; 8] = [
    Column::new("Started", Constraint::Length(16), 16, 0),
    Column::new("Type", Constraint::Length(9), 9, 4),
    Column::new("Status", Constraint::Length(15), 15, 0),
    Column::new("Failing", Constraint::Length(8), 8, 0),
    Column::new("Non-compliant", Constraint::Length(14), 13, 1),
    Column::new("Suppressed", Constraint::Length(10), 10, 3),
    Column::new("Errors", Constraint::Length(6), 6, 5),
    Column::new("Task", Constraint::Fill(1), 12, 6),
];

fn border(theme: &Theme, focused: bool) -> ratatui::style::Style {
    style(
        theme,
        if focused {
            Slot::BorderFocused
        } else {
            Slot::Border
        },
    )
}

fn draw_tasks(frame: &mut Frame, area: Rect, pane: &AuditsPane, theme: &Theme) {
    let tasks = pane.tasks();
    let block = Block::bordered()
        .title(text::raw_line(format!(
            " Audit tasks ({}) · last {}d ",
            tasks.len(),
            pane.window_days()
        )))
        .border_style(border(theme, pane.focus == Focus::Tasks));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if tasks.is_empty() {
        let msg = if pane.overview.is_some() {
            format!("no audits in the last {} days", pane.window_days())
        } else {
            String::new()
        };
        frame.render_widget(
            Paragraph::new(text::raw_line(msg)).style(style(theme, Slot::Muted)),
            inner,
        );
        return;
    }
    let visible = inner.height.saturating_sub(1) as usize;
    let offset = crate::app::layout::window(0, pane.task_cursor, visible);
    let shown = columns::fit(&TASK_COLUMNS, inner.width, 1, 2);
    let rows: Vec<Row> = tasks
        .iter()
        .skip(offset)
        .take(visible)
        .map(|t| {
            let (nc, sup, res) = totals(t);
            let st = &t.task_statistics;
            let status_slot = match t.task_status.as_str() {
                "COMPLETED" => Slot::Text,
                "IN_PROGRESS" => Slot::Info,
                _ => Slot::Error,
            };
            // A running audit shows its progress: checks done of all.
            let status = if t.is_finished() {
                t.task_status.clone()
            } else {
                let (done, total) = t.checks_done();
                format!("{} {done}/{total}", t.task_status)
            };
            let cells = vec![
                text::cell(time_of(t.task_start_time)),
                text::cell(t.kind()),
                text::cell(status).style(style(theme, status_slot)),
                text::cell(format!("{}/{}", st.non_compliant_checks, st.total_checks)),
                text::cell(format!("{nc} of {res}")),
                text::cell(sup.to_string()),
                text::cell(st.failed_checks.to_string()),
                text::cell(t.task_id.clone()),
            ];
            Row::new(columns::pick(&cells, &shown)).style(style(theme, Slot::Text))
        })
        .collect();
    let header =
        Row::new(columns::headers(&TASK_COLUMNS, &shown)).style(style(theme, Slot::Header));
    let widths = columns::constraints(&TASK_COLUMNS, &shown, inner.width, 1, 2);
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(style(theme, Slot::Selection))
        .highlight_symbol("▶ ");
    let mut ts = TableState::default().with_selected(Some(pane.task_cursor - offset));
    frame.render_stateful_widget(table, inner, &mut ts);
}

fn draw_findings(frame: &mut Frame, area: Rect, state: &State) {
    let (pane, theme) = (&state.audits, &state.theme);
    let count: usize = pane.groups.iter().map(|g| g.findings.len()).sum();
    let title = match &pane.findings_task {
        Some(t) => format!(" Findings of {t} by check ({count}) "),
        None => " Findings ".to_string(),
    };
    let block = Block::bordered()
        .title(text::raw_line(title))
        .border_style(border(theme, pane.focus == Focus::Findings));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if pane.rows.is_empty() {
        let msg = empty_findings_message(state);
        frame.render_widget(
            Paragraph::new(text::raw_line(msg)).style(style(theme, Slot::Muted)),
            inner,
        );
        return;
    }
    let visible = inner.height as usize;
    let cursor = if pane.focus == Focus::Findings {
        pane.finding_cursor
    } else {
        0
    };
    let offset = crate::app::layout::window(0, cursor, visible);
    let width = inner.width as usize;
    let rows: Vec<Row> = pane
        .rows
        .iter()
        .skip(offset)
        .take(visible)
        .filter_map(|r| match *r {
            PaneRow::Check(g) => {
                let group = pane.groups.get(g)?;
                let sev = group.severity.map(|s| s.as_str()).unwrap_or("-");
                let text = format!(
                    "{sev:<8} {}  {} non-compliant{}",
                    group.check_name,
                    group.findings.len(),
                    if group.suppressed > 0 {
                        format!(", {} suppressed", group.suppressed)
                    } else {
                        String::new()
                    }
                );
                Some(
                    Row::new(vec![text::cell(text::fit(&text, width))]).style(
                        style(theme, severity_slot(group.severity))
                            .add_modifier(ratatui::style::Modifier::BOLD),
                    ),
                )
            }
            PaneRow::Finding(g, i) => {
                let f = pane.groups.get(g)?.findings.get(i)?;
                let r = &f.non_compliant_resource;
                let suppressed = if f.is_suppressed { "suppressed " } else { "" };
                let related = if f.related_resources.is_empty() {
                    String::new()
                } else {
                    format!(" (+{} related)", f.related_resources.len())
                };
                let mitigation = f
                    .finding_id
                    .as_ref()
                    .and_then(|id| pane.mitigation_status.get(id))
                    .map(|m| format!("[{m}] "))
                    .unwrap_or_default();
                let mark = if pane.is_marked(f) { "*" } else { " " };
                let text = format!(
                    "{mark} {:<18} {:<40} {suppressed}{mitigation}{}{related} · {}",
                    r.resource_type,
                    r.resource_identifier.display(),
                    f.reason_for_non_compliance_code,
                    f.reason_for_non_compliance
                );
                let slot = if f.is_suppressed {
                    Slot::Muted
                } else {
                    Slot::Text
                };
                Some(Row::new(vec![text::cell(text::fit(&text, width))]).style(style(theme, slot)))
            }
        })
        .collect();
    let table =
        Table::new(rows, [Constraint::Fill(1)]).row_highlight_style(style(theme, Slot::Selection));
    let mut ts = TableState::default();
    if pane.focus == Focus::Findings {
        ts.select(Some(cursor - offset));
    }
    frame.render_stateful_widget(table, inner, &mut ts);
}

/// What the findings list says while it has no rows.
fn empty_findings_message(state: &State) -> String {
    let pane = &state.audits;
    match &pane.findings_status {
        Load::Loading => "loading…".to_string(),
        Load::Failed(e) => format!("✗ {e}"),
        _ if pane.findings_task_info().is_some_and(|t| !t.is_finished()) => {
            let (done, total) = pane
                .findings_task_info()
                .map_or((0, 0), |t| t.checks_done());
            format!("audit in progress: {done} of {total} check(s) done…")
        }
        _ if pane.findings_task.is_some() => {
            "no non-compliant resources: every check passed".to_string()
        }
        _ => match state.keymap.hint(Context::Audits, &Action::Open) {
            Some(k) => format!("select an audit task and press {k}"),
            None => "select an audit task".to_string(),
        },
    }
}
