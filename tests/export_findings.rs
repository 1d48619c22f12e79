//! `secdeck export findings`: the binary end to end on the in-process sandbox, and the
//! ASFF output re-imported into a fresh sandbox giving the same findings back.

mod common;

use common::hub::*;
use common::*;
use secdeck::aws::securityhub::get_findings_page;
use secdeck::cli::export::{FindingsWriter, Format, export_findings};
use secdeck::domain::filter::{FindingFilters, SortCriterion};
use secdeck::sandbox::Sandbox;
use secdeck::tasks::Pacer;
use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_securityhub::types::{NoteUpdate, VerificationState, WorkflowStatus};
use serde_json::{Value, json};

/// `secdeck export findings --demo ARGS`, with `--output OUT` when given, its HOME and
/// XDG directories in `dir`.
fn export_demo(
    dir: &std::path::Path,
    args: &[&str],
    output: Option<&std::path::Path>,
) -> std::process::Output {
    let mut command = secdeck_command(dir);
    command.args(["export", "findings", "--demo"]).args(args);
    if let Some(out) = output {
        command.arg("--output").arg(out);
    }
    command.output().expect("run secdeck")
}

#[test]
fn without_a_filter_the_export_is_the_consoles_default_view_and_star_is_everything() {
    let dir = tempfile::tempdir().unwrap();
    let count = |args: &[&str]| {
        let run = export_demo(dir.path(), args, None);
        assert!(run.status.success());
        String::from_utf8_lossy(&run.stdout).lines().count()
    };
    let default_view = count(&[]);
    let everything = count(&["--filter", "*"]);
    // The demo world: 471 findings in the console's first view, 655 in all.
    assert_eq!((default_view, everything), (471, 655));
    assert_eq!(
        default_view,
        count(&["--filter", "state=ACTIVE status=NEW,NOTIFIED"])
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_export_quietly_with_success() {
    use std::io::{BufRead, Read};
    let dir = tempfile::tempdir().unwrap();
    let mut child = secdeck_command(dir.path())
        .args(["export", "findings", "--demo", "--filter", "*"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run secdeck");
    // As `| head -1` does: one line, then the pipe closes while ~1 MB is still to come.
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"SchemaVersion\""), "{first}");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn the_binary_exports_filtered_jsonl_with_progress_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crit.jsonl");
    let filter = [
        "--seed-scale",
        "300",
        "--filter",
        "sev=CRITICAL state=ACTIVE",
    ];
    let run = export_demo(dir.path(), &filter, Some(&out));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("exported"), "{stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    let docs: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert!(docs.len() > 10, "{} critical findings", docs.len());
    assert!(docs.iter().all(|d| d["Severity"]["Label"] == "CRITICAL"));
    let exported = format!("exported {} findings", docs.len());
    assert!(stderr.contains(&exported), "{stderr}");
}

#[test]
fn a_bad_filter_is_a_usage_error_pointing_at_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let run = export_demo(dir.path(), &["--filter", "sev=HIGH colour=red"], None);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("unknown attribute \"colour\""), "{stderr}");
    assert!(stderr.contains("           ^^^^^^"), "{stderr}");
}

#[test]
fn csv_has_a_header_and_one_row_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let run = export_demo(
        dir.path(),
        &["--format", "csv", "--filter", "sev=LOW"],
        None,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8(run.stdout).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("Id,ProductArn,Severity"));
    assert!(lines.all(|l| l.contains(",LOW,")));
}

