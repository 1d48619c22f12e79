//! `secdeck import findings FILE` through the binary: a 250-finding export (written by
//! `secdeck export findings --demo --seed-scale 250 --filter '*'`, as ASFF batches and as JSON Lines)
//! imported into a fresh sandbox served on loopback, and into moto (the conformance
//! suite's server). What is asserted is what a user or AWS would see: the requests the
//! sandbox received, the findings it holds afterwards, the journal, the output and the
//! exit code; `--dry-run`, a read-only session and a malformed file send nothing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::moto::Moto;
use common::*;
use secdeck::sandbox::{ItemFault, Sandbox, serve_on};
use serde_json::Value;

const N: usize = 250;

/// `secdeck export findings --demo --seed-scale 250 --filter '*' --format FORMAT --output
/// dir/all.FORMAT`: every finding (without `--filter`, the console's default view).
fn export(dir: &Path, format: &str) -> PathBuf {
    let out = dir.join(format!("all.{format}"));
    let out_arg = out.display().to_string();
    let run = run_secdeck(
        dir,
        &[
            "export",
            "findings",
            "--demo",
            "--seed-scale",
            "250",
            "--filter",
            "*",
            "--format",
            format,
            "--output",
            &out_arg,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

/// The findings of an export file, keyed by Id, without ProcessedAt (each `--demo` run
/// seeds its sandbox anew, and an import sets its own).
fn exported(path: &Path) -> BTreeMap<String, Value> {
    let content = std::fs::read_to_string(path).unwrap();
    let mut out = BTreeMap::new();
    for line in content.lines() {
        let doc: Value = serde_json::from_str(line).expect("each line is JSON");
        let findings = match doc.get("Findings") {
            Some(list) => list.as_array().unwrap().clone(),
            None => vec![doc],
        };
        for f in findings {
            out.insert(
                f["Id"].as_str().unwrap().to_string(),
                without_processed_at(f),
            );
        }
    }
    out
}

/// A fresh, empty sandbox served on a loopback port; stops when dropped with the runtime.
async fn served() -> (TestEnv, String) {
    let env = TestEnv::findings(Vec::new()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve_on(
        env.sandbox.clone(),
        listener,
        false,
        std::future::pending(),
    ));
    (env, url)
}

/// `import findings FILE --endpoint-url URL --region us-east-1 --journal JOURNAL EXTRA...`.
async fn import(env: &TestEnv, url: &str, file: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<String> = ["import", "findings"].map(String::from).to_vec();
    args.push(file.display().to_string());
    for a in ["--endpoint-url", url, "--region", "us-east-1", "--journal"] {
        args.push(a.to_string());
    }
    args.push(env.journal.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    run_secdeck_async(env.dir.path(), args).await
}

/// The findings count of each BatchImportFindings request the sandbox received.
fn import_requests(sandbox: &Sandbox) -> Vec<usize> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| r.operation == "BatchImportFindings")
        .map(|r| r.params["Findings"].as_array().map_or(0, Vec::len))
        .collect()
}

fn without_processed_at(mut doc: Value) -> Value {
    doc.as_object_mut().unwrap().remove("ProcessedAt");
    doc
}

#[test]
fn a_250_finding_export_imports_back_in_three_requests_as_asff_and_as_jsonl() {
    big_stack(|| async {
        let dir = tempfile::tempdir().unwrap();
        let asff = export(dir.path(), "asff");
        // The ASFF export is BatchImportFindings request bodies, one a line, <= 100 each.
        let lines: Vec<usize> = std::fs::read_to_string(&asff)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["Findings"]
                    .as_array()
                    .unwrap()
                    .len()
            })
            .collect();
        assert_eq!(lines, [100, 100, 50]);
        let jsonl = export(dir.path(), "jsonl");
        // Two runs of the same generated world (its timestamps follow the clock).
        let ids = |path: &Path| exported(path).into_keys().collect::<Vec<_>>();
        assert_eq!(ids(&asff).len(), N);
        assert_eq!(
            ids(&jsonl),
            ids(&asff),
            "both formats hold the same findings"
        );

        for file in [&asff, &jsonl] {
            let expected = exported(file);
            let (env, url) = served().await;
            let run = import(&env, &url, file, &[]).await;
            let (code, stdout, stderr) = run.into_parts();
            assert_eq!(code, 0, "{stdout}\n{stderr}");
            assert!(
                stdout.contains("imported 250 of 250, 0 failed; re-read 250 of the imported: 0 did not show the import"),
                "{stdout}"
            );
            assert_eq!(import_requests(&env.sandbox), [100, 100, 50], "{file:?}");
            assert_eq!(
                common::mutating_operations(&env.sandbox),
                ["BatchImportFindings"; 3]
            );

            // Every finding is back, as it was exported (ProcessedAt is the importer's).
            assert_eq!(env.sandbox.finding_count(), N);
            for (id, doc) in &expected {
                let held = env.sandbox.finding(id).unwrap_or_else(|| panic!("no {id}"));
                assert_eq!(&without_processed_at(held), doc, "{id}");
            }

            // Journaled like any change: the intent before, the verified outcome after.
            let journal = std::fs::read_to_string(&env.journal).unwrap();
            let entries: Vec<Value> = journal
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(entries.len(), 2, "{journal}");
            assert_eq!(entries[0]["phase"], "intent");
            assert_eq!(entries[1]["phase"], "outcome");
            for e in &entries {
                assert_eq!(e["operation"], "securityhub:BatchImportFindings");
                assert_eq!(e["targets"].as_array().unwrap().len(), N);
                assert_eq!(e["change"]["change"]["kind"], "findings_import");
                assert_eq!(e["change"]["change"]["source"], file.display().to_string());
            }
            let result = &entries[1]["result"];
            assert_eq!(result["status"], "ok");
            assert_eq!(result["succeeded"].as_array().unwrap().len(), N);
            assert_eq!(entries[1]["aws_request_ids"].as_array().unwrap().len(), 3);
        }
    });
}

