//! The findings pane as the root sees it: its messages folded in, its keys, and what a
//! finished change does to the rows.

use super::msg::RowsFor;
use super::{FindingsMsg, apply_filter, handle, history_loaded, show_view};
use crate::app::panes::{FinishedChange, Pane};
use crate::app::{Action, Effect, NotifyLevel, State};

pub struct Room;

impl Pane for Room {
    fn context(&self) -> crate::app::keymap::Context {
        crate::app::keymap::Context::Findings
    }

    fn handle(&self, state: &mut State, action: Action) -> Vec<Effect> {
        match action {
            Action::SetGrouping(by) => super::set_grouping(state, &by),
            other => handle(state, other),
        }
    }

    fn after_change(&self, state: &mut State, change: &FinishedChange) -> Vec<Effect> {
        super::bulk::after_change(state, change.plan.as_ref(), &change.outcome);
        super::tickets::after_change(state, change.plan.as_ref(), &change.outcome);
        let mut effects = super::cache::after_change(state, change.plan.as_ref(), &change.outcome);
        effects.extend(super::ocsf_triage::after_change(
            state,
            change.plan.as_ref(),
            &change.outcome,
        ));
        // Imported findings are new rows: the view reloads (the cursor keeps its finding).
        let imported = change.plan.as_ref().is_some_and(|p| {
            matches!(&p.change, crate::domain::plan::Change::Iot(c)
                if matches!(**c, crate::domain::iot_plan::IotChange::Import(_)))
        });
        if imported && !change.outcome.succeeded.is_empty() {
            effects.push(state.findings.start_load());
        }
        effects
    }

    fn is_busy(&self, state: &State) -> bool {
        state.findings.status == super::LoadStatus::Loading
    }
}

