//! The findings store against the sandbox: a second session shows the stored rows at once
//! and asks AWS only for what changed; after random changes from another writer, a delta
//! sync leaves the store equal to a full fetch, finding for finding.

mod common;

use aws_sdk_securityhub::types::{NoteUpdate, RecordState, WorkflowStatus};
use common::hub::{ident, sdk_builder, set_workflow};
use common::*;
use secdeck::app::panes::findings::LoadStatus;
use secdeck::app::{FindingsMsg, SyncedView};
use secdeck::aws::retry::{Pacer, RetryPolicy};
use secdeck::aws::securityhub::get_all_findings;
use secdeck::config::AccessFlag;
use secdeck::domain::filter::{FindingFilters, SortCriterion};
use secdeck::domain::finding::Finding;
use secdeck::tasks::reads::findings_store::{FindingsStore, StoreContext};
use serde_json::Value;

fn now() -> String {
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc().format(&f).unwrap()
}

/// The store of the sandbox's account under `env`'s directory.
fn context(env: &TestEnv) -> StoreContext {
    StoreContext {
        cache_dir: env.path("cache"),
        profile: "test".into(),
        region: env.config().region.clone(),
    }
}

/// The stored rows of `view` in the store of `env`'s sandbox account (read beside the
/// writer, as the console's window reads do).
fn stored(env: &TestEnv, view: &FindingFilters) -> Vec<Finding> {
    let key = secdeck::store::StoreKey {
        profile: "test".into(),
        account: "123456789012".into(),
        region: env.config().region.clone(),
        api: secdeck::store::Api::Asff,
    };
    let store = secdeck::store::Store::open_reader(&key.path(&env.path("cache"))).unwrap();
    let id = store.view_id(view).unwrap().expect("the view is stored");
    store
        .rows(id, &SortCriterion::default_order())
        .unwrap()
        .findings
}

/// A small deterministic generator (xorshift), one seed a round, so a failure names its round.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// (id, document) of each finding, sorted: what "the same findings" means.
fn documents(findings: &[Finding]) -> Vec<(String, Value)> {
    let mut docs: Vec<_> = findings
        .iter()
        .map(|f| (f.id.clone(), f.raw.value()))
        .collect();
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    docs
}

/// Another writer's note on finding `id` (it stamps NoteUpdatedAt).
async fn note(hub: &aws_sdk_securityhub::Client, id: &str, text: &str) {
    hub.batch_update_findings()
        .finding_identifiers(ident(id))
        .note(
            NoteUpdate::builder()
                .text(text)
                .updated_by("other-writer")
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// One round of another writer's changes: new findings, provider updates, archives,
/// notes, and workflow changes made with a note (the note stamps NoteUpdatedAt).
async fn random_changes(env: &TestEnv, rng: &mut Rng, round: usize) -> Vec<String> {
    let hub = env.hub();
    let mut done = Vec::new();
    for step in 0..3 + rng.below(4) {
        let target = format!("f-{:04}", rng.below(30));
        let stamp = now();
        match rng.below(5) {
            0 => {
                let new = sdk_builder(1000 + round * 10 + step)
                    .updated_at(&stamp)
                    .build();
                hub.batch_import_findings()
                    .findings(new)
                    .send()
                    .await
                    .unwrap();
                done.push(format!("new sdk-{}", 1000 + round * 10 + step));
            }
            kind @ (1 | 2) => {
                let mut update = sdk_builder(0)
                    .id(&target)
                    .title(format!("updated in round {round}"))
                    .updated_at(&stamp);
                if kind == 2 {
                    update = update.record_state(RecordState::Archived);
                }
                let out = hub
                    .batch_import_findings()
                    .findings(update.build())
                    .send()
                    .await;
                out.unwrap();
                done.push(format!("{} {target}", ["", "update", "archive"][kind]));
            }
            3 => {
                note(&hub, &target, &format!("note {round}.{step}")).await;
                done.push(format!("note {target}"));
            }
            _ => {
                let status = [WorkflowStatus::Resolved, WorkflowStatus::New][rng.below(2)].clone();
                set_workflow(&hub, &target, status.clone()).await;
                note(&hub, &target, &format!("{status:?} by another writer")).await;
                done.push(format!("workflow {status:?} {target}"));
            }
        }
    }
    done
}

#[test]
fn after_random_changes_a_delta_sync_equals_a_full_fetch() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(30)).await;
        let clients = env.clients();
        let (pacer, retry) = (Pacer::unlimited(), RetryPolicy::default());
        let view = FindingFilters::default_view();
        let sort = SortCriterion::default_order();
        let store = FindingsStore::new(context(&env));
        let full = |filters: FindingFilters| {
            let (clients, pacer, retry) = (clients.clone(), &pacer, &retry);
            async move {
                get_all_findings(&clients.securityhub, &filters, pacer, retry)
                    .await
                    .unwrap()
            }
        };
        // The first session fetches in full and keeps it.
        let first = full(view.clone()).await;
        let started = time::OffsetDateTime::now_utc();
        store
            .keep_page(&clients, 1, &view, (true, &first, true), started)
            .await;
        let mut so_far = 0;
        for round in 0..24 {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (round as u64 + 1));
            let changes = random_changes(&env, &mut rng, round).await;
            let before = count(&env, "GetFindings");
            let FindingsMsg::Synced { result, .. } = store
                .delta(&clients, &pacer, &retry, 2, view.clone(), sort.clone())
                .await
            else {
                panic!("a delta answers Synced");
            };
            let SyncedView { changed, .. } =
                result.unwrap_or_else(|e| panic!("round {round}: {e}"));
            // The writer folded the delta into the store: its rows are the view now.
            let findings = stored(&env, &view);
            let delta_requests = calls(&env, "GetFindings")[before..].to_vec();
            assert_eq!(
                documents(&findings),
                documents(&full(view.clone()).await),
                "round {round} after {changes:?}"
            );
            // The safety window refetches earlier rounds' changes too, never the rest.
            so_far += changes.len();
            assert!(
                changed <= so_far,
                "round {round}: {changed} > {so_far} changes"
            );
            assert!(
                delta_requests.iter().all(asks_changes_only),
                "round {round}: every delta request asks for changes only: {delta_requests:?}"
            );
        }
    });
}

