//! Runs the proofs of a previewed trust-policy change against Access Analyzer: every
//! check is a read (read-only sessions run them too); a check that cannot run is "not
//! available" with AWS's error, never a pass. The access preview is polled until it is
//! COMPLETED (AWS builds it asynchronously) or the polls are spent.

use std::time::Duration;

use aws_sdk_accessanalyzer::Client;

use crate::app::{Action, AnalyzerMsg, PaneMsg};
use crate::aws::accessanalyzer_checks as checks;
use crate::domain::proofs::{
    Proof, ProofRequest, Proofs, judge_new_access, judge_preview, judge_public, judge_validation,
};

/// GetAccessPreview reads before giving up, and the first pause (doubled each time).
const PREVIEW_POLLS: u32 = 8;
const FIRST_PAUSE_MS: u64 = 100;

/// The proofs of `req`, as the action that brings them to the preview.
pub async fn run(client: &Client, req: ProofRequest) -> Action {
    let not_run = |check: &str, e: crate::aws::AwsError| {
        Proof::unavailable(check, format!("could not run: {e}"))
    };
    let validation = match (
        checks::validate_trust_policy(client, &req.before).await,
        checks::validate_trust_policy(client, &req.after).await,
    ) {
        (Ok(current), Ok(new)) => judge_validation(&current, &new),
        (Err(e), _) | (_, Err(e)) => not_run("ValidatePolicy", e),
    };
    let new_access = match checks::check_no_new_access(client, &req.before, &req.after).await {
        Ok(a) => judge_new_access(&a, req.reopen),
        Err(e) => not_run("CheckNoNewAccess", e),
    };
    let public = match checks::check_no_public_access(client, &req.after).await {
        Ok(a) => judge_public(&a),
        Err(e) => not_run("CheckNoPublicAccess", e),
    };
    let preview = match &req.analyzer {
        Ok(analyzer) => access_preview(client, analyzer, &req).await,
        Err(why) => Proof::unavailable("access preview", why.clone()),
    };
    Action::Pane(PaneMsg::Analyzer(AnalyzerMsg::ProofsReady {
        plan_id: req.plan_id,
        proofs: Proofs::Done(vec![validation, new_access, public, preview]),
    }))
}

async fn access_preview(client: &Client, analyzer: &str, req: &ProofRequest) -> Proof {
    let check = "access preview";
    let name = analyzer.rsplit('/').next().unwrap_or(analyzer);
    let id = match checks::create_access_preview(client, analyzer, &req.role_arn, &req.after).await
    {
        Ok(id) => id,
        Err(e) => return Proof::unavailable(check, format!("CreateAccessPreview failed: {e}")),
    };
    let mut pause = Duration::from_millis(FIRST_PAUSE_MS);
    for attempt in 0..PREVIEW_POLLS {
        if attempt > 0 {
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
        match checks::access_preview_status(client, analyzer, &id).await {
            Ok((status, _)) if status == "COMPLETED" => {
                return match checks::access_preview_findings(client, analyzer, &id).await {
                    Ok(findings) => judge_preview(
                        name,
                        &findings,
                        &req.finding_id,
                        req.principal.as_deref(),
                        req.reopen,
                    ),
                    Err(e) => {
                        Proof::unavailable(check, format!("ListAccessPreviewFindings failed: {e}"))
                    }
                };
            }
            Ok((status, reason)) if status == "FAILED" => {
                let reason = reason.unwrap_or_else(|| "no reason given".into());
                return Proof::unavailable(check, format!("access preview {id} FAILED: {reason}"));
            }
            Ok(_) => {}
            Err(e) => return Proof::unavailable(check, format!("GetAccessPreview failed: {e}")),
        }
    }
    Proof::unavailable(
        check,
        format!("access preview {id} was still CREATING after {PREVIEW_POLLS} reads"),
    )
}
