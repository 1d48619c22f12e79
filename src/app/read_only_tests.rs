//! Read-only sessions: mutating actions and `:` commands refused by name, no quit question,
//! and no key sequence whatever that emits a mutation.

use super::pipeline_tests::finish;
use super::tests::{keys, loaded, messages};
use super::*;
use crate::domain::plan::{Change, ChangePlan};
use pipeline::Stage;

#[test]
fn read_only_refuses_mutating_actions_by_name() {
    let mut s = loaded(3, true);
    assert!(keys(&mut s, "w").is_empty(), "w is not bound");
    assert!(keys(&mut s, ":set_workflow<enter>").is_empty());
    assert_eq!(
        messages(&s)[0],
        "read-only session: set_workflow is not available"
    );
    assert!(update(&mut s, Action::Undo).is_empty());
    assert_eq!(messages(&s)[0], "read-only session: undo is not available");
    assert_eq!(s.pipeline.stage, Stage::Idle);
}

#[test]
fn read_only_names_the_refused_colon_command() {
    let mut s = loaded(3, true);
    for (line, name) in [
        (":archive accepted risk<enter>", ":archive"),
        (":delete-rule old<enter>", ":delete-rule"),
        (":suppress 7 known device<enter>", ":suppress"),
        (":audit DEVICE_CERTIFICATE_EXPIRING_CHECK<enter>", ":audit"),
    ] {
        assert!(keys(&mut s, line).is_empty(), "{line}");
        assert_eq!(
            messages(&s)[0],
            format!("read-only session: {name} is not available"),
            "{line}"
        );
    }
}

#[test]
fn read_only_never_asks_before_quitting() {
    let mut s = loaded(1, true);
    // Even with a change somehow executing, a viewing session just quits.
    s.pipeline.stage = Stage::Executing {
        plan: ChangePlan::new(
            "p",
            Change::FindingsUpdate(crate::domain::plan::FindingsUpdate { edits: vec![] }),
        ),
    };
    assert_eq!(keys(&mut s, "q"), vec![Effect::Quit]);
}

/// xorshift: a fixed, dependency-free stream of pseudo-random numbers.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Feeds long random key sequences (plus task results) and counts the mutations.
fn mutations_after_random_keys(read_only: bool, seed: u64) -> usize {
    const POOL: &[&str] = &[
        "j",
        "k",
        "g",
        "G",
        "w",
        "y",
        "n",
        "u",
        "q",
        "r",
        "R",
        "<enter>",
        "<esc>",
        "<tab>",
        "<shift-tab>",
        "1",
        "2",
        "3",
        "4",
        "?",
        "/",
        ":",
        "x",
        "0",
        "5",
        "<backspace>",
        "<ctrl-d>",
        "<ctrl-u>",
        ":set_workflow<enter>",
        ":approve<enter>",
        ":undo<enter>",
        "wjj<enter>y",
        "12<enter>",
        // The audits pane's keys (4 shows it): suppressions view, edits, retry.
        "L",
        "p",
        "P",
        "<ctrl-r>",
        ":suppress forever x<enter>",
    ];
    let mut rng = Rng(seed);
    let mut s = loaded(20, read_only);
    let mut count = 0;
    for _ in 0..3_000 {
        let mut fx = keys(&mut s, POOL[rng.next(POOL.len())]);
        if rng.next(10) == 0 {
            fx.extend(update(&mut s, Action::Tick));
        }
        for e in &fx {
            if let Effect::Mutate(plan) = e {
                count += 1;
                finish(&mut s, plan, &[]);
            }
        }
        if s.should_quit {
            s.should_quit = false;
        }
    }
    count
}

#[test]
fn read_only_sessions_never_emit_a_mutation_whatever_the_keys() {
    for seed in 1..=20 {
        assert_eq!(mutations_after_random_keys(true, seed), 0, "seed {seed}");
    }
    // The same key streams do mutate in a read-write session, so the check above has teeth.
    assert!(
        (1..=20)
            .map(|seed| mutations_after_random_keys(false, seed))
            .sum::<usize>()
            > 0
    );
}
