//! Pure tests of triage in the findings pane: server filter commands, saved views, sort,
//! the fuzzy local filter, marks, bulk pickers, the required note, retry of failures.

use super::*;
use crate::app::FindingsRead;
use crate::app::input::Prompt;
use crate::app::pipeline_tests::{finish_failing, plan_of};
use crate::app::tests::{keys, loaded, messages};
use crate::app::{Effect, ReadRequest, update};

fn read_filters(fx: &[Effect]) -> serde_json::Value {
    match fx {
        [Effect::Read(ReadRequest::Findings(FindingsRead::Page { filters, .. }))] => {
            serde_json::to_value(filters).unwrap()
        }
        other => panic!("expected one page request, got {other:?}"),
    }
}

#[test]
fn findings_command_applies_a_filter_and_a_bad_one_changes_nothing() {
    let mut s = loaded(5, false);
    let fx = keys(&mut s, ":findings sev=CRITICAL,HIGH updated<lt>7d<enter>");
    let f = read_filters(&fx);
    assert_eq!(f["SeverityLabel"][1]["Value"], "HIGH");
    assert_eq!(f["UpdatedAt"][0]["DateRange"]["Value"], 7);
    assert_eq!(s.findings.expr.to_string(), "sev=CRITICAL,HIGH updated<7d");

    let request = s.findings.request;
    let fx = keys(&mut s, ":findings sev=HIGH sevrity=LOW<enter>");
    assert!(fx.is_empty(), "nothing is requested");
    assert_eq!(s.findings.request, request);
    assert_eq!(s.findings.expr.to_string(), "sev=CRITICAL,HIGH updated<7d");
    let m = &messages(&s)[0];
    assert!(
        m.contains("unknown attribute \"sevrity\"") && m.contains("column 10"),
        "{m}"
    );

    // An open detail view survives a bad expression too.
    keys(&mut s, "<enter>");
    assert!(s.findings.detail.is_some());
    keys(&mut s, ":findings sevrity=LOW<enter>");
    assert!(s.findings.detail.is_some(), "the detail stays open");
}

#[test]
fn the_filter_editor_starts_from_the_current_expression_and_stays_open_on_errors() {
    let mut s = loaded(2, false);
    keys(&mut s, "F");
    assert_eq!(
        s.prompt,
        Prompt::FilterEditor("state=ACTIVE status=NEW,NOTIFIED".into())
    );
    assert!(keys(&mut s, " bogus<enter>").is_empty());
    assert!(matches!(s.prompt, Prompt::FilterEditor(_)), "still editing");
    let fx = keys(
        &mut s,
        "<backspace><backspace><backspace><backspace><backspace>product=Inspector<enter>",
    );
    assert_eq!(read_filters(&fx)["ProductName"][0]["Value"], "Inspector");
    assert_eq!(s.prompt, Prompt::None);
}

#[test]
fn saved_views_open_by_name() {
    let mut s = loaded(2, false);
    s.findings.views = vec![("crit".into(), "sev=CRITICAL status=NEW".into())];
    let fx = keys(&mut s, ":view crit<enter>");
    assert_eq!(read_filters(&fx)["SeverityLabel"][0]["Value"], "CRITICAL");
    assert!(keys(&mut s, ":view nope<enter>").is_empty());
    assert!(messages(&s)[0].contains("known: crit"));
}

#[test]
fn sort_cycles_columns_server_side_and_reverses() {
    let mut s = loaded(2, false);
    let sort_of = |fx: &[Effect]| match fx {
        [Effect::Read(ReadRequest::Findings(FindingsRead::Page { sort, .. }))] => {
            (sort[0].field.clone(), sort[0].sort_order)
        }
        other => panic!("{other:?}"),
    };
    use crate::domain::filter::SortOrder;
    assert_eq!(
        sort_of(&keys(&mut s, ">")),
        ("SeverityNormalized".into(), SortOrder::Desc)
    );
    assert_eq!(
        sort_of(&keys(&mut s, ">")),
        ("Title".into(), SortOrder::Asc)
    );
    assert_eq!(
        sort_of(&keys(&mut s, "<lt>")),
        ("Title".into(), SortOrder::Desc)
    );
}

