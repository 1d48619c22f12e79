//! What an OCSF delta sync asks GetFindingsV2 for, and how it checks the result.
//!
//! The provider's changes (a new finding, an update, an archive) move
//! `finding_info.modified_time_dt`, so they are asked for as the ASFF delta asks for
//! `UpdatedAt`: everything modified since the last sync less the safety window, once
//! without the view's filter and once with it (`delta::Delta::fold` folds the two).
//!
//! A triage change does not move it: "Updates from BatchUpdateFindingsV2 don't affect
//! the value of finding_info.modified_time, finding_info.modified_time_dt, time, time_dt"
//! (the API reference), nor do BatchUpdateFindings changes seen through OCSF. So after
//! folding, the view's counts by status, severity and resource (one
//! GetFindingStatisticsV2 call, [`check_rules`]) are compared with the stored rows'; when
//! they differ, someone triaged findings of the view elsewhere and the view is fetched in
//! full. What no count shows (a comment alone, two findings of one resource trading
//! statuses) waits for the next full fetch (`delta::FULL_AFTER`, `R`, `:sync full`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use time::OffsetDateTime;

use super::delta;
use super::views::{ViewState, format_time};
use crate::domain::filter::DateFilter;
use crate::domain::finding::Finding;
use crate::domain::ocsf_filter::{Composite, Leaf, MAX_COMPOSITES, OcsfFilters, Operator};

/// The date field a delta filters on.
pub const STAMP: &str = "finding_info.modified_time_dt";

/// The fields whose per-value counts the check compares (OCSF paths, as
/// GetFindingStatisticsV2 groups them).
pub const CHECKED: [&str; 3] = ["status", "severity", "resources.uid"];

/// Why an OCSF view is fetched in full rather than by a delta (None: a delta will do).
pub fn full_reason(
    view: Option<&ViewState>,
    filters: &OcsfFilters,
    now: OffsetDateTime,
) -> Option<&'static str> {
    delta::full_reason_for(view, delta_able(filters), now)
}

fn composites(c: &Composite) -> usize {
    1 + c.nested.iter().map(composites).sum::<usize>()
}

fn leaves(c: &Composite) -> Box<dyn Iterator<Item = &Leaf> + '_> {
    Box::new(c.leaves.iter().chain(c.nested.iter().flat_map(leaves)))
}

/// A view whose membership changes with the clock (a relative date), that filters on the
/// stamp itself, or that has no room for the stamp's composite cannot be brought up to
/// date by a delta.
pub fn delta_able(filters: &OcsfFilters) -> bool {
    let used: usize = filters.composites.iter().map(composites).sum();
    let clockless = filters.composites.iter().flat_map(leaves).all(|l| match l {
        Leaf::Date { field, filter } => *field != STAMP && filter.date_range.is_none(),
        _ => true,
    });
    clockless && used + 2 <= MAX_COMPOSITES
}

/// `filters` AND modified since `since` (None: every finding modified since).
pub fn modified_since(filters: Option<&OcsfFilters>, since: OffsetDateTime) -> OcsfFilters {
    let stamp = Composite {
        operator: Operator::And,
        leaves: vec![Leaf::Date {
            field: STAMP,
            filter: DateFilter {
                start: Some(format_time(since.replace_nanosecond(0).unwrap_or(since))),
                end: None,
                date_range: None,
            },
        }],
        nested: Vec::new(),
    };
    let Some(view) = filters.filter(|f| !f.is_empty()) else {
        return OcsfFilters {
            operator: Operator::And,
            composites: vec![stamp],
        };
    };
    let mut out = match view.operator {
        Operator::And => view.clone(),
        // An OR of composites, AND'ed with the stamp: the OR becomes one nested group.
        Operator::Or => OcsfFilters {
            operator: Operator::And,
            composites: vec![Composite {
                operator: Operator::Or,
                leaves: Vec::new(),
                nested: view.composites.clone(),
            }],
        },
    };
    out.composites.push(stamp);
    out
}

/// The delta's two queries: (everything modified since, what of it is in the view).
pub fn queries(filters: &OcsfFilters, since: OffsetDateTime) -> (OcsfFilters, OcsfFilters) {
    (
        modified_since(None, since),
        modified_since(Some(filters), since),
    )
}

/// Per checked field, how many findings hold each value (a finding counts once per value,
/// as GetFindingStatisticsV2 counts).
pub type Counts = BTreeMap<String, BTreeMap<String, i64>>;

fn values_at<'a>(doc: &'a Value, path: &[&str], out: &mut BTreeSet<&'a str>) {
    let Some((first, rest)) = path.split_first() else {
        if let Some(s) = doc.as_str().filter(|s| !s.trim().is_empty()) {
            out.insert(s);
        }
        return;
    };
    match doc {
        Value::Array(items) => items.iter().for_each(|i| values_at(i, path, out)),
        Value::Object(o) => {
            if let Some(v) = o.get(*first) {
                values_at(v, rest, out);
            }
        }
        _ => {}
    }
}

/// The checked counts of rows (their documents as received).
pub fn counts_of(rows: &[Finding]) -> Counts {
    let mut out = no_counts();
    rows.iter()
        .for_each(|row| count_doc(&mut out, &row.raw.value()));
    out
}

