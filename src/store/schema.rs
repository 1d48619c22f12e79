//! The store's tables, and what its format version means. A store of another version
//! (older, newer) or one SQLite cannot read is rebuilt empty: it is a cache of what AWS
//! holds, so losing it costs one full fetch and nothing else.

use rusqlite::{Connection, OptionalExtension};

/// Bump when a table, a column or what a column holds changes.
pub const FORMAT_VERSION: i64 = 1;

/// Bump when the meaning of a stored view's filter changes (how secdeck turns a filter
/// expression into `AwsSecurityFindingFilters`, or what a delta sync asks for): views
/// synced under another value are fetched in full again.
pub const FILTER_SEMANTICS: i64 = 1;

/// One row a finding per view: the columns the table, the sort, the filters and the
/// group-by read, and the document as AWS sent it. `gen` marks the rows a full fetch
/// has seen, so the rows it did not see are removed when it completes.
const TABLES: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE views (
    view_id INTEGER PRIMARY KEY,
    filter TEXT NOT NULL UNIQUE,
    semantics INTEGER NOT NULL,
    gen INTEGER NOT NULL DEFAULT 0,
    complete INTEGER NOT NULL DEFAULT 0,
    sync_started_at TEXT,
    synced_at TEXT,
    full_synced_at TEXT,
    high_water TEXT
);
CREATE TABLE findings (
    view_id INTEGER NOT NULL REFERENCES views(view_id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    product_arn TEXT NOT NULL,
    gen INTEGER NOT NULL,
    severity_rank INTEGER NOT NULL,
    workflow TEXT NOT NULL,
    record_state TEXT NOT NULL,
    title TEXT NOT NULL,
    resource TEXT NOT NULL,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    product_name TEXT NOT NULL,
    group_control TEXT NOT NULL,
    first_type TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    haystack TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (view_id, id, product_arn)
);
CREATE INDEX findings_severity ON findings (view_id, severity_rank, updated_at);
CREATE INDEX findings_updated ON findings (view_id, updated_at);
CREATE INDEX findings_title ON findings (view_id, title);
CREATE INDEX findings_workflow ON findings (view_id, workflow);
CREATE INDEX findings_resource ON findings (view_id, resource);
CREATE INDEX findings_account ON findings (view_id, account_id);
CREATE INDEX findings_product ON findings (view_id, product_name);
CREATE INDEX findings_control ON findings (view_id, group_control);
CREATE INDEX findings_gen ON findings (view_id, gen);
";

/// The `/` search: an FTS5 index over each row's searchable text, kept in step by
/// triggers (external content: the text is stored once, in `findings.haystack`).
const SEARCH: &str = "
CREATE VIRTUAL TABLE findings_search USING fts5(
    haystack, content='findings', content_rowid='rowid', tokenize='trigram'
);
CREATE TRIGGER findings_ai AFTER INSERT ON findings BEGIN
    INSERT INTO findings_search(rowid, haystack) VALUES (new.rowid, new.haystack);
END;
CREATE TRIGGER findings_ad AFTER DELETE ON findings BEGIN
    INSERT INTO findings_search(findings_search, rowid, haystack)
        VALUES ('delete', old.rowid, old.haystack);
END;
CREATE TRIGGER findings_au AFTER UPDATE OF haystack ON findings BEGIN
    INSERT INTO findings_search(findings_search, rowid, haystack)
        VALUES ('delete', old.rowid, old.haystack);
    INSERT INTO findings_search(rowid, haystack) VALUES (new.rowid, new.haystack);
END;
";

/// Indexes for a console that reads a view a window at a time (`window.rs`): group counts
/// and the summary strip's counts answered from an index alone (`findings_counts`: the
/// counts under a `/` text, scanning the searchable text without the documents). `IF NOT EXISTS`: a store
/// made before them gets them when its writer opens it (same format).
pub const WINDOW_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS findings_sev_workflow ON findings (view_id, severity_rank, workflow);
CREATE INDEX IF NOT EXISTS findings_counts ON findings (view_id, severity_rank, workflow, haystack);
CREATE INDEX IF NOT EXISTS findings_by_control ON findings (view_id, group_control, severity_rank);
CREATE INDEX IF NOT EXISTS findings_by_resource ON findings (view_id, resource, severity_rank);
CREATE INDEX IF NOT EXISTS findings_by_account ON findings (view_id, account_id, severity_rank);
CREATE INDEX IF NOT EXISTS findings_by_product ON findings (view_id, product_name, severity_rank);
CREATE INDEX IF NOT EXISTS findings_by_type ON findings (view_id, first_type, severity_rank);
";

/// The group-by columns `view_counts` keeps counts of: (name in `col`, column of `findings`).
const GROUPED: [(&str, &str); 4] = [
    ("control", "group_control"),
    ("account", "account_id"),
    ("product", "product_name"),
    ("type", "first_type"),
];

/// How many rows of a view each group key has, by severity and workflow, kept in step by
/// triggers: the group list and the summary strip of a view without a `/` text are read
/// from a few hundred rows instead of counted over a million. Created (and filled from
/// the rows) by the writer when missing: `view_counts_fill` after `view_counts`.
pub fn view_counts() -> String {
    let each =
        |f: &dyn Fn(&str, &str) -> String| GROUPED.map(|(col, column)| f(col, column)).concat();
    let insert = |col: &str, column: &str| {
        format!(
            "INSERT INTO view_counts VALUES (new.view_id, '{col}', new.{column}, \
             new.severity_rank, new.workflow, 1) ON CONFLICT DO UPDATE SET n = n + 1;\n"
        )
    };
    let remove = |col: &str, column: &str| {
        format!(
            "UPDATE view_counts SET n = n - 1 WHERE view_id = old.view_id AND col = '{col}' \
             AND key = old.{column} AND severity_rank = old.severity_rank \
             AND workflow = old.workflow;\n"
        )
    };
    format!(
        "CREATE TABLE view_counts (
    view_id INTEGER NOT NULL,
    col TEXT NOT NULL,
    key TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    workflow TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (view_id, col, key, severity_rank, workflow)
) WITHOUT ROWID;
CREATE TRIGGER view_counts_ai AFTER INSERT ON findings BEGIN {inserted} END;
CREATE TRIGGER view_counts_ad AFTER DELETE ON findings BEGIN {deleted} END;
CREATE TRIGGER view_counts_au AFTER UPDATE ON findings BEGIN {deleted} {inserted} END;
",
        inserted = each(&insert),
        deleted = each(&remove),
    )
}

