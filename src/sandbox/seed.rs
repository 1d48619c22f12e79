//! The world a sandbox starts with: the demo world embedded from `assets/demo/`, findings
//! read from a `--seed DIR`, or generated findings for `--seed-scale N`.

mod generate;
mod parse;
mod real;
mod resources;
mod rng;
mod sources;
mod world;

use std::path::{Path, PathBuf};

use serde_json::Value;
use time::OffsetDateTime;

pub use generate::generate_findings;
pub use parse::{REQUIRED, finding_problem};
pub use world::{Source, WorldSpec};

/// Everything a sandbox is seeded with. Later services add their own fields.
#[derive(Debug, Clone, Default)]
pub struct Seed {
    /// ASFF findings, imported with the same validation as BatchImportFindings.
    pub findings: Vec<serde_json::Value>,
    /// WAFv2 IP sets and web ACLs (the demo world's are in assets/demo/wafv2/).
    pub wafv2: crate::sandbox::wafv2::WafWorld,
    /// OCSF findings only the new Security Hub serves (GetFindingsV2), as published: the
    /// demo's are AWS's sample exposure finding (assets/demo/securityhub/ocsf/).
    pub ocsf: Vec<serde_json::Value>,
}

/// Why a seed could not be loaded. Every variant names the file (and line) at fault.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}{}: invalid JSON: {source}", path.display(), line_suffix(*line))]
    Json {
        path: PathBuf,
        /// 1-based line of a `.jsonl` file; None for a `.json` file (serde names the line).
        line: Option<usize>,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}{}: {problem}", path.display(), line_suffix(*line))]
    Shape {
        path: PathBuf,
        line: Option<usize>,
        problem: String,
    },
    #[error("{}{}: finding {index}{}: {problem}", path.display(), line_suffix(*line), id.as_deref().map(|id| format!(" (Id {id:?})")).unwrap_or_default())]
    InvalidFinding {
        path: PathBuf,
        line: Option<usize>,
        /// 0-based position of the finding within its document.
        index: usize,
        id: Option<String>,
        problem: String,
    },
    #[error("{}: no *.json or *.jsonl seed files found", dir.display())]
    Empty { dir: PathBuf },
    #[error("{}: {problem}", path.display())]
    World { path: PathBuf, problem: String },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

const WORLD_TOML: &str = include_str!("../../assets/demo/world.toml");
const WORLD_PATH: &str = "assets/demo/world.toml";
const WAFV2_WORLD: &str = include_str!("../../assets/demo/wafv2/world.json");
const WAFV2_WORLD_PATH: &str = "assets/demo/wafv2/world.json";
const REAL_DIR: &str = "assets/demo/securityhub/real";

/// The demo world: every real ASFF example (minimally normalised, see
/// assets/demo/PROVENANCE.md) plus the generated findings described by world.toml, with
/// times relative to `now`. Embedded, so it works from any working directory.
pub fn demo(now: OffsetDateTime) -> Result<Seed, SeedError> {
    let spec = WorldSpec::from_toml(WORLD_TOML).map_err(|problem| SeedError::World {
        path: WORLD_PATH.into(),
        problem,
    })?;
    let mut findings = real_examples()?;
    findings.extend(generate::generate_with(
        &spec,
        spec.generated_findings,
        spec.seed,
        now,
    ));
    let wafv2 = serde_json::from_str(WAFV2_WORLD).map_err(|e| SeedError::World {
        path: WAFV2_WORLD_PATH.into(),
        problem: e.to_string(),
    })?;
    Ok(Seed {
        findings,
        wafv2,
        ocsf: ocsf_samples()?,
    })
}

const OCSF_SAMPLE_PATH: &str = "assets/demo/securityhub/ocsf/exposure-finding-sample.json";
const OCSF_SAMPLE: &str =
    include_str!("../../assets/demo/securityhub/ocsf/exposure-finding-sample.json");

/// AWS's published OCSF samples (the Security Hub user guide's sample exposure finding),
/// served as they are (see assets/demo/PROVENANCE.md).
pub fn ocsf_samples() -> Result<Vec<Value>, SeedError> {
    let doc = serde_json::from_str(OCSF_SAMPLE).map_err(|source| SeedError::Json {
        path: OCSF_SAMPLE_PATH.into(),
        line: None,
        source,
    })?;
    Ok(vec![doc])
}

/// The real examples from assets/demo/securityhub/real/, normalised for import.
pub fn real_examples() -> Result<Vec<Value>, SeedError> {
    let mut findings = Vec::new();
    for (name, text) in real::REAL {
        let path = Path::new(REAL_DIR).join(name);
        for mut finding in parse_document(&path, None, text)? {
            parse::normalise_real(&mut finding);
            findings.push(finding);
        }
    }
    Ok(findings)
}

/// Loads every `*.json` and `*.jsonl` file under `dir` (recursively, in name order).
pub fn load_dir(dir: &Path) -> Result<Seed, SeedError> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    if files.is_empty() {
        return Err(SeedError::Empty { dir: dir.into() });
    }
    let mut findings = Vec::new();
    for path in files {
        let text = crate::bounded::read_to_string(&path, crate::bounded::SEED).map_err(|e| {
            SeedError::Io {
                path: path.clone(),
                source: e.into(),
            }
        })?;
        findings.extend(parse_file_text(&path, &text)?);
    }
    Ok(Seed {
        findings,
        ..Seed::default()
    })
}

/// The findings of one seed file's text: a `.jsonl` file holds one document per line,
/// anything else is one document. `path` names the file in errors.
pub fn parse_file_text(path: &Path, text: &str) -> Result<Vec<Value>, SeedError> {
    if !is_ext(path, "jsonl") {
        return parse_document(path, None, text);
    }
    let mut findings = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if !line.trim().is_empty() {
            findings.extend(parse_document(path, Some(i + 1), line)?);
        }
    }
    Ok(findings)
}

fn is_ext(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), SeedError> {
    let io = |source| SeedError::Io {
        path: dir.into(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if is_ext(&path, "json") || is_ext(&path, "jsonl") {
            out.push(path);
        }
    }
    Ok(())
}

/// The 1-based line of a `.json` file where this finding's `"Id": "..."` is, so an error
/// can be found in a pretty-printed file. The value must follow an `"Id"` key: another
/// finding's Title or Description may quote the same text earlier.
fn line_of_id(text: &str, finding: &Value) -> Option<usize> {
    let id = serde_json::to_string(finding.get("Id")?.as_str()?).ok()?;
    let at = text.match_indices(&id).map(|(at, _)| at).find(|&at| {
        text[..at]
            .trim_end()
            .strip_suffix(':')
            .is_some_and(|before| before.trim_end().ends_with("\"Id\""))
    })?;
    Some(text[..at].matches('\n').count() + 1)
}

/// Parses one document and checks each finding has what BatchImportFindings requires.
fn parse_document(path: &Path, line: Option<usize>, text: &str) -> Result<Vec<Value>, SeedError> {
    let doc: Value = serde_json::from_str(text).map_err(|source| SeedError::Json {
        path: path.into(),
        line,
        source,
    })?;
    let findings = parse::findings_of(doc).map_err(|problem| SeedError::Shape {
        path: path.into(),
        line,
        problem,
    })?;
    for (index, finding) in findings.iter().enumerate() {
        if let Some(problem) = finding_problem(finding) {
            return Err(SeedError::InvalidFinding {
                path: path.into(),
                line: line.or_else(|| line_of_id(text, finding)),
                index,
                id: finding
                    .get("Id")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                problem,
            });
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests;
