//! The findings table over the store (bounded memory): a console that writes the findings
//! store holds only the window of rows it shows, and a user sees the same table as with
//! the rows in memory (`--no-cache`): the same rows in the same order, the same `/`
//! matches, summary strip and group counts; scrolling to the end and back; marks over a
//! group; the cursor kept on its finding after a change. The same holds for the OCSF
//! table (GetFindingsV2) over its own store, with a sort and a triage change over marks.

mod common;

use common::*;
use secdeck::app::panes::findings::group::Group;
use secdeck::config::AccessFlag;
use secdeck::domain::finding::WorkflowStatus;
use secdeck::domain::findings_api::FindingsApi;
use secdeck::runtime::ConsoleParts;
use serde_json::{Value, json};

const ROWS: usize = 2500;
/// The OCSF table's sandbox (GetFindingsV2 pages are the slower part of the test).
const OCSF_ROWS: usize = 1000;

/// Findings with distinct UpdatedAt (the default sort has no ties), seven generators
/// (groups by control) and every severity.
fn seeded() -> Vec<Value> {
    seeded_n(ROWS)
}

fn seeded_n(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let mut f = finding(i);
            f["UpdatedAt"] = json!(format!(
                "2024-0{}-{:02}T{:02}:{:02}:00.000Z",
                1 + i % 5,
                1 + i % 28,
                i / 60 % 24,
                i % 60
            ));
            f["GeneratorId"] = json!(format!("generator-{}", i % 7));
            f["Title"] = json!(format!("Finding {i:04} on bucket-{}", i % 40));
            f
        })
        .collect()
}

/// What a user can read off the table: every row top to bottom (walked with `j`, so a
/// store-backed table reads its windows as it goes), the strip and the groups.
#[derive(Debug, PartialEq)]
struct Table {
    rows: Vec<String>,
    summary: ([usize; 5], [usize; 4]),
}

async fn walk(run: &mut ConsoleEnv) -> Table {
    press(run, "g");
    let mut rows = Vec::new();
    loop {
        wait_until(run, "the window", findings_loaded).await;
        let pane = &run.state.findings;
        let Some(f) = pane.selected_finding() else {
            break;
        };
        rows.push(f.id.clone());
        if pane.selected + 1 >= pane.visible_len() {
            break;
        }
        press(run, "j");
    }
    Table {
        rows,
        summary: run.state.findings.summary(),
    }
}

/// A group as the list shows it: key, rows, severities and Security Hub's count (OCSF).
type Listed = (String, usize, [usize; 5], Option<i64>);

/// The group list.
fn groups(run: &ConsoleEnv) -> Vec<Listed> {
    let g = run.state.findings.grouping.as_ref().expect("grouped");
    g.groups
        .iter()
        .map(
            |Group {
                 key,
                 count,
                 severities,
                 server_count,
                 ..
             }| (key.clone(), *count, *severities, *server_count),
        )
        .collect()
}

/// Everything compared between the two tables, in the order a user would do it.
#[derive(Debug, PartialEq)]
struct Seen {
    all: Table,
    filtered: Vec<(String, Table)>,
    groups: Vec<Listed>,
    open_group: Table,
    marked: usize,
    end: (Option<String>, Option<String>),
}

