fn main() -> std::process::ExitCode {
    acompana::cli::main()
}
