//! Headless end-to-end: the seed scenario of the IoT audit -> Security Hub import, through
//! the real SDK clients against the in-process sandbox. A policy allowing iot:* on * is
//! found overly permissive, imported with the right severity and generator, re-imported
//! without duplicates, archived once fixed; suppressed findings do not stay active; a
//! dry run and a read-only session send nothing that changes AWS.

mod common;

use common::iot::*;
use common::*;
use secdeck::aws::AwsClients;
use secdeck::cli::iot::{ImportAuditArgs, ImportStatus, import_audit};
use secdeck::config::{AccessFlag, Config};
use secdeck::domain::finding::{Finding, Severity};
use secdeck::journal::JournalContext;
use secdeck::sandbox::Sandbox;
use secdeck::sandbox::seed::Seed;
use secdeck::tasks::SessionMode;
use serde_json::Value;

const ID: &str = IMPORTED_ID;

struct World {
    sandbox: Sandbox,
    clients: AwsClients,
    env: TestEnv,
}

async fn world() -> World {
    let env = TestEnv::new(Seed::default()).await;
    // Audits complete at once here; progress polling is tested in sandbox_iot and e2e_iot.
    env.sandbox.set_iot_audit_polls(0);
    World {
        sandbox: env.sandbox.clone(),
        clients: env.clients(),
        env,
    }
}

fn args(task: Option<&str>, dry_run: bool) -> ImportAuditArgs {
    ImportAuditArgs {
        console: Default::default(),
        task_id: task.map(str::to_string),
        latest: task.is_none(),
        dry_run,
    }
}

impl World {
    async fn audit(&self) -> String {
        start_audit(&self.clients.iot, &[PERMISSIVE]).await
    }

    async fn import(
        &self,
        access: AccessFlag,
        task: Option<&str>,
        dry_run: bool,
    ) -> (anyhow::Result<ImportStatus>, String) {
        let mut out = Vec::new();
        let ctx = JournalContext {
            caller_arn: None,
            account: None,
            profile: Some("test".into()),
            region: "us-east-1".into(),
            endpoint: None,
        };
        let mode = SessionMode::resolve(access, &Config::default(), "test");
        let status = import_audit(
            &self.clients,
            "us-east-1",
            mode,
            ctx,
            &self.env.journal,
            &args(task, dry_run),
            &mut out,
        )
        .await;
        (status, String::from_utf8(out).unwrap())
    }

    fn hub(&self, id: &str) -> Value {
        self.sandbox
            .finding(id)
            .unwrap_or_else(|| panic!("no finding {id}"))
    }

    fn mutating(&self) -> Vec<String> {
        self.sandbox
            .requests()
            .into_iter()
            .filter(|r| r.mutating)
            .map(|r| r.operation)
            .collect()
    }
}

#[test]
fn the_seed_scenario_imports_reimports_and_archives_the_fixed_policy() {
    big_stack(|| async {
        let w = world().await;
        create_policy(&w.env.iot(), "dev-allow-all", BROAD).await;
        let task = w.audit().await;

        let (status, out) = w.import(AccessFlag::Write, Some(&task), false).await;
        assert_eq!(status.unwrap(), ImportStatus::Done, "{out}");
        assert!(out.contains("1 new"), "{out}");
        let doc = w.hub(ID);
        let f = Finding::from_asff(doc.clone()).unwrap();
        assert_eq!(f.severity, Some(Severity::Critical));
        assert_eq!(f.generator_id, PERMISSIVE);
        assert_eq!(f.record_state, "ACTIVE");
        assert_eq!(
            f.product_arn,
            "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
        );
        assert_eq!(f.resource_type, "AwsIotPolicy");
        let created = f.created_at.clone();
        assert_eq!(w.sandbox.finding_count(), 1);

        // Re-import of the same audit: its content did not change, nothing is sent.
        let before = w.sandbox.requests().len();
        let (_, out) = w.import(AccessFlag::Write, Some(&task), false).await;
        assert!(
            out.contains("1 finding(s) unchanged since the last import: not sent"),
            "{out}"
        );
        assert!(
            w.sandbox.requests()[before..]
                .iter()
                .all(|r| r.operation != "BatchImportFindings"),
            "nothing re-sent"
        );
        assert_eq!(w.sandbox.finding_count(), 1);
        assert_eq!(Finding::from_asff(w.hub(ID)).unwrap().created_at, created);

        // Fix the policy, audit again, import the latest: the finding is archived.
        replace_policy(&w.env.iot(), "dev-allow-all", SCOPED).await;
        let fixed = w.audit().await;
        let (status, out) = w.import(AccessFlag::Write, None, false).await;
        assert_eq!(status.unwrap(), ImportStatus::Done);
        assert!(
            out.contains(&format!("audit {fixed}")),
            "--latest picks the newest audit: {out}"
        );
        assert!(out.contains("1 to archive"), "{out}");
        let archived = w.hub(ID);
        assert_eq!(archived["RecordState"], "ARCHIVED");
        assert_eq!(archived["CreatedAt"].as_str().unwrap(), created);
        assert_eq!(archived["Compliance"]["Status"], "PASSED");

        // Every change went through the journal (intent + outcome per import); the
        // unchanged re-import sent nothing, so it wrote nothing.
        let journal = std::fs::read_to_string(&w.env.journal).unwrap();
        assert_eq!(journal.lines().count(), 4);
    })
}

