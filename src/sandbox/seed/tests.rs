//! Tests of the demo world, the generator and `--seed DIR` loading.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::domain::finding::Severity;

const NOW: OffsetDateTime = datetime!(2026-11-24 12:00:00 UTC);

fn label(f: &Value) -> Option<Severity> {
    let sev = &f["Severity"];
    match sev["Label"].as_str() {
        Some(l) => Severity::parse(l),
        None => sev["Normalized"].as_f64().map(Severity::from_normalized),
    }
}

fn strs<'a>(findings: &'a [Value], pointer: &str) -> BTreeSet<&'a str> {
    findings
        .iter()
        .filter_map(|f| f.pointer(pointer)?.as_str())
        .collect()
}

fn parse_ts(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("bad timestamp {s}: {e}"))
}

#[test]
fn demo_world_is_large_varied_and_deterministic() {
    let seed = demo(NOW).unwrap();
    let f = &seed.findings;
    assert!(f.len() >= 500 && f.len() <= 800, "{} findings", f.len());
    assert_eq!(
        f,
        &demo(NOW).unwrap().findings,
        "demo must be deterministic"
    );

    let severities: HashSet<_> = f.iter().filter_map(label).collect();
    assert_eq!(severities.len(), 5, "all five severities: {severities:?}");
    assert_eq!(
        strs(f, "/Workflow/Status"),
        BTreeSet::from(["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"])
    );
    assert_eq!(
        strs(f, "/RecordState"),
        BTreeSet::from(["ACTIVE", "ARCHIVED"])
    );
    let new_or_notified = f
        .iter()
        .filter(|x| {
            matches!(
                x.pointer("/Workflow/Status").and_then(Value::as_str),
                Some("NEW" | "NOTIFIED")
            )
        })
        .count();
    assert!(new_or_notified * 10 > f.len() * 6, "mostly NEW/NOTIFIED");

    let accounts = strs(f, "/AwsAccountId");
    for a in ["123456789012", "210987654321", "345678901234"] {
        assert!(accounts.contains(a), "{a} missing");
    }
    assert!(strs(f, "/Region").len() >= 5);
    let types: BTreeSet<&str> = f
        .iter()
        .flat_map(|x| x["Resources"].as_array().into_iter().flatten())
        .filter_map(|r| r["Type"].as_str())
        .collect();
    for t in [
        "AwsEc2Instance",
        "AwsS3Bucket",
        "AwsIamRole",
        "AwsIamUser",
        "AwsIamAccessKey",
        "AwsLambdaFunction",
        "AwsRdsDbInstance",
        "AwsEcrContainerImage",
        "AwsEc2SecurityGroup",
        "AwsKmsKey",
        "AwsAccount",
        "AwsIotPolicy",
    ] {
        assert!(types.contains(t), "no {t} resource");
    }
    let products: BTreeSet<&str> = f
        .iter()
        .filter_map(|x| x["ProductArn"].as_str()?.split("product/").nth(1))
        .collect();
    for p in [
        "aws/guardduty",
        "aws/inspector",
        "aws/macie",
        "aws/securityhub",
        "aws/access-analyzer",
        "aws/iot-device-defender-audit",
        "prowler/prowler",
        "aquasecurity/aquasecurity",
        "123456789012/default",
    ] {
        assert!(products.contains(p), "no findings from {p}");
    }
}

#[test]
fn demo_controls_cover_the_standards() {
    let f = demo(NOW).unwrap().findings;
    let controls = strs(&f, "/Compliance/SecurityControlId");
    for c in ["S3.8", "EC2.2", "IAM.5", "Lambda.1", "RDS.2", "KMS.4"] {
        assert!(controls.contains(c), "no {c} finding");
    }
    let standards: BTreeSet<&str> = f
        .iter()
        .flat_map(|x| {
            x.pointer("/Compliance/AssociatedStandards")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|s| s["StandardsId"].as_str())
        .collect();
    for s in [
        "aws-foundational-security-best-practices",
        "cis-aws-foundations-benchmark",
        "pci-dss",
        "nist-800-53",
    ] {
        assert!(standards.iter().any(|x| x.contains(s)), "no {s} control");
    }
    assert!(super::sources::control_ids().len() >= 25);
}

#[test]
fn every_real_example_is_in_the_demo() {
    let demo_ids: HashSet<String> = demo(NOW)
        .unwrap()
        .findings
        .iter()
        .filter_map(|f| f["Id"].as_str().map(str::to_string))
        .collect();
    let mut total = 0;
    for (name, text) in real::REAL {
        let doc: Value = serde_json::from_str(text).unwrap();
        for f in parse::findings_of(doc).unwrap() {
            total += 1;
            let id = f["Id"].as_str().unwrap();
            assert!(demo_ids.contains(id), "{name}: {id} not in the demo");
        }
    }
    assert_eq!(total, 58, "the 40 real files hold 58 findings");
    assert_eq!(real_examples().unwrap().len(), 58);
}

#[test]
fn real_examples_list_matches_the_directory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(REAL_DIR);
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let embedded: BTreeSet<String> = real::REAL.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, embedded, "regenerate src/sandbox/seed/real.rs");
}