async fn look(run: &mut ConsoleEnv) -> Seen {
    wait_until(run, "the findings", findings_loaded).await;
    let all = walk(run).await;
    let mut filtered = Vec::new();
    // A substring (short and trigram), a negation, words no row holds as a phrase.
    for text in ["0042", "b", "high", "!critical", "bucket-9 critical"] {
        press(run, &format!("/{text}<enter>"));
        filtered.push((text.to_string(), walk(run).await));
        press(run, "<esc>");
    }
    press(run, "<ctrl-g>");
    // On OCSF, with Security Hub's counts of the groups (GetFindingStatisticsV2).
    wait_until(run, "the groups", |s| {
        findings_loaded(s) && (!s.findings.on_ocsf() || s.findings.server_counted())
    })
    .await;
    let groups = groups(run);
    press(run, "j<enter>");
    let open_group = walk(run).await;
    press(run, "<esc>");
    wait_until(run, "the groups again", findings_loaded).await;
    press(run, "<space>");
    wait_until(run, "the marks", findings_loaded).await;
    drain(run).await;
    let marked = run.state.findings.marks.len();
    for _ in GROUPINGS_TO_NONE {
        press(run, "<ctrl-g>");
    }
    press(run, "M");
    // The end and back: the last row, then the first.
    press(run, "G");
    wait_until(run, "the end", findings_loaded).await;
    let last = run.state.findings.selected_finding().map(|f| f.id.clone());
    press(run, "g");
    wait_until(run, "the top", findings_loaded).await;
    let first = run.state.findings.selected_finding().map(|f| f.id.clone());
    Seen {
        all,
        filtered,
        groups,
        open_group,
        marked,
        end: (last, first),
    }
}

/// ctrl-g presses from "by control" back to no grouping.
const GROUPINGS_TO_NONE: [(); 6] = [(); 6];

#[test]
fn a_store_backed_table_shows_what_the_table_in_memory_shows() {
    big_stack(|| async {
        let env = TestEnv::findings(seeded()).await;
        let mut memory = env.console(AccessFlag::ReadOnly).await;
        assert!(!memory.state.findings.is_windowed());
        let in_memory = look(&mut memory).await;
        let env = memory.end();

        let cache = env.path("cache");
        let with_store = |p: &mut ConsoleParts| p.findings_store = Some(cache);
        let mut run = env.console_with(AccessFlag::ReadOnly, with_store).await;
        wait_until(&mut run, "the findings", findings_loaded).await;
        assert!(run.state.findings.is_windowed(), "the writer reads windows");
        let from_store = look(&mut run).await;
        let held = run.state.findings.rows().len();
        assert!(held <= 300, "the console holds {held} rows of {ROWS}");

        assert_eq!(in_memory.all.rows.len(), 2500);
        assert_eq!(from_store.all, in_memory.all, "rows, order, summary");
        for ((text, a), (_, b)) in from_store.filtered.iter().zip(&in_memory.filtered) {
            assert!(!b.rows.is_empty(), "/{text} matches something");
            assert_eq!(a, b, "/{text}");
        }
        assert_eq!(from_store.groups, in_memory.groups);
        assert_eq!(from_store.open_group, in_memory.open_group);
        assert!(in_memory.marked > 0);
        assert_eq!(from_store.marked, in_memory.marked, "space marks the group");
        assert_eq!(from_store.end, in_memory.end);
    });
}

#[test]
fn after_a_change_the_cursor_stays_on_its_finding_in_a_store_backed_table() {
    big_stack(|| async {
        let env = TestEnv::findings(seeded()).await;
        let cache = env.path("cache");
        let with_store = |p: &mut ConsoleParts| p.findings_store = Some(cache);
        let mut run = env.console_with(AccessFlag::Write, with_store).await;
        wait_until(&mut run, "the findings", findings_loaded).await;
        // Far down the table, past the first window.
        press(
            &mut run,
            "<ctrl-d><ctrl-d><ctrl-d><ctrl-d><ctrl-d><ctrl-d><ctrl-d><ctrl-d>",
        );
        for _ in 0..300 {
            press(&mut run, "j");
        }
        wait_until(&mut run, "the window", findings_loaded).await;
        let at = run.state.findings.selected;
        assert!(at > 300, "{at}");
        let id = run.state.findings.selected_finding().unwrap().id.clone();
        press(&mut run, "wj<enter>");
        press_until(&mut run, "y", "the change", |s| {
            notified(s, "changed and verified")
        })
        .await;
        // The store takes the re-read finding, the window is read again around it.
        for _ in 0..100 {
            drain(&mut run).await;
            if findings_loaded(&run.state) && run.state.findings.edits_applied > 0 {
                break;
            }
        }
        wait_until(&mut run, "the window", findings_loaded).await;
        let pane = &run.state.findings;
        let f = pane.selected_finding().unwrap();
        assert_eq!(f.id, id, "the cursor stays on its finding");
        assert_eq!(f.workflow.map(|w| w.as_str()), Some("NOTIFIED"));
        assert!(screen(&run.state).contains(&f.title));
    });
}

