//! Small choices kept across sessions (the last analyzer picked, per profile / account /
//! region) in `$XDG_STATE_HOME/secdeck/state.json`. Written atomically (temp file, fsync,
//! rename) so a crash never leaves half a file; a file that cannot be read is reported
//! and ignored, never fatal.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// `profile|account|region` -> analyzer name.
    #[serde(default)]
    pub analyzers: BTreeMap<String, String>,
}

/// The file's contents; a missing file is an empty one. The error names the file.
pub fn load(path: &Path) -> Result<Remembered, String> {
    let text = match crate::bounded::read_to_string(path, crate::bounded::STATE_FILE) {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok(Remembered::default()),
        Err(e) => return Err(e.to_string()),
    };
    serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a secdeck state file: {e}", path.display()))
}

/// Records `name` as the analyzer chosen under `key`, keeping the other entries (a
/// corrupt file is replaced: it was already reported and ignored when read).
pub fn remember_analyzer(path: &Path, key: &str, name: &str) -> Result<(), String> {
    let mut state = load(path).unwrap_or_default();
    state.analyzers.insert(key.to_string(), name.to_string());
    let text = serde_json::to_vec_pretty(&state).map_err(|e| e.to_string())?;
    write_atomic(path, &text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `bytes` to a temp file next to `path` and renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_survives_a_reload_and_keeps_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/state.json");
        assert_eq!(
            load(&path).unwrap(),
            Remembered::default(),
            "missing = empty"
        );
        remember_analyzer(&path, "prod|111111111111|eu-west-1", "OrgAnalyzer").unwrap();
        remember_analyzer(&path, "dev|222222222222|us-east-1", "Dev").unwrap();
        remember_analyzer(&path, "prod|111111111111|eu-west-1", "Account").unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back.analyzers.len(), 2);
        assert_eq!(back.analyzers["prod|111111111111|eu-west-1"], "Account");
        assert_eq!(back.analyzers["dev|222222222222|us-east-1"], "Dev");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name() != "state.json")
            .collect();
        assert!(leftovers.is_empty(), "no temp file left: {leftovers:?}");
    }

    #[test]
    fn a_corrupt_file_is_an_error_naming_it_and_is_replaced_on_the_next_choice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{ not json").unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.contains("state.json"), "{err}");
        remember_analyzer(&path, "k", "A").unwrap();
        assert_eq!(load(&path).unwrap().analyzers["k"], "A");
    }
}