/// Fills `view_counts` from the rows (a store made before it).
pub fn view_counts_fill() -> String {
    GROUPED
        .map(|(col, column)| {
            format!(
                "INSERT INTO view_counts SELECT view_id, '{col}', {column}, severity_rank, \
                 workflow, count(*) FROM findings \
                 GROUP BY view_id, {column}, severity_rank, workflow;\n"
            )
        })
        .concat()
}

/// Why an existing store file is not used as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// SQLite could not read it (not a database, damaged pages, missing tables).
    Corrupt(String),
    /// Written by a newer secdeck.
    Newer(i64),
    /// Written by an older secdeck (a format change: fetched again in full).
    Older(i64),
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::Corrupt(e) => write!(f, "it could not be read ({e})"),
            Unusable::Newer(v) => write!(
                f,
                "it has format {v}, newer than this secdeck's {FORMAT_VERSION}"
            ),
            Unusable::Older(v) => write!(
                f,
                "it has format {v}, older than this secdeck's {FORMAT_VERSION}"
            ),
        }
    }
}

/// Checks an opened store: `Ok(true)` usable, `Ok(false)` empty (new file), or why not.
pub fn check(conn: &Connection) -> Result<bool, Unusable> {
    let corrupt = |e: rusqlite::Error| Unusable::Corrupt(e.to_string());
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(corrupt)?;
    if tables == 0 {
        return Ok(false);
    }
    let version: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'format_version'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(corrupt)?;
    let version: i64 = version
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Unusable::Corrupt("no format version".into()))?;
    match version {
        v if v > FORMAT_VERSION => Err(Unusable::Newer(v)),
        v if v < FORMAT_VERSION => Err(Unusable::Older(v)),
        // Only the small tables here: a whole-file check reads every page (about a
        // second per 100,000 findings) and would hold back the stored rows. The writer
        // checks the whole file in the background (`quick_check`, `Store::full_check`).
        _ => ["meta", "views"]
            .iter()
            .try_for_each(|table| quick_check(conn, Some(table)).map_err(Unusable::Corrupt))
            .map(|()| true),
    }
}

/// SQLite's `quick_check` of one table and its indexes, or of the whole file: Ok, or
/// what SQLite found.
pub fn quick_check(conn: &Connection, table: Option<&str>) -> Result<(), String> {
    let sql = match table {
        Some(table) => format!("PRAGMA quick_check(\"{table}\")"),
        None => "PRAGMA quick_check".to_string(),
    };
    let ok: String = conn
        .query_row(&sql, [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if ok == "ok" { Ok(()) } else { Err(ok) }
}

/// Creates the tables of an empty store.
pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "BEGIN; {TABLES} {SEARCH} {WINDOW_INDEXES} {}",
        view_counts()
    ))?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('format_version', ?1)",
        [FORMAT_VERSION.to_string()],
    )?;
    conn.execute_batch("COMMIT")
}

/// The writer's part of opening a store made before the window reads: their indexes and
/// the group counts (filled from the rows once).
pub fn add_window_tables(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(WINDOW_INDEXES)?;
    let has: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name = 'view_counts'",
        [],
        |r| r.get(0),
    )?;
    if has == 0 {
        conn.execute_batch(&format!(
            "BEGIN; {} {} COMMIT;",
            view_counts(),
            view_counts_fill()
        ))?;
    }
    Ok(())
}