/// A console on OCSF (GetFindingsV2) over `env`, with the findings store in `cache` or not.
async fn ocsf_console(env: TestEnv, cache: Option<std::path::PathBuf>) -> ConsoleEnv {
    let parts = move |p: &mut ConsoleParts| {
        p.findings_api = FindingsApi::Ocsf;
        p.findings_store = cache;
    };
    let mut run = env.console_with(AccessFlag::Write, parts).await;
    wait_until(&mut run, "the OCSF findings", |s| {
        findings_loaded(s) && s.findings.on_ocsf() && s.findings.total() == OCSF_ROWS
    })
    .await;
    run
}

/// `look`, the list of groups by resource with Security Hub's counts on them, then the
/// table sorted by title (`>` twice: severity, then title).
async fn look_and_sort(run: &mut ConsoleEnv) -> (Seen, Vec<Listed>, Table) {
    let seen = look(run).await;
    press(run, ":group resource<enter>");
    wait_until(run, "the resources", |s| {
        findings_loaded(s) && s.findings.server_counted()
    })
    .await;
    let resources = groups(run);
    press(run, ":group none<enter>>>");
    wait_until(run, "the sorted table", findings_loaded).await;
    (seen, resources, walk(run).await)
}

#[test]
fn the_ocsf_table_over_its_store_shows_what_the_ocsf_table_in_memory_shows() {
    big_stack(|| async {
        let env = TestEnv::findings(seeded_n(OCSF_ROWS)).await;
        let mut memory = ocsf_console(env, None).await;
        assert!(!memory.state.findings.is_windowed());
        let (in_memory, resources_in_memory, sorted_in_memory) = look_and_sort(&mut memory).await;
        let env = memory.end();

        let cache = env.path("cache");
        let mut run = ocsf_console(env, Some(cache)).await;
        assert!(run.state.findings.is_windowed(), "the writer reads windows");
        let (from_store, resources_from_store, sorted_from_store) = look_and_sort(&mut run).await;
        let (held, total) = (run.state.findings.rows().len(), run.state.findings.total());
        assert!(held <= 300, "the console holds {held} rows of {OCSF_ROWS}");
        assert_eq!(total, OCSF_ROWS);
        let shown = screen(&run.state);
        assert!(shown.contains(&format!("{OCSF_ROWS} findings")), "{shown}");

        assert_eq!(in_memory.all.rows.len(), OCSF_ROWS);
        assert_eq!(from_store.all, in_memory.all, "rows, order, summary");
        for ((text, a), (_, b)) in from_store.filtered.iter().zip(&in_memory.filtered) {
            assert!(!b.rows.is_empty(), "/{text} matches something");
            assert_eq!(a, b, "/{text}");
        }
        assert_eq!(from_store.groups, in_memory.groups);
        let counted = resources_in_memory
            .iter()
            .filter(|g| g.3 == Some(1))
            .count();
        assert_eq!(counted, 400, "Security Hub counts up to 400 buckets");
        assert_eq!(
            resources_from_store, resources_in_memory,
            "groups by resource"
        );
        assert_eq!(from_store.open_group, in_memory.open_group);
        assert!(in_memory.marked > 0);
        assert_eq!(from_store.marked, in_memory.marked, "space marks the group");
        assert_eq!(from_store.end, in_memory.end);
        assert_eq!(sorted_in_memory.rows.len(), OCSF_ROWS);
        assert_eq!(sorted_from_store, sorted_in_memory, "sorted by title");
    });
}

