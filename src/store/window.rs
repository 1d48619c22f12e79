//! Reading a view a window at a time, for a console that keeps only the rows it shows:
//! how many rows the `/` filter and an open group leave (with the summary strip's
//! counts), the rows at positions `start..start + len` in the table's order, the group
//! list's counts, and a finding's position. Windows near a row the console already has
//! are read by key from that row (keyset), not by skipping rows from the top.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params_from_iter};

use super::rows::GroupColumn;
use super::{Store, StoreError};
use crate::domain::filter::{SortCriterion, SortOrder};
use crate::domain::finding::{Finding, FindingRef, Severity, WorkflowStatus};

/// What part of a view the table shows, and in which order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WindowQuery {
    pub sort: Vec<SortCriterion>,
    /// The `/` text as typed: a case-insensitive substring of the row's columns, `!text`
    /// for rows without it; a phrase no row holds matches the rows holding each word.
    pub text: String,
    /// An open group: only its rows.
    pub group: Option<(GroupColumn, String)>,
    /// On the group list, the group key under this column matches `text` too.
    pub key_matches: Option<GroupColumn>,
}

/// The summary strip's counts over the rows a query leaves (`Severity::ALL` and
/// `WorkflowStatus::ALL` order), and how many rows that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowCounts {
    pub rows: usize,
    pub severities: [usize; 5],
    pub workflows: [usize; 4],
}

/// One entry of the group list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    /// The key as the group list shows it (`(none)` for an empty one).
    pub key: String,
    pub rows: usize,
    pub severities: [usize; 5],
}

/// The key an empty group value is shown as.
pub const NO_KEY: &str = "(none)";

/// A WHERE clause and its parameters (in order).
struct Condition {
    sql: String,
    params: Vec<Value>,
    /// The trigram index names few rows: read them and sort them, rather than walk the
    /// sort's index testing each row.
    few: bool,
}

impl Condition {
    fn view(view_id: i64) -> Condition {
        Condition {
            sql: "view_id = ?".into(),
            params: vec![Value::Integer(view_id)],
            few: false,
        }
    }

    fn and(&mut self, sql: &str, params: impl IntoIterator<Item = Value>) {
        self.sql.push_str(" AND ");
        self.sql.push_str(sql);
        self.params.extend(params);
    }
}

/// Below this many rows holding a text, the trigram index lists them; above, the table's
/// order is walked testing each row (a common text fills a window within a few rows).
const FEW: i64 = 16_000;

/// The columns (and direction) a sort orders by; the row id breaks ties, so the order is
/// total and every ordering column is served by an index.
fn order_terms(sort: &[SortCriterion]) -> (Vec<&'static str>, bool) {
    let first = sort.first();
    let desc = first.is_none_or(|c| c.sort_order == SortOrder::Desc);
    let column = match first.map(|c| c.field.as_str()) {
        Some("SeverityNormalized" | "SeverityLabel") => {
            return (vec!["severity_rank", "updated_at", "rowid"], desc);
        }
        Some("Title") => "title",
        Some("WorkflowStatus") => "workflow",
        Some("ResourceId" | "ResourceType") => "resource",
        Some("AwsAccountId") => "account_id",
        Some("ProductName") => "product_name",
        _ => return (vec!["updated_at", "rowid"], desc),
    };
    (vec![column, "rowid"], desc)
}

/// `ORDER BY` terms; `sorted`: as expressions (`+col`), so SQLite reads the rows the
/// condition names and sorts them instead of walking an index.
fn order_by(columns: &[&str], desc: bool, sorted: bool) -> String {
    let dir = if desc { "DESC" } else { "ASC" };
    let plus = if sorted { "+" } else { "" };
    let terms: Vec<String> = columns.iter().map(|c| format!("{plus}{c} {dir}")).collect();
    terms.join(", ")
}

fn severity_of_rank(rank: i64) -> Option<Severity> {
    Severity::ALL.into_iter().find(|s| *s as i64 == rank)
}

/// Where a severity rank counts in `Severity::ALL` order.
fn severity_slot(rank: i64) -> Option<usize> {
    let s = severity_of_rank(rank)?;
    Severity::ALL.iter().position(|x| *x == s)
}