async fn all_findings(sb: &Sandbox) -> Vec<Value> {
    let client = aws_sdk_securityhub::Client::new(&sb.sdk_config().await);
    let (mut out, mut token) = (Vec::new(), None);
    loop {
        let page = get_findings_page(
            &client,
            &FindingFilters::default(),
            &SortCriterion::default_order(),
            token,
            100,
        )
        .await
        .unwrap();
        out.extend(page.findings.into_iter().map(|f| {
            let mut doc = f.raw.value();
            // Set by whoever imports, so it differs between the two sandboxes.
            doc.as_object_mut().unwrap().remove("ProcessedAt");
            doc
        }));
        match page.next_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
}

/// POST /findings/import on the sandbox's router: BatchImportFindings on the wire.
async fn import(sb: &Sandbox, body: String) -> (u16, Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = http::Request::builder()
        .method("POST")
        .uri("/findings/import")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = sb.router().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// Exports everything in `source` through GetFindings pages, as `format`.
async fn export(source: &Sandbox, format: Format) -> (Vec<u8>, usize, usize) {
    let client = aws_sdk_securityhub::Client::new(&source.sdk_config().await);
    let mut buf = Vec::new();
    let mut writer = FindingsWriter::new(&mut buf, format).unwrap();
    let mut pages = 0;
    export_findings(
        &client,
        &FindingFilters::default(),
        &mut writer,
        Arc::new(Pacer::unlimited()),
        &mut |_, p| pages = p,
    )
    .await
    .unwrap();
    let n = writer.finish().unwrap();
    (buf, n, pages)
}

/// Every finding of `sb` keyed by ProductArn and Id (ProcessedAt dropped: set by whoever
/// imports).
async fn by_id(sb: &Sandbox) -> BTreeMap<String, Value> {
    let all = all_findings(sb).await;
    let n = all.len();
    let map: BTreeMap<String, Value> = all
        .into_iter()
        .map(|d| (format!("{} {}", d["ProductArn"], d["Id"]), d))
        .collect();
    assert_eq!(map.len(), n, "no finding twice");
    map
}

#[test]
fn asff_export_reimports_into_a_fresh_sandbox_with_identical_results() {
    big_stack(|| async {
        // The demo's varied findings (real payload shapes) plus simple ones, some with
        // every analyst field set through BatchUpdateFindings.
        let mut docs = secdeck::cli::build_seed(None, None, time::OffsetDateTime::now_utc())
            .unwrap()
            .findings;
        docs.extend((0..230).map(finding));
        let source_env = TestEnv::findings(docs).await;
        let source = source_env.sandbox.clone();
        let hub = aws_sdk_securityhub::Client::new(&source.sdk_config().await);
        let mut update = hub.batch_update_findings();
        for i in 0..5 {
            update = update.finding_identifiers(ident(&format!("f-{i:04}")));
        }
        update
            .workflow(workflow(WorkflowStatus::Suppressed))
            .note(
                NoteUpdate::builder()
                    .text("accepted, \"see\" SEC-1")
                    .updated_by("me")
                    .build(),
            )
            .verification_state(VerificationState::BenignPositive)
            .confidence(15)
            .criticality(90)
            .user_defined_fields("owner", "alice")
            .send()
            .await
            .unwrap();

        let (buf, n, pages) = export(&source, Format::Asff).await;
        assert_eq!(n, source.finding_count());
        assert_eq!(pages, n.div_ceil(100));
        let text = String::from_utf8(buf).unwrap();
        let fresh_env = TestEnv::findings(Vec::new()).await;
        let fresh = fresh_env.sandbox.clone();
        let mut imported = 0;
        for body in text.lines() {
            // Each line is one BatchImportFindings request body, sent as it is.
            let (status, reply) = import(&fresh, body.to_string()).await;
            assert_eq!(status, 200, "{reply}");
            assert_eq!(reply["FailedCount"], 0, "{reply}");
            imported += reply["SuccessCount"].as_u64().unwrap() as usize;
        }
        assert_eq!(imported, n);
        assert_eq!(text.lines().count(), n.div_ceil(100));
        let (before, after) = (by_id(&source).await, by_id(&fresh).await);
        assert_eq!(before.len(), n);
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );
        for (id, doc) in &before {
            assert_eq!(doc, &after[id], "{id} differs after the round trip");
        }
        let triaged = &after[&format!("\"{}\" \"f-0003\"", PRODUCT_ARN)];
        assert_eq!(triaged["Workflow"]["Status"], "SUPPRESSED");
        assert_eq!(triaged["UserDefinedFields"]["owner"], "alice");
        assert_eq!(triaged["Criticality"], 90);
    });
}

/// RFC 4180 records (quoted fields may hold commas, doubled quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(
        field.is_empty() && record.is_empty(),
        "last record lacks its line break"
    );
    records
}

