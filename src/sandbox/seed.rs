//! The world a sandbox starts with: the demo world from `assets/demo/`, a `--seed DIR`,
//! or generated findings for scale tests. (Skeleton.)

/// Everything a sandbox is seeded with. Later services add their own fields.
#[derive(Debug, Clone, Default)]
pub struct Seed {
    /// ASFF findings, imported with the same validation as BatchImportFindings.
    pub findings: Vec<serde_json::Value>,
}
