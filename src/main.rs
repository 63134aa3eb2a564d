//! The `crucible` command: a thin layer over the library.
mod cli;

use clap::Parser;

fn main() {
    if let Err(e) = cli::apply_config_file() {
        eprintln!("crucible: error: {e:#}");
        std::process::exit(cli::exit::ERROR);
    }
    let args = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CRUCIBLE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = match runtime.block_on(cli::dispatch(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("crucible: error: {e:#}");
            cli::exit::ERROR
        }
    };
    // Do not wait for stray background work (e.g. a hung daemon call) on the way out.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    std::process::exit(code);
}
