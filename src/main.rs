use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = limitlab::cli::Cli::parse();
    std::process::ExitCode::from(limitlab::cli::dispatch(cli))
}
