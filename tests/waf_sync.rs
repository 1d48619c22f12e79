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

fn args(extra: &[&str]) -> SyncArgs {
    let argv = ["secdeck", "waf", "sync"].iter().chain(extra).copied();
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

async fn run(
    sandbox: &Sandbox,
    a: &SyncArgs,
    exec: Option<&secdeck::tasks::MutationExecutor>,
) -> (SyncStatus, String) {
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
    let base = [
        "--ip-set",
        "cloudfront-origin-v4",
        "--scope",
        "CLOUDFRONT",
        "--services",
        "CLOUDFRONT",
        "--ip-ranges",
    ];
    let with = |file: &str, more: &[&str]| {
        let path = fixture(file);
        let mut v: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        v.push(path);
        v.extend(more.iter().map(|s| s.to_string()));
        args(&v.iter().map(String::as_str).collect::<Vec<_>>())
    };

    let (status, out) = run(&sandbox, &with(OLD, &[]), Some(&exec)).await;
    assert_eq!(status, SyncStatus::Changed, "{out}");
    let set: BTreeSet<String> = sandbox
        .ip_set_addresses("cloudfront-origin-v4")
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(set, cloudfront_v4(OLD));
    assert_eq!(set.len(), 209);
    assert!(
        sandbox
            .ip_set_description("cloudfront-origin-v4")
            .unwrap()
            .ends_with(" syncToken:1785031025")
    );

    // Same file again: a no-op that sends nothing mutating.
    sandbox.clear_requests();
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
    let set: BTreeSet<String> = sandbox
        .ip_set_addresses("cloudfront-origin-v4")
        .unwrap()
        .into_iter()
        .collect();
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
    let path = fixture(NEW);
    let a = args(&[
        "--ip-set",
        "aws-healthchecks-v4",
        "--ipv6-set",
        "aws-healthchecks-v6",
        "--scope",
        "REGIONAL",
        "--services",
        "ROUTE53_HEALTHCHECKS",
        "--ip-ranges",
        &path,
    ]);
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

fn secdeck(args: &[&str], state: &std::path::Path) -> (i32, String, String) {
    run_secdeck(state, args).into_parts()
}

#[test]
fn the_binary_exits_10_on_change_and_refuses_a_read_only_sync() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "waf",
        "sync",
        "--demo",
        "--ip-set",
        "cloudfront-origin-v4",
        "--scope",
        "CLOUDFRONT",
        "--services",
        "CLOUDFRONT",
        "--ip-ranges",
        NEW,
    ];
    let (code, out, err) = secdeck(&base, dir.path());
    assert_eq!(code, 10, "{out}{err}");
    assert!(out.contains("changed and verified"), "{out}");

    let read_only: Vec<&str> = base.iter().copied().chain(["--read-only"]).collect();
    let (code, _, err) = secdeck(&read_only, dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("read-only") && err.contains("--dry-run"),
        "{err}"
    );

    let dry: Vec<&str> = read_only.iter().copied().chain(["--dry-run"]).collect();
    let (code, out, _) = secdeck(&dry, dir.path());
    assert_eq!(code, 10);
    assert!(out.contains("dry run: 1 change(s) not applied"), "{out}");
}

#[test]
fn unreadable_sources_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\"syncToken\": \"1\", \"createDate\": \"x\", \"prefixes\": [}",
    )
    .unwrap();
    let bad = bad.display().to_string();
    let (code, _, err) = secdeck(
        &[
            "waf",
            "sync",
            "--demo",
            "--ip-set",
            "s",
            "--scope",
            "REGIONAL",
            "--ip-ranges",
            &bad,
            "--dry-run",
        ],
        dir.path(),
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("bad.json: not a valid ip-ranges.json") && err.contains("line 1"),
        "{err}"
    );

    let (code, _, err) = secdeck(
        &[
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
        ],
        dir.path(),
    );
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
    let path = fixture(OLD);
    let with = |services: &str| {
        args(&[
            "--ip-set",
            "cloudfront-origin-v4",
            "--scope",
            "CLOUDFRONT",
            "--services",
            services,
            "--ip-ranges",
            &path,
        ])
    };
    let (status, out) = run(&sandbox, &with("CLOUDFRONT"), Some(&exec)).await;
    assert_eq!(status, SyncStatus::Changed, "{out}");
    let cloudfront = sandbox
        .ip_set_addresses("cloudfront-origin-v4")
        .unwrap()
        .len();

    // Same file (same syncToken), another selection: the diff is applied, not skipped.
    sandbox.clear_requests();
    let (status, out) = run(
        &sandbox,
        &with("CLOUDFRONT,ROUTE53_HEALTHCHECKS"),
        Some(&exec),
    )
    .await;
    assert_eq!(status, SyncStatus::Changed, "{out}");
    assert!(!mutating_operations(&sandbox).is_empty(), "{out}");
    let both = sandbox
        .ip_set_addresses("cloudfront-origin-v4")
        .unwrap()
        .len();
    assert!(both > cloudfront, "{both} vs {cloudfront}");

    // Someone removes an entry by hand; the same file again puts it back.
    let clients = sandbox.clients();
    let set = secdeck::aws::wafv2::list_ip_sets(
        &clients.wafv2,
        secdeck::domain::waf::WafScope::Cloudfront,
    )
    .await
    .unwrap()
    .into_iter()
    .find(|s| s.set.name == "cloudfront-origin-v4")
    .unwrap()
    .set;
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
    sandbox.clear_requests();
    let (status, out) = run(
        &sandbox,
        &with("CLOUDFRONT,ROUTE53_HEALTHCHECKS"),
        Some(&exec),
    )
    .await;
    assert_eq!(status, SyncStatus::Changed, "{out}");
    assert!(out.contains(&format!("  + {dropped}")), "{out}");
    assert!(
        sandbox
            .ip_set_addresses("cloudfront-origin-v4")
            .unwrap()
            .contains(&dropped)
    );

    // And now it matches: exit 0, nothing written.
    sandbox.clear_requests();
    let (status, out) = run(
        &sandbox,
        &with("CLOUDFRONT,ROUTE53_HEALTHCHECKS"),
        Some(&exec),
    )
    .await;
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
    let a = args(&[
        "--ip-set",
        "cloudfront-origin-v4",
        "--scope",
        "CLOUDFRONT",
        "--services",
        "CLOUDFRONT",
        "--ip-ranges",
        &fixture(OLD),
    ]);
    let (_, out) = run(&sandbox, &a, Some(&exec)).await;
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
