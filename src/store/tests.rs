use serde_json::json;
use time::OffsetDateTime;

use super::*;
use crate::domain::filter::{FindingFilters, SortCriterion};
use crate::domain::finding::Finding;

fn finding(id: &str, severity: &str, title: &str, updated: &str) -> Finding {
    Finding::from_asff(json!({
        "Id": id, "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "Title": title, "Severity": {"Label": severity}, "UpdatedAt": updated,
        "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE", "AwsAccountId": "111122223333",
        "Resources": [{"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::{id}")}],
        "FutureField": {"kept": true}
    }))
    .unwrap()
}

fn key() -> StoreKey {
    StoreKey {
        profile: "dev/../x".into(),
        account: "111122223333".into(),
        region: "eu-west-1".into(),
        api: Api::Asff,
    }
}

fn ids(rows: &StoredRows) -> Vec<&str> {
    rows.findings.iter().map(|f| f.id.as_str()).collect()
}

/// A store holding one complete view of `findings` (default filter).
fn synced(dir: &Path, findings: &[Finding]) -> (Store, i64) {
    let mut store = Store::open(dir, &key()).unwrap();
    let (view, gen_) = store.begin_full(&FindingFilters::default_view()).unwrap();
    store.put(view, gen_, findings).unwrap();
    store
        .finish_full(view, gen_, OffsetDateTime::now_utc())
        .unwrap();
    (store, view)
}

#[test]
fn the_path_keeps_profile_account_region_and_api_apart_and_inside_the_cache() {
    let path = key().path(Path::new("/c/secdeck"));
    assert_eq!(
        path,
        Path::new("/c/secdeck/findings/dev%2F%2E%2E%2Fx/111122223333-eu-west-1-asff.sqlite3")
    );
}

#[test]
fn a_full_fetch_replaces_the_view_and_keeps_documents_as_received() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, view) = synced(
        dir.path(),
        &[
            finding("a", "LOW", "alpha", "2026-01-01T00:00:00Z"),
            finding("b", "CRITICAL", "beta", "2026-01-02T00:00:00Z"),
        ],
    );
    let rows = store.rows(view, &SortCriterion::default_order()).unwrap();
    assert_eq!(ids(&rows), ["b", "a"], "newest first, as the table sorts");
    assert_eq!(rows.findings[0].raw.value()["FutureField"]["kept"], true);
    // A second full fetch that no longer sees `a` removes it.
    let (view2, gen_) = store.begin_full(&FindingFilters::default_view()).unwrap();
    assert_eq!(view2, view);
    store
        .put(
            view,
            gen_,
            &[finding("b", "CRITICAL", "beta", "2026-01-03T00:00:00Z")],
        )
        .unwrap();
    let state = store
        .view(&FindingFilters::default_view())
        .unwrap()
        .unwrap();
    assert!(!state.usable(), "half a full fetch is not a usable view");
    store
        .finish_full(view, gen_, OffsetDateTime::now_utc())
        .unwrap();
    let state = store
        .view(&FindingFilters::default_view())
        .unwrap()
        .unwrap();
    assert!(state.usable());
    assert_eq!(state.rows, 1);
    assert_eq!(
        state.high_water.map(|t| t.day()),
        Some(3),
        "the newest UpdatedAt seen"
    );
}

#[test]
fn a_delta_upserts_and_removes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, view) = synced(
        dir.path(),
        &[
            finding("a", "LOW", "alpha", "2026-01-01T00:00:00Z"),
            finding("b", "HIGH", "beta", "2026-01-01T00:00:00Z"),
        ],
    );
    store
        .apply_delta(
            view,
            &[
                finding("a", "MEDIUM", "alpha v2", "2026-01-05T00:00:00Z"),
                finding("c", "LOW", "gamma", "2026-01-05T00:00:00Z"),
            ],
            &[finding("b", "HIGH", "", "").reference()],
            OffsetDateTime::now_utc(),
            Some("2026-01-05T00:00:00Z"),
        )
        .unwrap();
    let rows = store.rows(view, &SortCriterion::default_order()).unwrap();
    assert_eq!(ids(&rows), ["a", "c"]);
    assert_eq!(rows.findings[0].title, "alpha v2");
}

