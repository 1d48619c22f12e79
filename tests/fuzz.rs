//! Property-based fuzzing of every parser that reads text a user or AWS hands secdeck: the
//! filter grammars (ASFF and OCSF), IAM trust policies, ip-ranges.json and address files, ASFF seed files,
//! and the config file with its keymap. Each target checks (a) that arbitrary input never
//! panics and that errors say where the problem is, and (b) with generators of valid input,
//! that what is parsed means what was written (round trips, host bits refused, read-only
//! kept whatever else is wrong).
//!
//! A default run is short (`cargo test --test fuzz`); `PROPTEST_CASES=200000` runs long
//! (benches/fuzz_long.sh runs every target that way, one at a time). Failures proptest
//! finds are kept in tests/fuzz/*.proptest-regressions and replayed first on every run.

#[path = "fuzz/config.rs"]
mod config;
#[path = "fuzz/filter.rs"]
mod filter;
#[path = "fuzz/ocsf_grammar.rs"]
mod ocsf_grammar;
#[path = "fuzz/policy.rs"]
mod policy;
#[path = "fuzz/seed.rs"]
mod seed;
#[path = "fuzz/support.rs"]
mod support;
#[path = "fuzz/waf.rs"]
mod waf;
