//! `secdeck cache info|clear`: the store files under the cache directory, what each
//! holds, and removing them (a profile's, or all).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::file_part;

/// One store file and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreFile {
    pub path: PathBuf,
    /// The profile directory it is under (decoded).
    pub profile: String,
    /// File name without extension: `<account>-<region>-<api>`.
    pub name: String,
    pub bytes: u64,
    /// (view filter JSON, findings, synced at (RFC 3339)); empty when unreadable.
    pub views: Vec<(String, u64, Option<String>)>,
    /// Why it could not be read, if it could not.
    pub problem: Option<String>,
}

fn root(cache_dir: &Path) -> PathBuf {
    cache_dir.join("findings")
}

/// The store files under `cache_dir`, of one profile or all, sorted by path.
pub fn list(cache_dir: &Path, profile: Option<&str>) -> std::io::Result<Vec<StoreFile>> {
    let mut out = Vec::new();
    let dirs: Vec<PathBuf> = match profile {
        Some(p) => vec![root(cache_dir).join(file_part(p))],
        None => match std::fs::read_dir(root(cache_dir)) {
            Ok(entries) => entries.filter_map(|e| Some(e.ok()?.path())).collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        },
    };
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let profile = dir
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let profile = percent_encoding::percent_decode_str(&profile)
            .decode_utf8_lossy()
            .into_owned();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "sqlite3") {
                continue;
            }
            let bytes = ["", "-wal"]
                .iter()
                .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
                .map(|m| m.len())
                .sum();
            let (views, problem) = match read_views(&path) {
                Ok(v) => (v, None),
                Err(e) => (Vec::new(), Some(e.to_string())),
            };
            out.push(StoreFile {
                name: path
                    .file_stem()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                profile: profile.clone(),
                path,
                bytes,
                views,
                problem,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Reads a store's views without taking the writer lock (read-only).
fn read_views(path: &Path) -> rusqlite::Result<Vec<(String, u64, Option<String>)>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn.prepare(
        "SELECT filter, (SELECT count(*) FROM findings f WHERE f.view_id = v.view_id),
                synced_at FROM views v ORDER BY filter",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get::<_, i64>(1)?.unsigned_abs(), r.get(2)?))
    })?;
    rows.collect()
}

/// Removes the store files (with their WAL, shared-memory and lock files) of one
/// profile or all; returns how many stores were removed.
pub fn clear(cache_dir: &Path, profile: Option<&str>) -> std::io::Result<usize> {
    let stores = list(cache_dir, profile)?;
    for store in &stores {
        for suffix in ["", "-wal", "-shm", ".lock"] {
            match std::fs::remove_file(format!("{}{suffix}", store.path.display())) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(stores.len())
}
