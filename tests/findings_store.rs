//! The findings store against the sandbox: a second session shows the stored rows at once
//! and asks AWS only for what changed; after random changes from another writer, a delta
//! sync leaves the store equal to a full fetch, finding for finding.

mod common;

use aws_sdk_securityhub::types::WorkflowStatus;
use common::hub::{sdk_builder, set_workflow};
use common::writer::{Rng, Side, documents, note, now, ocsf_now, random_changes};
use common::*;
use secdeck::app::panes::findings::LoadStatus;
use secdeck::app::{FindingsMsg, SyncedView};
use secdeck::aws::retry::{Pacer, RetryPolicy};
use secdeck::aws::securityhub::get_all_findings;
use secdeck::config::AccessFlag;
use secdeck::domain::filter::{FindingFilters, SortCriterion};
use secdeck::domain::finding::Finding;
use secdeck::domain::findings_api::FindingsApi;
use secdeck::domain::ocsf_filter::{DEFAULT_VIEW, OcsfFilters};
use secdeck::store::Api;
use secdeck::tasks::reads::findings_store::{FindingsStore, StoreContext};
use serde_json::Value;

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
    stored_at(env, Api::Asff, &secdeck::store::view_key(view))
}

/// `stored` for the view kept under `key` in `api`'s store.
fn stored_at(env: &TestEnv, api: Api, key: &str) -> Vec<Finding> {
    let key_of_store = secdeck::store::StoreKey {
        profile: "test".into(),
        account: "123456789012".into(),
        region: env.config().region.clone(),
        api,
    };
    let path = key_of_store.path(&env.path("cache"));
    let store = secdeck::store::Store::open_reader(&path).unwrap();
    let id = store.view_id_at(key).unwrap().expect("the view is stored");
    store
        .rows(id, &SortCriterion::default_order())
        .unwrap()
        .findings
}

/// A sandbox of 30 findings, its clients, and reads with no quota in the default order.
async fn thirty_findings() -> (
    TestEnv,
    secdeck::aws::AwsClients,
    (Pacer, RetryPolicy, Vec<SortCriterion>),
) {
    let env = TestEnv::findings(findings(30)).await;
    let clients = env.clients();
    let reads = (
        Pacer::unlimited(),
        RetryPolicy::default(),
        SortCriterion::default_order(),
    );
    (env, clients, reads)
}