#[test]
fn a_dry_run_prints_the_requests_and_sends_nothing() {
    big_stack(|| async {
        let dir = tempfile::tempdir().unwrap();
        let asff = export(dir.path(), "asff");
        let (env, url) = served().await;
        let run = import(&env, &url, &asff, &["--dry-run"]).await;
        let (code, stdout, stderr) = run.into_parts();
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert_contains_all(
            &stdout,
            &[
                "Import 250 finding(s) from",
                "in 3 request(s)",
                "request 1: 100 finding(s)",
                "request 3: 50 finding(s)",
                "dry run: nothing was sent to Security Hub",
            ],
        );
        assert!(env.sandbox.requests().is_empty(), "a dry run sends nothing");
        assert!(!env.journal.exists(), "and journals nothing");
    });
}

#[test]
fn a_read_only_session_is_refused_and_sends_nothing() {
    big_stack(|| async {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = export(dir.path(), "jsonl");
        let (env, url) = served().await;
        let config = env.path("config.toml");
        // A typo elsewhere in the file must not make it read-write (fail closed).
        std::fs::write(&config, "read_only = true\nthem = \"light\"\n").unwrap();
        let config = config.display().to_string();
        for flags in [&["--read-only"][..], &["--config", &config]] {
            let run = import(&env, &url, &jsonl, flags).await;
            let stderr = run.stderr;
            assert_eq!(run.code, 2, "{flags:?}: {stderr}");
            assert!(
                stderr.contains("read-only") && stderr.contains("refusing to import"),
                "{stderr}"
            );
            assert!(env.sandbox.requests().is_empty(), "{flags:?}");
            assert!(!env.journal.exists());
        }
    });
}

#[test]
fn a_malformed_line_is_named_by_file_and_line_and_nothing_is_sent() {
    big_stack(|| async {
        let (env, url) = served().await;
        let file = env.path("broken.jsonl");
        let good = |i: usize| serde_json::to_string(&finding(i)).unwrap();
        std::fs::write(
            &file,
            format!("{}\n{}\n{{\"Id\": \"x\",\n{}\n", good(0), good(1), good(2)),
        )
        .unwrap();
        let run = import(&env, &url, &file, &[]).await;
        let stderr = run.stderr;
        assert_eq!(run.code, 1, "{stderr}");
        let expected = format!("{}:3: not valid JSON: EOF while parsing", file.display());
        assert!(stderr.contains(&expected), "{expected:?} in\n{stderr}");
        assert!(env.sandbox.requests().is_empty());
    });
}

