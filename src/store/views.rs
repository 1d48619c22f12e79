//! Views: the findings one server-side filter selects, as of a sync. A full fetch
//! replaces a view (rows it did not see are removed when it completes); a delta sync
//! upserts what changed and removes what left the view.

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::rows::row_values;
use super::schema::FILTER_SEMANTICS;
use super::{Store, StoreError};
use crate::domain::filter::FindingFilters;
use crate::domain::finding::{Finding, FindingRef};

/// The text a view is stored under: the filter's wire JSON (attribute names sorted, so
/// one filter has one key).
pub fn view_key(filters: &FindingFilters) -> String {
    serde_json::to_string(filters).unwrap_or_default()
}

/// A stored view's sync state.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewState {
    pub view_id: i64,
    /// A full fetch completed (and none is half done).
    pub complete: bool,
    /// Synced under this secdeck's filter semantics.
    pub current_semantics: bool,
    /// When the last completed sync started (local clock): everything AWS held then is in.
    pub synced_at: Option<OffsetDateTime>,
    pub full_synced_at: Option<OffsetDateTime>,
    /// The newest `UpdatedAt` seen by any sync of this view.
    pub high_water: Option<OffsetDateTime>,
    pub rows: u64,
}

impl ViewState {
    /// Its rows can be shown and brought up to date by a delta sync.
    pub fn usable(&self) -> bool {
        self.complete && self.current_semantics && self.synced_at.is_some()
    }
}

fn parse_time(text: Option<String>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(&text?, &Rfc3339).ok()
}

