//! Plain data and logic shared by every layer: no I/O, no terminal, no SDK types.

pub mod analyzer;
pub mod filter;
pub mod finding;
pub mod identity;
pub mod plan;
pub mod policy;
