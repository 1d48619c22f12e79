//! `secdeck export findings`: the binary end to end on the in-process sandbox, and the
//! ASFF output re-imported into a fresh sandbox giving the same findings back.

mod aws_support;

use std::process::Command;

use aws_support::{big_stack, finding, sandbox};
use secdeck::aws::securityhub::get_findings_page;
use secdeck::cli::export::{FindingsWriter, Format, export_findings};
use secdeck::domain::filter::{FindingFilters, SortCriterion};
use secdeck::sandbox::{QuotaMode, Sandbox};
use secdeck::tasks::Pacer;
use serde_json::Value;

fn secdeck(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_secdeck"))
        .args(args)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run secdeck")
}

#[test]
fn the_binary_exports_filtered_jsonl_with_progress_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crit.jsonl");
    let run = secdeck(
        dir.path(),
        &[
            "export",
            "findings",
            "--demo",
            "--seed-scale",
            "300",
            "--filter",
            "sev=CRITICAL state=ACTIVE",
            "--output",
            out.to_str().unwrap(),
        ],
    );
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
    assert!(
        stderr.contains(&format!("exported {} findings", docs.len())),
        "{stderr}"
    );
}

#[test]
fn a_bad_filter_is_a_usage_error_pointing_at_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let run = secdeck(
        dir.path(),
        &[
            "export",
            "findings",
            "--demo",
            "--filter",
            "sev=HIGH colour=red",
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("unknown attribute \"colour\""), "{stderr}");
    assert!(stderr.contains("           ^^^^^^"), "{stderr}");
}

#[test]
fn csv_has_a_header_and_one_row_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let run = secdeck(
        dir.path(),
        &[
            "export", "findings", "--demo", "--format", "csv", "--filter", "sev=LOW",
        ],
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

#[test]
fn asff_export_reimports_into_a_fresh_sandbox_with_identical_results() {
    big_stack(|| async {
        let docs: Vec<Value> = (0..230).map(finding).collect();
        let source = sandbox(docs, QuotaMode::Off);
        let client = aws_sdk_securityhub::Client::new(&source.sdk_config().await);
        let mut buf = Vec::new();
        let mut writer = FindingsWriter::new(&mut buf, Format::Asff).unwrap();
        let mut pages = 0;
        export_findings(
            &client,
            &FindingFilters::default(),
            &mut writer,
            &Pacer::unlimited(),
            &mut |_, p| pages = p,
        )
        .await
        .unwrap();
        let n = writer.finish().unwrap();
        assert_eq!(n, source.finding_count());
        assert_eq!(pages, n.div_ceil(100));

        let exported: Value = serde_json::from_slice(&buf).unwrap();
        let exported = exported["Findings"].as_array().unwrap().clone();
        let fresh = sandbox(Vec::new(), QuotaMode::Off);
        for chunk in exported.chunks(100) {
            // The exported document is the BatchImportFindings body, byte for byte.
            let body = serde_json::json!({ "Findings": chunk }).to_string();
            let (status, reply) = import(&fresh, body).await;
            assert_eq!(status, 200, "{reply}");
            assert_eq!(reply["FailedCount"], 0, "{reply}");
        }
        assert_eq!(all_findings(&fresh).await, all_findings(&source).await);
    });
}
