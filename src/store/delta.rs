//! What a delta sync asks AWS for, and how the answers fold into a view.
//!
//! AWS stamps two times a console can filter on: `UpdatedAt` (the provider changed the
//! finding: new, updated, archived through RecordState) and `NoteUpdatedAt` (a note was
//! written). For each, a delta asks twice from `since` on: once without the view's
//! filter (everything that changed) and once with it (what of that is in the view now).
//! A changed finding in the second answer is upserted; one only in the first has left
//! the view and is removed. BatchUpdateFindings does not change `UpdatedAt` (as AWS
//! documents), so a workflow or severity change made outside secdeck without a note is
//! seen only by a full fetch: hence one is made when the last is older than
//! [`FULL_AFTER`], and on demand (`R`, `:sync full`).

use std::collections::HashSet;

use time::{Duration, OffsetDateTime};

use super::views::{ViewState, format_time};
use crate::domain::filter::{Conditions, DateFilter, FindingFilters};
use crate::domain::finding::{Finding, FindingRef};

/// How far before the last sync a delta looks again: clock skew between this machine
/// and AWS, and changes AWS makes visible a little after stamping them.
pub const SAFETY_WINDOW: Duration = Duration::minutes(15);

/// A full fetch instead of a delta once the last full fetch is this old.
pub const FULL_AFTER: Duration = Duration::hours(24);

/// The time attributes a delta filters on.
pub const STAMPS: [&str; 2] = ["UpdatedAt", "NoteUpdatedAt"];

/// Why a view is fetched in full rather than by a delta (None: a delta will do).
pub fn full_reason(
    view: Option<&ViewState>,
    filters: &FindingFilters,
    now: OffsetDateTime,
) -> Option<&'static str> {
    full_reason_for(view, delta_able(filters), now)
}

/// `full_reason` for either API: `delta_able` says whether the view's filter allows a delta.
pub fn full_reason_for(
    view: Option<&ViewState>,
    delta_able: bool,
    now: OffsetDateTime,
) -> Option<&'static str> {
    let Some(view) = view else {
        return Some("nothing stored for this view");
    };
    if !view.complete {
        return Some("the last full fetch did not complete");
    }
    if !view.current_semantics {
        return Some("filters mean something else in this secdeck");
    }
    if !delta_able {
        return Some("the view filters on a relative date or an update time");
    }
    match view.full_synced_at {
        Some(at) if now - at < FULL_AFTER => None,
        _ => Some("the last full fetch is over a day old"),
    }
}

/// A view whose membership changes with the clock alone (a relative date range) or that
/// already filters on the stamps a delta adds cannot be brought up to date by a delta.
pub fn delta_able(filters: &FindingFilters) -> bool {
    filters.0.iter().all(|(name, conditions)| {
        !STAMPS.contains(&name.as_str())
            && match conditions {
                Conditions::Dates(dates) => dates.iter().all(|d| d.date_range.is_none()),
                _ => true,
            }
    })
}

/// From when a delta asks: the high-water mark (when the last sync started: everything
/// AWS stamped before it is in) less the safety window. The newest UpdatedAt seen is not
/// the mark: in a quiet account it lags by days and every delta would refetch them.
pub fn since(view: &ViewState, now: OffsetDateTime) -> OffsetDateTime {
    view.synced_at.unwrap_or(now) - SAFETY_WINDOW
}

/// The delta's queries: for each stamp, (everything changed since, what of it is in the view).
pub fn queries(
    filters: &FindingFilters,
    since: OffsetDateTime,
) -> Vec<(FindingFilters, FindingFilters)> {
    STAMPS
        .iter()
        .map(|stamp| {
            let changed = DateFilter {
                // Whole seconds: the plainest of the date forms Security Hub accepts.
                start: Some(format_time(since.replace_nanosecond(0).unwrap_or(since))),
                end: None,
                date_range: None,
            };
            let mut all = FindingFilters::default();
            all.0
                .insert((*stamp).into(), Conditions::Dates(vec![changed.clone()]));
            let mut in_view = filters.clone();
            in_view
                .0
                .insert((*stamp).into(), Conditions::Dates(vec![changed]));
            (all, in_view)
        })
        .collect()
}

/// What a delta changes in a view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delta {
    pub upserts: Vec<Finding>,
    pub removals: Vec<FindingRef>,
    /// The newest UpdatedAt among the changed findings.
    pub high_water: Option<String>,
}

