//! `secdeck waf sync` end to end: in-process on the sandbox (sets end up holding exactly
//! the selected services' prefixes, same syncToken is a no-op, --dry-run sends nothing
//! mutating) and through the binary (exit codes, read-only refusal, clear errors).

mod common;

use std::collections::BTreeSet;

use clap::Parser;
use common::*;
use secdeck::cli::waf::{SyncArgs, SyncStatus, WafCommand, load_ip_ranges, sync};
use secdeck::cli::{Cli, Command as Sub};
use secdeck::journal::Journal;
use secdeck::sandbox::Sandbox;

const OLD: &str = "tests/fixtures/ip-ranges/ip-ranges-2026-07-26.json";
const NEW: &str = "tests/fixtures/ip-ranges/ip-ranges-2026-08-22.json";

fn fixture(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// The demo world without its findings.
async fn demo() -> TestEnv {
    TestEnv::new(demo_seed_without_findings()).await
}

/// `waf_sync_args` parsed as the binary would.
fn args(argv: Vec<String>) -> SyncArgs {
    let argv = std::iter::once("secdeck".to_string()).chain(argv);
    match Cli::try_parse_from(argv).unwrap().command {
        Some(Sub::Waf {
            command: WafCommand::Sync(a),
        }) => a,
        other => panic!("{other:?}"),
    }
}

/// The CLOUDFRONT IPv4 prefixes of a snapshot, computed independently of the sync code.
fn cloudfront_v4(rel: &str) -> BTreeSet<String> {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(rel)).unwrap()).unwrap();
    doc["prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["service"] == "CLOUDFRONT")
        .map(|p| p["ip_prefix"].as_str().unwrap().to_string())
        .collect()
}

/// What `cloudfront-origin-v4` holds in the sandbox now.
fn origin_set(sandbox: &Sandbox) -> BTreeSet<String> {
    let addresses = sandbox.ip_set_addresses("cloudfront-origin-v4").unwrap();
    addresses.into_iter().collect()
}

/// A sync of `cloudfront-origin-v4` from the snapshot `file` with `services` selected.
fn cloudfront(file: &str, services: &str, extra: &[&str]) -> SyncArgs {
    let extra: Vec<&str> = ["--services", services]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    args(waf_sync_args(
        "cloudfront-origin-v4",
        "CLOUDFRONT",
        &fixture(file),
        &extra,
    ))
}