#[test]
fn a_triage_change_over_marks_reaches_the_ocsf_table_over_its_store() {
    big_stack(|| async {
        let env = TestEnv::findings(seeded_n(OCSF_ROWS)).await;
        let cache = env.path("cache");
        let mut run = ocsf_console(env, Some(cache)).await;
        assert!(run.state.findings.is_windowed());
        // The 25 findings on bucket-13, all marked (the store lists them).
        press(&mut run, "/on bucket-13<enter><c-a>");
        wait_until(&mut run, "the marks", |s| {
            findings_loaded(s) && s.findings.marks.len() == 25
        })
        .await;
        let marked = walk(&mut run).await.rows;
        assert_eq!(marked.len(), 25);
        // In Progress over the marks: 25 findings need the count typed.
        press(&mut run, "wi");
        assert!(
            preview_text(&run.state).contains("Set status In Progress on 25 OCSF finding(s)"),
            "{}",
            preview_text(&run.state)
        );
        press(&mut run, "y25<enter>");
        wait_until(&mut run, "the change", changed).await;
        // The view is fetched in full into the store and the window read again.
        wait_until(&mut run, "the reload", |s| {
            idle(s) && findings_loaded(s) && s.findings.marks.is_empty()
        })
        .await;
        let after = walk(&mut run).await;
        assert_eq!(after.rows, marked, "the same findings, in view");
        let pane = &run.state.findings;
        for i in 0..pane.visible_len() {
            let f = pane.visible(i).expect("held: 25 rows fit the window");
            assert_eq!(f.workflow, Some(WorkflowStatus::Notified), "{}", f.id);
        }
        press(&mut run, "<esc>");
        wait_until(&mut run, "the whole view", findings_loaded).await;
        assert_eq!(
            run.state.findings.total(),
            OCSF_ROWS,
            "In Progress stays in view"
        );
        assert!(run.state.findings.rows().len() <= 300);
    });
}

/// The `metadata.uid` of the row at visible position `i` (AWS's sample exposure has none).
fn uid_at(run: &ConsoleEnv, i: usize) -> Option<String> {
    let f = run.state.findings.visible(i).expect("the window holds it");
    f.raw.value()["metadata"]["uid"]
        .as_str()
        .map(str::to_string)
}

/// Moves with `key` (`j`, `k`) to the nearest row with a `metadata.uid`; returns it.
async fn nearest_with_uid(run: &mut ConsoleEnv, key: &str) -> String {
    loop {
        wait_until(run, "the window", findings_loaded).await;
        if let Some(uid) = uid_at(run, run.state.findings.selected) {
            return uid;
        }
        press(run, key);
    }
}