pub fn reduce(state: &mut State, msg: FindingsMsg) -> Vec<Effect> {
    match msg {
        FindingsMsg::Page {
            request,
            findings,
            next_token,
        } => state.findings.on_page(request, findings, next_token),
        FindingsMsg::PageFailed {
            request,
            error,
            next_token,
        } => {
            if state.findings.on_failed(request, error.clone(), next_token) {
                state.notify(
                    NotifyLevel::Error,
                    format!("loading findings failed: {error}"),
                );
            }
            Vec::new()
        }
        FindingsMsg::HistoryLoaded { finding_id, result } => {
            history_loaded(state, &finding_id, result);
            Vec::new()
        }
        FindingsMsg::LocalNotesLoaded { finding_id, notes } => {
            if let Some(d) = &mut state.findings.detail
                && d.finding_id == finding_id
            {
                d.local_notes = Some(notes);
            }
            Vec::new()
        }
        FindingsMsg::Cached {
            request,
            cached,
            full,
            notice,
            windowed,
        } => {
            let current = request == state.findings.request;
            if let Some(notice) = notice.filter(|_| current) {
                state.notify(NotifyLevel::Warning, notice);
            }
            state.findings.on_cached(request, cached, (full, windowed))
        }
        FindingsMsg::Synced { request, result } => {
            let failed = result.as_ref().err().cloned();
            match state.findings.on_synced(request, result) {
                Some(0) => {}
                Some(n) => state.notify(
                    NotifyLevel::Info,
                    format!("findings synced: {n} changed since the store"),
                ),
                None => {
                    if let Some(e) = failed.filter(|_| request == state.findings.request) {
                        state.notify(
                            NotifyLevel::Error,
                            format!("syncing findings failed: {e} (R fetches in full)"),
                        );
                    }
                }
            }
            Vec::new()
        }
        FindingsMsg::Window {
            seq,
            start,
            result,
            selected,
        } => {
            if let Some(e) = state.findings.on_window(seq, start, result, selected) {
                state.notify(
                    NotifyLevel::Error,
                    format!("reading the findings store: {e}"),
                );
            }
            Vec::new()
        }
        FindingsMsg::Counts { seq, result } => {
            if let Some(e) = state.findings.on_counts(seq, result) {
                state.notify(NotifyLevel::Error, format!("counting stored findings: {e}"));
            }
            Vec::new()
        }
        FindingsMsg::Rows {
            purpose: RowsFor::Export { path },
            result,
        } => match result {
            Ok(findings) => vec![Effect::ExportFindings { path, findings }],
            Err(e) => {
                state.notify(
                    NotifyLevel::Error,
                    format!("exporting stored findings: {e}"),
                );
                Vec::new()
            }
        },
        FindingsMsg::Rows {
            purpose: RowsFor::Mark { toggle },
            result,
        } => {
            let (level, text) = match result {
                Ok(rows) => {
                    let (n, unmarked) = state.findings.on_marked(rows, toggle);
                    let done = if unmarked { "unmarked" } else { "marked" };
                    let total = state.findings.marks.len();
                    (
                        NotifyLevel::Info,
                        format!("{done} {n} finding(s) ({total} marked)"),
                    )
                }
                Err(e) => (NotifyLevel::Error, format!("marking stored findings: {e}")),
            };
            state.notify(level, text);
            Vec::new()
        }
        FindingsMsg::StoreChanged => {
            state.findings.window_changed();
            Vec::new()
        }
        FindingsMsg::SyncFull => vec![state.findings.start_full()],
        FindingsMsg::ApplyFilter(text) => apply_filter(state, &text),
        FindingsMsg::ShowView(name) => show_view(state, &name),
        FindingsMsg::HubsDetected(hubs) => state.findings.hubs_detected(hubs).into_iter().collect(),
        FindingsMsg::OcsfCounts { request, result } => {
            if request == state.findings.request {
                match result {
                    Ok(counts) => state.findings.server_counts = Some(counts),
                    Err(e) => state.notify(NotifyLevel::Warning, format!("no counts: {e}")),
                }
            }
            Vec::new()
        }
        FindingsMsg::OcsfTrend { request, trend } => {
            if let (true, Some(counts)) = (
                request == state.findings.request,
                state.findings.server_counts.as_mut(),
            ) {
                counts.trend = trend;
            }
            Vec::new()
        }
        FindingsMsg::ShowExposures if state.findings.on_ocsf() => {
            apply_filter(state, super::exposure::EXPOSURES_VIEW)
        }
        FindingsMsg::ShowExposures => {
            let hint = "exposure findings are the new Security Hub's: `:source ocsf` first";
            state.notify(NotifyLevel::Warning, hint);
            Vec::new()
        }
        FindingsMsg::SetScope(scope) => {
            state.pane = crate::app::PaneId::Findings;
            let said = match &scope {
                Some(s) => format!(
                    "{}: findings of that part of the organization (OCSF)",
                    s.label()
                ),
                None => "scope cleared: this account's findings".to_string(),
            };
            let on_ocsf = state.findings.on_ocsf();
            let effect = state.findings.set_scope(scope);
            if on_ocsf {
                state.notify(NotifyLevel::Info, said);
            } else {
                let hint = format!("{said}; it applies on OCSF (`:source ocsf`)");
                state.notify(NotifyLevel::Warning, hint);
            }
            vec![effect]
        }
        FindingsMsg::OcsfGroupCounts {
            request,
            field,
            result,
        } => {
            if let Some(e) = state.findings.on_group_counts(request, &field, result) {
                state.notify(NotifyLevel::Warning, e);
            }
            Vec::new()
        }
        FindingsMsg::ContributingLoaded { uid, result } => {
            super::exposure::loaded(state, &uid, result);
            Vec::new()
        }
        FindingsMsg::SwitchSource(api) => {
            state.pane = crate::app::PaneId::Findings;
            let effect = state.findings.switch_source(api);
            let label = state.findings.source.status_label().unwrap_or_default();
            state.notify(NotifyLevel::Info, format!("findings from {label}"));
            vec![effect]
        }
        FindingsMsg::Connectors(result) => {
            super::tickets::connectors_loaded(state, result);
            Vec::new()
        }
        FindingsMsg::TicketDryRun(change) => {
            super::tickets::dry_run_answered(state, *change);
            Vec::new()
        }
    }
}
