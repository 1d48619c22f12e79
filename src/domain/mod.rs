//! Plain data and logic shared by every layer: no I/O, no terminal, no SDK types.

pub mod filter;
pub mod finding;
pub mod identity;
pub mod iot;
pub mod iot_asff;
pub mod iot_plan;
pub mod plan;