impl Delta {
    /// Folds the answers: `changed` (without the view's filter) and `in_view` (with it).
    pub fn fold(changed: Vec<Finding>, in_view: Vec<Finding>) -> Delta {
        let high_water = changed
            .iter()
            .chain(&in_view)
            .map(|f| f.updated_at.clone())
            .max();
        let mut kept: HashSet<FindingRef> = HashSet::new();
        let mut upserts = Vec::new();
        for f in in_view {
            if kept.insert(f.reference()) {
                upserts.push(f);
            }
        }
        let mut removals = Vec::new();
        for f in changed {
            let r = f.reference();
            if !kept.contains(&r) && !removals.contains(&r) {
                removals.push(r);
            }
        }
        Delta {
            upserts,
            removals,
            high_water,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty() && self.removals.is_empty()
    }

    /// Applies the delta to rows held in memory (a console that reads the store but is
    /// not its writer): changed rows replaced in place, new ones appended, gone ones dropped.
    pub fn apply_to(&self, rows: &mut Vec<Finding>) {
        let gone: HashSet<&FindingRef> = self.removals.iter().collect();
        let mut fresh: std::collections::HashMap<FindingRef, &Finding> =
            self.upserts.iter().map(|f| (f.reference(), f)).collect();
        rows.retain(|f| !gone.contains(&f.reference()));
        for row in rows.iter_mut() {
            if let Some(f) = fresh.remove(&row.reference()) {
                *row = f.clone();
            }
        }
        rows.extend(
            self.upserts
                .iter()
                .filter(|f| fresh.contains_key(&f.reference()))
                .cloned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(id: &str, updated: &str) -> Finding {
        Finding::from_asff(json!({"Id": id, "ProductArn": "arn:p", "UpdatedAt": updated})).unwrap()
    }

    #[test]
    fn changed_findings_outside_the_view_are_removed_inside_upserted() {
        let d = Delta::fold(
            vec![
                f("a", "2026-01-02T00:00:00Z"),
                f("b", "2026-01-03T00:00:00Z"),
            ],
            vec![
                f("a", "2026-01-02T00:00:00Z"),
                f("a", "2026-01-02T00:00:00Z"),
            ],
        );
        assert_eq!(d.upserts.len(), 1);
        assert_eq!(d.removals, [f("b", "").reference()]);
        assert_eq!(d.high_water.as_deref(), Some("2026-01-03T00:00:00Z"));
        let mut rows = vec![f("b", "1"), f("c", "1"), f("a", "1")];
        d.apply_to(&mut rows);
        let ids: Vec<_> = rows
            .iter()
            .map(|r| (r.id.as_str(), r.updated_at.as_str()))
            .collect();
        assert_eq!(ids, [("c", "1"), ("a", "2026-01-02T00:00:00Z")]);
    }

    #[test]
    fn the_queries_add_the_stamp_to_the_views_filter() {
        let since = OffsetDateTime::UNIX_EPOCH;
        let q = queries(&FindingFilters::default_view(), since);
        assert_eq!(q.len(), 2);
        let wire = serde_json::to_value(&q[1].1).unwrap();
        assert_eq!(wire["NoteUpdatedAt"][0]["Start"], "1970-01-01T00:00:00Z");
        assert_eq!(wire["RecordState"][0]["Value"], "ACTIVE");
        assert_eq!(
            serde_json::to_value(&q[0].0)
                .unwrap()
                .as_object()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn relative_dates_and_stale_or_unfinished_views_are_fetched_in_full() {
        let now = OffsetDateTime::now_utc();
        let view = ViewState {
            view_id: 1,
            complete: true,
            current_semantics: true,
            synced_at: Some(now),
            full_synced_at: Some(now - Duration::hours(1)),
            high_water: None,
            rows: 0,
        };
        let filters = FindingFilters::default_view();
        assert_eq!(full_reason(Some(&view), &filters, now), None);
        assert!(full_reason(None, &filters, now).is_some());
        let old = ViewState {
            full_synced_at: Some(now - Duration::hours(25)),
            ..view.clone()
        };
        assert!(
            full_reason(Some(&old), &filters, now)
                .unwrap()
                .contains("a day")
        );
        let mut relative = filters.clone();
        relative.0.insert(
            "CreatedAt".into(),
            Conditions::Dates(vec![DateFilter {
                date_range: Some(crate::domain::filter::DateRange {
                    value: 7,
                    unit: "DAYS".into(),
                }),
                ..DateFilter::default()
            }]),
        );
        assert!(full_reason(Some(&view), &relative, now).is_some());
        assert_eq!(since(&view, now), now - SAFETY_WINDOW);
    }
}
