//! Proofs of a trust-policy change, run before it is approved: Access Analyzer's
//! ValidatePolicy, CheckNoNewAccess (the new document against the current one),
//! CheckNoPublicAccess and an access preview. Here: what their answers mean for the
//! change (PASS / FAIL with the reason / not available and why), one line each in the
//! preview; a FAIL blocks `y` and needs the typed override word (journaled with the results).
//!
//! A rollback (or the undo of a remediation) gives back the access secdeck's Deny took
//! away: for it, CheckNoNewAccess failing and the targeted finding coming back ACTIVE are
//! expected and shown as such; anything else new still blocks.

use serde::{Deserialize, Serialize};

use super::plan::{LineKind, PreviewLine};

/// What the user types to approve a change whose proofs failed.
pub const OVERRIDE_WORD: &str = "override";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    /// The check could not run (no ACCOUNT analyzer, an error from AWS).
    Unavailable,
}

/// One check's result, as shown and journaled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The operation: ValidatePolicy, CheckNoNewAccess, ...
    pub check: String,
    pub verdict: Verdict,
    pub detail: String,
}

impl Proof {
    fn new(check: &str, verdict: Verdict, detail: impl Into<String>) -> Proof {
        Proof {
            check: check.into(),
            verdict,
            detail: detail.into(),
        }
    }

    pub fn unavailable(check: &str, why: impl Into<String>) -> Proof {
        Proof::new(check, Verdict::Unavailable, why)
    }

    pub fn line(&self) -> String {
        let verdict = match self.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Unavailable => "n/a ",
        };
        format!("{verdict}  {}: {}", self.check, self.detail)
    }
}

/// A plan's proofs: running, or their results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "results", rename_all = "snake_case")]
pub enum Proofs {
    Running,
    Done(Vec<Proof>),
}

impl Proofs {
    /// The failed checks' lines: what the override approves past.
    pub fn failures(&self) -> Vec<String> {
        match self {
            Proofs::Running => Vec::new(),
            Proofs::Done(all) => all
                .iter()
                .filter(|p| p.verdict == Verdict::Fail)
                .map(Proof::line)
                .collect(),
        }
    }

    /// The preview's lines for the proofs.
    pub fn lines(&self) -> Vec<PreviewLine> {
        let mut out = vec![PreviewLine::new(
            LineKind::Header,
            "proofs (IAM Access Analyzer):",
        )];
        match self {
            Proofs::Running => out.push(PreviewLine::new(
                LineKind::Context,
                "  running ValidatePolicy, CheckNoNewAccess, CheckNoPublicAccess, access preview...",
            )),
            Proofs::Done(all) => out.extend(all.iter().map(|p| {
                let kind = match p.verdict {
                    Verdict::Fail => LineKind::Warning,
                    _ => LineKind::Context,
                };
                PreviewLine::new(kind, format!("  {}", p.line()))
            })),
        }
        out
    }
}

/// What the proofs of one previewed trust-policy change need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofRequest {
    pub plan_id: String,
    pub role_arn: String,
    /// The document now and the one the change writes.
    pub before: String,
    pub after: String,
    pub finding_id: String,
    /// The finding's principal (`AWS: arn:...`), to know it among another analyzer's findings.
    pub principal: Option<String>,
    /// A rollback: it gives back access on purpose.
    pub reopen: bool,
    /// The ACCOUNT analyzer (ARN) for the access preview, or why there is none.
    pub analyzer: Result<String, String>,
}

/// One ValidatePolicy finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFinding {
    /// ERROR, SECURITY_WARNING, WARNING, SUGGESTION.
    pub finding_type: String,
    pub issue_code: String,
    pub details: String,
    /// The first location's path, as `Statement[1].Action[0]`.
    pub path: String,
}

impl PolicyFinding {
    fn blocks(&self) -> bool {
        matches!(self.finding_type.as_str(), "ERROR" | "SECURITY_WARNING")
    }

    fn same_issue(&self, other: &PolicyFinding) -> bool {
        self.issue_code == other.issue_code && self.details == other.details
    }
}

/// ValidatePolicy of the new document, judged against the current one's findings: an
/// ERROR or SECURITY_WARNING the change brings in fails; one already there is reported.
pub fn judge_validation(current: &[PolicyFinding], new: &[PolicyFinding]) -> Proof {
    let check = "ValidatePolicy";
    let brought: Vec<&PolicyFinding> = new
        .iter()
        .filter(|f| f.blocks() && !current.iter().any(|c| c.same_issue(f)))
        .collect();
    if let Some(first) = brought.first() {
        let more = match brought.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        return Proof::new(
            check,
            Verdict::Fail,
            format!(
                "{} {} at {}: {}{more}",
                first.finding_type, first.issue_code, first.path, first.details
            ),
        );
    }
    let kept = new.iter().filter(|f| f.blocks()).count();
    let minor = new.len() - kept;
    let mut detail = "no new error or security warning".to_string();
    if kept > 0 {
        detail.push_str(&format!(
            " ({kept} already in the current policy, e.g. {})",
            new.iter()
                .find(|f| f.blocks())
                .map(|f| f.issue_code.as_str())
                .unwrap_or_default()
        ));
    }
    if minor > 0 {
        detail.push_str(&format!("; {minor} warning(s) or suggestion(s)"));
    }
    Proof::new(check, Verdict::Pass, detail)
}