#[test]
fn local_filter_is_fuzzy_and_bang_negates() {
    let mut s = loaded(30, false);
    keys(&mut s, "/fndnmbr 2");
    assert!(s.findings.is_fuzzy());
    // Fuzzy within the title: "Finding number 2", 12, 20-29.
    assert_eq!(s.findings.visible_len(), 12);
    keys(&mut s, "9");
    assert_eq!(s.findings.visible_len(), 1, "narrowed to number 29");
    keys(&mut s, "<esc>/!critical");
    assert!(!s.findings.is_fuzzy());
    assert_eq!(s.findings.visible_len(), 24, "every fifth row is CRITICAL");
}

#[test]
fn marks_toggle_range_all_and_clear() {
    let mut s = loaded(20, false);
    keys(&mut s, "<space><space>");
    assert_eq!(s.findings.marks.len(), 2);
    assert_eq!(s.findings.selected, 2, "space moves down");
    keys(&mut s, "<space>");
    // The anchor is row 2 (the last toggled), the selection row 6 after jjj.
    keys(&mut s, "jjjv");
    assert_eq!(s.findings.marks.len(), 7, "rows 0-6");
    keys(&mut s, "M");
    assert!(s.findings.marks.is_empty());
    keys(&mut s, "/number 1<enter><c-a>");
    assert_eq!(s.findings.marks.len(), 11, "1 and 10-19");
}

#[test]
fn bulk_workflow_targets_the_marked_rows_and_needs_the_typed_count() {
    let mut s = loaded(30, false);
    keys(&mut s, "<c-a>wj<enter>");
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("{:?}", s.pipeline.stage);
    };
    assert_eq!(plan.item_count(), 30);
    assert!(keys(&mut s, "y").is_empty());
    let plan = plan_of(&keys(&mut s, "30<enter>"));
    assert_eq!(plan.title(), "Set workflow NOTIFIED on 30 finding(s)");
}

#[test]
fn suppressed_needs_a_note_and_the_note_goes_with_the_status() {
    let mut s = loaded(3, false);
    keys(&mut s, "wjjj<enter>");
    assert!(keys(&mut s, "<enter>").is_empty());
    let Stage::Triage(TriageStage::Note { error, .. }) = &s.pipeline.stage else {
        panic!("{:?}", s.pipeline.stage);
    };
    assert_eq!(
        error.as_deref(),
        Some("a note (the reason) is required for SUPPRESSED")
    );
    keys(&mut s, "accepted risk<alt-enter>ticket 42<enter>");
    let plan = plan_of(&keys(&mut s, "y"));
    let Change::FindingsUpdate(u) = &plan.change else {
        panic!("{plan:?}");
    };
    assert_eq!(u.edits[0].after.workflow, Some(WorkflowStatus::Suppressed));
    assert_eq!(
        u.edits[0].after.note.as_deref(),
        Some("accepted risk\nticket 42")
    );
}

#[test]
fn severity_and_notes_skip_findings_already_at_the_value() {
    let mut s = loaded(5, false);
    // Rows 0..5 are CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL; choose HIGH for all.
    keys(&mut s, "<c-a>S");
    keys(&mut s, "j<enter>");
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("{:?}", s.pipeline.stage);
    };
    assert_eq!(plan.item_count(), 4, "the HIGH one is left out");
    keys(&mut s, "n");
    keys(&mut s, "M<esc>N<enter>");
    assert!(matches!(
        &s.pipeline.stage,
        Stage::Triage(TriageStage::Note { error: Some(e), .. }) if e == "the note is empty"
    ));
}

#[test]
fn failures_are_reported_by_code_and_can_be_retried() {
    let mut s = loaded(12, false);
    let plan = plan_of(&keys(&mut s, "<c-a>wj<enter>12<enter>"));
    let targets = plan.targets();
    finish_failing(&mut s, &plan, 2, "FindingNotFound");
    assert!(
        messages(&s)
            .iter()
            .any(|m| m.contains("2 finding(s) not updated: FindingNotFound ×2")),
        "{:?}",
        messages(&s)
    );
    assert_eq!(
        s.findings.marks.len(),
        2,
        "only the failed ones stay marked"
    );
    keys(&mut s, "<c-r>");
    let Stage::Preview { plan, .. } = &s.pipeline.stage else {
        panic!("{:?}", s.pipeline.stage);
    };
    assert_eq!(plan.targets(), targets[..2].to_vec());
}