fn group_key(column: GroupColumn, value: &str) -> String {
    let key = match column {
        GroupColumn::Severity => value
            .parse()
            .ok()
            .and_then(severity_of_rank)
            .map(|s| s.to_string())
            .unwrap_or_default(),
        _ => value.to_string(),
    };
    if key.trim().is_empty() {
        NO_KEY.into()
    } else {
        key
    }
}

/// Which `view_counts` rows count a group column (and the expression of its key); the
/// severity is counted under every control's rows. None: counted over the rows.
fn precounted_column(column: GroupColumn) -> Option<(&'static str, &'static str)> {
    Some(match column {
        GroupColumn::Control => ("control", "key"),
        GroupColumn::Account => ("account", "key"),
        GroupColumn::Product => ("product", "key"),
        GroupColumn::Type => ("type", "key"),
        GroupColumn::Severity => ("control", "CAST(severity_rank AS TEXT)"),
        GroupColumn::Resource | GroupColumn::Workflow => return None,
    })
}

/// The `view_counts` rows that count what `query` leaves, when it has no `/` text.
fn precounted(view_id: i64, query: &WindowQuery) -> Option<Condition> {
    if !query.text.is_empty() {
        return None;
    }
    let mut cond = Condition {
        sql: "view_id = ? AND col = ?".into(),
        params: vec![Value::Integer(view_id)],
        few: false,
    };
    match &query.group {
        None => cond.params.push(Value::Text("control".into())),
        Some((column, key)) => {
            let (col, expr) = precounted_column(*column)?;
            cond.params.push(Value::Text(col.into()));
            let (sql, value) = match (*column, key.as_str()) {
                (GroupColumn::Severity, _) => group_condition(*column, key),
                (_, NO_KEY) => ("trim(key) = ?".to_string(), Value::Text(String::new())),
                _ => (format!("{expr} = ?"), Value::Text(key.clone())),
            };
            cond.and(&sql, [value]);
        }
    }
    Some(cond)
}

/// The condition selecting a group's rows from its key as shown.
fn group_condition(column: GroupColumn, key: &str) -> (String, Value) {
    let col = column.as_sql();
    if column == GroupColumn::Severity {
        let rank = Severity::ALL
            .into_iter()
            .find(|s| s.to_string() == key)
            .map_or(-1, |s| s as i64);
        return (format!("{col} = ?"), Value::Integer(rank));
    }
    if key == NO_KEY {
        return (format!("trim({col}) = ?"), Value::Text(String::new()));
    }
    (format!("{col} = ?"), Value::Text(key.into()))
}