#[test]
fn search_and_group_counts_are_answered_by_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (store, view) = synced(
        dir.path(),
        &[
            finding("a", "LOW", "Public bucket", "2026-01-01T00:00:00Z"),
            finding("b", "HIGH", "Root key in use", "2026-01-01T00:00:00Z"),
            finding("c", "HIGH", "PUBLIC snapshot", "2026-01-01T00:00:00Z"),
        ],
    );
    let sort = [SortCriterion {
        field: "SeverityNormalized".into(),
        sort_order: crate::domain::filter::SortOrder::Desc,
    }];
    assert_eq!(
        ids(&store.search(view, "public", &sort).unwrap()),
        ["c", "a"]
    );
    assert_eq!(ids(&store.search(view, "ro", &sort).unwrap()), ["b"]);
    assert_eq!(
        store.group_counts(view, GroupColumn::Severity).unwrap(),
        [("3".to_string(), 2), ("1".to_string(), 1)]
    );
}

#[test]
fn a_second_console_reads_while_the_first_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut writer, view) = synced(
        dir.path(),
        &[finding("a", "LOW", "alpha", "2026-01-01T00:00:00Z")],
    );
    let mut reader = Store::open(dir.path(), &key()).unwrap();
    assert!(writer.is_writer() && !reader.is_writer());
    let sort = SortCriterion::default_order();
    assert_eq!(ids(&reader.rows(view, &sort).unwrap()), ["a"]);
    assert!(matches!(
        reader.begin_full(&FindingFilters::default_view()),
        Err(StoreError::NotWriter { .. })
    ));
    writer
        .apply_delta(
            view,
            &[finding("b", "LOW", "beta", "2026-01-02T00:00:00Z")],
            &[],
            OffsetDateTime::now_utc(),
            None,
        )
        .unwrap();
    assert_eq!(ids(&reader.rows(view, &sort).unwrap()), ["b", "a"]);
    drop(writer);
    assert!(
        Store::open(dir.path(), &key()).unwrap().is_writer(),
        "the lock goes with the writer"
    );
}

#[test]
fn a_corrupt_store_is_reported_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = key().path(dir.path());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"this is not a database, it is garbage ".repeat(200)).unwrap();
    let store = Store::open(dir.path(), &key()).unwrap();
    let notice = store.notice.clone().unwrap();
    assert!(
        notice.contains("was rebuilt") && notice.contains("could not be read"),
        "{notice}"
    );
    assert_eq!(store.view(&FindingFilters::default_view()).unwrap(), None);
    drop(store);
    let (_, view) = synced(
        dir.path(),
        &[finding("a", "LOW", "alpha", "2026-01-01T00:00:00Z")],
    );
    assert!(view > 0, "the rebuilt store takes findings");
}

#[test]
fn damage_past_the_small_tables_is_found_in_the_background_and_rebuilt_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = synced(
        dir.path(),
        &[finding("a", "LOW", "alpha", "2026-01-01T00:00:00Z")],
    );
    let (page, size): (i64, i64) = store
        .conn
        .query_row(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size) \
             FROM sqlite_master WHERE name = 'findings'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    store
        .conn
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(store);
    let path = key().path(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let at = ((page - 1) * size) as usize;
    bytes[at..at + 64].fill(0xEE);
    std::fs::write(&path, bytes).unwrap();

    // Opening checks only the small tables: the stored views are there at once.
    let store = Store::open(dir.path(), &key()).unwrap();
    assert_eq!(store.notice, None);
    let found = store
        .full_check()
        .expect_err("the findings table is damaged");
    assert!(!found.is_empty());
    drop(store);
    let store = Store::open(dir.path(), &key()).unwrap();
    let notice = store.notice.clone().unwrap();
    assert!(
        notice.contains("was rebuilt") && notice.contains(&found),
        "{notice}"
    );
    assert_eq!(store.view(&FindingFilters::default_view()).unwrap(), None);
    assert_eq!(store.full_check(), Ok(()));
}

#[test]
fn a_newer_format_store_is_reported_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = synced(
        dir.path(),
        &[finding("a", "LOW", "alpha", "2026-01-01T00:00:00Z")],
    );
    store
        .conn
        .execute(
            "UPDATE meta SET value = '99' WHERE key = 'format_version'",
            [],
        )
        .unwrap();
    drop(store);
    let store = Store::open(dir.path(), &key()).unwrap();
    let notice = store.notice.clone().unwrap();
    assert!(notice.contains("format 99, newer"), "{notice}");
    assert_eq!(store.view(&FindingFilters::default_view()).unwrap(), None);
}

