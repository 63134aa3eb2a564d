//! Command-line verbs; each file holds one verb's arguments and its `run`.
mod config;
mod doctor;
mod enqueue;
mod exec;
mod executor_args;
pub mod exit;
mod gc;
mod images;
mod import;
mod limits_args;
mod output;
mod report;
mod run;
mod serve;
mod tasks;
mod watch;
mod worker;

use clap::{Parser, Subcommand};
pub use config::apply_config_file;

#[derive(Parser)]
#[command(
    name = "crucible",
    version,
    about = "Run untrusted, model-generated code in hardened containers and judge it"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
enum Command {
    /// Run one command on a set of files in a fresh hardened container and print the verdict.
    Exec(exec::ExecArgs),
    /// Check the Docker daemon, runtimes, cgroups, images and disk; say how to fix each problem.
    Doctor(doctor::DoctorArgs),
    /// Remove containers crucible left behind (found by label).
    Gc(gc::GcArgs),
    /// Evaluate every candidate of every model on every task; results go to the store.
    Run(run::RunArgs),
    /// Per-model results of a stored run: table, JSON, CSV, Markdown, JUnit or HTML.
    Report(report::ReportArgs),
    /// List or validate a directory of tasks.
    Tasks(tasks::TasksArgs),
    /// Build, list or prune the language runtime images.
    Images(images::ImagesArgs),
    /// Turn a public suite (HumanEval, HumanEval-X, MBPP) into crucible tasks.
    Import(import::ImportArgs),
    /// Claim queued executions from a PostgreSQL store and run them on this machine.
    Worker(worker::WorkerArgs),
    /// Follow a queued run's progress from the database; Ctrl-C (or --cancel) cancels it.
    Watch(watch::WatchArgs),
    /// Serve the sandbox over HTTP: the /v1 API, SandboxFusion's /run_code, Piston's /api/v2.
    Serve(serve::ServeArgs),
}

pub async fn dispatch(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Exec(a) => exec::run(a).await,
        Command::Doctor(a) => doctor::run(a).await,
        Command::Gc(a) => gc::run(a).await,
        Command::Run(a) => run::run(a).await,
        Command::Report(a) => report::run(a).await,
        Command::Tasks(a) => tasks::run(a).await,
        Command::Images(a) => images::run(a).await,
        Command::Import(a) => import::run(a),
        Command::Serve(a) => serve::run(a).await,
        Command::Worker(a) => worker::run(a).await,
        Command::Watch(a) => watch::run(a).await,
    }
}