/// Runs the sync in-process with the sandbox's request log cleared first, so that
/// `mutating_operations` speaks of this run only.
async fn run(
    sandbox: &Sandbox,
    a: &SyncArgs,
    exec: Option<&secdeck::tasks::MutationExecutor>,
) -> (SyncStatus, String) {
    sandbox.clear_requests();
    let ranges = load_ip_ranges(a).unwrap();
    let clients = secdeck::aws::AwsClients::new(&sandbox.sdk_config().await);
    let mut out = Vec::new();
    let status = sync(a, &ranges, &clients, exec, &mut out).await.unwrap();
    (status, String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn syncing_two_snapshots_applies_exactly_the_files_diff_and_repeats_are_no_ops() {
    let sandbox = demo().await;
    let journal = &sandbox.journal;
    let exec = sandbox.executor();
    let with = |file: &str, more: &[&str]| cloudfront(file, "CLOUDFRONT", more);

    let (status, out) = run(&sandbox, &with(OLD, &[]), Some(&exec)).await;
    assert_eq!(status, SyncStatus::Changed, "{out}");
    let set = origin_set(&sandbox);
    assert_eq!(set, cloudfront_v4(OLD));
    assert_eq!(set.len(), 209);
    assert!(
        sandbox
            .ip_set_description("cloudfront-origin-v4")
            .unwrap()
            .ends_with(" syncToken:1785031025")
    );

    // Same file again: a no-op that sends nothing mutating.
    let (status, out) = run(&sandbox, &with(OLD, &[]), Some(&exec)).await;
    assert_eq!(status, SyncStatus::NoChange);
    assert!(
        out.contains("already synced to syncToken 1785031025"),
        "{out}"
    );
    assert!(mutating_operations(&sandbox).is_empty());

    // Dry run of the newer file: the diff the files imply, and no mutating request.
    let (status, out) = run(&sandbox, &with(NEW, &["--dry-run"]), None).await;
    assert_eq!(status, SyncStatus::Changed);
    assert!(out.contains("  added 2, removed 0, unchanged 209"), "{out}");
    assert!(
        out.contains("  + 23.228.246.0/24\n  + 23.228.247.0/24\n"),
        "{out}"
    );
    assert!(
        mutating_operations(&sandbox).is_empty(),
        "{:?}",
        mutating_operations(&sandbox)
    );
    assert_eq!(
        sandbox
            .ip_set_addresses("cloudfront-origin-v4")
            .unwrap()
            .len(),
        209
    );

    let (status, _) = run(&sandbox, &with(NEW, &[]), Some(&exec)).await;
    assert_eq!(status, SyncStatus::Changed);
    let set = origin_set(&sandbox);
    assert_eq!(set, cloudfront_v4(NEW));

    let entries = Journal::read_all(journal).unwrap();
    let last = serde_json::to_value(entries.last().unwrap())
        .unwrap()
        .to_string();
    assert!(last.contains("1787411825"), "syncToken journaled: {last}");
}

#[tokio::test]
async fn a_missing_ipv6_set_is_created_with_the_ipv6_prefixes() {
    let sandbox = demo().await;
    let exec = sandbox.executor();
    let a = args(waf_sync_args(
        "aws-healthchecks-v4",
        "REGIONAL",
        &fixture(NEW),
        &[
            "--ipv6-set",
            "aws-healthchecks-v6",
            "--services",
            "ROUTE53_HEALTHCHECKS",
        ],
    ));
    let (status, out) = run(&sandbox, &a, Some(&exec)).await;
    assert_eq!(status, SyncStatus::Changed);
    assert!(
        out.contains("set does not exist: create it with 26 addresses"),
        "{out}"
    );
    assert_eq!(
        sandbox
            .ip_set_addresses("aws-healthchecks-v6")
            .unwrap()
            .len(),
        26
    );
    assert_eq!(
        sandbox
            .ip_set_addresses("aws-healthchecks-v4")
            .unwrap()
            .len(),
        31
    );
}

fn secdeck(args: &[String], state: &std::path::Path) -> (i32, String, String) {
    run_secdeck(state, args).into_parts()
}

#[test]
fn the_binary_exits_10_on_change_and_refuses_a_read_only_sync() {
    let dir = tempfile::tempdir().unwrap();
    let base = |extra: &[&str]| {
        let extra: Vec<&str> = ["--demo", "--services", "CLOUDFRONT"]
            .iter()
            .chain(extra)
            .copied()
            .collect();
        waf_sync_args("cloudfront-origin-v4", "CLOUDFRONT", NEW, &extra)
    };
    let (code, out, err) = secdeck(&base(&[]), dir.path());
    assert_eq!(code, 10, "{out}{err}");
    assert!(out.contains("changed and verified"), "{out}");

    let (code, _, err) = secdeck(&base(&["--read-only"]), dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("read-only") && err.contains("--dry-run"),
        "{err}"
    );

    let (code, out, _) = secdeck(&base(&["--read-only", "--dry-run"]), dir.path());
    assert_eq!(code, 10);
    assert!(out.contains("dry run: 1 change(s) not applied"), "{out}");
}

#[test]
fn unreadable_sources_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "{\"syncToken\": \"1\", \"createDate\": \"x\", \"prefixes\": [}";
    let bad = file_in(dir.path(), "bad.json", bad).display().to_string();
    let (code, _, err) = secdeck(
        &waf_sync_args("s", "REGIONAL", &bad, &["--demo", "--dry-run"]),
        dir.path(),
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("bad.json: not a valid ip-ranges.json") && err.contains("line 1"),
        "{err}"
    );

    let unreachable = [
        "waf",
        "sync",
        "--demo",
        "--ip-set",
        "s",
        "--scope",
        "REGIONAL",
        "--ip-ranges-url",
        "http://127.0.0.1:9/ip-ranges.json",
        "--dry-run",
    ]
    .map(String::from);
    let (code, _, err) = secdeck(&unreachable, dir.path());
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot download http://127.0.0.1:9/ip-ranges.json"),
        "{err}"
    );
}