/// A CheckNoNewAccess / CheckNoPublicAccess answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckAnswer {
    pub pass: bool,
    pub message: String,
    /// Each reason: statement index, statement id, description.
    pub reasons: Vec<(Option<i32>, Option<String>, String)>,
}

impl CheckAnswer {
    fn statements(&self) -> String {
        let named: Vec<String> = self
            .reasons
            .iter()
            .map(|(index, sid, description)| match (index, sid) {
                (Some(i), Some(s)) => format!("statement {i} (Sid {s})"),
                (Some(i), None) => format!("statement {i}"),
                _ => description.clone(),
            })
            .collect();
        if named.is_empty() {
            self.message.clone()
        } else {
            named.join(", ")
        }
    }
}

/// CheckNoNewAccess (new document vs current): `reopen` for a rollback, whose new access is its point.
pub fn judge_new_access(answer: &CheckAnswer, reopen: bool) -> Proof {
    let check = "CheckNoNewAccess";
    match (answer.pass, reopen) {
        (true, _) => Proof::new(
            check,
            Verdict::Pass,
            "the new policy grants nothing the current one does not",
        ),
        (false, true) => Proof::new(
            check,
            Verdict::Pass,
            format!(
                "new access in {}, as expected: the rollback gives back what the Deny took away",
                answer.statements()
            ),
        ),
        (false, false) => Proof::new(
            check,
            Verdict::Fail,
            format!("new access in {}", answer.statements()),
        ),
    }
}

pub fn judge_public(answer: &CheckAnswer) -> Proof {
    let check = "CheckNoPublicAccess";
    if answer.pass {
        Proof::new(check, Verdict::Pass, "no public access")
    } else {
        Proof::new(
            check,
            Verdict::Fail,
            format!("public access in {}", answer.statements()),
        )
    }
}

/// One access preview finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewFinding {
    /// NEW, UNCHANGED, CHANGED.
    pub change_type: String,
    /// ACTIVE, ARCHIVED, RESOLVED: the status it would have.
    pub status: String,
    pub existing_id: Option<String>,
    pub existing_status: Option<String>,
    pub principal: String,
}

/// The access preview: the targeted finding RESOLVED and no NEW finding. For a rollback,
/// the targeted finding ACTIVE again (or its access back as a NEW finding). The preview's
/// analyzer may not be the finding's (an organization finding previewed with the
/// account's analyzer): then the target is its finding for the same principal.
pub fn judge_preview(
    analyzer: &str,
    findings: &[PreviewFinding],
    target: &str,
    principal: Option<&str>,
    reopen: bool,
) -> Proof {
    let check = "access preview";
    let mine = findings
        .iter()
        .find(|f| f.existing_id.as_deref() == Some(target))
        .or_else(|| {
            findings
                .iter()
                .find(|f| f.existing_id.is_some() && Some(f.principal.as_str()) == principal)
        });
    let new: Vec<&PreviewFinding> = findings
        .iter()
        .filter(|f| f.change_type == "NEW" && f.status != "ARCHIVED")
        .collect();
    let (verdict, detail) = if reopen {
        match mine {
            Some(f) if f.status == "ACTIVE" => (
                Verdict::Pass,
                "the finding would be ACTIVE again, as expected".to_string(),
            ),
            None if !new.is_empty() => (
                Verdict::Pass,
                format!(
                    "the access comes back as {} NEW finding(s), as expected",
                    new.len()
                ),
            ),
            Some(f) => (
                Verdict::Fail,
                format!("finding {target} would be {}, not ACTIVE again", f.status),
            ),
            None => (
                Verdict::Fail,
                "the preview shows no finding for the access the rollback gives back".into(),
            ),
        }
    } else {
        let target_line = match mine {
            Some(f) if f.status == "RESOLVED" => Ok("the finding would be RESOLVED".to_string()),
            Some(f) => Err(format!(
                "finding {target} would be {}, not RESOLVED",
                f.status
            )),
            None => Err(format!(
                "the preview does not show finding {target} RESOLVED"
            )),
        };
        match (target_line, new.first()) {
            (Ok(t), None) => (Verdict::Pass, format!("{t}; no NEW finding")),
            (Ok(t) | Err(t), Some(f)) => (
                Verdict::Fail,
                format!("{t}; {} NEW finding(s), e.g. {}", new.len(), f.principal),
            ),
            (Err(t), None) => (Verdict::Fail, format!("{t}; no NEW finding")),
        }
    };
    Proof::new(check, verdict, format!("{detail} ({analyzer})"))
}

#[cfg(test)]
#[path = "proofs_tests.rs"]
mod tests;
