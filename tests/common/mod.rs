//! The integration tests' one kit. Each test file says `mod common;` and uses what it needs:
//!
//! - `env`: `TestEnv`, the one test environment (an in-process sandbox, its SDK config, a
//!   temporary directory with the journal path; derefs to the sandbox), and on demand a
//!   console session on it (`ConsoleEnv`, derefs to the `Console`);
//! - `runner`: `big_stack`, the one runner for async tests (large stacks, tokio);
//! - `bin`: the `secdeck` binary run as a user would, in a home of its own;
//! - `console`: driving a console headless (keys, waits, the screen, requests sent);
//! - `render`: `update` + `ui::draw` alone, for snapshot tests;
//! - `findings`, `exec`, `hub`, `iot`, `analyzer`, `waf`: seeds, executor plans, and set-up through
//!   the real SDK clients;
//! - `sdk`, `moto`: SDK configs (moto, canned bodies) and the moto conformance server;
//! - `awscli`: the AWS CLI from the same venv, run against an endpoint;
//! - `model`: AWS's own service model (botocore) as a validator of request and answer bodies;
//!   `exchanges`: every request and answer of an SDK client, checked against it;
//! - `writer`: another writer's random changes through both findings APIs (store tests);
//! - `policy`: every request secdeck made checked against its IAM policy (on `TestEnv` drop).
#![allow(dead_code, unused_imports)] // each test binary uses a different subset

pub mod analyzer;
pub mod awscli;
pub mod bin;
pub mod console;
pub mod env;
pub mod exchanges;
pub mod exec;
pub mod findings;
pub mod hostile;
pub mod hub;
pub mod iot;
pub mod model;
pub mod moto;
pub mod policy;
pub mod render;
pub mod runner;
pub mod sdk;
pub mod waf;
pub mod writer;

pub use bin::{
    Run, demo_export_args, file_in, run_secdeck, run_secdeck_async, secdeck_command, waf_sync_args,
};
pub use console::*;
pub use env::{
    ConsoleEnv, TestEnv, demo_and_sandbox, demo_console, findings_console, seeded_console,
};
pub use exec::*;
pub use findings::*;
pub use runner::big_stack;
pub use waf::{assert_blocked, assert_not_blocked, ip_set_named};
