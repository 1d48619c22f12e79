//! secdeck: a keyboard-driven terminal console for AWS security operations.

pub mod app;
pub mod aws;
pub mod bounded;
pub mod cli;
pub mod config;
pub mod domain;
pub mod journal;
pub mod logging;
pub mod paths;
pub mod remembered;
pub mod runtime;
pub mod sandbox;
pub mod store;
pub mod tasks;
pub mod theme;
pub mod tui;
pub mod ui;
