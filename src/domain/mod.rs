//! Plain data and logic shared by every layer: no I/O, no terminal, no SDK types.

pub mod filter;
pub mod filter_attrs;
pub mod filter_expr;
pub mod finding;
pub mod finding_history;
pub mod identity;
pub mod plan;
