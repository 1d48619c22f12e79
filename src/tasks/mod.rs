//! Runs effects against AWS on tokio: the effect runner, the reads it starts (`reads/`,
//! one module per service), the mutation executor (`mutate/`: journal, execute, verify,
//! undo; one module per service), the findings export, and the session mode that decides
//! whether a mutation executor exists at all.

pub mod export;
pub mod export_ocsf;
pub mod mode;
pub mod mutate;
pub mod reads;
pub mod runner;

pub use mode::{Capability, SessionMode, WriteAccess};
pub use mutate::{
    Executed, ExecutorOptions, MutationExecutor, ProgressFn, new_plan_id, session_plan_ids,
};
pub use runner::EffectRunner;

/// Pacing and retries live with the SDK adapters (`aws::retry`); re-exported here
/// because every task takes them.
pub use crate::aws::retry::{self, Pacer, RetryPolicy};

// The paths tests and benches use from before the reads / mutate split.
pub use mutate::accessanalyzer as analyzer;
pub use reads::{iot_import, ip_ranges, wafv2};
