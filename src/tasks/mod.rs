//! Runs effects against AWS on tokio: the effect runner, the mutation executor (journal,
//! execute, verify, undo) and the pacing / retry helpers they share.

pub mod analyzer;
mod analyzer_reads;
pub mod executor;
pub mod export;
pub mod iot;
pub mod iot_import;
pub mod iot_reads;
pub mod ip_ranges;
pub mod mode;
pub mod runner;
pub mod wafv2;

/// Pacing and retries live with the SDK adapters (`aws::retry`); re-exported here
/// because every task takes them.
pub use crate::aws::retry::{self, Pacer, RetryPolicy};
pub use executor::{Executed, ExecutorOptions, MutationExecutor, new_plan_id};
pub use mode::{Capability, SessionMode, WriteAccess};
pub use runner::EffectRunner;