pub fn format_time(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

impl Store {
    /// The stored view for `filters`, if any.
    pub fn view(&self, filters: &FindingFilters) -> Result<Option<ViewState>, StoreError> {
        self.view_at(&view_key(filters))
    }

    /// The id of the view stored for `filters`, if any (no row count: cheap).
    pub fn view_id(
        &self,
        filters: &crate::domain::filter::FindingFilters,
    ) -> Result<Option<i64>, StoreError> {
        self.view_id_at(&view_key(filters))
    }

    /// The id of the view kept under `key` (either API's view key), if any.
    pub fn view_id_at(&self, key: &str) -> Result<Option<i64>, StoreError> {
        let found =
            self.conn
                .query_row("SELECT view_id FROM views WHERE filter = ?1", [key], |r| {
                    r.get(0)
                });
        self.sql(found.optional())
    }

    /// The stored view kept under `key` (an ASFF `view_key`, an OCSF `ocsf::view_key`).
    pub fn view_at(&self, key: &str) -> Result<Option<ViewState>, StoreError> {
        let found = self.conn.query_row(
            "SELECT view_id, complete, semantics, synced_at, full_synced_at, high_water,
                    (SELECT count(*) FROM findings f WHERE f.view_id = v.view_id)
             FROM views v WHERE filter = ?1",
            [key],
            |r| {
                Ok(ViewState {
                    view_id: r.get(0)?,
                    complete: r.get::<_, i64>(1)? == 1,
                    current_semantics: r.get::<_, i64>(2)? == FILTER_SEMANTICS,
                    synced_at: parse_time(r.get(3)?),
                    full_synced_at: parse_time(r.get(4)?),
                    high_water: parse_time(r.get(5)?),
                    rows: r.get::<_, i64>(6)?.unsigned_abs(),
                })
            },
        );
        match found.optional() {
            Ok(v) => Ok(v),
            // A reader opened before the writer created the tables sees none yet.
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("no such table") => {
                Ok(None)
            }
            Err(e) => self.sql(Err(e)),
        }
    }

    /// Starts a full fetch of the view for `filters`: returns its id and the fetch's
    /// generation, which `put` stamps on every row it writes.
    pub fn begin_full(&mut self, filters: &FindingFilters) -> Result<(i64, i64), StoreError> {
        self.begin_full_at(&view_key(filters))
    }

    /// `begin_full` of the view kept under `key`.
    pub fn begin_full_at(&mut self, key: &str) -> Result<(i64, i64), StoreError> {
        self.require_writer()?;
        let r = self.conn.query_row(
            "INSERT INTO views (filter, semantics, gen, complete) VALUES (?1, ?2, 1, 0)
             ON CONFLICT (filter) DO UPDATE SET gen = gen + 1, complete = 0, semantics = ?2
             RETURNING view_id, gen",
            params![key, FILTER_SEMANTICS],
            |r| Ok((r.get(0)?, r.get(1)?)),
        );
        self.sql(r)
    }

    /// Writes (inserts or replaces) findings into a view under generation `gen`.
    pub fn put(&mut self, view_id: i64, gen_: i64, findings: &[Finding]) -> Result<(), StoreError> {
        self.require_writer()?;
        let err = self.err();
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO findings (view_id, id, product_arn, gen, severity_rank, workflow,
                    record_state, title, resource, account_id, region, product_name,
                    group_control, first_type, updated_at, haystack, doc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                 ON CONFLICT (view_id, id, product_arn) DO UPDATE SET gen = ?4,
                    severity_rank = ?5, workflow = ?6, record_state = ?7, title = ?8,
                    resource = ?9, account_id = ?10, region = ?11, product_name = ?12,
                    group_control = ?13, first_type = ?14, updated_at = ?15,
                    haystack = ?16, doc = ?17",
                )
                .map_err(&err)?;
            for f in findings {
                let v = row_values(f);
                let r = insert.execute(params![
                    view_id,
                    f.id,
                    f.product_arn,
                    gen_,
                    v.severity_rank,
                    v.workflow,
                    f.record_state,
                    f.title,
                    v.resource,
                    f.account_id,
                    f.region,
                    f.product_name,
                    v.group_control,
                    f.first_type,
                    f.updated_at,
                    v.haystack,
                    f.raw.text(),
                ]);
                r.map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// Completes a full fetch: rows of older generations are gone, the view is usable.
    /// `started` is when the fetch began.
    pub fn finish_full(
        &mut self,
        view_id: i64,
        gen_: i64,
        started: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.require_writer()?;
        let at = format_time(started);
        let r = self.conn.execute_batch("BEGIN IMMEDIATE").and_then(|()| {
            self.conn.execute(
                "DELETE FROM findings WHERE view_id = ?1 AND gen <> ?2",
                params![view_id, gen_],
            )?;
            self.conn.execute(
                "UPDATE views SET complete = 1, synced_at = ?2, full_synced_at = ?2,
                    high_water = (SELECT max(updated_at) FROM findings WHERE view_id = ?1)
                 WHERE view_id = ?1 AND gen = ?3",
                params![view_id, at, gen_],
            )?;
            self.conn.execute_batch("COMMIT")
        });
        self.sql(r)
    }

    /// Folds a delta sync in: `upserts` are in the view now, `removals` have left it.
    /// `started` is when the delta began; `high_water` the newest UpdatedAt it saw.
    pub fn apply_delta(
        &mut self,
        view_id: i64,
        upserts: &[Finding],
        removals: &[FindingRef],
        started: OffsetDateTime,
        high_water: Option<&str>,
    ) -> Result<(), StoreError> {
        self.apply_changes(view_id, upserts, removals)?;
        let err = self.err();
        self.conn
            .execute(
                "UPDATE views SET synced_at = ?2,
                    high_water = max(coalesce(high_water, ''), coalesce(?3, ''))
                 WHERE view_id = ?1",
                params![view_id, format_time(started), high_water],
            )
            .map_err(&err)?;
        Ok(())
    }

    /// Folds in findings re-read outside a sync (after a change this console made): the
    /// rows change, the view's sync times do not.
    pub fn apply_changes(
        &mut self,
        view_id: i64,
        upserts: &[Finding],
        removals: &[FindingRef],
    ) -> Result<(), StoreError> {
        self.require_writer()?;
        let gen_: i64 = self.sql(self.conn.query_row(
            "SELECT gen FROM views WHERE view_id = ?1",
            [view_id],
            |r| r.get(0),
        ))?;
        self.put(view_id, gen_, upserts)?;
        let err = self.err();
        let tx = self.conn.transaction().map_err(&err)?;
        for r in removals {
            tx.execute(
                "DELETE FROM findings WHERE view_id = ?1 AND id = ?2 AND product_arn = ?3",
                params![view_id, r.id, r.product_arn],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }
}