#[test]
fn only_the_documented_real_examples_are_normalised() {
    let mut changed = BTreeSet::new();
    for (name, text) in real::REAL {
        for mut f in parse::findings_of(serde_json::from_str(text).unwrap()).unwrap() {
            if !parse::normalise_real(&mut f).is_empty() {
                changed.insert(*name);
                assert!(f["Severity"].is_object() && f["Types"].is_array());
                assert!(f["Severity"].get("Normalized").is_none_or(Value::is_number));
                assert!(f["Severity"].get("Original").is_none_or(Value::is_string));
            }
        }
    }
    assert_eq!(
        changed,
        BTreeSet::from([
            "custom-batchimport-cloudtrail-low.json",
            "securityhub-consolidated-security-control-cloudtrail2.json",
            "securityhub-getfindings-cis113-root-mfa-critical-notified.json",
            "securityhub-getfindings-pci-lambda2-archived.json",
        ])
    );
}

#[test]
fn legacy_and_odd_real_examples_survive() {
    let f = real_examples().unwrap();
    let legacy = f
        .iter()
        .find(|x| {
            x["ProductFields"]["aws/securityhub/SeverityLabel"].is_string()
                && x["Severity"]["Label"].is_null()
        })
        .expect("the 2019 no-label GuardDuty finding");
    // No Label: the console derives it from Normalized, and it agrees with what
    // Security Hub recorded in ProductFields at the time.
    let recorded = legacy["ProductFields"]["aws/securityhub/SeverityLabel"]
        .as_str()
        .unwrap();
    assert_eq!(label(legacy), Severity::parse(recorded));
    assert!(f.iter().any(|x| x["AwsAccountId"] == "ACCOUNT_ID"));
    assert!(f.iter().any(|x| {
        x["LastObservedAt"]
            .as_str()
            .is_some_and(|t| t.starts_with("2200-"))
    }));
    let ids: Vec<&str> = f.iter().filter_map(|x| x["Id"].as_str()).collect();
    assert!(
        ids.len() > ids.iter().collect::<HashSet<_>>().len(),
        "duplicate Ids are kept"
    );
}

#[test]
fn world_toml_describes_the_default_world() {
    let spec = WorldSpec::from_toml(WORLD_TOML).unwrap();
    assert_eq!(spec, WorldSpec::default());
    assert!(WorldSpec::from_toml("seed = 1\nmix = {}\n").is_err());
    assert!(
        WorldSpec::from_toml("colour = 'red'")
            .unwrap_err()
            .contains("colour")
    );
}

#[test]
fn generated_findings_are_valid_unique_and_recent() {
    let f = generate_findings(3000, 42, NOW);
    assert_eq!(f.len(), 3000);
    let ids: HashSet<&str> = f.iter().filter_map(|x| x["Id"].as_str()).collect();
    assert_eq!(ids.len(), 3000, "generated Ids are unique");
    let mut recent = 0;
    for x in &f {
        assert_eq!(finding_problem(x), None, "{x}");
        assert_eq!(x["SchemaVersion"], "2018-10-08");
        assert!(x["Workflow"]["Status"].is_string() && x["RecordState"].is_string());
        assert!(
            x["ProductName"].is_string() && x["CompanyName"].is_string() && x["Region"].is_string()
        );
        let region = x["Region"].as_str().unwrap();
        assert!(
            x["ProductArn"]
                .as_str()
                .unwrap()
                .starts_with(&format!("arn:aws:securityhub:{region}:"))
        );
        let created = parse_ts(x["CreatedAt"].as_str().unwrap());
        let updated = parse_ts(x["UpdatedAt"].as_str().unwrap());
        assert!(created <= updated && updated <= NOW, "{created} {updated}");
        assert!(NOW - created <= Duration::days(90));
        if NOW - updated <= Duration::days(7) {
            recent += 1;
        }
    }
    assert!(
        recent > 600 && recent < 2400,
        "{recent} of 3000 updated within 7 days"
    );
    let controls: Vec<_> = f
        .iter()
        .filter(|x| x["Compliance"]["SecurityControlId"].is_string())
        .collect();
    assert!(!controls.is_empty());
    for c in controls {
        let passed = c["Compliance"]["Status"] == "PASSED";
        assert_eq!(passed, c["Severity"]["Label"] == "INFORMATIONAL", "{c}");
        if passed {
            assert_eq!(c["Workflow"]["Status"], "RESOLVED");
        }
    }
}

#[test]
fn generation_is_deterministic_and_prefix_stable() {
    let a = generate_findings(200, 7, NOW);
    assert_eq!(a, generate_findings(200, 7, NOW));
    assert_eq!(a[..50], generate_findings(50, 7, NOW)[..]);
    assert_ne!(a, generate_findings(200, 8, NOW));
    assert!(generate_findings(0, 7, NOW).is_empty());
}

