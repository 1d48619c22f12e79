//! Least privilege, proven: the operations table (src/aws/operations.rs) against the SDK
//! calls in the code, both ways (a call without a row, a row no code calls), the
//! `secdeck iam-policy` output against the table, and the per-request check the test kit
//! runs on every sandbox shown to fail when the table lacks a row.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use secdeck::aws::iam_policy::{PolicyKind, allowed_actions, policy_document, refused};
use secdeck::aws::operations::{OPERATIONS, Operation, Service};
use secdeck::config::AccessFlag;
use serde_json::Value;

/// The directory of the SDK crate's sources, from the version Cargo.lock pins.
fn sdk_sources(crate_name: &str) -> PathBuf {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    let header = format!("name = \"{crate_name}\"\nversion = \"");
    let at = lock.find(&header).expect("the crate is in Cargo.lock") + header.len();
    let version = &lock[at..at + lock[at..].find('"').unwrap()];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let registry = cargo_home.join("registry/src");
    std::fs::read_dir(&registry)
        .unwrap_or_else(|e| panic!("{}: {e}", registry.display()))
        .filter_map(|d| Some(d.ok()?.path().join(format!("{crate_name}-{version}"))))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| panic!("{crate_name} {version} not under {}", registry.display()))
}

/// The operations of one SDK crate, as the fluent method names (`list_findings_v2`).
fn sdk_operations(service: Service) -> BTreeSet<String> {
    let dir = sdk_sources(service.sdk_crate()).join("src/operation");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// `ListIPSets` and `list_ip_sets` both read `listipsets`.
fn squash(name: &str) -> String {
    name.replace('_', "").to_lowercase()
}

/// Every `.name(` method call in the Rust files under `dir`, with the file it is in.
fn method_calls(dir: &Path, skip: &Path, out: &mut BTreeMap<String, BTreeSet<String>>) {
    for entry in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let path = entry.path();
        if path == skip {
            continue;
        }
        if path.is_dir() {
            method_calls(&path, skip, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split('.').skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && piece[name.len()..].trim_start().starts_with('(') {
                    out.entry(name)
                        .or_default()
                        .insert(path.display().to_string());
                }
            }
        }
    }
}

/// Which table rows the code calls, and which SDK operations it calls without a row.
fn compare(table: &[Operation]) -> (Vec<String>, Vec<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut calls = BTreeMap::new();
    // The sandbox is the emulator, not a client: its handlers are named like operations.
    method_calls(&src, &src.join("sandbox"), &mut calls);
    let ops: Vec<(Service, BTreeSet<String>)> = Service::ALL
        .iter()
        .map(|s| (*s, sdk_operations(*s)))
        .collect();
    let mut unlisted = Vec::new();
    let mut called_rows = BTreeSet::new();
    for (name, files) in &calls {
        for file in files {
            for service in services_called(name, file, &ops) {
                match table
                    .iter()
                    .find(|r| r.service == service && squash(r.name) == squash(name))
                {
                    Some(row) => {
                        called_rows.insert((row.service, row.name));
                    }
                    None => unlisted.push(format!("{} .{name}() in {file}", service.prefix())),
                }
            }
        }
    }
    let uncalled = table
        .iter()
        .filter(|r| !called_rows.contains(&(r.service, r.name)))
        .map(|r| format!("{}:{}", r.service.prefix(), r.name))
        .collect();
    (unlisted, uncalled)
}

/// The services whose operation `.name()` in `file` is: the one SDK having it, else (two
/// SDKs share a name, e.g. `update_findings`) those the file names (`aws_sdk_...`).
fn services_called(name: &str, file: &str, ops: &[(Service, BTreeSet<String>)]) -> Vec<Service> {
    let having: Vec<Service> = ops
        .iter()
        .filter(|(_, names)| names.contains(name))
        .map(|(s, _)| *s)
        .collect();
    if having.len() < 2 {
        return having;
    }
    let text = std::fs::read_to_string(file).unwrap();
    let named: Vec<Service> = having
        .iter()
        .copied()
        .filter(|s| text.contains(&s.sdk_crate().replace('-', "_")))
        .collect();
    if named.is_empty() { having } else { named }
}

#[test]
fn every_sdk_call_in_the_code_has_a_row_and_every_row_is_called() {
    let (unlisted, uncalled) = compare(OPERATIONS);
    assert!(
        unlisted.is_empty(),
        "SDK calls missing from src/aws/operations.rs: {unlisted:?}"
    );
    assert!(
        uncalled.is_empty(),
        "rows of src/aws/operations.rs no code calls (the policy would grant them): {uncalled:?}"
    );
}

#[test]
fn the_comparison_notices_a_missing_row_and_an_extra_one() {
    let mut table: Vec<Operation> = OPERATIONS
        .iter()
        .copied()
        .filter(|o| o.name != "GetWebACL")
        .collect();
    table.push(Operation {
        name: "DeleteWebACL",
        ..*OPERATIONS.iter().find(|o| o.name == "UpdateIPSet").unwrap()
    });
    let (unlisted, uncalled) = compare(&table);
    assert_eq!(unlisted.len(), 1, "{unlisted:?}");
    assert!(
        unlisted[0].starts_with("wafv2 .get_web_acl() in "),
        "{unlisted:?}"
    );
    assert_eq!(uncalled, ["wafv2:DeleteWebACL"]);
}

