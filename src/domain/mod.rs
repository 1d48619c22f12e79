//! Plain data and logic shared by every layer: no I/O, no terminal, no SDK types.

pub mod address_file;
pub mod analyzer;
pub mod asff_batch;
pub mod block_guardrails;
pub mod cidr;
pub mod combined;
pub mod filter;
pub mod filter_attrs;
pub mod filter_expr;
pub mod finding;
pub mod finding_history;
pub mod findings_file;
pub mod findings_import;
pub mod identity;
pub mod iot;
pub mod iot_asff;
pub mod iot_plan;
pub mod ip_ranges;
pub mod plan;
pub mod policy;
pub mod remote_ips;
pub mod sanitize;
pub mod triage;
pub mod waf;
pub mod waf_block;
pub mod waf_sync;
