//! Loading through the findings store: the stored rows shown at once with their age,
//! then a delta sync (or a full fetch when the store cannot answer for the view)
//! brings them up to date. The store itself is touched by tasks only; this is state.

use super::{CachedView, FindingsPane, FindingsRead, LoadStatus, SyncedView};
use crate::app::effect::{Effect, ReadRequest};
use crate::domain::finding::Finding;

/// Rows on screen came from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheStatus {
    /// Age of the stored rows when they were read.
    pub age_secs: u64,
    /// A delta sync or full fetch is bringing them up to date.
    pub syncing: bool,
}

/// "40 s", "12 min", "3 h", "2 d": how the status bar says an age.
pub fn age_text(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

/// After a change this console made to findings: the store re-reads them (the table's
/// rows already show the verified values).
pub(super) fn after_change(
    state: &crate::app::State,
    plan: Option<&crate::domain::plan::ChangePlan>,
    outcome: &crate::domain::plan::ChangeOutcome,
) -> Vec<Effect> {
    let pane = &state.findings;
    let Some(update) = plan
        .and_then(|p| p.findings_update())
        .filter(|_| pane.store)
    else {
        return Vec::new();
    };
    let refs: Vec<_> = update
        .edits
        .iter()
        .filter(|e| outcome.succeeded.contains(&e.finding.id))
        .map(|e| e.finding.clone())
        .collect();
    if refs.is_empty() {
        return Vec::new();
    }
    vec![Effect::Read(ReadRequest::Findings(FindingsRead::Reread {
        filters: pane.filters.clone(),
        refs,
    }))]
}

impl FindingsPane {
    /// A load that asks the store first (`FindingsMsg::Cached` answers), the store of
    /// the findings API in use.
    pub(super) fn start_from_store(&mut self) -> Effect {
        self.request += 1;
        self.pages = 0;
        self.server_counts = None;
        self.status = LoadStatus::Loading;
        let (request, sort) = (self.request, self.sort.clone());
        Effect::Read(ReadRequest::Findings(match self.on_ocsf() {
            true => FindingsRead::OcsfOpen {
                request,
                filters: self.ocsf.filters.clone(),
                sort,
            },
            false => FindingsRead::Open {
                request,
                filters: self.filters.clone(),
                sort,
            },
        }))
    }

    /// The delta sync of the view on screen, through the findings API in use.
    fn delta_request(&self) -> Effect {
        let (request, sort) = (self.request, self.sort.clone());
        Effect::Read(ReadRequest::Findings(match self.on_ocsf() {
            true => FindingsRead::OcsfDelta {
                request,
                filters: self.ocsf.filters.clone(),
                sort,
            },
            false => FindingsRead::Delta {
                request,
                filters: self.filters.clone(),
                sort,
            },
        }))
    }

    /// A full fetch of the view, whatever the store holds (`R`, `:sync full`). What is on
    /// screen stays until its first page arrives; its pages are written to the store.
    pub fn start_full(&mut self) -> Effect {
        self.request += 1;
        self.pages = 0;
        self.status = LoadStatus::Loading;
        if let Some(c) = &mut self.cache {
            c.syncing = true;
        }
        self.page_request(None)
    }

    /// The store answered: show its rows, then sync.
    pub fn on_cached(
        &mut self,
        request: u64,
        cached: Option<CachedView>,
        (full, windowed): (bool, bool),
    ) -> Vec<Effect> {
        if request != self.request || self.status != LoadStatus::Loading {
            return Vec::new();
        }
        match windowed {
            true => self.enter_window(),
            false => self.leave_window(),
        }
        self.cache = cached.map(|c| {
            if !windowed {
                self.replace_rows(c.findings);
            }
            CacheStatus {
                age_secs: c.age_secs,
                syncing: true,
            }
        });
        if full {
            return vec![self.page_request(None)];
        }
        // No first page asks the group list's counts (OCSF): asked beside the delta.
        let groups = self.server_group_request();
        std::iter::once(self.delta_request())
            .chain(groups)
            .collect()
    }

    /// A delta sync answered. Returns how many findings it changed (None: stale or failed).
    pub fn on_synced(&mut self, request: u64, result: Result<SyncedView, String>) -> Option<usize> {
        if request != self.request || self.status != LoadStatus::Loading {
            return None;
        }
        if let Some(c) = &mut self.cache {
            c.syncing = false;
        }
        match result {
            Ok(view) => {
                if !self.on_ocsf() {
                    self.asff_answered();
                }
                if self.is_windowed() {
                    self.window_changed();
                } else {
                    self.replace_rows(view.findings);
                }
                self.status = LoadStatus::Complete;
                Some(view.changed)
            }
            Err(error) => {
                // The stored rows stay; `R` fetches the view in full.
                self.status = LoadStatus::Failed {
                    error,
                    next_token: None,
                };
                None
            }
        }
    }

    /// Replaces every row, keeping the selected finding selected when it is still there.
    fn replace_rows(&mut self, findings: Vec<Finding>) {
        let selected = self.selected_finding().map(Finding::reference);
        self.clear_rows();
        self.pages = 0;
        self.push_rows(findings, true);
        if let Some(r) = selected {
            let at = (0..self.visible_len()).find(|&i| {
                self.visible(i)
                    .is_some_and(|f| f.id == r.id && f.product_arn == r.product_arn)
            });
            self.selected = at.unwrap_or(0);
            self.offset = self.offset.min(self.selected);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(id: &str) -> Finding {
        Finding::from_asff(json!({"Id": id, "ProductArn": "arn:p", "Title": id})).unwrap()
    }

    fn pane_on_store() -> (FindingsPane, u64) {
        let mut pane = FindingsPane {
            store: true,
            ..FindingsPane::default()
        };
        let open = pane.start_load();
        let Effect::Read(ReadRequest::Findings(FindingsRead::Open { request, .. })) = open else {
            panic!("a store session opens the store first: {open:?}");
        };
        (pane, request)
    }

    #[test]
    fn stored_rows_show_before_the_delta_and_the_delta_replaces_them() {
        let (mut pane, request) = pane_on_store();
        let cached = CachedView {
            findings: vec![f("a"), f("b")],
            age_secs: 3 * 3600 + 5,
        };
        let effects = pane.on_cached(request, Some(cached), (false, false));
        assert!(matches!(
            effects[..],
            [Effect::Read(ReadRequest::Findings(
                FindingsRead::Delta { .. }
            ))]
        ));
        assert_eq!(pane.total(), 2);
        pane.move_by(1, 10);
        assert_eq!(
            pane.cache,
            Some(CacheStatus {
                age_secs: 10_805,
                syncing: true
            })
        );
        let synced = SyncedView {
            findings: vec![f("c"), f("b")],
            changed: 2,
        };
        assert_eq!(pane.on_synced(request, Ok(synced)), Some(2));
        assert_eq!(
            pane.selected_finding().unwrap().id,
            "b",
            "the selection follows its row"
        );
        assert_eq!(pane.status, LoadStatus::Complete);
        assert!(!pane.cache.as_ref().unwrap().syncing);
    }

    #[test]
    fn on_ocsf_the_store_is_asked_for_the_ocsf_view_and_synced_through_get_findings_v2() {
        let mut pane = FindingsPane {
            store: true,
            source: crate::domain::findings_api::FindingsSource::new(
                crate::domain::findings_api::FindingsApi::Ocsf,
            ),
            ..FindingsPane::default()
        };
        let open = pane.start_load();
        let Effect::Read(ReadRequest::Findings(FindingsRead::OcsfOpen {
            request, filters, ..
        })) = open
        else {
            panic!("the OCSF store is opened: {open:?}");
        };
        assert_eq!(filters, pane.ocsf.filters);
        let cached = CachedView {
            findings: vec![f("a")],
            age_secs: 60,
        };
        let fx = pane.on_cached(request, Some(cached), (false, false));
        assert!(
            matches!(
                fx[..],
                [Effect::Read(ReadRequest::Findings(
                    FindingsRead::OcsfDelta { .. }
                ))]
            ),
            "{fx:?}"
        );
        // The delta found counts that moved: the view is fetched in full, GetFindingsV2.
        let fx = pane.on_cached(request, None, (true, false));
        assert!(
            matches!(
                fx[..],
                [Effect::Read(ReadRequest::Findings(
                    FindingsRead::OcsfPage { .. }
                ))]
            ),
            "{fx:?}"
        );
        assert_eq!(pane.total(), 1, "the stored rows stay until the first page");
        assert_eq!(pane.source.hubs.cspm, None, "nothing was learnt about CSPM");
    }

    #[test]
    fn the_ocsf_writers_table_reads_windows_of_the_ocsf_view_until_a_scope_is_set() {
        use crate::store::{Api, ViewRef};
        let mut pane = FindingsPane {
            store: true,
            source: crate::domain::findings_api::FindingsSource::new(
                crate::domain::findings_api::FindingsApi::Ocsf,
            ),
            ..FindingsPane::default()
        };
        let Effect::Read(ReadRequest::Findings(FindingsRead::OcsfOpen { request, .. })) =
            pane.start_load()
        else {
            panic!("the OCSF store is opened");
        };
        let cached = CachedView {
            findings: Vec::new(),
            age_secs: 5,
        };
        pane.on_cached(request, Some(cached), (false, true));
        assert!(pane.is_windowed());
        let ocsf_view = ViewRef {
            api: Api::Ocsf,
            key: crate::store::ocsf::view_key(&pane.ocsf.filters),
        };
        let reads = pane.window_reads();
        let views: Vec<&ViewRef> = reads
            .iter()
            .filter_map(|e| match e {
                Effect::Read(ReadRequest::Findings(
                    FindingsRead::Window { view, .. } | FindingsRead::Counts { view, .. },
                )) => Some(view),
                _ => None,
            })
            .collect();
        assert_eq!(
            views,
            [&ocsf_view, &ocsf_view],
            "counts and a window: {reads:?}"
        );
        let seq = pane.window.as_ref().unwrap().seq;
        // A reload's window numbers its queries on (the task skips older ones); grouped,
        // the delta goes with Security Hub's group counts (no first page asks them).
        pane.group_by(Some(super::super::group::GroupBy::Severity));
        let _ = pane.start_load();
        let fx = pane.on_cached(pane.request, None, (false, true));
        assert!(pane.window.as_ref().unwrap().seq > seq);
        assert!(
            matches!(
                fx[..],
                [
                    Effect::Read(ReadRequest::Findings(FindingsRead::OcsfDelta { .. })),
                    Effect::Read(ReadRequest::Findings(FindingsRead::OcsfGroups { .. }))
                ]
            ),
            "{fx:?}"
        );
        // An organization scope is read from AWS only: its rows are held in memory.
        let scope = crate::domain::org_scope::OrgScope::parse("ou=ou-ab12-cd345678").unwrap();
        let fx = pane.set_scope(scope);
        assert!(!pane.is_windowed());
        assert!(matches!(
            fx,
            Effect::Read(ReadRequest::Findings(FindingsRead::OcsfPage { .. }))
        ));
        assert!(pane.window_reads().is_empty());
    }

    #[test]
    fn nothing_stored_means_a_full_fetch_and_stale_answers_are_ignored() {
        let (mut pane, request) = pane_on_store();
        let effects = pane.on_cached(request, None, (true, false));
        assert!(matches!(
            effects[..],
            [Effect::Read(ReadRequest::Findings(FindingsRead::Page {
                next_token: None,
                ..
            }))]
        ));
        assert_eq!(pane.cache, None);
        let _ = pane.start_full();
        assert!(
            pane.on_cached(
                request,
                Some(CachedView {
                    findings: vec![f("x")],
                    age_secs: 1
                }),
                (false, false)
            )
            .is_empty()
        );
        assert_eq!(pane.total(), 0);
        assert_eq!(age_text(59), "59 s");
        assert_eq!(age_text(3 * 3600), "3 h");
        assert_eq!(age_text(2 * 86_400 + 1), "2 d");
    }
}
