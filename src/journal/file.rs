//! The journal file: append-only, one entry a line, each append a single write to an
//! `O_APPEND` file and fsync'd; created private to the user.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::entry::Entry;

/// Why the journal could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}:{line}: not a journal entry: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// An open journal file. Appends are single writes to an `O_APPEND` file, so concurrent
/// appends never interleave within a line.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens (creating) the journal; new parent dirs get 0700 and a new file 0600, and an
    /// existing file readable by others is tightened to 0600.
    pub fn open(path: &Path) -> io::Result<Journal> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(parent)?;
        }
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = file.metadata()?;
            // Only a regular file is ours to tighten (not e.g. a device given as --journal).
            if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line and waits until it is on disk.
    pub fn append(&self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        (&self.file).write_all(&line)?;
        self.file.sync_data()
    }

    /// Every entry, in order; a line that is not an entry is an error naming the line.
    pub fn read_all(path: &Path) -> Result<Vec<Entry>, JournalError> {
        let io_err = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes =
            crate::bounded::read(path, crate::bounded::JOURNAL).map_err(|e| io_err(e.into()))?;
        let mut entries = Vec::new();
        for (i, line) in BufReader::new(bytes.as_slice()).lines().enumerate() {
            let line = line.map_err(io_err)?;
            if line.trim().is_empty() {
                continue;
            }
            let entry = serde_json::from_str(&line).map_err(|e| JournalError::Parse {
                path: path.to_path_buf(),
                line: i + 1,
                message: e.to_string(),
            })?;
            entries.push(entry);
        }
        Ok(entries)
    }
}
