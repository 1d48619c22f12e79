//! Runs effects against AWS on tokio: the effect runner, the mutation executor (journal,
//! execute, verify, undo) and the pacing / retry helpers they share.

pub mod analyzer;
mod analyzer_reads;
pub mod executor;
pub mod iot;
pub mod iot_import;
pub mod iot_reads;
pub mod ip_ranges;
pub mod mode;
pub mod retry;
pub mod runner;
pub mod wafv2;

pub use executor::{Executed, ExecutorOptions, MutationExecutor, new_plan_id};
pub use mode::{Capability, SessionMode, WriteAccess};
pub use retry::{Pacer, RetryPolicy};
pub use runner::EffectRunner;
