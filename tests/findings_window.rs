//! The findings table over the store (bounded memory): a console that writes the findings
//! store holds only the window of rows it shows, and a user sees the same table as with
//! the rows in memory (`--no-cache`): the same rows in the same order, the same `/`
//! matches, summary strip and group counts; scrolling to the end and back; marks over a
//! group; the cursor kept on its finding after a change.

mod common;

use common::*;
use secdeck::app::panes::findings::group::Group;
use secdeck::config::AccessFlag;
use secdeck::runtime::ConsoleParts;
use serde_json::{Value, json};

const ROWS: usize = 2500;

/// Findings with distinct UpdatedAt (the default sort has no ties), seven generators
/// (groups by control) and every severity.
fn seeded() -> Vec<Value> {
    (0..ROWS)
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

/// The group list as (key, count, severities).
fn groups(run: &ConsoleEnv) -> Vec<(String, usize, [usize; 5])> {
    let g = run.state.findings.grouping.as_ref().expect("grouped");
    g.groups
        .iter()
        .map(
            |Group {
                 key,
                 count,
                 severities,
                 ..
             }| (key.clone(), *count, *severities),
        )
        .collect()
}

/// Everything compared between the two tables, in the order a user would do it.
#[derive(Debug, PartialEq)]
struct Seen {
    all: Table,
    filtered: Vec<(String, Table)>,
    groups: Vec<(String, usize, [usize; 5])>,
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
    wait_until(run, "the groups", findings_loaded).await;
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