#[test]
fn a_second_session_shows_stored_rows_at_once_then_folds_in_what_changed() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(12)).await;
        let cache = env.path("cache");
        let with_store = |parts: &mut secdeck::runtime::ConsoleParts| {
            parts.findings_store = Some(cache.clone());
        };
        let mut first = env.console_with(AccessFlag::ReadOnly, with_store).await;
        wait_until(&mut first, "the first full fetch", findings_loaded).await;
        assert_eq!(first.state.findings.total(), 12);
        let env = first.end();

        // Another writer: one new finding, one resolved (with a note).
        let hub = env.hub();
        let new = sdk_builder(7).updated_at(now()).build();
        hub.batch_import_findings()
            .findings(new)
            .send()
            .await
            .unwrap();
        set_workflow(&hub, "f-0003", WorkflowStatus::Resolved).await;
        note(&hub, "f-0003", "done").await;
        env.clear_requests();

        let cache = env.path("cache");
        let mut second = env
            .console_with(AccessFlag::ReadOnly, |p| p.findings_store = Some(cache))
            .await;
        wait_until(&mut second, "the stored rows", |s| {
            s.findings.cache.is_some() && s.findings.total() > 0 && s.findings.visible(0).is_some()
        })
        .await;
        // The rows are the stored ones, shown while the delta is still out.
        assert_eq!(second.state.findings.status, LoadStatus::Loading);
        assert_eq!(second.state.findings.total(), 12);
        let shown = screen(&second.state);
        assert!(
            shown.contains("cached 0 s ago · syncing · 12 findings"),
            "{shown}"
        );
        assert!(shown.contains("Finding 0003"), "{shown}");

        wait_until(&mut second, "the delta", findings_loaded).await;
        let ids: Vec<_> = (0..second.state.findings.visible_len())
            .filter_map(|i| second.state.findings.visible(i).map(|f| f.id.clone()))
            .collect();
        assert!(ids.contains(&"sdk-0007".to_string()), "{ids:?}");
        assert!(
            !ids.contains(&"f-0003".to_string()),
            "resolved: left the view"
        );
        assert_eq!(ids.len(), 12);
        assert!(notified(&second.state, "findings synced: 2 changed"));
        // Only the delta's requests: each asks for changes since the last sync.
        let requests = calls(second.sandbox(), "GetFindings");
        assert_eq!(requests.len(), 4, "{requests:?}");
        for r in &requests {
            assert!(asks_changes_only(r), "{r}");
        }
    });
}