#[test]
fn read_only_has_no_triage_changes() {
    let mut s = loaded(3, true);
    for k in ["w", "S", "N", "<c-r>"] {
        assert!(keys(&mut s, k).is_empty());
        assert_eq!(s.pipeline.stage, Stage::Idle, "{k}");
    }
    for a in [Action::SetSeverity, Action::AddNote, Action::RetryFailed] {
        assert!(update(&mut s, a).is_empty());
    }
    assert_eq!(s.pipeline.stage, Stage::Idle);
}

#[test]
fn grouping_lists_counts_expands_and_marks_whole_groups() {
    let mut s = loaded(20, false);
    keys(&mut s, ":group severity<enter>");
    let g = s.findings.grouping.as_ref().unwrap();
    let list: Vec<(&str, usize)> = g
        .groups
        .iter()
        .map(|grp| (grp.key.as_str(), grp.members.len()))
        .collect();
    assert_eq!(
        list,
        [
            ("CRITICAL", 4),
            ("HIGH", 4),
            ("MEDIUM", 4),
            ("LOW", 4),
            ("INFORMATIONAL", 4)
        ]
    );
    keys(&mut s, "j<enter>");
    assert_eq!(s.findings.visible_len(), 4);
    assert!((0..4).all(|i| s.findings.visible(i).unwrap().severity == Some(Severity::High)));
    keys(&mut s, "/number 1<enter>");
    assert_eq!(
        s.findings.visible_len(),
        3,
        "HIGH are 1, 6, 11, 16: three contain a 1"
    );
    keys(&mut s, "<esc><esc>");
    assert!(
        s.findings.grouping.as_ref().unwrap().open.is_none(),
        "back to the list"
    );
    keys(&mut s, "<space>");
    assert_eq!(s.findings.marks.len(), 4, "the whole HIGH group");
    keys(&mut s, "w");
    let Stage::Triage(TriageStage::Pick { targets, .. }) = &s.pipeline.stage else {
        panic!("{:?}", s.pipeline.stage);
    };
    assert_eq!(targets.len(), 4, "actions apply to the marked group");
    keys(&mut s, "<esc><esc>");
    assert!(
        s.findings.grouping.is_none(),
        "esc closes the picker, then ungroups"
    );
    keys(&mut s, "<ctrl-g><esc>");
    assert!(s.findings.grouping.is_none(), "esc on the list ungroups");
    keys(&mut s, "<ctrl-g>");
    assert_eq!(
        s.findings.grouping.as_ref().map(|g| g.by),
        Some(crate::app::panes::findings::group::GroupBy::Control)
    );
    assert!(keys(&mut s, ":group colour<enter>").is_empty());
    assert!(messages(&s)[0].contains("cannot group by \"colour\""));
}

#[test]
fn slash_in_the_detail_searches_the_open_tab() {
    use crate::app::panes::findings::detail::{DetailLine, line_text};
    let mut s = loaded(3, true);
    keys(&mut s, "<enter>l/awsaccount");
    assert_eq!(s.prompt, Prompt::DetailSearch);
    let d = s.findings.detail.as_ref().unwrap();
    let top: &DetailLine = &d.tab_lines()[d.scroll];
    assert!(line_text(top).contains("\"AwsAccountId\""), "{top:?}");
    let first = d.scroll;
    keys(
        &mut s,
        "<backspace><backspace><backspace><backspace><backspace><backspace><backspace>",
    );
    keys(&mut s, "<enter>");
    let d = s.findings.detail.as_ref().unwrap();
    assert_ne!(d.scroll, first, "enter moves to another match (wrapping)");
    assert!(line_text(&d.tab_lines()[d.scroll]).contains("aws"));
    keys(&mut s, "zzz");
    assert!(messages(&s)[0].contains("not found"));
    keys(&mut s, "<esc>");
    assert_eq!(s.prompt, Prompt::None);
}
