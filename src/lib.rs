//! secdeck: a keyboard-driven terminal console for AWS security operations.

pub mod app;
pub mod aws;
pub mod domain;
pub mod sandbox;
pub mod tasks;
pub mod theme;
pub mod ui;
