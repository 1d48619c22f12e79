//! The embedded AWS emulator: axum routers per service over shared in-memory state.

pub mod seed;
