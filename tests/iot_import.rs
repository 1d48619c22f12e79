//! Headless end-to-end: the seed scenario of the IoT audit -> Security Hub import, through
//! the real SDK clients against the in-process sandbox. A policy allowing iot:* on * is
//! found overly permissive, imported with the right severity and generator, re-imported
//! without duplicates, archived once fixed; suppressed findings do not stay active; a
//! dry run and a read-only session send nothing that changes AWS.

use secdeck::aws::AwsClients;
use secdeck::cli::iot::{ImportAuditArgs, ImportStatus, import_audit};
use secdeck::config::{AccessFlag, Config};
use secdeck::domain::finding::{Finding, Severity};
use secdeck::journal::JournalContext;
use secdeck::sandbox::seed::Seed;
use secdeck::sandbox::{Sandbox, SandboxConfig};
use secdeck::tasks::SessionMode;
use serde_json::Value;

const BROAD: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}"#;
const SCOPED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/dev-1"}]}"#;
const PERMISSIVE: &str = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK";
const ID: &str = "arn:aws:iot:us-east-1:123456789012:audit/finding/IOT_POLICY_OVERLY_PERMISSIVE_CHECK/policy/dev-allow-all/1";

/// Runs a test body on a thread with a large stack: in debug builds the SDK's generated
/// ASFF deserializers need more than the default 2 MB.
fn big_stack<F>(body: impl FnOnce() -> F + Send + 'static)
where
    F: std::future::Future<Output = ()>,
{
    let handle = std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(body())
        })
        .unwrap();
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

struct World {
    sandbox: Sandbox,
    clients: AwsClients,
    journal: tempfile::TempDir,
}

async fn world() -> World {
    let sandbox = Sandbox::new(SandboxConfig::default(), Seed::default()).unwrap();
    // Audits complete at once here; progress polling is tested in sandbox_iot and e2e_iot.
    sandbox.set_iot_audit_polls(0);
    let clients = AwsClients::new(&sandbox.sdk_config().await);
    World {
        sandbox,
        clients,
        journal: tempfile::tempdir().unwrap(),
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
        self.clients
            .iot
            .start_on_demand_audit_task()
            .target_check_names(PERMISSIVE)
            .send()
            .await
            .unwrap()
            .task_id()
            .unwrap()
            .to_string()
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
            &self.journal.path().join("journal.jsonl"),
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
        w.clients
            .iot
            .create_policy()
            .policy_name("dev-allow-all")
            .policy_document(BROAD)
            .send()
            .await
            .unwrap();
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

        // Re-import of the same audit: an update, no duplicate, CreatedAt kept.
        let (status, out) = w.import(AccessFlag::Write, Some(&task), false).await;
        assert_eq!(status.unwrap(), ImportStatus::Done);
        assert!(out.contains("0 new") && out.contains("1 updated"), "{out}");
        assert_eq!(w.sandbox.finding_count(), 1);
        assert_eq!(Finding::from_asff(w.hub(ID)).unwrap().created_at, created);

        // Fix the policy, audit again, import the latest: the finding is archived.
        w.clients
            .iot
            .create_policy_version()
            .policy_name("dev-allow-all")
            .policy_document(SCOPED)
            .set_as_default(true)
            .send()
            .await
            .unwrap();
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

        // Every change went through the journal (intent + outcome per import).
        let journal = std::fs::read_to_string(w.journal.path().join("journal.jsonl")).unwrap();
        assert_eq!(journal.lines().count(), 6);
    })
}

#[test]
fn a_suppressed_finding_is_archived_on_the_next_import() {
    big_stack(|| async {
        let w = world().await;
        w.clients
            .iot
            .create_policy()
            .policy_name("dev-allow-all")
            .policy_document(BROAD)
            .send()
            .await
            .unwrap();
        let task = w.audit().await;
        w.import(AccessFlag::Write, Some(&task), false)
            .await
            .0
            .unwrap();
        assert_eq!(w.hub(ID)["RecordState"], "ACTIVE");
        let resource = aws_sdk_iot::types::ResourceIdentifier::builder()
            .policy_version_identifier(
                aws_sdk_iot::types::PolicyVersionIdentifier::builder()
                    .policy_name("dev-allow-all")
                    .policy_version_id("1")
                    .build(),
            )
            .build();
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
        w.clients
            .iot
            .create_policy()
            .policy_name("dev-allow-all")
            .policy_document(BROAD)
            .send()
            .await
            .unwrap();
        let task = w.audit().await;
        w.sandbox.clear_requests();

        let (status, out) = w.import(AccessFlag::Write, Some(&task), true).await;
        assert_eq!(status.unwrap(), ImportStatus::Done);
        assert!(out.contains("1 new") && out.contains("dry run"), "{out}");
        assert!(w.mutating().is_empty(), "dry run sent {:?}", w.mutating());
        assert!(
            w.sandbox
                .requests()
                .iter()
                .any(|r| r.operation == "ListAuditFindings")
        );

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
            out.contains("100 new") && out.contains("150 updated"),
            "{out}"
        );
        assert_eq!(w.sandbox.finding_count(), 250);
    })
}
