//! Command-line verbs; each file holds one verb's arguments and its `run`.
mod doctor;
mod exec;
pub mod exit;
mod gc;
mod limits_args;
mod output;

use clap::{Parser, Subcommand};

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
}

pub async fn dispatch(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Exec(a) => exec::run(a).await,
        Command::Doctor(a) => doctor::run(a).await,
        Command::Gc(a) => gc::run(a).await,
    }
}