/// `secdeck iam-policy ARGS`: exit code, stdout, stderr.
fn iam_policy(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let args: Vec<&str> = std::iter::once("iam-policy")
        .chain(args.iter().copied())
        .collect();
    common::bin::run_secdeck(home.path(), &args).into_parts()
}

#[test]
fn the_command_prints_each_roles_policy_from_the_table() {
    let (code, stdout, stderr) = iam_policy(&["--read-only"]);
    assert_eq!(code, 0, "{stderr}");
    let read_only: Value = serde_json::from_str(&stdout).expect("a JSON policy");
    assert_eq!(read_only["Version"], "2012-10-17");
    assert_eq!(read_only, policy_document(OPERATIONS, PolicyKind::ReadOnly));
    let actions = allowed_actions(&read_only);
    assert!(actions.contains("securityhub:GetFindings"), "{actions:?}");
    assert!(
        actions.contains("access-analyzer:GetFinding"),
        "{actions:?}"
    );
    // CreateAccessPreview makes a preview, not a change to access: a read (the proofs).
    assert!(
        !actions.iter().any(|a| a.contains("Update")
            || (a.contains("Create") && a != "access-analyzer:CreateAccessPreview")),
        "{actions:?}"
    );

    let (code, stdout, _) = iam_policy(&["--operator"]);
    assert_eq!(code, 0);
    let operator: Value = serde_json::from_str(&stdout).unwrap();
    let operator_actions = allowed_actions(&operator);
    assert!(operator_actions.is_superset(&actions));
    assert!(operator_actions.contains("iam:UpdateAssumeRolePolicy"));
    assert!(operator_actions.contains("wafv2:UpdateIPSet"));
}

#[test]
fn the_list_shows_the_table_and_a_role_must_be_chosen() {
    let (code, stdout, _) = iam_policy(&["--list"]);
    assert_eq!(code, 0);
    assert!(stdout.lines().count() == OPERATIONS.len() + 1, "{stdout}");
    let who = stdout
        .lines()
        .find(|l| l.starts_with("sts:GetCallerIdentity"))
        .unwrap();
    assert!(who.contains("(no permission needed)"), "{who}");
    let v2 = stdout
        .lines()
        .find(|l| l.starts_with("access-analyzer:ListFindingsV2"))
        .unwrap();
    assert!(v2.contains("access-analyzer:ListFindings "), "{v2}");

    let (code, _, stderr) = iam_policy(&[]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = iam_policy(&["--read-only", "--operator"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn the_kits_check_fails_when_the_table_lacks_an_operation_a_session_made() {
    big_stack(|| async {
        // A real session: load findings, then the read-only kit check over what it sent.
        let env = findings_console(AccessFlag::ReadOnly).await.end();
        let served: Vec<(String, String)> = env
            .requests()
            .into_iter()
            .filter(|r| r.app.as_deref() == Some(secdeck::aws::APP_NAME))
            .map(|r| (r.service, r.operation))
            .collect();
        assert!(
            served.iter().any(|(_, op)| op == "GetFindings"),
            "{served:?}"
        );
        let pairs = || served.iter().map(|(s, o)| (s.as_str(), o.as_str()));
        assert_eq!(
            refused(OPERATIONS, PolicyKind::ReadOnly, pairs()),
            Vec::<String>::new()
        );
        let without: Vec<Operation> = OPERATIONS
            .iter()
            .copied()
            .filter(|o| o.name != "GetFindings")
            .collect();
        let refusals = refused(&without, PolicyKind::ReadOnly, pairs());
        assert_eq!(
            refusals,
            ["securityhub:GetFindings is not in the operations table (src/aws/operations.rs)"]
        );
        assert!(common::policy::refused_requests(&env, &env.sessions).is_empty());
    });
}

#[test]
fn the_test_kits_own_set_up_calls_are_not_taken_for_secdecks() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        // A plain SDK client, as the kit's set-up uses: no app name.
        env.hub().get_findings().send().await.unwrap();
        // secdeck's clients say app/secdeck.
        secdeck::aws::sts::get_caller_identity(&env.clients().sts)
            .await
            .unwrap();
        let apps: Vec<Option<String>> = env.requests().into_iter().map(|r| r.app).collect();
        assert_eq!(apps, [None, Some("secdeck".to_string())]);
    });
}

#[test]
fn a_change_sent_while_a_read_only_session_is_in_force_is_refused_by_the_kit() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let aa = env.clients().accessanalyzer;
        secdeck::aws::accessanalyzer::list_archive_rules(&aa, "demo")
            .await
            .ok();
        let _ = secdeck::aws::accessanalyzer::delete_archive_rule(&aa, "demo", "r").await;
        assert!(common::policy::refused_requests(&env, &env.sessions).is_empty());
        // From here on the operator's change is checked against the read-only policy.
        env.sessions.started(true);
        let _ = secdeck::aws::accessanalyzer::delete_archive_rule(&aa, "demo", "r").await;
        assert_eq!(
            common::policy::refused_requests(&env, &env.sessions),
            [
                "access-analyzer:DeleteArchiveRule needs access-analyzer:DeleteArchiveRule, \
              which the ReadOnly policy lacks"
            ]
        );
        env.clear_requests(); // the drop check would (rightly) fail this test
    });
}
