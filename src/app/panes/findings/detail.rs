//! The finding detail view: its key fields, description, remediation and the full ASFF
//! JSON, built once when opened (never per frame) and scrolled by line.

use serde_json::Value;

use crate::domain::finding::{Finding, FindingRef};
use crate::domain::finding_history::HistoryRecord;

/// The detail view's tabs, switched with h / l (scroll left / right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DetailTab {
    #[default]
    Overview,
    Json,
    History,
}

impl DetailTab {
    pub const ALL: [DetailTab; 3] = [DetailTab::Overview, DetailTab::Json, DetailTab::History];

    pub fn title(self) -> &'static str {
        match self {
            DetailTab::Overview => "Overview",
            DetailTab::Json => "JSON",
            DetailTab::History => "History",
        }
    }
}

/// GetFindingHistory for the open finding, fetched when the History tab is first shown.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum HistoryState {
    #[default]
    NotLoaded,
    Loading,
    Loaded(Vec<HistoryRecord>),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailLine {
    Heading(String),
    Field {
        label: &'static str,
        value: String,
    },
    Text(String),
    Json(String),
    Blank,
    /// One of an exposure's contributing findings (`index` into its list): the picked
    /// one is highlighted and `Enter` opens it.
    Pick {
        index: usize,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetailView {
    pub finding_id: String,
    pub finding: FindingRef,
    pub tab: DetailTab,
    /// The pretty-printed ASFF, one entry a line (the JSON tab).
    pub json: Vec<String>,
    pub history: HistoryState,
    /// The `/` search text (case-insensitive) within the active tab.
    pub search: crate::app::widgets::TextInput,
    /// Notes written from this console, from the journal (None until read).
    pub local_notes: Option<Vec<crate::app::panes::findings::notes::LocalNote>>,
    /// The Overview tab.
    pub lines: Vec<DetailLine>,
    /// First line shown.
    pub scroll: usize,
    /// On an exposure finding: its contributing findings and the one picked.
    pub exposure: Option<super::exposure::ExposureNav>,
    /// The exposure this contributing finding was opened from: `Esc` goes back to it.
    pub parent: Option<Box<DetailView>>,
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |cur, key| cur.get(key))
        .and_then(Value::as_str)
}

/// The finding's network picture: direction, protocol, both ends, and every remote IP
/// (what `b` would offer to block) with where in the document it was found.
fn network_text(raw: &Value) -> String {
    let mut out = Vec::new();
    if let Some(n) = raw.get("Network") {
        let end = |ip: &[&str], port: &[&str], domain: &[&str]| {
            let ip = ip.iter().find_map(|k| str_at(n, &[k])).unwrap_or("");
            let port = port
                .iter()
                .find_map(|k| n.get(k).and_then(Value::as_i64))
                .map(|p| format!(":{p}"))
                .unwrap_or_default();
            let domain = domain
                .iter()
                .find_map(|k| str_at(n, &[k]))
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            format!("{ip}{port}{domain}")
        };
        let direction = str_at(n, &["Direction"]).unwrap_or("?");
        let protocol = str_at(n, &["Protocol"]).unwrap_or("?");
        out.push(format!("Direction {direction}, protocol {protocol}"));
        let source = end(
            &["SourceIpV4", "SourceIpV6"],
            &["SourcePort"],
            &["SourceDomain"],
        );
        if !source.is_empty() {
            out.push(format!("Source      {source}"));
        }
        let destination = end(
            &["DestinationIpV4", "DestinationIpV6"],
            &["DestinationPort"],
            &["DestinationDomain"],
        );
        if !destination.is_empty() {
            out.push(format!("Destination {destination}"));
        }
    }
    for ip in crate::domain::remote_ips::remote_ips(raw) {
        out.push(format!("Remote IP   {}  ({})", ip.addr, ip.source));
    }
    out.join("\n")
}

/// ProductFields as `key = value` lines, in key order.
fn product_fields_text(raw: &Value) -> String {
    let Some(fields) = raw.get("ProductFields").and_then(Value::as_object) else {
        return String::new();
    };
    let mut keys: Vec<&String> = fields.keys().collect();
    keys.sort();
    keys.iter()
        .map(|k| match &fields[k.as_str()] {
            Value::String(v) => format!("{k} = {v}"),
            other => format!("{k} = {other}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl DetailView {
    pub fn new(f: &Finding) -> DetailView {
        let raw = &f.raw.value();
        let mut lines = vec![DetailLine::Heading(f.title.clone())];
        // An exposure leads with what makes it one: traits, resource, contributing findings.
        let exposure = crate::domain::exposure::read(raw).map(|e| {
            if let Some(s) = f.severity {
                lines.push(DetailLine::Field {
                    label: "Severity",
                    value: s.to_string(),
                });
            }
            super::exposure::overview(&e, &mut lines)
        });
        let severity_shown = exposure.is_some();
        let mut field = |label: &'static str, value: String| {
            if !value.is_empty() {
                lines.push(DetailLine::Field { label, value });
            }
        };
        if !severity_shown {
            field(
                "Severity",
                f.severity.map(|s| s.to_string()).unwrap_or_default(),
            );
        }
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
        section("Network", &network_text(raw));
        section("Product fields", &product_fields_text(raw));
        let ocsf = crate::domain::ocsf_finding::is_ocsf(raw);
        if ocsf {
            for (title, text) in crate::domain::ocsf_finding::overview_sections(raw) {
                // An exposure lists its contributing findings above, as a pick list.
                if !(severity_shown && title == "Contributing findings") {
                    section(title, &text);
                }
            }
        }
        lines.push(DetailLine::Blank);
        let format = if ocsf { "OCSF JSON" } else { "ASFF JSON" };
        lines.push(DetailLine::Heading(format.into()));
        let json = serde_json::to_string_pretty(raw).unwrap_or_else(|e| format!("({e})"));
        let json: Vec<String> = json.lines().map(str::to_string).collect();
        lines.extend(json.iter().map(|l| DetailLine::Json(l.clone())));
        DetailView {
            finding_id: f.id.clone(),
            finding: f.reference(),
            tab: DetailTab::Overview,
            json,
            history: HistoryState::NotLoaded,
            local_notes: None,
            search: Default::default(),
            lines,
            scroll: 0,
            exposure,
            parent: None,
        }
    }

    /// The lines of the active tab.
    pub fn tab_lines(&self) -> Vec<DetailLine> {
        match self.tab {
            DetailTab::Overview => self.lines.clone(),
            DetailTab::Json => self
                .json
                .iter()
                .map(|l| DetailLine::Json(l.clone()))
                .collect(),
            DetailTab::History => self.history_tab(),
        }
    }

    /// AWS's history, then the notes the journal kept (Security Hub keeps only the last).
    fn history_tab(&self) -> Vec<DetailLine> {
        let mut out = history_lines(&self.history);
        if let Some(notes) = self.local_notes.as_ref().filter(|n| !n.is_empty()) {
            out.push(DetailLine::Heading(format!(
                "Notes written from this console ({}, from the journal)",
                notes.len()
            )));
            for n in notes.iter().rev() {
                out.push(DetailLine::Field {
                    label: "",
                    value: format!("{}  {}  ({})", n.time, n.caller, n.plan_id),
                });
                out.extend(n.text.lines().map(|l| DetailLine::Text(format!("    {l}"))));
            }
        }
        out
    }

    fn tab_len(&self) -> usize {
        match self.tab {
            DetailTab::Overview => self.lines.len(),
            DetailTab::Json => self.json.len(),
            DetailTab::History => self.history_tab().len(),
        }
    }

    /// Switches tab by `step`; true when the History tab needs loading.
    pub fn switch_tab(&mut self, step: isize) -> bool {
        let n = DetailTab::ALL.len() as isize;
        let i = DetailTab::ALL
            .iter()
            .position(|t| *t == self.tab)
            .unwrap_or(0) as isize;
        self.tab = DetailTab::ALL[(i + step).rem_euclid(n) as usize];
        self.scroll = 0;
        if self.tab == DetailTab::History && self.history == HistoryState::NotLoaded {
            self.history = HistoryState::Loading;
            return true;
        }
        false
    }

    /// Moves to the next line (from `from`, wrapping) whose text contains the search.
    pub fn find_from(&mut self, from: usize) -> bool {
        let needle = self.search.value().to_lowercase();
        if needle.is_empty() {
            return false;
        }
        let lines = self.tab_lines();
        let n = lines.len();
        let hit = (0..n)
            .map(|k| (from + k) % n.max(1))
            .find(|&i| line_text(&lines[i]).to_lowercase().contains(&needle));
        if let Some(i) = hit {
            self.scroll = i;
        }
        hit.is_some()
    }

    /// Scrolls by `delta` lines, never past the last line.
    pub fn scroll_by(&mut self, delta: isize) {
        let last = self.tab_len().saturating_sub(1);
        self.scroll = self.scroll.saturating_add_signed(delta).min(last);
    }
}

/// The searchable text of a line.
pub fn line_text(line: &DetailLine) -> String {
    match line {
        DetailLine::Heading(t)
        | DetailLine::Text(t)
        | DetailLine::Json(t)
        | DetailLine::Pick { text: t, .. } => t.clone(),
        DetailLine::Field { label, value } => format!("{label} {value}"),
        DetailLine::Blank => String::new(),
    }
}

/// Keys while searching: typing jumps to the first match from the top of the view, enter
/// to the next one, esc ends the search (the highlight stays until the detail closes).
pub(crate) fn search_key(state: &mut crate::app::State, key: crate::app::keys::Key) {
    use crate::app::keys::KeyCode;
    let Some(d) = &mut state.findings.detail else {
        state.prompt = crate::app::input::Prompt::None;
        return;
    };
    state.dirty = true;
    let found = match key.code {
        KeyCode::Enter => d.find_from(d.scroll + 1),
        KeyCode::Esc => {
            state.prompt = crate::app::input::Prompt::None;
            return;
        }
        _ => match d.search.handle_key(key) {
            crate::app::widgets::Edit::Changed => d.find_from(d.scroll),
            crate::app::widgets::Edit::Ignored => {
                state.dirty = false;
                return;
            }
            _ => return,
        },
    };
    if !found && !d.search.is_empty() {
        let message = format!("{:?} not found in this tab", d.search.value());
        state.notify(crate::app::action::NotifyLevel::Info, message);
    }
}

/// Newest first: what changed, when, by whom.
fn history_lines(state: &HistoryState) -> Vec<DetailLine> {
    match state {
        HistoryState::NotLoaded => vec![DetailLine::Text(
            "changed since it was loaded: h / l reloads the history".into(),
        )],
        HistoryState::Loading => {
            vec![DetailLine::Text(
                "loading history (GetFindingHistory)…".into(),
            )]
        }
        HistoryState::Failed(e) => vec![DetailLine::Text(format!("history unavailable: {e}"))],
        HistoryState::Loaded(records) if records.is_empty() => {
            vec![DetailLine::Text(
                "no history recorded in the last 90 days".into(),
            )]
        }
        HistoryState::Loaded(records) => {
            let mut out = Vec::new();
            for r in records.iter().rev() {
                let what = if r.created { "created" } else { "updated" };
                out.push(DetailLine::Heading(format!(
                    "{}  {what} by {} ({})",
                    r.time, r.identity, r.source
                )));
                for u in &r.updates {
                    out.push(DetailLine::Field {
                        label: "",
                        value: format!("{}: {} → {}", u.field, u.old, u.new),
                    });
                }
                out.push(DetailLine::Blank);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_overview_shows_the_network_picture_and_product_fields() {
        let f = Finding::from_asff(json!({
            "Id": "f-2", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
            "Title": "SSH brute force",
            "Network": {"Direction": "IN", "Protocol": "TCP", "SourceIpV4": "198.51.100.7",
                        "SourcePort": 40022, "DestinationIpV4": "10.0.0.5", "DestinationPort": 22},
            "ProductFields": {"aws/guardduty/service/count": "12", "Zeta": "last"}
        }))
        .unwrap();
        let text: Vec<String> = DetailView::new(&f)
            .lines
            .iter()
            .filter_map(|l| match l {
                DetailLine::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        for expected in [
            "Direction IN, protocol TCP",
            "Source      198.51.100.7:40022",
            "Destination 10.0.0.5:22",
            "aws/guardduty/service/count = 12",
        ] {
            assert!(text.contains(&expected.to_string()), "{expected}: {text:?}");
        }
        assert!(
            text.iter()
                .any(|l| l.starts_with("Remote IP   198.51.100.7")),
            "the inbound source is the remote end: {text:?}"
        );
    }

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
