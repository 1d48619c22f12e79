//! The local findings store: one SQLite file per profile / account / region / findings
//! API under `$XDG_CACHE_HOME/secdeck/`, holding each view's findings as AWS sent them
//! plus the columns the table reads, so a console reopens at once and then asks AWS
//! only for what changed. It holds finding documents and sync times, never credentials.
//!
//! One writer: the console that takes the writer lock (`<file>.lock`) writes; others
//! read (SQLite's WAL lets them read while it writes) and fold what they fetch into
//! their own rows. A store SQLite cannot read, or of another format, is rebuilt empty
//! and the caller is told (`Store::notice`), never a crash.

mod admin;
pub mod delta;
pub mod delta_ocsf;
mod lock;
pub mod ocsf;
mod rows;
pub mod schema;
mod views;
mod window;

pub use admin::{StoreFile, clear, list};
pub use rows::{GroupColumn, StoredRows, sort_clause};
pub use views::{ViewState, format_time, view_key};
pub use window::{GroupCount, NO_KEY, WindowCounts, WindowQuery};

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use lock::WriterLock;
use schema::Unusable;

/// Which findings API a store's documents come from (its documents differ in shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// GetFindings, ASFF documents.
    Asff,
    /// GetFindingsV2, OCSF documents.
    Ocsf,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::Asff => "asff",
            Api::Ocsf => "ocsf",
        }
    }
}

/// A stored view as the table's window reads name it: which API's store, and the view's
/// key in it (`view_key` on ASFF, `ocsf::view_key` on OCSF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewRef {
    pub api: Api,
    pub key: String,
}

/// Whose findings a store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreKey {
    pub profile: String,
    pub account: String,
    pub region: String,
    pub api: Api,
}

impl StoreKey {
    /// `<cache>/findings/<profile>/<account>-<region>-<api>.sqlite3`; every part is
    /// percent-encoded so a profile name cannot leave the directory.
    pub fn path(&self, cache_dir: &Path) -> PathBuf {
        cache_dir
            .join("findings")
            .join(file_part(&self.profile))
            .join(format!(
                "{}-{}-{}.sqlite3",
                file_part(&self.account),
                file_part(&self.region),
                self.api.as_str()
            ))
    }
}

/// A path component made of safe characters only (`/`, `..`, controls encoded).
pub fn file_part(s: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'@')
        .remove(b'+');
    match percent_encoding::utf8_percent_encode(s, KEEP).to_string() {
        e if e.is_empty() => "_".into(),
        e => e,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("findings store {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("findings store {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("findings store {path}: another secdeck holds the writer lock")]
    NotWriter { path: PathBuf },
}

/// Beside a store that `Store::full_check` found damaged: what SQLite said.
const DAMAGED: &str = ".damaged";

fn damaged_marker(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}{DAMAGED}", path.display()))
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    writer: Option<WriterLock>,
    /// What happened to an unusable store at open ("... was rebuilt"), for the status
    /// line or stderr.
    pub notice: Option<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("writer", &self.writer.is_some())
            .finish()
    }
}

impl Store {
    /// Opens (creating if needed) the store for `key` under `cache_dir`, as the writer
    /// when no other secdeck is, else as a reader.
    pub fn open(cache_dir: &Path, key: &StoreKey) -> Result<Store, StoreError> {
        Self::open_path(&key.path(cache_dir))
    }

    pub fn open_path(path: &Path) -> Result<Store, StoreError> {
        let io = |e: std::io::Error| StoreError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let writer = WriterLock::try_take(path).map_err(io)?;
        let mut store = Store {
            conn: connect(path)?,
            path: path.to_path_buf(),
            writer,
            notice: None,
        };
        let checked = match std::fs::read_to_string(damaged_marker(path)) {
            Ok(found) => Err(schema::Unusable::Corrupt(found.trim().to_string())),
            Err(_) => schema::check(&store.conn),
        };
        match checked {
            Ok(true) if store.is_writer() => store.sql(schema::add_window_tables(&store.conn))?,
            Ok(true) => {}
            Ok(false) if store.is_writer() => store.sql(schema::create(&store.conn))?,
            Ok(false) => {}
            Err(why) => store.rebuild(why)?,
        }
        Ok(store)
    }

    /// SQLite's check of the whole file (every page; about a second per 100,000
    /// findings), which opening skips. On damage the store is marked so that the next
    /// open rebuilds it (the writer's, as for any unusable store); the answer says what
    /// SQLite found.
    pub fn full_check(&self) -> Result<(), String> {
        schema::quick_check(&self.conn, None).inspect_err(|found| {
            tracing::warn!(path = %self.path.display(), %found, "the findings store is damaged");
            let _ = std::fs::write(damaged_marker(&self.path), found);
        })
    }

    /// A second connection to a store another `Store` of this process writes: it reads
    /// (windows, counts) without waiting for the writer's transactions (WAL). Never
    /// creates, checks or rebuilds the file.
    pub fn open_reader(path: &Path) -> Result<Store, StoreError> {
        Ok(Store {
            conn: connect(path)?,
            path: path.to_path_buf(),
            writer: None,
            notice: None,
        })
    }

    /// Replaces an unusable store with an empty one (only the writer may; a reader
    /// reads nothing and says so).
    fn rebuild(&mut self, why: Unusable) -> Result<(), StoreError> {
        if !self.is_writer() {
            self.notice = Some(format!(
                "findings store {} is not usable: {why}; another secdeck holds it, so it \
                 is not rebuilt now",
                self.path.display()
            ));
            self.conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
                path: self.path.clone(),
                source,
            })?;
            return Ok(());
        }
        tracing::warn!(path = %self.path.display(), %why, "rebuilding the findings store");
        // Close before removing, so SQLite holds no handle on the old files.
        self.conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        })?;
        for suffix in ["", "-wal", "-shm", DAMAGED] {
            let file = PathBuf::from(format!("{}{suffix}", self.path.display()));
            match std::fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(StoreError::Io {
                        path: file,
                        message: e.to_string(),
                    });
                }
                _ => {}
            }
        }
        self.conn = connect(&self.path)?;
        self.sql(schema::create(&self.conn))?;
        self.notice = Some(format!(
            "findings store {} was rebuilt: {why}; findings are fetched in full",
            self.path.display()
        ));
        Ok(())
    }

    /// Stops what this connection is running (a read the console no longer wants).
    pub fn interrupt_handle(&self) -> rusqlite::InterruptHandle {
        self.conn.get_interrupt_handle()
    }

    /// This console writes the store (it took the writer lock).
    pub fn is_writer(&self) -> bool {
        self.writer.is_some()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql<T>(&self, r: rusqlite::Result<T>) -> Result<T, StoreError> {
        r.map_err(|source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        })
    }

    /// Wraps a SQLite error with the store's path (owns its copy: usable while a
    /// transaction borrows the connection).
    fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + use<> {
        let path = self.path.clone();
        move |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        }
    }

    fn require_writer(&self) -> Result<(), StoreError> {
        match self.writer {
            Some(_) => Ok(()),
            None => Err(StoreError::NotWriter {
                path: self.path.clone(),
            }),
        }
    }
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let sql = |source| StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    // A damaged file can fail already here; the caller's check reports it.
    let _ = conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    );
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(sql)?;
    Ok(conn)
}

#[cfg(test)]
mod tests;