#[tokio::test]
async fn the_same_sync_token_still_applies_another_selection_and_repairs_drift() {
    let sandbox = demo().await;
    let exec = sandbox.executor();
    let (status, out) = run(&sandbox, &cloudfront(OLD, "CLOUDFRONT", &[]), Some(&exec)).await;
    assert_eq!(status, SyncStatus::Changed, "{out}");
    let only_cloudfront = sandbox
        .ip_set_addresses("cloudfront-origin-v4")
        .unwrap()
        .len();

    // Same file (same syncToken), another selection: the diff is applied, not skipped.
    let two_services = cloudfront(OLD, "CLOUDFRONT,ROUTE53_HEALTHCHECKS", &[]);
    let (status, out) = run(&sandbox, &two_services, Some(&exec)).await;
    assert_eq!(status, SyncStatus::Changed, "{out}");
    assert!(!mutating_operations(&sandbox).is_empty(), "{out}");
    let both = sandbox
        .ip_set_addresses("cloudfront-origin-v4")
        .unwrap()
        .len();
    assert!(both > only_cloudfront, "{both} vs {only_cloudfront}");

    // Someone removes an entry by hand; the same file again puts it back.
    let clients = sandbox.clients();
    let scope = secdeck::domain::waf::WafScope::Cloudfront;
    let set = ip_set_named(&clients.wafv2, scope, "cloudfront-origin-v4").await;
    let now = secdeck::aws::wafv2::get_ip_set(&clients.wafv2, &set)
        .await
        .unwrap();
    let dropped = now.addresses[0].clone();
    secdeck::aws::wafv2::update_ip_set(
        &clients.wafv2,
        &set,
        &now.description,
        now.addresses[1..].to_vec(),
        &now.lock_token,
    )
    .await
    .unwrap();
    let (status, out) = run(&sandbox, &two_services, Some(&exec)).await;
    assert_eq!(status, SyncStatus::Changed, "{out}");
    assert!(out.contains(&format!("  + {dropped}")), "{out}");
    assert!(
        sandbox
            .ip_set_addresses("cloudfront-origin-v4")
            .unwrap()
            .contains(&dropped)
    );

    // And now it matches: exit 0, nothing written.
    let (status, out) = run(&sandbox, &two_services, Some(&exec)).await;
    assert_eq!(status, SyncStatus::NoChange, "{out}");
    assert!(mutating_operations(&sandbox).is_empty());
}

/// A headless command starts with one warning line naming an interrupted change of its
/// profile and region (an intent without outcome in the journal), then does its work.
#[tokio::test]
async fn an_interrupted_change_is_named_in_one_warning_line_first() {
    let sandbox = demo().await;
    let interrupted = workflow_plan(
        "019ae6a8-9800-7000-9e5e-000000000001",
        &ids(0..2),
        secdeck::domain::finding::WorkflowStatus::Notified,
    );
    let context = secdeck::journal::JournalContext {
        profile: Some("test".into()),
        region: "us-east-1".into(),
        ..Default::default()
    };
    Journal::open(&sandbox.journal)
        .unwrap()
        .append(&secdeck::journal::Entry::intent(&context, &interrupted))
        .unwrap();
    let exec = sandbox.executor();
    let (_, out) = run(&sandbox, &cloudfront(OLD, "CLOUDFRONT", &[]), Some(&exec)).await;
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with(
            "warning: interrupted change 019ae6a8-9800-7000-9e5e-000000000001 of "
        ) && first.contains("(securityhub:BatchUpdateFindings: Set workflow NOTIFIED on 2 finding(s)): AWS now holds")
            && first.ends_with("start the console (secdeck) to finish it, undo the applied part or mark it reviewed"),
        "{out}"
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("warning: interrupted"))
            .count(),
        1
    );
    assert!(
        mutating_operations(&sandbox).contains(&"UpdateIPSet".to_string()),
        "the sync still ran"
    );
}