#[test]
fn guardduty_findings_use_documentation_addresses() {
    let f = generate_findings(2000, 3, NOW);
    let gd: Vec<_> = f
        .iter()
        .filter(|x| x["ProductName"] == "GuardDuty")
        .collect();
    assert!(gd.len() > 100);
    let mut kinds = BTreeSet::new();
    let mut v6 = 0;
    for x in gd {
        kinds.insert(x["Action"]["ActionType"].as_str().unwrap());
        let text = x.to_string();
        for key in ["IpAddressV4", "SourceIpV6"] {
            for part in text.split(&format!("\"{key}\":\"")).skip(1) {
                let ip: std::net::IpAddr = part.split('"').next().unwrap().parse().unwrap();
                let doc = match ip {
                    std::net::IpAddr::V4(v4) => {
                        let o = v4.octets();
                        matches!(
                            (o[0], o[1], o[2]),
                            (198, 51, 100) | (203, 0, 113) | (192, 0, 2) | (10, _, _)
                        )
                    }
                    std::net::IpAddr::V6(v6ip) => {
                        v6 += 1;
                        v6ip.segments()[..2] == [0x2001, 0xdb8]
                    }
                };
                assert!(doc, "{ip} is not a documentation or private address");
            }
        }
    }
    assert_eq!(
        kinds,
        BTreeSet::from([
            "AWS_API_CALL",
            "DNS_REQUEST",
            "NETWORK_CONNECTION",
            "PORT_PROBE"
        ])
    );
    assert!(v6 > 0, "some attackers come over IPv6");
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn minimal(id: &str) -> Value {
    let mut f = generate_findings(1, 1, NOW).remove(0);
    f["Id"] = json!(id);
    f
}

#[test]
fn load_dir_reads_every_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a-single.json", &minimal("one").to_string());
    write(
        dir.path(),
        "b-wrapped.json",
        &json!({"Findings": [minimal("two"), minimal("three")]}).to_string(),
    );
    write(
        dir.path(),
        "c-array.JSON",
        &json!([minimal("four")]).to_string(),
    );
    write(
        dir.path(),
        "d.jsonl",
        &format!("{}\n\n{}\n", minimal("five"), json!([minimal("six")])),
    );
    write(dir.path(), "notes.txt", "not a seed");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(
        &dir.path().join("sub"),
        "e.json",
        &minimal("seven").to_string(),
    );
    let seed = load_dir(dir.path()).unwrap();
    let ids: Vec<&str> = seed
        .findings
        .iter()
        .filter_map(|f| f["Id"].as_str())
        .collect();
    assert_eq!(ids, ["one", "two", "three", "four", "five", "six", "seven"]);
}

#[test]
fn load_dir_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.json", "{\"Findings\": [ {\"Id\": ");
    let err = load_dir(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("broken.json") && err.contains("invalid JSON"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lines.jsonl",
        &format!("{}\n{{oops\n", minimal("ok")),
    );
    let err = load_dir(dir.path()).unwrap_err();
    assert!(
        matches!(err, SeedError::Json { line: Some(2), .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("lines.jsonl:2"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let mut bad = minimal("no-title");
    bad.as_object_mut().unwrap().remove("Title");
    write(
        dir.path(),
        "bad.json",
        &json!({"Findings": [minimal("fine"), bad]}).to_string(),
    );
    let err = load_dir(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("bad.json")
            && err.contains("finding 1")
            && err.contains("\"no-title\"")
            && err.contains("Title"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scalar.json", "\"just a string\"");
    let err = load_dir(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("scalar.json") && err.contains("found a string"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty-resources.json", &{
        let mut f = minimal("x");
        f["Resources"] = json!([]);
        f.to_string()
    });
    let err = load_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("Resources must be a non-empty array"), "{err}");
}

#[test]
fn load_dir_rejects_missing_and_empty_directories() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(load_dir(dir.path()), Err(SeedError::Empty { .. })));
    let missing = dir.path().join("nope");
    let err = load_dir(&missing).unwrap_err().to_string();
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn load_dir_reads_the_real_examples_as_shipped() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(REAL_DIR);
    assert_eq!(load_dir(&dir).unwrap().findings.len(), 58);
}

#[test]
fn the_line_named_is_the_findings_own_id_not_text_quoting_it() {
    // Found by tests/fuzz/seed.rs: the first occurrence of the Id's text was taken, so a
    // Description quoting the Id sent the user to the wrong finding.
    let mut quoting = minimal("first");
    quoting["Description"] = json!("broken");
    let mut bad = minimal("broken");
    bad.as_object_mut().unwrap().remove("Title");
    let text = serde_json::to_string_pretty(&json!([quoting, bad])).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("\"Id\": \"broken\""))
        .unwrap()
        + 1;
    let err = super::parse_file_text(std::path::Path::new("s.json"), &text)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!("s.json:{line}: finding 1 (Id \"broken\")")),
        "{err}"
    );
}