fn no_counts() -> Counts {
    CHECKED
        .iter()
        .map(|f| (f.to_string(), Default::default()))
        .collect()
}

/// Adds one document's values of the checked fields to `out`.
fn count_doc(out: &mut Counts, doc: &Value) {
    for field in CHECKED {
        let path: Vec<&str> = field.split('.').collect();
        let mut values = BTreeSet::new();
        values_at(doc, &path, &mut values);
        let counts = out.entry(field.to_string()).or_default();
        for v in values {
            *counts.entry(v.to_string()).or_default() += 1;
        }
    }
}

impl super::Store {
    /// `counts_of` the view's stored rows, one document at a time (a windowed table
    /// holds none of them, and the task need not either).
    pub fn checked_counts(&self, view_id: i64) -> Result<Counts, super::StoreError> {
        let mut stmt = self.sql(
            self.conn
                .prepare("SELECT doc FROM findings WHERE view_id = ?1"),
        )?;
        let docs = self.sql(stmt.query_map([view_id], |r| r.get::<_, String>(0)))?;
        let mut out = no_counts();
        for doc in docs {
            if let Ok(doc) = serde_json::from_str::<Value>(&self.sql(doc)?) {
                count_doc(&mut out, &doc);
            }
        }
        Ok(out)
    }
}

/// The fields whose stored counts differ from AWS's. A field AWS answered with `limit`
/// groups may have been cut short, so it is not compared.
pub fn differing(stored: &Counts, aws: &Counts, limit: usize) -> Vec<String> {
    aws.iter()
        .filter(|(_, groups)| groups.len() < limit)
        .filter(|(field, groups)| stored.get(*field).is_none_or(|s| s != *groups))
        .map(|(field, _)| field.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ocsf_finding::from_ocsf;
    use serde_json::json;

    fn row(id: &str, status: &str, uids: &[&str]) -> Finding {
        let resources: Vec<Value> = uids.iter().map(|u| json!({"uid": u})).collect();
        from_ocsf(json!({"metadata": {"uid": id}, "status": status, "resources": resources}))
            .unwrap()
    }

    #[test]
    fn the_stamp_is_anded_with_the_view_whatever_its_operator() {
        let since = OffsetDateTime::UNIX_EPOCH;
        let (all, within) = queries(&OcsfFilters::compile("sev=High").unwrap(), since);
        assert_eq!(all.composites.len(), 1);
        assert_eq!(within.operator, Operator::And);
        assert_eq!(within.composites.len(), 2);
        let Leaf::Date { field, filter } = &within.composites[1].leaves[0] else {
            panic!("the stamp is a date filter: {within:?}");
        };
        assert_eq!(*field, STAMP);
        assert_eq!(filter.start.as_deref(), Some("1970-01-01T00:00:00Z"));

        let or = OcsfFilters::compile("(sev=High status=New) | (sev=Low status=New)").unwrap();
        assert_eq!(or.operator, Operator::Or);
        let within = modified_since(Some(&or), since);
        assert_eq!(within.operator, Operator::And);
        assert_eq!(within.composites[0].operator, Operator::Or);
        assert_eq!(within.composites[0].nested, or.composites);
    }

    #[test]
    fn relative_dates_and_the_stamp_itself_need_a_full_fetch() {
        assert!(delta_able(&OcsfFilters::compile("status=New").unwrap()));
        assert!(!delta_able(&OcsfFilters::compile("created<7d").unwrap()));
        assert!(!delta_able(
            &OcsfFilters::compile("finding_info.modified_time_dt>=2026-01-01").unwrap()
        ));
    }

    #[test]
    fn counts_differ_when_a_finding_changed_status_or_moved_resource() {
        let stored = counts_of(&[row("a", "New", &["r1", "r1"]), row("b", "New", &["r2"])]);
        assert_eq!(
            stored["resources.uid"]["r1"], 1,
            "a value counts once a finding"
        );
        let same = counts_of(&[row("b", "New", &["r2"]), row("a", "New", &["r1"])]);
        assert!(differing(&stored, &same, 400).is_empty());
        let triaged = counts_of(&[row("a", "Resolved", &["r1"]), row("b", "New", &["r2"])]);
        assert_eq!(differing(&stored, &triaged, 400), ["status"]);
        let swapped = counts_of(&[row("a", "New", &["r2"]), row("b", "New", &["r1"])]);
        assert!(
            differing(&stored, &swapped, 400).is_empty(),
            "a swap shows in no count"
        );
        assert!(
            differing(&stored, &triaged, 2).is_empty(),
            "cut short: not compared"
        );
    }

    #[test]
    fn the_stored_documents_count_as_the_rows_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = super::super::Store::open_path(&dir.path().join("o.sqlite3")).unwrap();
        let rows = [
            row("a", "New", &["r1", "r1"]),
            row("b", "Resolved", &["r2"]),
            row("c", "New", &[]),
        ];
        let (view, gen_) = store.begin_full_at("{\"ocsf\":1}").unwrap();
        store.put(view, gen_, &rows).unwrap();
        assert_eq!(store.checked_counts(view).unwrap(), counts_of(&rows));
    }
}
