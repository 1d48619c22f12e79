//! Reading a view back: its findings in the view's sort order, the `/` search (FTS5,
//! trigram: any substring of three characters or more) and group counts, answered by
//! SQLite from the indexed columns.

use rusqlite::params;

use super::{Store, StoreError};
use crate::domain::filter::{SortCriterion, SortOrder};
use crate::domain::finding::Finding;

/// The indexed columns of a finding, derived once when it is written.
pub(crate) struct RowValues {
    pub severity_rank: i64,
    pub workflow: &'static str,
    pub resource: String,
    pub group_control: String,
    pub haystack: String,
}

pub(crate) fn row_values(f: &Finding) -> RowValues {
    let resource = format!("{} {}", f.resource_type, f.resource_id);
    let severity = f.severity.map(|s| s.as_str()).unwrap_or_default();
    let workflow = f.workflow.map(|w| w.as_str()).unwrap_or_default();
    let haystack = [
        severity,
        &f.title,
        &resource,
        &f.account_id,
        &f.region,
        &f.product_name,
        workflow,
        &f.updated_at,
    ]
    .join("\u{1f}")
    .to_lowercase();
    RowValues {
        severity_rank: f.severity.map_or(-1, |s| s as i64),
        workflow,
        group_control: f
            .control_id
            .clone()
            .unwrap_or_else(|| f.generator_id.clone()),
        resource,
        haystack,
    }
}

/// `ORDER BY` for a view's sort criteria (the columns the table sorts by); unknown
/// fields fall back to newest first. Ties break on the finding id, so the order is total.
pub fn sort_clause(sort: &[SortCriterion]) -> String {
    let mut terms: Vec<String> = sort
        .iter()
        .filter_map(|c| {
            let column = match c.field.as_str() {
                "SeverityNormalized" | "SeverityLabel" => "severity_rank",
                "Title" => "title",
                "UpdatedAt" => "updated_at",
                "WorkflowStatus" => "workflow",
                "ResourceId" | "ResourceType" => "resource",
                "AwsAccountId" => "account_id",
                "Region" => "region",
                "ProductName" => "product_name",
                "RecordState" => "record_state",
                _ => return None,
            };
            let dir = match c.sort_order {
                SortOrder::Asc => "ASC",
                SortOrder::Desc => "DESC",
            };
            Some(format!("{column} {dir}"))
        })
        .collect();
    if terms.is_empty() {
        terms.push("updated_at DESC".into());
    }
    terms.push("id ASC".into());
    terms.join(", ")
}

/// A view's stored findings, read in order.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRows {
    pub findings: Vec<Finding>,
    /// Documents that no longer read as findings (skipped).
    pub skipped: usize,
}

impl Store {
    /// Every finding of a view, in `sort` order.
    pub fn rows(&self, view_id: i64, sort: &[SortCriterion]) -> Result<StoredRows, StoreError> {
        self.select(
            &format!(
                "SELECT doc FROM findings WHERE view_id = ?1 ORDER BY {}",
                sort_clause(sort)
            ),
            params![view_id],
        )
    }

    /// The findings of a view whose searchable text contains `text` (case-insensitive;
    /// three characters or more go through the FTS5 index).
    pub fn search(
        &self,
        view_id: i64,
        text: &str,
        sort: &[SortCriterion],
    ) -> Result<StoredRows, StoreError> {
        let needle = text.to_lowercase();
        if needle.chars().count() >= 3 {
            let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
            self.select(
                &format!(
                    "SELECT doc FROM findings WHERE view_id = ?1 AND rowid IN
                       (SELECT rowid FROM findings_search WHERE findings_search MATCH ?2)
                     ORDER BY {}",
                    sort_clause(sort)
                ),
                params![view_id, phrase],
            )
        } else {
            self.select(
                &format!(
                    "SELECT doc FROM findings WHERE view_id = ?1 AND instr(haystack, ?2) > 0
                     ORDER BY {}",
                    sort_clause(sort)
                ),
                params![view_id, needle],
            )
        }
    }

    /// How many findings of a view each value of `column` has (group-by), largest first.
    /// `column` is one of the indexed group columns.
    pub fn group_counts(
        &self,
        view_id: i64,
        column: GroupColumn,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let sql = format!(
            "SELECT CAST({c} AS TEXT), count(*) AS n FROM findings WHERE view_id = ?1
             GROUP BY {c} ORDER BY n DESC, {c} ASC",
            c = column.as_sql()
        );
        let mut stmt = self.sql(self.conn.prepare_cached(&sql))?;
        let rows = stmt.query_map([view_id], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)?.unsigned_abs()))
        });
        let rows = self.sql(rows)?;
        self.sql(rows.collect())
    }

    pub(super) fn select(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<StoredRows, StoreError> {
        let mut stmt = self.sql(self.conn.prepare(sql))?;
        let docs = stmt.query_map(params, |r| r.get::<_, String>(0));
        let mut out = StoredRows {
            findings: Vec::new(),
            skipped: 0,
        };
        for doc in self.sql(docs)? {
            let doc = self.sql(doc)?;
            match serde_json::from_str(&doc).map(super::ocsf::finding_of) {
                Ok(Ok(f)) => out.findings.push(f),
                _ => out.skipped += 1,
            }
        }
        Ok(out)
    }
}

/// The columns group-by can count on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupColumn {
    Severity,
    Workflow,
    Resource,
    Account,
    Product,
    Control,
    Type,
}

impl GroupColumn {
    pub(crate) fn as_sql(self) -> &'static str {
        match self {
            GroupColumn::Severity => "severity_rank",
            GroupColumn::Workflow => "workflow",
            GroupColumn::Resource => "resource",
            GroupColumn::Account => "account_id",
            GroupColumn::Product => "product_name",
            GroupColumn::Control => "group_control",
            GroupColumn::Type => "first_type",
        }
    }
}
