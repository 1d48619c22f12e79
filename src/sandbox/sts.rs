//! STS (awsQuery): GetCallerIdentity, answering as the configured demo identity (or as the
//! assumed role of a session the sandbox issued), and AssumeRole into another account's
//! IAM state, allowed only when the role's trust policy lets the caller in.

use axum::response::Response;
use serde_json::Value;

use super::dispatch::{Op, run};
use super::protocol::{Protocol, aws_query};
use super::state::Shared;

const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

pub(crate) fn handles(action: &str) -> bool {
    action == "GetCallerIdentity" || action == "AssumeRole"
}

fn op(name: &'static str) -> Op {
    Op {
        service: "sts",
        name,
        // AssumeRole changes nothing in any account.
        mutating: false,
        protocol: Protocol::AwsQuery,
        throttle: (400, "Throttling"),
    }
}

/// Runs an action `handles` accepted, for the caller owning `access_key`.
pub(crate) async fn handle(
    shared: &Shared,
    action: &str,
    form: Value,
    access_key: &str,
) -> Response {
    let (arn, account) = match shared.iam_read().sessions.get(access_key) {
        Some(s) => (s.arn.clone(), s.account.clone()),
        None => (
            shared.config.caller_arn.clone(),
            shared.config.account.clone(),
        ),
    };
    if action == "AssumeRole" {
        return run(shared, op("AssumeRole"), form, |ctx, form| {
            super::iam::assume_role(ctx, form, &arn)
        })
        .await;
    }
    run(shared, op("GetCallerIdentity"), form, |ctx, _| {
        let result = format!(
            "<Arn>{}</Arn><UserId>{}</UserId><Account>{}</Account>",
            aws_query::escape(&arn),
            aws_query::escape(&user_id(&arn)),
            aws_query::escape(&account)
        );
        Ok(aws_query::ok(
            "GetCallerIdentity",
            NAMESPACE,
            &result,
            ctx.request_id,
        ))
    })
    .await
}

/// A stable, IAM-looking unique id derived from the ARN (users get `AIDA...`, roles'
/// sessions `AROA...:session`), so the same configured identity always has the same id.
fn user_id(arn: &str) -> String {
    let hash = arn.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let body = format!("{hash:016X}");
    if let Some(rest) = arn.split(":assumed-role/").nth(1) {
        let session = rest.split('/').nth(1).unwrap_or("session");
        format!("AROA{body}:{session}")
    } else {
        format!("AIDA{body}")
    }
}