#[test]
fn after_random_changes_a_delta_sync_equals_a_full_fetch() {
    big_stack(|| async {
        let view = FindingFilters::default_view();
        let (env, clients, (pacer, retry, sort)) = thirty_findings().await;
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
            let changes = random_changes(&env, &mut rng, round, Side::Asff).await;
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
fn after_random_changes_an_ocsf_delta_sync_equals_a_full_get_findings_v2() {
    big_stack(|| async {
        let view = OcsfFilters::compile(DEFAULT_VIEW).unwrap();
        let (env, clients, (pacer, retry, sort)) = thirty_findings().await;
        let store = FindingsStore::new(context(&env));
        // A full fetch, kept as the console keeps its pages (request ids are the pane's).
        let keep_full = |request: u64| {
            let (env, store, clients, view) = (&env, &store, &clients, &view);
            async move {
                let started = time::OffsetDateTime::now_utc();
                let all = ocsf_now(env, DEFAULT_VIEW).await;
                let page = (true, &all[..], true);
                store
                    .keep_ocsf_page(clients, request, view, page, started)
                    .await;
            }
        };
        keep_full(1).await;
        let (mut so_far, mut refetched) = (0, 0);
        for round in 0..24 {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (round as u64 + 1));
            let changes = random_changes(&env, &mut rng, round, Side::Ocsf).await;
            let triaged =
                (changes.iter()).any(|c| c.contains("another writer") || c.starts_with("workflow"));
            let before = count(&env, "GetFindingsV2");
            let answer = store
                .delta_ocsf(&clients, (&pacer, &retry), 2, view.clone(), sort.clone())
                .await;
            let delta_requests = calls(&env, "GetFindingsV2")[before..].to_vec();
            assert!(
                delta_requests.iter().all(asks_ocsf_changes_only),
                "round {round}: every delta request asks for changes only: {delta_requests:?}"
            );
            so_far += changes.len();
            match answer {
                // The writer folded the delta into the store (its table reads windows).
                FindingsMsg::Synced { result, .. } => {
                    let SyncedView { findings, changed } =
                        result.unwrap_or_else(|e| panic!("round {round}: {e}"));
                    assert!(changed <= so_far, "round {round}: {changed} > {so_far}");
                    assert!(findings.is_empty(), "the writer keeps no rows");
                }
                // The counts showed a change made elsewhere: the pane fetches in full.
                FindingsMsg::Cached {
                    full: true,
                    notice: Some(why),
                    ..
                } => {
                    assert!(triaged, "round {round}: refetched without triage: {why}");
                    assert!(why.contains("differ from Security Hub"), "{why}");
                    refetched += 1;
                    keep_full(10 + round as u64).await;
                }
                other => panic!("round {round}: {other:?}"),
            }
            let full = ocsf_now(&env, DEFAULT_VIEW).await;
            assert_eq!(
                documents(&stored_ocsf_view(&env, &view)),
                documents(&full),
                "round {round} after {changes:?}"
            );
        }
        assert!(
            refetched > 0 && refetched < 24,
            "{refetched} of 24 rounds refetched"
        );
        eprintln!("OCSF store: {refetched} of 24 rounds fetched in full after the count check");
        // Counts AWS will not give leave nothing to check a delta against: a full fetch.
        let denied = secdeck::sandbox::Fault::next(
            "GetFindingStatisticsV2",
            1,
            403,
            "AccessDeniedException",
        );
        env.inject_fault(denied);
        let answer = store
            .delta_ocsf(&clients, (&pacer, &retry), 4, view, sort)
            .await;
        let FindingsMsg::Cached {
            full: true,
            notice: Some(why),
            ..
        } = answer
        else {
            panic!("a delta without counts fetches in full: {answer:?}");
        };
        assert!(
            why.contains("counts could not be read") && why.contains("AccessDenied"),
            "{why}"
        );
    });
}

#[test]
fn triage_through_get_findings_v2_moves_no_modified_time_as_aws_documents() {
    // "Updates from BatchUpdateFindingsV2 don't affect the value of
    // finding_info.modified_time_dt" (API reference): hence the delta's count check.
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let stamp = |d: &Value| d["finding_info"]["modified_time_dt"].clone();
        let docs = env.ocsf_findings();
        let exposure = docs
            .iter()
            .find(|d| d["finding_info"]["analytic"]["name"] == "Exposure");
        let cspm = docs.iter().find(|d| d["status_id"] == 1);
        for doc in [exposure.unwrap(), cspm.unwrap()] {
            let uid = doc["metadata"]["uid"].as_str().unwrap();
            let update = env.hub().batch_update_findings_v2().metadata_uids(uid);
            let out = update.status_id(4).comment("fixed").send().await.unwrap();
            assert_eq!(out.processed_findings().len(), 1, "{uid}");
            let now = env.ocsf_finding(uid).unwrap();
            assert_eq!(
                (now["status_id"].as_i64(), stamp(&now)),
                (Some(4), stamp(doc)),
                "{uid}"
            );
        }
    });
}

/// The OCSF view as the store holds it (what the next session shows at once).
fn stored_ocsf_view(env: &TestEnv, view: &OcsfFilters) -> Vec<Finding> {
    stored_at(env, Api::Ocsf, &secdeck::store::ocsf::view_key(view))
}

/// A delta sync's GetFindingsV2: it asks only for what was modified since a point in time.
fn asks_ocsf_changes_only(request: &serde_json::Value) -> bool {
    let composites = request["Filters"]["CompositeFilters"].as_array();
    composites.into_iter().flatten().any(|c| {
        c["DateFilters"].as_array().into_iter().flatten().any(|d| {
            d["FieldName"] == "finding_info.modified_time_dt" && d["Filter"]["Start"].is_string()
        })
    })
}

#[test]
fn a_second_session_shows_stored_rows_at_once_then_folds_in_what_changed() {
    big_stack(|| reopen(Side::Asff));
}

#[test]
fn a_second_ocsf_session_shows_stored_rows_then_fetches_in_full_when_counts_moved() {
    big_stack(|| reopen(Side::Ocsf));
}

