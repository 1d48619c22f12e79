//! The terminal runtime loop (placeholder until the console is wired).

pub async fn run_console(opts: crate::cli::ConsoleOptions) -> anyhow::Result<()> {
    let _ = opts;
    println!("console not wired");
    Ok(())
}
