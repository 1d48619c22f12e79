//! The exposure view: an exposure finding's detail (OCSF, `finding_info.analytic.name =
//! "Exposure"`) shows its traits, its resource and its contributing findings as a list.
//! `j`/`k` pick one, `Enter` opens it (from the loaded rows, else read with GetFindingsV2
//! by its uid), and `Esc` on it comes back to the exposure with the same one picked.

use crate::app::State;
use crate::app::action::{Action, NotifyLevel};
use crate::app::effect::{Effect, ReadRequest};
use crate::domain::exposure::{self, Contributing, Exposure};
use crate::domain::finding::Finding;

use super::FindingsRead;
use super::detail::{DetailLine, DetailTab, DetailView};

/// `:exposures`: the exposure findings that still need a human.
pub const EXPOSURES_VIEW: &str = "exposure=true status=New,in_progress";

/// Where the analyst is in an exposure's contributing findings.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureNav {
    pub contributing: Vec<Contributing>,
    pub picked: usize,
    /// The Overview line of the first contributing finding.
    pub first_line: usize,
    /// A contributing finding being read by its uid (Enter on one not loaded).
    pub pending: Option<String>,
}

/// The exposure's Overview lines (appended to `lines`) and its navigation state.
pub(super) fn overview(e: &Exposure, lines: &mut Vec<DetailLine>) -> ExposureNav {
    for (i, t) in e.traits.iter().enumerate() {
        let names = if t.names.is_empty() {
            String::new()
        } else {
            format!(": {}", t.names.join(", "))
        };
        lines.push(DetailLine::Field {
            label: if i == 0 { "Traits" } else { "" },
            value: format!("{}{names}", t.category),
        });
    }
    let (rtype, uid) = &e.resource;
    lines.push(DetailLine::Field {
        label: "Exposed",
        value: format!("{rtype} {uid}").trim().to_string(),
    });
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Heading(format!(
        "Contributing findings ({}) · j/k pick · Enter opens",
        e.contributing.len()
    )));
    let first_line = lines.len();
    for (index, c) in e.contributing.iter().enumerate() {
        let traits: Vec<&str> = c.traits.iter().map(|t| t.category.as_str()).collect();
        let product = exposure::product_short(&c.product);
        let title = if c.title.is_empty() { &c.uid } else { &c.title };
        // A signal AWS correlated without a trait of its own shows no empty brackets.
        let text = match traits.is_empty() {
            true => format!("{title} · {product}"),
            false => format!("[{}] {title} · {product}", traits.join(", ")),
        };
        lines.push(DetailLine::Pick { index, text });
    }
    ExposureNav {
        contributing: e.contributing.clone(),
        picked: 0,
        first_line,
        pending: None,
    }
}

/// Keys on an exposure's Overview; `None` lets the key through to the detail's keys.
pub(super) fn key(state: &mut State, action: &Action) -> Option<Vec<Effect>> {
    let page = state.page_rows();
    let detail = state.findings.detail.as_mut()?;
    if detail.tab != DetailTab::Overview {
        return None;
    }
    let nav = detail.exposure.as_mut()?;
    let last = nav.contributing.len().checked_sub(1)?;
    match action {
        Action::MoveDown => nav.picked = (nav.picked + 1).min(last),
        Action::MoveUp => nav.picked = nav.picked.saturating_sub(1),
        Action::Open => return Some(open_picked(state)),
        _ => return None,
    }
    // The picked line stays in view.
    let line = nav.first_line + nav.picked;
    let page = page.max(1);
    if line < detail.scroll {
        detail.scroll = line;
    } else if line >= detail.scroll + page {
        detail.scroll = line + 1 - page;
    }
    Some(Vec::new())
}

/// Opens the picked contributing finding: a loaded row at once, else a GetFindingsV2 read.
fn open_picked(state: &mut State) -> Vec<Effect> {
    let pane = &mut state.findings;
    let Some(uid) = pane
        .detail
        .as_ref()
        .and_then(|d| d.exposure.as_ref())
        .and_then(|n| n.contributing.get(n.picked))
        .map(|c| c.uid.clone())
    else {
        return Vec::new();
    };
    if let Some(f) = pane.loaded_finding(&uid).cloned() {
        open_child(state, &f);
        return Vec::new();
    }
    if let Some(nav) = pane.detail.as_mut().and_then(|d| d.exposure.as_mut()) {
        nav.pending = Some(uid.clone());
    }
    let scope = pane.ocsf.scope.clone();
    state.notify(NotifyLevel::Info, format!("reading {uid} (GetFindingsV2)…"));
    vec![Effect::Read(ReadRequest::Findings(
        FindingsRead::OcsfFinding { uid, scope },
    ))]
}

/// The contributing finding's detail, on top of the exposure's (kept for `Esc`).
fn open_child(state: &mut State, f: &Finding) {
    let pane = &mut state.findings;
    let parent = pane.detail.take().map(Box::new);
    let mut child = DetailView::new(f);
    child.parent = parent;
    pane.detail = Some(child);
}

/// `Esc` on a contributing finding: back to its exposure, as it was. False: no parent.
pub(super) fn back(state: &mut State) -> bool {
    let pane = &mut state.findings;
    match pane.detail.as_mut().and_then(|d| d.parent.take()) {
        Some(parent) => {
            pane.detail = Some(*parent);
            true
        }
        None => false,
    }
}

