//! The proofs' judgments: what each answer from Access Analyzer means for the change.

use super::*;

fn pf(kind: &str, code: &str) -> PolicyFinding {
    PolicyFinding {
        finding_type: kind.into(),
        issue_code: code.into(),
        details: format!("{code} details"),
        path: "Statement[1]".into(),
    }
}

fn answer(pass: bool) -> CheckAnswer {
    CheckAnswer {
        pass,
        message: "m".into(),
        reasons: if pass {
            vec![]
        } else {
            vec![(
                Some(2),
                Some("Wide".into()),
                "New access in the statement with index: 2.".into(),
            )]
        },
    }
}

fn preview(change: &str, status: &str, existing: Option<&str>) -> PreviewFinding {
    PreviewFinding {
        change_type: change.into(),
        status: status.into(),
        existing_id: existing.map(str::to_string),
        existing_status: existing.map(|_| "ACTIVE".to_string()),
        principal: "AWS: arn:aws:iam::333333333333:root".into(),
    }
}

#[test]
fn validation_fails_only_on_errors_the_change_brings_in() {
    let old = [pf("SECURITY_WARNING", "X")];
    assert_eq!(judge_validation(&old, &old).verdict, Verdict::Pass);
    assert!(
        judge_validation(&old, &old)
            .detail
            .contains("1 already in the current policy")
    );
    let new = [
        pf("SECURITY_WARNING", "X"),
        pf("ERROR", "INVALID_ACTION"),
        pf("SUGGESTION", "S"),
    ];
    let p = judge_validation(&old, &new);
    assert_eq!(p.verdict, Verdict::Fail);
    assert_eq!(
        p.line(),
        "FAIL  ValidatePolicy: ERROR INVALID_ACTION at Statement[1]: INVALID_ACTION details"
    );
}

#[test]
fn new_access_fails_a_remediation_and_is_expected_of_a_rollback() {
    let fail = judge_new_access(&answer(false), false);
    assert_eq!(fail.verdict, Verdict::Fail);
    assert_eq!(fail.detail, "new access in statement 2 (Sid Wide)");
    assert_eq!(
        judge_new_access(&answer(false), true).verdict,
        Verdict::Pass
    );
    assert_eq!(
        judge_new_access(&answer(true), false).verdict,
        Verdict::Pass
    );
    assert_eq!(judge_public(&answer(false)).verdict, Verdict::Fail);
}

#[test]
fn the_preview_wants_the_target_resolved_and_nothing_new() {
    let ok = [
        preview("CHANGED", "RESOLVED", Some("f1")),
        preview("UNCHANGED", "ACTIVE", Some("f2")),
    ];
    let p = judge_preview("a", &ok, "f1", None, false);
    assert_eq!(p.verdict, Verdict::Pass);
    assert_eq!(
        p.detail,
        "the finding would be RESOLVED; no NEW finding (a)"
    );
    let widened = [
        preview("CHANGED", "RESOLVED", Some("f1")),
        preview("NEW", "ACTIVE", None),
    ];
    assert_eq!(
        judge_preview("a", &widened, "f1", None, false).verdict,
        Verdict::Fail
    );
    let stays = [preview("UNCHANGED", "ACTIVE", Some("f1"))];
    assert!(
        judge_preview("a", &stays, "f1", None, false)
            .detail
            .contains("would be ACTIVE, not RESOLVED")
    );
    // Another analyzer's finding on the same principal stands for the target.
    let other = [preview("CHANGED", "RESOLVED", Some("g7"))];
    let p = judge_preview(
        "acct",
        &other,
        "f1",
        Some("AWS: arn:aws:iam::333333333333:root"),
        false,
    );
    assert_eq!(p.verdict, Verdict::Pass);
    let back = [preview("CHANGED", "ACTIVE", Some("f1"))];
    assert_eq!(
        judge_preview("a", &back, "f1", None, true).verdict,
        Verdict::Pass
    );
}

#[test]
fn failures_are_what_the_override_approves_past() {
    let proofs = Proofs::Done(vec![
        judge_new_access(&answer(false), false),
        judge_public(&answer(true)),
        Proof::unavailable("access preview", "no ACCOUNT analyzer"),
    ]);
    assert_eq!(
        proofs.failures(),
        vec!["FAIL  CheckNoNewAccess: new access in statement 2 (Sid Wide)"]
    );
    assert!(Proofs::Running.failures().is_empty());
    let lines: Vec<String> = proofs.lines().into_iter().map(|l| l.text).collect();
    assert_eq!(lines[3], "  n/a   access preview: no ACCOUNT analyzer");
}