#[test]
fn a_suppressed_finding_is_archived_on_the_next_import() {
    big_stack(|| async {
        let w = world().await;
        create_policy(&w.env.iot(), "dev-allow-all", BROAD).await;
        let task = w.audit().await;
        w.import(AccessFlag::Write, Some(&task), false)
            .await
            .0
            .unwrap();
        assert_eq!(w.hub(ID)["RecordState"], "ACTIVE");
        let resource = policy_id("dev-allow-all", "1");
        w.clients
            .iot
            .create_audit_suppression()
            .check_name(PERMISSIVE)
            .resource_identifier(resource)
            .suppress_indefinitely(true)
            .description("developer sandbox")
            .client_request_token("t")
            .send()
            .await
            .unwrap();
        let next = w.audit().await;
        let (status, out) = w.import(AccessFlag::Write, Some(&next), false).await;
        assert_eq!(status.unwrap(), ImportStatus::Done);
        assert!(out.contains("1 to archive"), "{out}");
        let doc = w.hub(ID);
        assert_eq!(
            doc["RecordState"], "ARCHIVED",
            "suppressed findings must not stay ACTIVE"
        );
        assert_eq!(doc["ProductFields"]["IsSuppressed"], "true");
    })
}

#[test]
fn dry_run_and_read_only_send_no_mutating_request() {
    big_stack(|| async {
        let w = world().await;
        create_policy(&w.env.iot(), "dev-allow-all", BROAD).await;
        let task = w.audit().await;
        w.sandbox.clear_requests();

        let (status, out) = w.import(AccessFlag::Write, Some(&task), true).await;
        assert_eq!(status.unwrap(), ImportStatus::Done);
        assert!(out.contains("1 new") && out.contains("dry run"), "{out}");
        assert!(w.mutating().is_empty(), "dry run sent {:?}", w.mutating());
        assert!(count(&w.sandbox, "ListAuditFindings") > 0);

        let (status, _) = w.import(AccessFlag::ReadOnly, Some(&task), true).await;
        assert_eq!(
            status.unwrap(),
            ImportStatus::Done,
            "a read-only session may dry-run"
        );
        let (status, _) = w.import(AccessFlag::ReadOnly, Some(&task), false).await;
        let err = status.unwrap_err().to_string();
        assert!(err.contains("read-only"), "{err}");
        assert!(w.mutating().is_empty(), "read-only sent {:?}", w.mutating());
        assert_eq!(w.sandbox.finding_count(), 0);
    })
}

#[test]
fn failed_findings_are_listed_and_a_rerun_retries_them() {
    big_stack(|| async {
        let w = world().await;
        let task = w.sandbox.generate_iot_audit(250, 3);
        // The second of three BatchImportFindings calls fails outright (after SDK retries).
        w.sandbox.inject_fault(secdeck::sandbox::Fault::next(
            "BatchImportFindings",
            1,
            400,
            "InvalidAccessException",
        ));
        let (status, out) = w.import(AccessFlag::Write, Some(&task), false).await;
        assert_eq!(status.unwrap(), ImportStatus::Partial, "{out}");
        let failed = out.lines().filter(|l| l.starts_with("failed: ")).count();
        assert_eq!(failed, 100, "one batch of 100 failed: {out}");
        assert!(out.contains("run the same command again"));
        assert_eq!(w.sandbox.finding_count(), 150);
        let (status, out) = w.import(AccessFlag::Write, Some(&task), false).await;
        assert_eq!(status.unwrap(), ImportStatus::Done, "{out}");
        assert!(
            out.contains("100 new") && out.contains("150 finding(s) unchanged"),
            "{out}"
        );
        assert_eq!(w.sandbox.finding_count(), 250);
    })
}
