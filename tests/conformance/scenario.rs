//! The Security Hub scenarios, written once against an `aws_sdk_securityhub::Client`: the
//! same code runs against moto and against the sandbox, and returns what it observed so
//! the two can be compared as results rather than as bytes.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::error::ProvideErrorMetadata;
use aws_sdk_securityhub::types::AwsSecurityFinding;
use secdeck::domain::finding::Severity;

/// What BatchImportFindings answered: counts and, per failed Id, its ErrorCode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Imported {
    pub success: i32,
    pub failed: i32,
    pub failures: BTreeMap<String, String>,
}

/// The provider-supplied fields both emulators must store and return unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub title: Option<String>,
    pub generator_id: Option<String>,
    pub account: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub types: Vec<String>,
    pub resources: Vec<(String, String)>,
    pub compliance: Option<String>,
    /// Severity.Label, or the label Normalized maps to when only that was sent.
    pub severity: Option<String>,
}

impl Key {
    pub fn of(f: &AwsSecurityFinding) -> Key {
        Key {
            title: f.title().map(str::to_string),
            generator_id: f.generator_id().map(str::to_string),
            account: f.aws_account_id().map(str::to_string),
            created_at: f.created_at().map(str::to_string),
            updated_at: f.updated_at().map(str::to_string),
            types: f.types().to_vec(),
            resources: f
                .resources()
                .iter()
                .map(|r| {
                    (
                        r.r#type().unwrap_or_default().to_string(),
                        r.id().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            compliance: f
                .compliance()
                .and_then(|c| c.status())
                .map(|s| s.as_str().to_string()),
            severity: f.severity().and_then(|s| match s.label() {
                Some(label) => Some(label.as_str().to_string()),
                None => s
                    .normalized()
                    .map(|n| Severity::from_normalized(f64::from(n)).as_str().to_string()),
            }),
        }
    }
}

/// (ProductArn, Id): how Security Hub identifies a finding.
pub type FindingKey = (String, String);

pub fn identity(f: &AwsSecurityFinding) -> FindingKey {
    (
        f.product_arn().unwrap_or_default().to_string(),
        f.id().unwrap_or_default().to_string(),
    )
}

/// An error as a user of the SDK sees it: the service's error code, or the SDK's message.
pub fn error_code<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    e: &aws_sdk_securityhub::error::SdkError<E, R>,
) -> String {
    match e.code() {
        Some(code) => code.to_string(),
        None => format!("{e:?}").chars().take(300).collect(),
    }
}

/// Imports `findings` in one BatchImportFindings call.
pub async fn import(client: &Client, findings: &[AwsSecurityFinding]) -> Result<Imported, String> {
    let out = client
        .batch_import_findings()
        .set_findings(Some(findings.to_vec()))
        .send()
        .await
        .map_err(|e| error_code(&e))?;
    Ok(Imported {
        success: out.success_count().unwrap_or_default(),
        failed: out.failed_count().unwrap_or_default(),
        failures: out
            .failed_findings()
            .iter()
            .map(|f| {
                (
                    f.id().unwrap_or_default().to_string(),
                    f.error_code().unwrap_or_default().to_string(),
                )
            })
            .collect(),
    })
}

/// Imports in batches of at most 100 (the API limit) and adds up the answers.
pub async fn import_all(client: &Client, findings: &[AwsSecurityFinding]) -> Imported {
    let mut total = Imported::default();
    for chunk in findings.chunks(100) {
        let batch = import(client, chunk)
            .await
            .unwrap_or_else(|e| panic!("BatchImportFindings failed: {e}"));
        total.success += batch.success;
        total.failed += batch.failed;
        total.failures.extend(batch.failures);
    }
    total
}

/// Every finding, walking NextToken with `page_size`; checks each page's size and that no
/// finding comes twice.
pub async fn get_all(client: &Client, page_size: i32) -> (Vec<AwsSecurityFinding>, usize) {
    let mut all = Vec::new();
    let mut seen = BTreeSet::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let out = client
            .get_findings()
            .max_results(page_size)
            .set_next_token(token.take())
            .send()
            .await
            .unwrap_or_else(|e| panic!("GetFindings failed: {}", error_code(&e)));
        pages += 1;
        assert!(
            out.findings().len() <= page_size as usize,
            "a page larger than MaxResults"
        );
        for f in out.findings() {
            assert!(
                seen.insert(identity(f)),
                "{:?} returned twice while paging",
                identity(f)
            );
            all.push(f.clone());
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
        assert!(pages < 10_000, "paging does not end");
    }
    (all, pages)
}

/// GetFindings with raw parameters, reduced to Ok(count) or the error code.
pub async fn get_page(
    client: &Client,
    max_results: Option<i32>,
    token: Option<&str>,
) -> Result<usize, String> {
    client
        .get_findings()
        .set_max_results(max_results)
        .set_next_token(token.map(str::to_string))
        .send()
        .await
        .map(|o| o.findings().len())
        .map_err(|e| error_code(&e))
}