#[test]
fn tickets_and_the_exposure_view_work_over_the_ocsf_store() {
    use secdeck::app::panes::findings::tickets::TicketStage;
    use secdeck::app::pipeline::Stage;
    big_stack(|| async {
        let env = TestEnv::demo().await;
        let cache = env.path("cache");
        let parts = move |p: &mut ConsoleParts| {
            p.findings_api = FindingsApi::Ocsf;
            p.findings_store = Some(cache);
        };
        let mut run = env.console_with(AccessFlag::Unset, parts).await;
        wait_until(&mut run, "the OCSF findings", findings_loaded).await;
        assert!(run.state.findings.is_windowed(), "the writer reads windows");

        // A row near the top and the last row marked: one ticket each.
        let first = nearest_with_uid(&mut run, "j").await;
        press(&mut run, "<space>G");
        let last = nearest_with_uid(&mut run, "k").await;
        press(&mut run, "<space>g");
        wait_until(&mut run, "the top", findings_loaded).await;
        // The last row is held beside the window, as a mark, not in it.
        let in_window = run.state.findings.rows().iter();
        assert!(!in_window.map(|f| &f.id).any(|id| *id == last));
        press(&mut run, "T");
        wait_until(&mut run, "the connector picker", |s| {
            matches!(s.pipeline.stage, Stage::Ticket(TicketStage::Pick { .. }))
        })
        .await;
        assert_shows(&run.state, &["for 2 marked findings: one ticket each"]);
        press_until(&mut run, "j<enter>", "the DRYRUN preview", previewing).await;
        press_until(&mut run, "y", "the tickets", |s| {
            matches!(s.pipeline.stage, Stage::Ticket(TicketStage::Opened { .. }))
        })
        .await;
        let mut ticketed: Vec<String> = run.sandbox().tickets().into_iter().map(|t| t.1).collect();
        ticketed.sort();
        let mut marked = vec![first, last];
        marked.sort();
        assert_eq!(ticketed, marked);
        assert!(run.state.findings.marks.is_empty(), "ticketed marks clear");
        press(&mut run, "<esc>");

        // An exposure, Enter on its second contributing finding, Esc back to it.
        press(&mut run, ":exposures<enter>");
        wait_until(&mut run, "the exposures", findings_loaded).await;
        assert!(run.state.findings.is_windowed());
        let pane = &run.state.findings;
        let at = (0..pane.visible_len())
            .position(|i| {
                let doc = pane.visible(i).unwrap().raw.value();
                doc["finding_info"]["related_events"]
                    .as_array()
                    .is_some_and(|r| r.len() >= 2)
            })
            .expect("an exposure with two contributing findings");
        press(&mut run, &format!("g{}<enter>", "j".repeat(at)));
        let exposure = uid_at(&run, at).expect("metadata.uid");
        let doc = run.sandbox().ocsf_finding(&exposure).unwrap();
        let second = doc["finding_info"]["related_events"][1]["uid"]
            .as_str()
            .unwrap()
            .to_string();
        let open =
            |s: &secdeck::app::State| s.findings.detail.as_ref().map(|d| d.finding_id.clone());
        assert_eq!(open(&run.state).as_deref(), Some(exposure.as_str()));
        press(&mut run, "j<enter>");
        wait_until(&mut run, "the contributing finding", |s| {
            open(s).as_deref() == Some(second.as_str())
        })
        .await;
        press(&mut run, "<esc>");
        assert_eq!(open(&run.state).as_deref(), Some(exposure.as_str()));
        press(&mut run, "<esc>");
        assert_eq!(open(&run.state), None);
    });
}

#[test]
fn an_ocsf_console_reading_a_store_another_console_writes_keeps_its_rows_in_memory() {
    big_stack(|| async {
        let env = TestEnv::findings(seeded_n(OCSF_ROWS)).await;
        let cache = env.path("cache");
        let writer = ocsf_console(env, Some(cache.clone())).await;
        let env = writer.end();
        // Another console holds the OCSF store's writer lock.
        let file = ocsf_store_in(&cache).expect("the OCSF store");
        // (once the first console's last task let go of it)
        let mut other = None;
        for _ in 0..500 {
            let store = secdeck::store::Store::open_path(&file).unwrap();
            if store.is_writer() {
                other = Some(store);
                break;
            }
            drop(store);
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let other = other.expect("the writer lock, once the first console let go");
        let mut run = ocsf_console(env, Some(cache)).await;
        assert!(
            !run.state.findings.is_windowed(),
            "a reader folds deltas in memory"
        );
        assert!(
            run.state.findings.cache.is_some(),
            "the stored rows were shown"
        );
        assert_eq!(run.state.findings.rows().len(), OCSF_ROWS);
        let all = walk(&mut run).await;
        assert_eq!(all.rows.len(), OCSF_ROWS);
        drop(other);
    });
}

/// The OCSF store file under `dir`.
fn ocsf_store_in(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir).ok()?.find_map(|e| {
        let path = e.ok()?.path();
        match path.is_dir() {
            true => ocsf_store_in(&path),
            false => path
                .to_string_lossy()
                .ends_with("-ocsf.sqlite3")
                .then_some(path),
        }
    })
}
