//! placeholder
pub struct ConsoleOptions;
