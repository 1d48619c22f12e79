//! `secdeck import findings FILE` as a change: BatchImportFindings of the file's findings,
//! as they are, in batches of at most 100 findings and 6 MB. The journal keeps the file
//! name, the finding identifiers and the batches; not the documents (the file has them).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::asff_batch;
use super::finding::FindingRef;
use super::plan::outcome::Observed;
use super::plan::{Change, JournalValues, LineKind, PlannedChange, PreviewLine};

/// Ids listed in a preview; the rest are counted.
const PREVIEW_IDS: usize = 10;

/// One request: how many findings and how many bytes of JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub findings: usize,
    pub bytes: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingsImport {
    /// The file the findings were read from, as given.
    pub source: String,
    /// Each finding's (Id, ProductArn), in file order.
    pub findings: Vec<FindingRef>,
    /// The BatchImportFindings requests the findings are sent in, in order.
    pub batches: Vec<Batch>,
    /// Each finding's JSON as the file has it. Shared: the journal's entries and the
    /// executor hold the plan too, and a copy per holder would multiply the memory.
    #[serde(skip)]
    pub documents: Arc<Vec<Box<RawValue>>>,
}

/// Equal when they import the same texts from the same file (RawValue has no `==`).
impl PartialEq for FindingsImport {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
            && self.findings == other.findings
            && self.batches == other.batches
            && self.documents.len() == other.documents.len()
            && self
                .documents
                .iter()
                .zip(other.documents.iter())
                .all(|(a, b)| a.get() == b.get())
    }
}

impl FindingsImport {
    /// `findings` and `documents` in the same order (as [`super::findings_file`] reads them).
    pub fn new(
        source: impl Into<String>,
        findings: Vec<FindingRef>,
        documents: Vec<Box<RawValue>>,
    ) -> Self {
        let sizes: Vec<usize> = documents.iter().map(|d| d.get().len()).collect();
        let batches = asff_batch::batches(sizes.iter().copied())
            .into_iter()
            .map(|r| Batch {
                findings: r.len(),
                bytes: sizes[r].iter().sum(),
            })
            .collect();
        FindingsImport {
            source: source.into(),
            findings,
            batches,
            documents: Arc::new(documents),
        }
    }

    /// Findings per ProductArn, for the preview.
    fn per_product(&self) -> BTreeMap<&str, usize> {
        let mut out = BTreeMap::new();
        for f in &self.findings {
            *out.entry(f.product_arn.as_str()).or_default() += 1;
        }
        out
    }
}

fn line(kind: LineKind, text: impl Into<String>) -> PreviewLine {
    PreviewLine {
        kind,
        text: text.into(),
    }
}

impl PlannedChange for FindingsImport {
    fn operation(&self) -> &'static str {
        "securityhub:BatchImportFindings"
    }

    fn title(&self) -> String {
        format!(
            "Import {} finding(s) from {} into Security Hub in {} request(s)",
            self.findings.len(),
            self.source,
            self.batches.len()
        )
    }

    fn item_count(&self) -> usize {
        self.findings.len()
    }

    fn targets(&self) -> Vec<String> {
        self.findings.iter().map(|f| f.id.clone()).collect()
    }

    fn preview(&self) -> Vec<PreviewLine> {
        let mut lines = vec![line(LineKind::Header, self.title())];
        for (arn, n) in self.per_product() {
            lines.push(line(LineKind::Context, format!("{n} of {arn}")));
        }
        for (i, b) in self.batches.iter().enumerate() {
            lines.push(line(
                LineKind::Context,
                format!(
                    "request {}: {} finding(s), {} bytes",
                    i + 1,
                    b.findings,
                    b.bytes
                ),
            ));
        }
        for f in self.findings.iter().take(PREVIEW_IDS) {
            lines.push(line(LineKind::Added, format!("+ {}", f.id)));
        }
        if self.findings.len() > PREVIEW_IDS {
            lines.push(line(
                LineKind::Context,
                format!("  ... and {} more", self.findings.len() - PREVIEW_IDS),
            ));
        }
        lines
    }

    /// BatchImportFindings has no inverse: Security Hub cannot delete a finding.
    fn undo(&self, _succeeded: &[String]) -> Option<Change> {
        None
    }

    /// The entry's `change` names every finding and batch; per-target values would
    /// repeat the file.
    fn journal_values(&self) -> JournalValues {
        JournalValues::default()
    }

    /// Applied when Security Hub holds the finding with the UpdatedAt (and RecordState)
    /// the file sent; a finding it does not have was not imported. A plan read back from
    /// the journal has no documents and cannot tell.
    fn holds_after(&self, target: &str, now: &Observed) -> Option<bool> {
        let i = self.findings.iter().position(|f| f.id == target)?;
        let doc: serde_json::Value = serde_json::from_str(self.documents.get(i)?.get()).ok()?;
        match now {
            Observed::Imported {
                record_state,
                updated_at,
            } => {
                let state = doc
                    .get("RecordState")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("ACTIVE");
                let at = doc.get("UpdatedAt").and_then(serde_json::Value::as_str)?;
                Some(record_state == state && updated_at == at)
            }
            Observed::Absent => Some(false),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_import_plans_its_requests_and_journals_without_documents() {
        let docs: Vec<Box<RawValue>> = (0..250)
            .map(|i| {
                serde_json::value::to_raw_value(
                    &json!({"Id": format!("f-{i:03}"), "ProductArn": "arn:p"}),
                )
                .unwrap()
            })
            .collect();
        let refs = (0..250)
            .map(|i| FindingRef {
                id: format!("f-{i:03}"),
                product_arn: "arn:p".into(),
            })
            .collect();
        let size = docs[0].get().len();
        let import = FindingsImport::new("all.asff", refs, docs);
        let counts: Vec<usize> = import.batches.iter().map(|b| b.findings).collect();
        assert_eq!(counts, [100, 100, 50]);
        assert_eq!(import.batches[2].bytes, 50 * size);
        let preview: Vec<String> = import.preview().into_iter().map(|l| l.text).collect();
        assert_eq!(
            preview[0],
            "Import 250 finding(s) from all.asff into Security Hub in 3 request(s)"
        );
        assert_eq!(preview[1], "250 of arn:p");
        assert_eq!(
            preview[2],
            format!("request 1: 100 finding(s), {} bytes", 100 * size)
        );
        assert_eq!(preview.last().unwrap(), "  ... and 240 more");
        assert!(import.undo(&["f-000".into()]).is_none());
        let journaled = serde_json::to_string(&import).unwrap();
        assert!(!journaled.contains("documents"), "{journaled}");
        assert_eq!(import.targets().len(), 250);
    }
}