#[test]
fn csv_and_jsonl_exports_are_valid_and_complete() {
    big_stack(|| async {
        let mut docs: Vec<Value> = (0..150).map(finding).collect();
        docs[7]["Title"] = json!("commas, \"quotes\"\nand a line break");
        docs[8]["Title"] = json!("tab\there, unicode ✓");
        let source_env = TestEnv::findings(docs.clone()).await;
        let source = source_env.sandbox.clone();

        let (csv, n, _) = export(&source, Format::Csv).await;
        let records = parse_csv(std::str::from_utf8(&csv).unwrap());
        assert_eq!(records.len(), n + 1, "header and one record per finding");
        assert!(records.iter().all(|r| r.len() == records[0].len()));
        let col = |name: &str| records[0].iter().position(|h| h == name).unwrap();
        let (id, title) = (col("Id"), col("Title"));
        let titles: BTreeMap<&str, &str> = records[1..]
            .iter()
            .map(|r| (r[id].as_str(), r[title].as_str()))
            .collect();
        assert_eq!(titles.len(), 150);
        for d in &docs {
            assert_eq!(
                titles[d["Id"].as_str().unwrap()],
                d["Title"].as_str().unwrap()
            );
        }

        let (jsonl, n, _) = export(&source, Format::Jsonl).await;
        let text = String::from_utf8(jsonl).unwrap();
        assert_eq!(text.lines().count(), n);
        let exported: BTreeMap<String, Value> = text
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).expect("each line is one JSON finding");
                v.as_object_mut().unwrap().remove("ProcessedAt");
                (format!("{} {}", v["ProductArn"], v["Id"]), v)
            })
            .collect();
        assert_eq!(
            exported,
            by_id(&source).await,
            "each line is the finding as AWS has it"
        );
    });
}

#[test]
fn the_binary_writes_asff_request_bodies_that_batch_import_accepts_line_by_line() {
    big_stack(|| async {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("all.asff");
        let run = export_demo(dir.path(), &["--format", "asff"], Some(&out));
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let text = std::fs::read_to_string(&out).unwrap();
        let fresh_env = TestEnv::findings(Vec::new()).await;
        let fresh = fresh_env.sandbox.clone();
        let mut total = 0;
        for line in text.lines() {
            // One request body a line, within BatchImportFindings' 100 findings.
            let doc: Value = serde_json::from_str(line).unwrap();
            let n = doc["Findings"].as_array().unwrap().len();
            assert!((1..=100).contains(&n), "{n} findings on a line");
            total += n;
            let (status, reply) = import(&fresh, line.to_string()).await;
            assert_eq!(
                (status, reply["FailedCount"].clone()),
                (200, json!(0)),
                "{reply}"
            );
        }
        assert!(total > 100, "{total} findings");
        assert_eq!(fresh.finding_count(), total);
    });
}

#[test]
fn ocsf_exports_the_documents_getfindingsv2_answers_as_jsonl_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--api", "ocsf"];
        all.extend_from_slice(args);
        let out = export_demo(dir.path(), &all, None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // The console's OCSF default view: the same findings as the console's 538 (537 mapped
    // from the demo's ASFF findings and exposures, and AWS's sample exposure finding, which
    // has no metadata.uid, only finding_info.uid).
    let jsonl = run(&[]);
    let docs: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 538);
    for d in &docs {
        let uid = &d["metadata"]["uid"];
        assert!(
            (uid.is_string() || d["finding_info"]["uid"].is_string()) && d["class_uid"].is_number(),
            "{d}"
        );
        assert!(
            matches!(d["status"].as_str(), Some("New" | "In Progress")),
            "{d}"
        );
    }
    let filtered = run(&["--filter", "sev=Critical | cvss>=9", "--format", "csv"]);
    let rows = parse_csv(&filtered);
    assert_eq!(
        rows[0][..6],
        [
            "metadata.uid",
            "metadata.product.uid",
            "metadata.product.name",
            "class_name",
            "severity",
            "status"
        ]
    );
    let same: Vec<Value> = run(&["--filter", "sev=Critical | cvss>=9"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!same.is_empty());
    let csv_ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let json_ids: Vec<&str> = same
        .iter()
        .map(|d| d["metadata"]["uid"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(csv_ids, json_ids, "one CSV row per document");
    for d in &same {
        let cvss = d["vulnerabilities"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| {
                v["cve"]["cvss"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain(std::iter::once(&v["cve"]["cvss"]))
                    .any(|c| c["base_score"].as_f64() >= Some(9.0))
            });
        assert!(d["severity"] == "Critical" || cvss, "{d}");
    }

    let bad = export_demo(dir.path(), &["--api", "ocsf", "--format", "asff"], None);
    assert_eq!(bad.status.code(), Some(2));
    let bad = export_demo(
        dir.path(),
        &["--api", "ocsf", "--filter", "sev=High bogus=1"],
        None,
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown OCSF field"));
}
