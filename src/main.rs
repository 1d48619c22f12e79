fn main() -> std::process::ExitCode {
    secdeck::cli::main()
}
