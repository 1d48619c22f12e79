//! Reading the files secdeck is given (config, theme, address file, ip-ranges.json, seed
//! files, journal) with one rule: a regular file under a size limit, else an error that
//! names the file, what it was read as and the limit. `/dev/zero`, a FIFO or a runaway file
//! is refused before it can fill memory.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a file is read as, and the most bytes accepted (documented in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub what: &'static str,
    pub bytes: u64,
}

const MIB: u64 = 1 << 20;

pub const CONFIG: Limit = Limit {
    what: "config file",
    bytes: MIB,
};
pub const THEME: Limit = Limit {
    what: "theme file",
    bytes: MIB,
};
/// 10,000 addresses (WAF's limit per set) with comments fit many times over.
pub const ADDRESS_FILE: Limit = Limit {
    what: "address file",
    bytes: 4 * MIB,
};
/// AWS's file is ~2 MiB today.
pub const IP_RANGES: Limit = Limit {
    what: "ip-ranges.json",
    bytes: 64 * MIB,
};
pub const SEED: Limit = Limit {
    what: "seed file",
    bytes: 512 * MIB,
};
/// `import findings`: an export of ~100,000 findings of a few KB each fits.
pub const FINDINGS_FILE: Limit = Limit {
    what: "findings file",
    bytes: 512 * MIB,
};
pub const JOURNAL: Limit = Limit {
    what: "journal",
    bytes: 1024 * MIB,
};
/// `state.json`: a few remembered choices.
pub const STATE_FILE: Limit = Limit {
    what: "state file",
    bytes: MIB,
};

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    NotFound {
        path: PathBuf,
        limit: Limit,
    },
    NotRegular {
        path: PathBuf,
        limit: Limit,
        kind: &'static str,
    },
    TooLarge {
        path: PathBuf,
        limit: Limit,
    },
    NotUtf8 {
        path: PathBuf,
        limit: Limit,
    },
    Io {
        path: PathBuf,
        limit: Limit,
        source: std::io::Error,
    },
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::NotFound { .. })
    }

    /// The problem without the path, for callers that name the file themselves.
    pub fn problem(&self) -> String {
        match self {
            ReadError::NotFound { .. } => "file not found".into(),
            ReadError::NotRegular { limit, kind, .. } => {
                format!(
                    "not a regular file but {kind} (the {} must be a regular file of at most {})",
                    limit.what,
                    human(limit.bytes)
                )
            }
            ReadError::TooLarge { limit, .. } => format!(
                "larger than {}, the limit for the {}",
                human(limit.bytes),
                limit.what
            ),
            ReadError::NotUtf8 { limit, .. } => format!("the {} must be UTF-8 text", limit.what),
            ReadError::Io { source, .. } => source.to_string(),
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            ReadError::NotFound { path, .. }
            | ReadError::NotRegular { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::NotUtf8 { path, .. }
            | ReadError::Io { path, .. } => path,
        }
    }

    /// The underlying I/O error kind (`NotFound` for a missing file).
    pub fn kind(&self) -> std::io::ErrorKind {
        match self {
            ReadError::NotFound { .. } => std::io::ErrorKind::NotFound,
            ReadError::Io { source, .. } => source.kind(),
            _ => std::io::ErrorKind::InvalidInput,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path().display(), self.problem())
    }
}

impl std::error::Error for ReadError {}

/// "64 MiB", "512 KiB", "100 bytes".
pub fn human(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// The whole file, if it is a regular file of at most `limit.bytes`.
pub fn read(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let io = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ReadError::NotFound {
                path: path.to_path_buf(),
                limit,
            }
        } else {
            ReadError::Io {
                path: path.to_path_buf(),
                limit,
                source,
            }
        }
    };
    // Checked before opening: opening a FIFO for reading blocks until a writer appears.
    check_regular(path, &std::fs::metadata(path).map_err(io)?, limit)?;
    let file = std::fs::File::open(path).map_err(io)?;
    // Again on the open handle, in case the path was swapped in between.
    check_regular(path, &file.metadata().map_err(io)?, limit)?;
    let mut bytes = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "larger" for files that
    // grow while being read.
    file.take(limit.bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}

/// For error types that carry an `io::Error`: the same kind (`NotFound` stays `NotFound`)
/// and the problem in words.
impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> Self {
        std::io::Error::new(e.kind(), e.problem())
    }
}

/// As [`read`], as UTF-8 text.
pub fn read_to_string(path: &Path, limit: Limit) -> Result<String, ReadError> {
    String::from_utf8(read(path, limit)?).map_err(|_| ReadError::NotUtf8 {
        path: path.to_path_buf(),
        limit,
    })
}

fn check_regular(path: &Path, meta: &std::fs::Metadata, limit: Limit) -> Result<(), ReadError> {
    let kind = file_kind(meta);
    if kind != "regular file" {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            limit,
            kind,
        });
    }
    if meta.len() > limit.bytes {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(())
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_file() {
        "regular file"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: Limit = Limit {
        what: "test file",
        bytes: 8,
    };

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_refused_at_once_naming_file_kind_and_limit() {
        let err = read(Path::new("/dev/zero"), ADDRESS_FILE).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/dev/zero: not a regular file but a character device \
             (the address file must be a regular file of at most 4 MiB)"
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_one_at_the_limit_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("at");
        std::fs::write(&at, b"12345678").unwrap();
        assert_eq!(read(&at, TINY).unwrap(), b"12345678");
        let over = dir.path().join("over");
        std::fs::write(&over, b"123456789").unwrap();
        let err = read(&over, TINY).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("over: larger than 8 bytes, the limit for the test file"),
            "{err}"
        );
        let missing = read(&dir.path().join("nope"), TINY).unwrap_err();
        assert!(missing.is_not_found());
        let dir_err = read(dir.path(), TINY).unwrap_err();
        assert!(dir_err.problem().contains("a directory"), "{dir_err}");
    }

    #[test]
    fn sizes_are_shown_in_round_units() {
        assert_eq!(human(64 * MIB), "64 MiB");
        assert_eq!(human(4096), "4 KiB");
        assert_eq!(human(100), "100 bytes");
    }
}