#[test]
fn the_store_holds_findings_never_credentials() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(3)).await;
        let cache = env.path("cache");
        let mut run = env
            .console_with(AccessFlag::ReadOnly, |p| {
                p.findings_store = Some(cache.clone())
            })
            .await;
        wait_until(&mut run, "the findings", findings_loaded).await;
        drain(&mut run).await;
        let mut bytes = Vec::new();
        for entry in walk(&cache) {
            bytes.extend(std::fs::read(entry).unwrap());
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("Finding 0001"),
            "the store holds the findings"
        );
        for secret in ["AKIASANDBOXDEMO00000", "sandbox-secret-access-key"] {
            assert!(!text.contains(secret), "the store holds {secret}");
        }
    });
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn cache_info_export_cached_and_clear_as_a_user_runs_them() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(5)).await;
        let home = env.path("home");
        let region = env.config().region.clone();
        // A console session of profile "default" kept the default view.
        let store = FindingsStore::new(StoreContext {
            cache_dir: home.join("cache").join("secdeck"),
            profile: "default".into(),
            region: region.clone(),
        });
        let view = FindingFilters::default_view();
        let clients = env.clients();
        let all = get_all_findings(
            &clients.securityhub,
            &view,
            &Pacer::unlimited(),
            &RetryPolicy::default(),
        )
        .await
        .unwrap();
        let started = time::OffsetDateTime::now_utc();
        store
            .keep_page(&clients, 1, &view, (true, &all, true), started)
            .await;
        drop(store);

        let info = run_secdeck(&home, &["cache", "info"]);
        assert_eq!(info.code, 0, "{info:?}");
        assert!(
            info.stdout
                .contains("profile default  123456789012-us-east-1-asff"),
            "{}",
            info.stdout
        );
        assert!(
            info.stdout.contains(
                "view RecordState=ACTIVE WorkflowStatus=NEW,NOTIFIED: 5 findings, synced 0 s ago"
            ),
            "{}",
            info.stdout
        );

        let export = run_secdeck(
            &home,
            &["export", "findings", "--cached", "--region", &region],
        );
        assert_eq!(export.code, 0, "{export:?}");
        assert_eq!(export.stdout.lines().count(), 5);
        assert!(
            export.stdout.contains("\"Id\":\"f-0004\""),
            "{}",
            export.stdout
        );
        assert!(
            export
                .stderr
                .contains("exported 5 findings to stdout from the findings store (synced 0 s ago"),
            "{}",
            export.stderr
        );
        let other_view = run_secdeck(
            &home,
            &[
                "export", "findings", "--cached", "--region", &region, "--filter", "sev=HIGH",
            ],
        );
        assert_ne!(other_view.code, 0);
        assert!(
            other_view
                .stderr
                .contains("holds no complete view for SeverityLabel=HIGH"),
            "{}",
            other_view.stderr
        );

        let clear = run_secdeck(&home, &["cache", "clear", "--profile", "default"]);
        assert_eq!(
            clear.stdout.trim(),
            "removed 1 findings store of profile default"
        );
        assert!(
            run_secdeck(&home, &["cache", "info"])
                .stdout
                .starts_with("no findings store")
        );
        let gone = run_secdeck(
            &home,
            &["export", "findings", "--cached", "--region", &region],
        );
        assert_ne!(gone.code, 0);
        assert!(
            gone.stderr
                .contains("no findings store for profile default in us-east-1"),
            "{}",
            gone.stderr
        );
    });
}

#[test]
fn a_change_made_here_reaches_the_store_though_no_time_stamp_moves() {
    big_stack(|| async {
        let env = TestEnv::findings(findings(3)).await;
        let cache = env.path("cache");
        let store_in = |dir: std::path::PathBuf| {
            move |p: &mut secdeck::runtime::ConsoleParts| p.findings_store = Some(dir)
        };
        let mut run = env
            .console_with(AccessFlag::Write, store_in(cache.clone()))
            .await;
        wait_until(&mut run, "the findings", findings_loaded).await;
        let changed = run.state.findings.selected_finding().unwrap().id.clone();
        // NEW -> NOTIFIED, no note: BatchUpdateFindings moves no UpdatedAt, so no delta
        // sync would ever see it; the console re-reads what it changed into the store.
        press(&mut run, "wj<enter>");
        press_until(&mut run, "y", "the change", |s| {
            s.notifications
                .iter()
                .any(|n| n.message.contains("changed and verified"))
        })
        .await;
        let file = secdeck::store::list(&cache, None).unwrap()[0].path.clone();
        let stored = || {
            let db = rusqlite::Connection::open_with_flags(
                &file,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            db.query_row(
                "SELECT workflow FROM findings WHERE id = ?1",
                [&changed],
                |r| r.get::<_, String>(0),
            )
            .unwrap()
        };
        for _ in 0..200 {
            if stored() == "NOTIFIED" {
                break;
            }
            drain(&mut run).await;
        }
        assert_eq!(stored(), "NOTIFIED");
        let env = run.end();
        let cache = env.path("cache");

        let mut again = env
            .console_with(AccessFlag::ReadOnly, store_in(cache))
            .await;
        wait_until(&mut again, "the stored rows", |s| {
            s.findings.cache.is_some() && s.findings.visible(0).is_some()
        })
        .await;
        let row = (0..again.state.findings.visible_len())
            .filter_map(|i| again.state.findings.visible(i))
            .find(|f| f.id == changed)
            .unwrap();
        assert_eq!(row.workflow.map(|w| w.as_str()), Some("NOTIFIED"));
    });
}

/// A delta sync's GetFindings: it asks only for what changed since a point in time.
fn asks_changes_only(request: &serde_json::Value) -> bool {
    let f = &request["Filters"];
    f["UpdatedAt"][0]["Start"].is_string() || f["NoteUpdatedAt"][0]["Start"].is_string()
}
