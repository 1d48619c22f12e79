//! The finding detail view: its key fields, description, remediation and the full ASFF
//! JSON, built once when opened (never per frame) and scrolled by line.

use serde_json::Value;

use crate::domain::finding::Finding;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailLine {
    Heading(String),
    Field { label: &'static str, value: String },
    Text(String),
    Json(String),
    Blank,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailView {
    pub finding_id: String,
    pub lines: Vec<DetailLine>,
    /// First line shown.
    pub scroll: usize,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |cur, key| cur.get(key))
        .and_then(Value::as_str)
}

impl DetailView {
    pub fn new(f: &Finding) -> DetailView {
        let raw = f.raw.as_ref();
        let mut lines = vec![DetailLine::Heading(f.title.clone())];
        let mut field = |label: &'static str, value: String| {
            if !value.is_empty() {
                lines.push(DetailLine::Field { label, value });
            }
        };
        field(
            "Severity",
            f.severity.map(|s| s.to_string()).unwrap_or_default(),
        );
        field(
            "Workflow",
            f.workflow.map(|w| w.to_string()).unwrap_or_default(),
        );
        field("Record state", f.record_state.clone());
        field("Compliance", f.compliance_status.clone());
        field("Product", f.product_name.clone());
        field("Company", f.company_name.clone());
        field("Generator", f.generator_id.clone());
        let control = str_at(raw, &["Compliance", "SecurityControlId"])
            .or_else(|| str_at(raw, &["ProductFields", "ControlId"]))
            .unwrap_or_default();
        field("Control", control.to_string());
        field("Account", f.account_id.clone());
        field("Region", f.region.clone());
        let resources: Vec<String> = raw
            .get("Resources")
            .and_then(Value::as_array)
            .map(|rs| {
                rs.iter()
                    .map(|r| {
                        format!(
                            "{} {}",
                            str_at(r, &["Type"]).unwrap_or("?"),
                            str_at(r, &["Id"]).unwrap_or("?")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (i, r) in resources.into_iter().enumerate() {
            field(if i == 0 { "Resources" } else { "" }, r);
        }
        field("Created", f.created_at.clone());
        field("Updated", f.updated_at.clone());
        field("Id", f.id.clone());
        let mut section = |title: &str, text: &str| {
            if !text.trim().is_empty() {
                lines.push(DetailLine::Blank);
                lines.push(DetailLine::Heading(title.to_string()));
                lines.extend(text.lines().map(|l| DetailLine::Text(l.to_string())));
            }
        };
        section("Description", &f.description);
        let remediation = [
            str_at(raw, &["Remediation", "Recommendation", "Text"]),
            str_at(raw, &["Remediation", "Recommendation", "Url"]),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
        section("Remediation", &remediation);
        lines.push(DetailLine::Blank);
        lines.push(DetailLine::Heading("ASFF JSON".into()));
        let json = serde_json::to_string_pretty(raw).unwrap_or_else(|e| format!("({e})"));
        lines.extend(json.lines().map(|l| DetailLine::Json(l.to_string())));
        DetailView {
            finding_id: f.id.clone(),
            lines,
            scroll: 0,
        }
    }

    /// Scrolls by `delta` lines, never past the last line.
    pub fn scroll_by(&mut self, delta: isize) {
        let last = self.lines.len().saturating_sub(1);
        self.scroll = self.scroll.saturating_add_signed(delta).min(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shows_remediation_and_the_whole_json() {
        let f = Finding::from_asff(json!({
            "Id": "f-1", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
            "Title": "S3 bucket public", "Description": "line one\nline two",
            "Remediation": {"Recommendation": {"Text": "Block it", "Url": "https://docs.example/s3"}},
            "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::b"}, {"Type": "AwsAccount", "Id": "1"}]
        }))
        .unwrap();
        let d = DetailView::new(&f);
        assert!(
            d.lines
                .contains(&DetailLine::Text("https://docs.example/s3".into()))
        );
        assert!(d.lines.contains(&DetailLine::Field {
            label: "",
            value: "AwsAccount 1".into()
        }));
        assert!(
            d.lines
                .contains(&DetailLine::Json("  \"Id\": \"f-1\",".into()))
        );
    }
}
