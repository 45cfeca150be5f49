fn main() -> std::process::ExitCode {
    let cli = limitlab::cli::parse();
    std::process::ExitCode::from(limitlab::cli::dispatch(cli))
}
