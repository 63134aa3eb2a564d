//! `crucible gc`: remove containers crucible left behind.
use super::exit;
use crucible::sandbox::gc::{GcScope, collect_garbage};

#[derive(clap::Args, Debug)]
pub struct GcArgs {
    /// Also remove containers of crucible processes that are still running.
    #[arg(long)]
    all: bool,
}

pub async fn run(args: GcArgs) -> anyhow::Result<i32> {
    let docker = match crucible::docker::connect().await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("crucible gc: {e}");
            return Ok(exit::UNAVAILABLE);
        }
    };
    let scope = if args.all {
        GcScope::All
    } else {
        GcScope::Orphans
    };
    let (removed, failures) = collect_garbage(&docker, scope).await?;
    for r in &removed {
        println!(
            "removed {} ({}, owner {}{})",
            &r.id[..r.id.len().min(12)],
            r.state,
            r.owner,
            r.task
                .as_ref()
                .map(|t| format!(", task {t}"))
                .unwrap_or_default()
        );
    }
    for f in &failures {
        eprintln!("crucible gc: {f}");
    }
    println!("{} container(s) removed", removed.len());
    Ok(if failures.is_empty() {
        exit::OK
    } else {
        exit::FOUND_PROBLEMS
    })
}