/// GetFindingsV2 answered for a contributing finding: opened if the exposure still waits
/// for it, else said why not.
pub(super) fn loaded(state: &mut State, uid: &str, result: Result<Option<Box<Finding>>, String>) {
    let waiting = state
        .findings
        .detail
        .as_mut()
        .and_then(|d| d.exposure.as_mut())
        .filter(|n| n.pending.as_deref() == Some(uid))
        .map(|n| n.pending = None)
        .is_some();
    if !waiting {
        return;
    }
    match result {
        Ok(Some(f)) => open_child(state, &f),
        Ok(None) => state.notify(
            NotifyLevel::Warning,
            format!("{uid}: Security Hub returned no such finding (deleted, or outside this view)"),
        ),
        Err(e) => state.notify(NotifyLevel::Error, format!("cannot read {uid}: {e}")),
    }
}

impl super::FindingsPane {
    /// A loaded row by the uid an exposure names: its id (`metadata.uid`) or its
    /// `finding_info.uid` (on a store-backed table, a row of the window or a marked one).
    pub(super) fn loaded_finding(&self, uid: &str) -> Option<&Finding> {
        self.held_rows().find(|f| {
            f.id == uid
                || f.raw
                    .value()
                    .pointer("/finding_info/uid")
                    .and_then(|v| v.as_str())
                    == Some(uid)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::{keys, loaded};
    use crate::app::{FindingsMsg, PaneMsg, update};
    use serde_json::json;

    fn ocsf(uid: &str, title: &str) -> Finding {
        crate::domain::ocsf_finding::from_ocsf(json!({
            "metadata": {"uid": uid}, "finding_info": {"uid": uid, "title": title},
            "class_name": "Detection Finding", "severity_id": 3
        }))
        .unwrap()
    }

    fn exposure_finding() -> Finding {
        crate::domain::ocsf_finding::from_ocsf(json!({
            "metadata": {"uid": "exp-1"},
            "finding_info": {"uid": "exp-1", "title": "Exposed function",
                "analytic": {"name": "Exposure"}, "related_events": [
                    {"uid": "f-loaded", "title": "Lambda.1", "traits": [{"category": "Reachability", "name": "Publicly Invocable"}]},
                    {"uid": "f-far", "title": "CVE-1", "traits": [{"category": "Vulnerability", "name": "Vulnerable"}]}
                ]},
            "resources": [{"type": "AwsLambdaFunction", "uid": "arn:aws:lambda:f"}],
            "severity_id": 5
        }))
        .unwrap()
    }

    #[test]
    fn a_contributing_finding_without_traits_shows_no_empty_brackets() {
        let exposure = crate::domain::ocsf_finding::from_ocsf(json!({
            "metadata": {"uid": "exp-2"},
            "finding_info": {"uid": "exp-2", "title": "Exposed bucket",
                "analytic": {"name": "Exposure"}, "related_events": [
                    {"uid": "f-aa", "title": "allows cross-account access"},
                    {"uid": "f-pii", "title": "personal information", "traits": [{"category": "Sensitive Data"}]}
                ]},
            "resources": [{"type": "AwsS3Bucket", "uid": "arn:aws:s3:::b"}]
        }))
        .unwrap();
        let detail = DetailView::new(&exposure);
        let picks: Vec<&str> = (detail.lines.iter())
            .filter_map(|l| match l {
                DetailLine::Pick { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(
            picks[0].starts_with("allows cross-account access"),
            "{picks:?}"
        );
        assert!(
            picks[1].starts_with("[Sensitive Data] personal information"),
            "{picks:?}"
        );
    }

    #[test]
    fn enter_opens_a_loaded_contributor_or_reads_it_and_esc_comes_back_picked() {
        let mut s = loaded(0, false);
        s.findings.detail = Some(DetailView::new(&exposure_finding()));
        s.findings.rows = vec![ocsf("f-loaded", "Lambda.1 row")];
        keys(&mut s, "<enter>");
        let open = s.findings.detail.as_ref().unwrap();
        assert_eq!(open.finding_id, "f-loaded", "the loaded row opens at once");
        keys(&mut s, "<esc>j");
        let back = s.findings.detail.as_ref().unwrap();
        assert_eq!(back.finding_id, "exp-1");
        assert_eq!(back.exposure.as_ref().unwrap().picked, 1);
        let fx = update(&mut s, Action::Open);
        assert!(
            matches!(&fx[..], [Effect::Read(ReadRequest::Findings(FindingsRead::OcsfFinding { uid, .. }))] if uid == "f-far"),
            "{fx:?}"
        );
        let answer = FindingsMsg::ContributingLoaded {
            uid: "f-far".into(),
            result: Ok(Some(Box::new(ocsf("f-far", "CVE-1 read")))),
        };
        update(&mut s, Action::Pane(PaneMsg::Findings(answer)));
        assert_eq!(s.findings.detail.as_ref().unwrap().finding_id, "f-far");
        keys(&mut s, "<esc>");
        let back = s.findings.detail.as_ref().unwrap();
        assert_eq!(
            (
                back.finding_id.as_str(),
                back.exposure.as_ref().unwrap().picked
            ),
            ("exp-1", 1)
        );
        keys(&mut s, "<esc>");
        assert!(
            s.findings.detail.is_none(),
            "Esc on the exposure closes the detail"
        );
    }
}
