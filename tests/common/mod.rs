//! The integration tests' one kit: the test environment (an in-process sandbox, its SDK
//! config, a temporary journal, a console session on demand), the big-stack runner,
//! headless console driving, seeds, executor plans, IoT set-up, SDK configs and the moto
//! conformance server.
#![allow(dead_code, unused_imports)] // each test binary uses a different subset

pub mod analyzer;
pub mod console;
pub mod env;
pub mod exec;
pub mod findings;
pub mod hub;
pub mod iot;
pub mod moto;
pub mod render;
pub mod runner;
pub mod sdk;

pub use console::*;
pub use env::{ConsoleEnv, TestEnv, demo_console, findings_console};
pub use exec::*;
pub use findings::*;
pub use runner::big_stack;
