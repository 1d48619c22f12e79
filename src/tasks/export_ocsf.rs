//! `secdeck export findings --api ocsf`: GetFindingsV2 pages written out as they arrive,
//! each OCSF document as AWS sent it (JSONL) or as a CSV row of [`CSV_COLUMNS`] (cells
//! neutralised like the ASFF export's).

use std::io::Write;
use std::sync::Arc;

use serde_json::Value;

use super::export::FindingsWriter;
use crate::aws::retry::{Pacer, RetryPolicy, paced};
use crate::aws::securityhub_ocsf::get_ocsf_findings_page;
use crate::domain::filter::SortCriterion;
use crate::domain::ocsf_filter::OcsfFilters;

/// The CSV columns of an OCSF export: the header is the OCSF field, the cell its value in
/// the document (the first resource's; `finding_info.types` joined with `;`).
pub const CSV_COLUMNS: [(&str, &str); 15] = [
    ("metadata.uid", "/metadata/uid"),
    ("metadata.product.uid", "/metadata/product/uid"),
    ("metadata.product.name", "/metadata/product/name"),
    ("class_name", "/class_name"),
    ("severity", "/severity"),
    ("status", "/status"),
    ("finding_info.title", "/finding_info/title"),
    ("finding_info.types", "/finding_info/types"),
    ("resources.type", "/resources/0/type"),
    ("resources.uid", "/resources/0/uid"),
    ("cloud.account.uid", "/cloud/account/uid"),
    ("cloud.region", "/cloud/region"),
    ("compliance.status", "/compliance/status"),
    (
        "finding_info.created_time_dt",
        "/finding_info/created_time_dt",
    ),
    (
        "finding_info.modified_time_dt",
        "/finding_info/modified_time_dt",
    ),
];

/// One document's CSV cells (not yet quoted).
pub fn csv_cells(doc: &Value) -> Vec<String> {
    CSV_COLUMNS
        .iter()
        .map(|(_, pointer)| match doc.pointer(pointer) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(";"),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        })
        .collect()
}

/// Pages through GetFindingsV2 for `filters`, handing each page to `writer`; `progress`
/// hears (findings so far, pages so far). Throttling is retried with backoff.
pub async fn export_ocsf_findings<W: Write + Send>(
    client: &aws_sdk_securityhub::Client,
    filters: &OcsfFilters,
    writer: &mut FindingsWriter<W>,
    pacer: Arc<Pacer>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> anyhow::Result<()> {
    let retry = RetryPolicy::default();
    let sort = vec![SortCriterion {
        field: "finding_info.modified_time_dt".into(),
        sort_order: crate::domain::filter::SortOrder::Desc,
    }];
    let (mut token, mut pages) = (None, 0usize);
    loop {
        let page = paced(&pacer, &retry, || {
            get_ocsf_findings_page(client, filters, None, &sort, token.clone(), 100)
        })
        .await?;
        writer.page(&page.findings)?;
        pages += 1;
        progress(writer.written(), pages);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::export::Format;
    use serde_json::json;

    #[test]
    fn csv_rows_come_from_the_ocsf_document_and_formulas_are_neutralised() {
        let doc = json!({
            "metadata": {"uid": "u-1", "product": {"name": "Inspector"}},
            "severity": "High",
            "finding_info": {"title": "=HYPERLINK(\"x\")", "types": ["TTPs", "Effects"]},
            "resources": [{"type": "AwsEc2Instance", "uid": "i-1"}],
        });
        let finding = crate::domain::ocsf_finding::from_ocsf(doc).unwrap();
        let mut out = Vec::new();
        let mut writer = FindingsWriter::new_for(&mut out, Format::Csv, true).unwrap();
        writer.page(&[finding]).unwrap();
        writer.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("metadata.uid,metadata.product.uid,")
        );
        let row = lines.next().unwrap();
        assert!(row.starts_with("u-1,,Inspector,,High,,"), "{row}");
        assert!(
            row.contains(",\"'=HYPERLINK(\"\"x\"\")\",TTPs;Effects,AwsEc2Instance,i-1,"),
            "{row}"
        );
        assert!(FindingsWriter::new_for(Vec::new(), Format::Asff, true).is_err());
    }
}