#[test]
fn a_device_or_an_oversized_file_is_refused_before_it_is_read() {
    big_stack(|| async {
        let (env, url) = served().await;
        let run = import(&env, &url, Path::new("/dev/zero"), &[]).await;
        let stderr = run.stderr;
        assert_eq!(run.code, 1, "{stderr}");
        assert!(
            stderr.contains(
                "/dev/zero: not a regular file but a character device (the findings file \
                 must be a regular file of at most 512 MiB)"
            ),
            "{stderr}"
        );
        assert!(env.sandbox.requests().is_empty());
    });
}

#[test]
fn findings_aws_refuses_are_listed_with_their_error_codes_and_the_exit_is_non_zero() {
    big_stack(|| async {
        let (env, url) = served().await;
        let file = env.path("three.jsonl");
        let docs: Vec<String> = (0..3)
            .map(|i| serde_json::to_string(&finding(i)).unwrap())
            .collect();
        std::fs::write(&file, docs.join("\n")).unwrap();
        let failing = finding(1)["Id"].as_str().unwrap().to_string();
        env.sandbox.inject_targeted_item_fault(ItemFault::ids(
            "BatchImportFindings",
            &[&failing],
            1,
            "InvalidInput",
        ));
        let run = import(&env, &url, &file, &[]).await;
        let (code, stdout, stderr) = run.into_parts();
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert!(stdout.contains("imported 2 of 3, 1 failed"), "{stdout}");
        assert!(
            stdout.contains(&format!("failed: {failing} InvalidInput: Invalid Input")),
            "{stdout}"
        );
        assert_eq!(env.sandbox.finding_count(), 2);
        let journal = std::fs::read_to_string(&env.journal).unwrap();
        let outcome: Value = serde_json::from_str(journal.lines().last().unwrap()).unwrap();
        assert_eq!(outcome["result"]["status"], "partial");
        assert_eq!(outcome["result"]["failures"][0]["code"], "InvalidInput");
    });
}

#[test]
fn the_same_import_into_moto_leaves_the_250_findings_there() {
    big_stack(|| async {
        let dir = tempfile::tempdir().unwrap();
        let asff = export(dir.path(), "asff");
        let expected = exported(&asff);
        // moto keeps one Security Hub backend per Region: this test's own.
        let region = "ap-northeast-3";
        let moto = Moto::shared();
        let journal = dir.path().join("journal.jsonl");
        let args: Vec<String> = [
            "import",
            "findings",
            &asff.display().to_string(),
            "--endpoint-url",
            &moto.endpoint(),
            "--region",
            region,
            "--journal",
            &journal.display().to_string(),
        ]
        .map(String::from)
        .to_vec();
        let (code, stdout, stderr) = run_secdeck_async(dir.path(), args).await.into_parts();
        assert_eq!(code, 0, "{stdout}\n{stderr}\n{}", moto.log());
        assert!(stdout.contains("imported 250 of 250, 0 failed"), "{stdout}");

        let hub =
            aws_sdk_securityhub::Client::new(&common::sdk::moto_config(&moto.endpoint(), region));
        let (mut held, mut token) = (BTreeMap::new(), None);
        loop {
            let page = hub
                .get_findings()
                .set_next_token(token)
                .max_results(100)
                .send()
                .await
                .unwrap();
            for f in page.findings() {
                let id = f.id().unwrap_or_default().to_string();
                held.insert(id, f.title().unwrap_or_default().to_string());
            }
            match page.next_token().filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(held.len(), N);
        for (id, doc) in &expected {
            assert_eq!(
                held.get(id).map(String::as_str),
                doc["Title"].as_str(),
                "{id}"
            );
        }
    });
}
