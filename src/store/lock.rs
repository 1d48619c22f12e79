//! The writer lock: an exclusive advisory lock on `<store>.lock`, held for as long as a
//! console has the store open. The operating system drops it when the process ends, so
//! a crashed console never leaves the store locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// The lock, or `None` when another process (or another store handle) holds it.
    pub fn try_take(store: &Path) -> std::io::Result<Option<WriterLock>> {
        let path = format!("{}.lock", store.display());
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(WriterLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(e),
        }
    }
}