#[test]
fn info_lists_and_clear_removes_a_profiles_stores() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = synced(
        dir.path(),
        &[finding("a", "LOW", "alpha", "2026-01-01T00:00:00Z")],
    );
    drop(store);
    let files = list(dir.path(), None).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].profile, "dev/../x");
    assert_eq!(files[0].views[0].1, 1);
    assert_eq!(clear(dir.path(), Some("other")).unwrap(), 0);
    assert_eq!(clear(dir.path(), Some("dev/../x")).unwrap(), 1);
    assert!(list(dir.path(), None).unwrap().is_empty());
}

#[test]
fn a_window_read_by_key_from_a_held_row_or_from_the_end_equals_the_rows_at_its_positions() {
    let dir = tempfile::tempdir().unwrap();
    // Ties in UpdatedAt (every third), so the row id has to break them.
    let findings: Vec<Finding> = (0..90)
        .map(|i| {
            let sev = ["LOW", "HIGH", "CRITICAL"][i % 3];
            let day = format!("2026-01-{:02}T00:00:00Z", 1 + i / 3 % 28);
            finding(&format!("f{i:02}"), sev, &format!("title {}", i % 7), &day)
        })
        .collect();
    let (store, view) = synced(dir.path(), &findings);
    for sort in [
        SortCriterion::default_order(),
        vec![SortCriterion {
            field: "Title".into(),
            sort_order: crate::domain::filter::SortOrder::Asc,
        }],
    ] {
        let query = WindowQuery {
            sort: sort.clone(),
            ..WindowQuery::default()
        };
        let ids = |rows: Vec<Finding>| rows.into_iter().map(|f| f.id).collect::<Vec<_>>();
        let all = ids(store.window(view, &query, (0, 200), None, None).unwrap());
        assert_eq!(all.len(), 90);
        let at = |i: usize| crate::domain::finding::FindingRef {
            id: all[i].clone(),
            product_arn: findings[0].product_arn.clone(),
        };
        for (start, len, anchor) in [
            (10, 20, 5),
            (10, 20, 50),
            (10, 20, 15),
            (70, 30, 40),
            (0, 5, 89),
        ] {
            let got = store
                .window(
                    view,
                    &query,
                    (start, len),
                    Some((anchor, &at(anchor))),
                    Some(90),
                )
                .unwrap();
            let want = &all[start..(start + len).min(90)];
            assert_eq!(ids(got), want, "{sort:?} {start}+{len} from {anchor}");
        }
        let end = store
            .window(view, &query, (85, 10), None, Some(90))
            .unwrap();
        assert_eq!(ids(end), &all[85..], "from the end");
        assert_eq!(
            store.window_position(view, &query, &at(42)).unwrap(),
            Some(42)
        );
    }
    let counts = |text: &str| {
        let q = WindowQuery {
            text: text.into(),
            ..WindowQuery::default()
        };
        store.window_counts(view, &q).unwrap()
    };
    assert_eq!(counts("").rows, 90);
    assert_eq!(counts("title 3").rows, 13, "trigram substring");
    assert_eq!(counts("!critical").rows, 60, "negation");
    assert_eq!(
        counts("critical title").severities[0],
        30,
        "words when no row holds the phrase"
    );
    let groups = store
        .window_groups(view, &WindowQuery::default(), GroupColumn::Severity)
        .unwrap();
    assert_eq!(
        groups
            .iter()
            .map(|g| (g.key.as_str(), g.rows))
            .collect::<Vec<_>>(),
        [("CRITICAL", 30), ("HIGH", 30), ("LOW", 30)]
    );
    let open = WindowQuery {
        group: Some((GroupColumn::Severity, "HIGH".into())),
        text: "f0".into(),
        ..WindowQuery::default()
    };
    assert_eq!(
        store.window_counts(view, &open).unwrap().rows,
        3,
        "f01 f04 f07"
    );
    // The counts kept by triggers follow upserts and removals: equal to counting rows.
    let mut store = store;
    let changed = finding("f05", "LOW", "moved", "2026-02-01T00:00:00Z");
    let gone = findings[6].reference();
    store.apply_changes(view, &[changed], &[gone]).unwrap();
    let every = WindowQuery {
        text: "!no such text".into(),
        ..WindowQuery::default()
    };
    for column in [
        GroupColumn::Control,
        GroupColumn::Severity,
        GroupColumn::Type,
    ] {
        let kept = store
            .window_groups(view, &WindowQuery::default(), column)
            .unwrap();
        assert_eq!(
            kept,
            store.window_groups(view, &every, column).unwrap(),
            "{column:?}"
        );
    }
    let kept = store.window_counts(view, &WindowQuery::default()).unwrap();
    assert_eq!(kept, store.window_counts(view, &every).unwrap());
    assert_eq!(kept.rows, 89);
}
