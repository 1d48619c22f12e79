//! End to end: the undo of a SUPPRESSED (a workflow change with its reason as the note)
//! puts back the note each finding had; where a finding had none, the preview says the
//! note cannot be restored and why, and the note written says so instead of keeping the
//! suppression reason on a finding back to NEW.

mod common;

use common::*;
use secdeck::app::panes::findings::LoadStatus;
use secdeck::config::AccessFlag;
use secdeck::domain::plan::NO_NOTE_BEFORE;
use serde_json::json;

#[test]
fn undo_of_suppressed_restores_the_note_or_says_why_it_cannot() {
    big_stack(|| async {
        let mut with_note = finding(0);
        with_note["Note"] = json!({
            "Text": "owner: web team",
            "UpdatedBy": "alice",
            "UpdatedAt": "2024-01-02T00:00:00.000Z"
        });
        let mut run = TestEnv::findings(vec![with_note, finding(1)])
            .await
            .console(AccessFlag::Write)
            .await;
        wait_until(&mut run, "the findings", |s| {
            s.findings.status == LoadStatus::Complete
        })
        .await;

        // Both to SUPPRESSED with the reason as the note.
        press(&mut run, "<c-a>wjjj<enter>false positive<enter>");
        assert!(preview_text(&run.state).contains("SUPPRESSED"));
        press_until(&mut run, "y", "the suppression", changed).await;
        for id in ["f-0000", "f-0001"] {
            let doc = run.sandbox().finding(id).unwrap();
            assert_eq!(doc["Workflow"]["Status"], "SUPPRESSED");
            assert_eq!(doc["Note"]["Text"], "false positive");
        }

        press(&mut run, "u");
        let undo = preview_text(&run.state);
        assert!(
            undo.contains("note: \"false positive\" -> \"owner: web team\""),
            "the old note comes back: {undo}"
        );
        assert!(
            undo.contains("cannot be restored: 1 finding(s) had no note before, and Security Hub cannot delete a note"),
            "{undo}"
        );
        press_until(&mut run, "y", "the undo", changed).await;

        let had = run.sandbox().finding("f-0000").unwrap();
        assert_eq!(had["Workflow"]["Status"], "NEW");
        assert_eq!(
            had["Note"]["Text"], "owner: web team",
            "the note is restored"
        );
        let had_none = run.sandbox().finding("f-0001").unwrap();
        assert_eq!(had_none["Workflow"]["Status"], "NEW");
        assert_eq!(
            had_none["Note"]["Text"], NO_NOTE_BEFORE,
            "the suppression reason is gone, replaced by what the preview said"
        );
    });
}