/// Two console sessions on one store, reading through `side`'s API; another writer adds
/// a finding and resolves one (with a note) in between.
async fn reopen(side: Side) {
    let (api, operation) = match side {
        Side::Asff => (FindingsApi::Asff, "GetFindings"),
        Side::Ocsf => (FindingsApi::Ocsf, "GetFindingsV2"),
    };
    // Every request takes a while, so the stored rows are on screen before the delta's
    // answers (as on AWS, where it is the network that is slow, not the store).
    let slow = secdeck::sandbox::SandboxConfig {
        latency: Some(std::time::Duration::from_millis(300)),
        ..Default::default()
    };
    let env = TestEnv::with_config(slow, seed_of(findings(12))).await;
    let session = |dir: std::path::PathBuf| {
        move |p: &mut secdeck::runtime::ConsoleParts| {
            p.findings_store = Some(dir);
            p.findings_api = api;
        }
    };
    let cache = env.path("cache");
    let mut first = env.console_with(AccessFlag::ReadOnly, session(cache)).await;
    wait_until(&mut first, "the first full fetch", findings_loaded).await;
    assert_eq!(first.state.findings.total(), 12);
    let env = first.end();

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
    let mut second = env.console_with(AccessFlag::ReadOnly, session(cache)).await;
    wait_until(&mut second, "the stored rows", |s| {
        s.findings.cache.is_some() && s.findings.total() > 0 && s.findings.visible(0).is_some()
    })
    .await;
    // The rows are the stored ones, shown while the delta is still out.
    assert_eq!(second.state.findings.status, LoadStatus::Loading);
    assert_eq!(second.state.findings.total(), 12);
    let shown = screen(&second.state);
    assert!(shown.contains(" s ago · syncing · 12 findings"), "{shown}");
    assert!(shown.contains("Finding 0003"), "{shown}");

    wait_until(&mut second, "the sync", findings_loaded).await;
    let ids: Vec<_> = (0..second.state.findings.visible_len())
        .filter_map(|i| second.state.findings.visible(i).map(|f| f.id.clone()))
        .collect();
    assert!(ids.contains(&"sdk-0007".to_string()), "{ids:?}");
    assert!(
        !ids.contains(&"f-0003".to_string()),
        "resolved: left the view"
    );
    assert_eq!(ids.len(), 12);
    let requests = calls(second.sandbox(), operation);
    match side {
        // Only the delta's requests: each asks for changes since the last sync.
        Side::Asff => {
            assert!(notified(&second.state, "findings synced: 2 changed"));
            let shown = screen(&second.state);
            assert!(
                shown.contains("complete · 12 findings, stored + delta sync"),
                "{shown}"
            );
            assert_eq!(requests.len(), 4, "{requests:?}");
            assert!(requests.iter().all(asks_changes_only), "{requests:?}");
        }
        // The resolve moved no time stamp; the counts showed it, and the view was
        // fetched in full after the delta's two requests.
        Side::Ocsf => {
            let why = "counts by resources.uid, severity, status differ from Security Hub's";
            assert!(
                notified(&second.state, why),
                "{:?}",
                second.state.notifications
            );
            assert_eq!(requests.len(), 3, "{requests:?}");
            let changes_only = requests.iter().filter(|r| asks_ocsf_changes_only(r));
            assert_eq!(changes_only.count(), 2, "{requests:?}");
        }
    }
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
        // ... and its OCSF default view, in a store file of its own.
        let ocsf_view = OcsfFilters::compile(DEFAULT_VIEW).unwrap();
        let ocsf = ocsf_now(&env, DEFAULT_VIEW).await;
        let page = (true, &ocsf[..], true);
        store
            .keep_ocsf_page(&clients, 2, &ocsf_view, page, started)
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
        assert_contains_all(
            &info.stdout,
            &[
                "profile default  123456789012-us-east-1-ocsf",
                "view status=New | status=In Progress: 5 findings, synced 0 s ago",
            ],
        );
        let ocsf_export = run_secdeck(
            &home,
            &[
                "export", "findings", "--cached", "--api", "ocsf", "--region", &region,
            ],
        );
        assert_eq!(ocsf_export.code, 0, "{ocsf_export:?}");
        let docs: Vec<Value> = (ocsf_export.stdout.lines())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(docs.len(), 5, "the OCSF documents as received");
        assert!(docs.iter().all(|d| d["metadata"]["uid"].is_string()));
        assert!(
            ocsf_export
                .stderr
                .contains("from the findings store (synced 0 s ago")
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
            "removed 2 findings stores of profile default"
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