impl Store {
    /// `needle` (lower-cased, not empty) as a substring of the row's searchable text, and
    /// whether few rows hold it (then through the trigram index, from three characters).
    fn contains(&self, needle: &str) -> Result<(String, Value, bool), StoreError> {
        if needle.chars().count() >= 3 {
            let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
            let n: i64 = self.sql(self.conn.query_row(
                "SELECT count(*) FROM (SELECT rowid FROM findings_search
                   WHERE findings_search MATCH ?1 LIMIT ?2)",
                rusqlite::params![phrase, FEW],
                |r| r.get(0),
            ))?;
            if n < FEW {
                return Ok((
                    "rowid IN (SELECT rowid FROM findings_search WHERE findings_search MATCH ?)"
                        .into(),
                    Value::Text(phrase),
                    true,
                ));
            }
        }
        let instr = "instr(haystack, ?) > 0".into();
        Ok((instr, Value::Text(needle.into()), false))
    }

    /// The WHERE clause of `query` over view `view_id`. A phrase no row holds falls back
    /// to its words (so the answer depends on the data: one look-up decides).
    fn condition(&self, view_id: i64, query: &WindowQuery) -> Result<Condition, StoreError> {
        let mut cond = Condition::view(view_id);
        if let Some((column, key)) = &query.group {
            let (sql, value) = group_condition(*column, key);
            cond.and(&sql, [value]);
        }
        let lower = query.text.to_lowercase();
        let (needle, negated) = match lower.strip_prefix('!') {
            Some(rest) => (rest, true),
            None => (lower.as_str(), false),
        };
        if needle.is_empty() {
            return Ok(cond);
        }
        let (sql, value, mut few) = self.contains(needle)?;
        let (mut sql, mut params) = (sql, vec![value]);
        if let Some(column) = query.key_matches.filter(|_| !negated) {
            sql = format!("({sql} OR instr(lower({}), ?) > 0)", column.as_sql());
            params.push(Value::Text(needle.into()));
            few = false; // an OR: the index no longer names every row
        }
        if negated {
            cond.and(&format!("NOT {sql}"), params);
            return Ok(cond);
        }
        let words: Vec<&str> = needle.split_whitespace().collect();
        if words.len() >= 2 {
            let mut probe = Condition {
                sql: cond.sql.clone(),
                params: cond.params.clone(),
                few,
            };
            probe.and(&sql, params.clone());
            let sql_probe = format!("SELECT 1 FROM findings WHERE {} LIMIT 1", probe.sql);
            let any = self.sql(
                self.conn
                    .query_row(&sql_probe, params_from_iter(&probe.params), |_| Ok(()))
                    .optional(),
            )?;
            if any.is_none() {
                for w in words {
                    match w.strip_prefix('!') {
                        Some("") => {}
                        Some(not) => {
                            let (s, v, _) = self.contains(not)?;
                            cond.and(&format!("NOT {s}"), [v]);
                        }
                        None => {
                            let (s, v, few) = self.contains(w)?;
                            cond.and(&s, [v]);
                            cond.few |= few;
                        }
                    }
                }
                return Ok(cond);
            }
        }
        cond.and(&sql, params);
        cond.few = few;
        Ok(cond)
    }

    /// How many rows `query` leaves, by severity and workflow.
    pub fn window_counts(
        &self,
        view_id: i64,
        query: &WindowQuery,
    ) -> Result<WindowCounts, StoreError> {
        let (sql, params) = match precounted(view_id, query) {
            Some(pre) => (
                format!(
                    "SELECT severity_rank, workflow, sum(n) FROM view_counts WHERE {}
                     GROUP BY severity_rank, workflow",
                    pre.sql
                ),
                pre.params,
            ),
            None => {
                let cond = self.condition(view_id, query)?;
                let sql = format!(
                    "SELECT severity_rank, workflow, count(*) FROM findings WHERE {}
                     GROUP BY severity_rank, workflow",
                    cond.sql
                );
                (sql, cond.params)
            }
        };
        let mut stmt = self.sql(self.conn.prepare_cached(&sql))?;
        let rows = stmt.query_map(params_from_iter(&params), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        });
        let mut counts = WindowCounts::default();
        for row in self.sql(rows)? {
            let (rank, workflow, n) = self.sql(row)?;
            let n = usize::try_from(n).unwrap_or_default();
            counts.rows += n;
            if let Some(p) = severity_slot(rank) {
                counts.severities[p] += n;
            }
            if let Some(p) = WorkflowStatus::ALL
                .iter()
                .position(|w| w.as_str() == workflow)
            {
                counts.workflows[p] += n;
            }
        }
        Ok(counts)
    }

    /// The group list of the rows `query` leaves: biggest group first, worst severities
    /// breaking ties, then by key (the order the in-memory grouping gives).
    pub fn window_groups(
        &self,
        view_id: i64,
        query: &WindowQuery,
        column: GroupColumn,
    ) -> Result<Vec<GroupCount>, StoreError> {
        let (sql, params) = match precounted_column(column).filter(|_| query.text.is_empty()) {
            // The view's counts kept by triggers: a few hundred rows, not a million.
            Some((col, key)) => (
                format!(
                    "SELECT {key}, severity_rank, sum(n) FROM view_counts
                     WHERE view_id = ? AND col = ? GROUP BY {key}, severity_rank
                     HAVING sum(n) > 0"
                ),
                vec![Value::Integer(view_id), Value::Text(col.into())],
            ),
            None => {
                let cond = self.condition(view_id, query)?;
                let sql = format!(
                    "SELECT CAST({c} AS TEXT), severity_rank, count(*) FROM findings WHERE {}
                     GROUP BY {c}, severity_rank",
                    cond.sql,
                    c = column.as_sql()
                );
                (sql, cond.params)
            }
        };
        let mut stmt = self.sql(self.conn.prepare_cached(&sql))?;
        let rows = stmt.query_map(params_from_iter(&params), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        });
        let mut groups: Vec<GroupCount> = Vec::new();
        let mut at = std::collections::HashMap::new();
        for row in self.sql(rows)? {
            let (value, rank, n) = self.sql(row)?;
            let n = usize::try_from(n).unwrap_or_default();
            let key = group_key(column, &value);
            let i = *at.entry(key.clone()).or_insert_with(|| {
                groups.push(GroupCount {
                    key,
                    rows: 0,
                    severities: [0; 5],
                });
                groups.len() - 1
            });
            groups[i].rows += n;
            if let Some(p) = severity_slot(rank) {
                groups[i].severities[p] += n;
            }
        }
        groups.sort_by(|a, b| {
            b.rows
                .cmp(&a.rows)
                .then_with(|| b.severities.cmp(&a.severities))
                .then_with(|| a.key.cmp(&b.key))
        });
        Ok(groups)
    }

    /// Every row `query` leaves, in order (marking a group: bounded by the group).
    pub fn window_all(
        &self,
        view_id: i64,
        query: &WindowQuery,
    ) -> Result<Vec<Finding>, StoreError> {
        let cond = self.condition(view_id, query)?;
        let (columns, desc) = order_terms(&query.sort);
        let sql = format!(
            "SELECT doc FROM findings WHERE {} ORDER BY {}",
            cond.sql,
            order_by(&columns, desc, cond.few)
        );
        Ok(self.select(&sql, params_from_iter(&cond.params))?.findings)
    }

    /// The rows at positions `start..start + len` of `query`. `anchor`: a row the caller
    /// holds and its position, so rows near it are read from it by key; `rows`: how many
    /// rows the query leaves, if known, so rows near the end are read from the end.
    pub fn window(
        &self,
        view_id: i64,
        query: &WindowQuery,
        (start, len): (usize, usize),
        anchor: Option<(usize, &FindingRef)>,
        rows: Option<usize>,
    ) -> Result<Vec<Finding>, StoreError> {
        let cond = self.condition(view_id, query)?;
        let end = rows.map_or(start + len, |n| n.min(start + len));
        if end <= start {
            return Ok(Vec::new());
        }
        let anchor = match anchor {
            Some((p, r)) => self.rowid_of(view_id, r)?.map(|id| (p, id)),
            None => None,
        };
        let from_end = rows.map(|n| n - end);
        let from_anchor = anchor.map(|(p, _)| p.abs_diff(start).min(p.abs_diff(end)));
        let best = [Some(start), from_end, from_anchor]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(start);
        match anchor {
            Some((p, rowid)) if from_anchor == Some(best) => {
                // Rows before the anchor read backwards from it, the rest forwards.
                let before_end = end.min(p);
                let mut out = Vec::new();
                if start < before_end {
                    let mut part = self.read_from(
                        &cond,
                        query,
                        (rowid, false),
                        p - before_end,
                        before_end - start,
                    )?;
                    part.reverse();
                    out = part;
                }
                let after_start = start.max(p);
                if after_start < end {
                    out.extend(self.read_from(
                        &cond,
                        query,
                        (rowid, true),
                        after_start - p,
                        end - after_start,
                    )?);
                }
                Ok(out)
            }
            _ if from_end == Some(best) && best < start => {
                let mut part = self.read_ends(&cond, query, false, best, end - start)?;
                part.reverse();
                Ok(part)
            }
            _ => self.read_ends(&cond, query, true, start, end - start),
        }
    }

    /// Where `finding` is among the rows `query` leaves (None: it is not among them).
    pub fn window_position(
        &self,
        view_id: i64,
        query: &WindowQuery,
        finding: &FindingRef,
    ) -> Result<Option<usize>, StoreError> {
        let Some(rowid) = self.rowid_of(view_id, finding)? else {
            return Ok(None);
        };
        let mut cond = self.condition(view_id, query)?;
        let inside = format!("SELECT 1 FROM findings WHERE {} AND rowid = ?", cond.sql);
        let mut params = cond.params.clone();
        params.push(Value::Integer(rowid));
        let found = self
            .conn
            .query_row(&inside, params_from_iter(&params), |_| Ok(()));
        if self.sql(found.optional())?.is_none() {
            return Ok(None);
        }
        let (columns, desc) = order_terms(&query.sort);
        let (sql, value) = keyset(&columns, !desc, rowid, false);
        cond.and(&sql, [value]);
        let count = format!("SELECT count(*) FROM findings WHERE {}", cond.sql);
        let n: i64 = self.sql(self.conn.query_row(
            &count,
            params_from_iter(&cond.params),
            |r| r.get(0),
        ))?;
        Ok(usize::try_from(n).ok())
    }

    fn rowid_of(&self, view_id: i64, r: &FindingRef) -> Result<Option<i64>, StoreError> {
        let found = self.conn.query_row(
            "SELECT rowid FROM findings WHERE view_id = ?1 AND id = ?2 AND product_arn = ?3",
            rusqlite::params![view_id, r.id, r.product_arn],
            |row| row.get(0),
        );
        self.sql(found.optional())
    }

    /// `len` rows from the top (`forward`) or the bottom, skipping `skip`.
    fn read_ends(
        &self,
        cond: &Condition,
        query: &WindowQuery,
        forward: bool,
        skip: usize,
        len: usize,
    ) -> Result<Vec<Finding>, StoreError> {
        let (columns, desc) = order_terms(&query.sort);
        let sql = format!(
            "{} LIMIT {len} OFFSET {skip})
             ORDER BY {}",
            picked(&cond.sql, &order_by(&columns, desc == forward, cond.few)),
            order_by(&columns, desc == forward, false)
        );
        Ok(self.select(&sql, params_from_iter(&cond.params))?.findings)
    }

    /// `len` rows after (`forward`, the anchor included) or before the anchor row,
    /// skipping `skip`.
    fn read_from(
        &self,
        cond: &Condition,
        query: &WindowQuery,
        (rowid, forward): (i64, bool),
        skip: usize,
        len: usize,
    ) -> Result<Vec<Finding>, StoreError> {
        let (columns, desc) = order_terms(&query.sort);
        // Forward in table order: rows at or past the anchor; backward: rows before it.
        let (sql, value) = keyset(&columns, desc == forward, rowid, forward);
        let mut params = cond.params.clone();
        params.push(value);
        let sql = format!(
            "{} LIMIT {len} OFFSET {skip})
             ORDER BY {}",
            picked(
                &format!("{} AND {sql}", cond.sql),
                &order_by(&columns, desc == forward, cond.few)
            ),
            order_by(&columns, desc == forward, false)
        );
        Ok(self.select(&sql, params_from_iter(&params))?.findings)
    }
}

/// The start of a window read in two steps: which rows (ordered, without reading their
/// documents), then the documents of those only. Closed by the caller's LIMIT and ORDER BY.
fn picked(condition: &str, order: &str) -> String {
    format!(
        "SELECT doc FROM findings WHERE rowid IN
           (SELECT rowid FROM findings WHERE {condition} ORDER BY {order}"
    )
}

/// Rows past row `rowid` in the order `columns` (descending: smaller keys are past it);
/// `inclusive`: the row itself too. A row value comparison, which the indexes serve.
fn keyset(columns: &[&str], desc: bool, rowid: i64, inclusive: bool) -> (String, Value) {
    let op = match (desc, inclusive) {
        (true, false) => "<",
        (true, true) => "<=",
        (false, false) => ">",
        (false, true) => ">=",
    };
    let list = columns.join(", ");
    (
        format!("({list}) {op} (SELECT {list} FROM findings WHERE rowid = ?)"),
        Value::Integer(rowid),
    )
}
