//! Small interactive pieces the panes share (no drawing here: `src/ui` draws them).

pub mod text_input;

pub use text_input::{Edit, TextInput};
