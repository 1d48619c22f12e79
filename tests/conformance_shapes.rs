//! Every finding the sandbox is seeded with must be readable by the real aws-sdk-securityhub
//! client: one field of the wrong JSON type makes a whole GetFindings page fail in the
//! console. Checked with the SDK's own deserializer, for the demo world and generated worlds.

mod common;

use secdeck::sandbox::seed;
use time::macros::datetime;

#[test]
fn every_demo_finding_deserializes_through_the_sdk() {
    common::big_stack(|| async {
        let demo = seed::demo(datetime!(2026-11-24 12:00 UTC)).expect("demo world loads");
        let typed = common::sdk::typed_findings(&demo.findings)
            .await
            .expect("SDK reads the demo world");
        assert_eq!(typed.len(), demo.findings.len());
        for (json, typed) in demo.findings.iter().zip(&typed) {
            assert_eq!(typed.id(), json["Id"].as_str(), "Id survives the SDK");
            assert_eq!(typed.title(), json["Title"].as_str());
            assert!(!typed.resources().is_empty());
        }
    })
}

#[test]
fn generated_findings_deserialize_with_their_typed_details() {
    common::big_stack(|| async {
        let findings = seed::generate_findings(2_000, 11, datetime!(2026-11-24 12:00 UTC));
        let typed = common::sdk::typed_findings(&findings)
            .await
            .expect("SDK reads generated findings");
        assert_eq!(typed.len(), findings.len());
        // Typed sub-structures, not just strings, made it through: the details the console shows.
        let with = |f: &dyn Fn(&aws_sdk_securityhub::types::AwsSecurityFinding) -> bool| {
            typed.iter().filter(|x| f(x)).count()
        };
        assert!(with(&|x| x.vulnerabilities().iter().any(|v| !v.cvss().is_empty())) > 50);
        assert!(
            with(&|x| x
                .action()
                .and_then(|a| a.aws_api_call_action())
                .and_then(|a| a.remote_ip_details())
                .is_some())
                > 10
        );
        assert!(with(&|x| x.action().and_then(|a| a.port_probe_action()).is_some()) > 5);
        assert!(with(&|x| x.network().and_then(|n| n.source_ipv6()).is_some()) > 0);
        assert!(
            with(&|x| x
                .compliance()
                .and_then(|c| c.security_control_id())
                .is_some())
                > 300
        );
        assert!(
            with(&|x| x
                .resources()
                .iter()
                .any(|r| r.details().and_then(|d| d.aws_ec2_instance()).is_some()))
                > 50
        );
        assert!(
            with(&|x| x.resources().iter().any(|r| r
                .details()
                .and_then(|d| d.aws_rds_db_instance())
                .and_then(|d| d.db_instance_identifier())
                .is_some()))
                > 5
        );
    })
}

#[test]
fn a_wrongly_typed_field_is_what_breaks_a_page() {
    common::big_stack(|| async {
        // The guard above is meaningful only if the SDK really rejects bad types.
        let mut finding = seed::generate_findings(1, 1, datetime!(2026-11-24 12:00 UTC)).remove(0);
        finding["Severity"]["Normalized"] = serde_json::json!("40");
        let err = common::sdk::typed_findings(&[finding]).await.unwrap_err();
        assert!(!err.is_empty());
    })
}

#[test]
fn the_demo_world_imports_into_the_sandbox_and_reads_back_through_the_sdk() {
    common::big_stack(|| async {
        use secdeck::sandbox::{Sandbox, SandboxConfig};
        let demo = seed::demo(time::OffsetDateTime::now_utc()).expect("demo world loads");
        let total = demo.findings.len();
        let sandbox = Sandbox::new(SandboxConfig::default(), demo)
            .unwrap_or_else(|e| panic!("the sandbox rejects the demo world: {e}"));
        // The Trivy examples repeat two (ProductArn, Id) pairs; re-imports update in place.
        assert_eq!(sandbox.finding_count(), total - 3);
        let client = aws_sdk_securityhub::Client::new(&sandbox.sdk_config().await);
        let mut pages = client
            .get_findings()
            .max_results(100)
            .into_paginator()
            .send();
        let mut read = 0;
        while let Some(page) = pages.next().await {
            read += page.expect("every demo page deserializes").findings().len();
        }
        assert_eq!(read, total - 3);
    })
}
