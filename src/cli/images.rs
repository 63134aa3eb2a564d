//! `crucible images build|list|prune`: the CLI over `crucible::images`.
use super::exit;
use anyhow::Context;
use clap::{Args, Subcommand};
use crucible::docker::{self, Docker};
use crucible::images::{
    self, BuildOptions, BuildStatus, ImageName, ImageSet, ImageState, ProgressMode,
};
use crucible::task::Language;
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Args)]
pub struct ImagesArgs {
    #[command(subcommand)]
    pub command: ImagesCommand,
}

#[derive(Debug, Subcommand)]
pub enum ImagesCommand {
    /// Build the runtime images whose sources changed (tags crucible/<name>:<hash> and :latest).
    Build(BuildArgs),
    /// Show each runtime image: tag, size, age, and whether it matches the current sources.
    List(SetArgs),
    /// Remove crucible images that were not built from the current sources.
    Prune(SetArgs),
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The crucible repository holding images/<name>/ (default: the nearest ancestor of the current
    /// directory that has one).
    #[arg(long, env = "CRUCIBLE_REPO", value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Only these images, by directory name under images/ (repeatable or comma-separated), e.g.
    /// python,cpp or python-data. An image another one builds on is built too.
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = parse_name)]
    pub only: Vec<ImageName>,
    /// Base image for the Dockerfiles instead of crucible/base:bookworm (e.g. debian:bookworm-slim).
    #[arg(long, env = "CRUCIBLE_BASE_IMAGE", value_name = "IMAGE")]
    pub base: Option<String>,
    /// Extra CA certificate (a PEM .crt file, or a directory of *.crt) to trust while building, e.g.
    /// a proxy's. Repeatable; the env var takes a ':'-separated list.
    #[arg(
        long,
        env = "CRUCIBLE_EXTRA_CA",
        value_name = "PATH",
        value_delimiter = ':'
    )]
    pub extra_ca: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub set: SetArgs,
    /// Rebuild even when an image for the current sources exists, without the layer cache.
    #[arg(long)]
    pub force: bool,
    /// How many images to build at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,
    /// Print build output as plain lines even on a terminal.
    #[arg(long)]
    pub plain: bool,
}

/// An image name; a language alias that is not a valid name (`c++`) means its language's image.
fn parse_name(s: &str) -> Result<ImageName, String> {
    ImageName::parse(s).or_else(|reason| Language::parse(s).map(ImageName::from).ok_or(reason))
}

impl SetArgs {
    fn image_set(&self) -> anyhow::Result<ImageSet> {
        let repo_root = match &self.repo {
            Some(repo) => repo.clone(),
            None => {
                let cwd = std::env::current_dir().context("cannot read the current directory")?;
                images::find_repo_root(&cwd).with_context(|| {
                    format!(
                        "no images/<name>/Dockerfile in {} or its parents: run this inside the crucible repository or pass --repo DIR",
                        cwd.display()
                    )
                })?
            }
        };
        Ok(ImageSet {
            repo_root,
            only: self.only.clone(),
            base_image: self.base.clone(),
            extra_ca: self.extra_ca.clone(),
        })
    }
}

/// Run `crucible images ...`; the exit code is 0 on success, 69 when Docker is unreachable.
pub async fn run(args: ImagesArgs) -> anyhow::Result<i32> {
    let docker = match docker::connect().await {
        Ok(docker) => docker,
        Err(err) => {
            eprintln!("crucible images: {err}");
            return Ok(exit::UNAVAILABLE);
        }
    };
    match args.command {
        ImagesCommand::Build(build) => run_build(&docker, build).await,
        ImagesCommand::List(set) => run_list(&docker, set).await,
        ImagesCommand::Prune(set) => run_prune(&docker, set).await,
    }
}

async fn run_build(docker: &Docker, args: BuildArgs) -> anyhow::Result<i32> {
    let options = BuildOptions {
        set: args.set.image_set()?,
        force: args.force,
        jobs: usize::from(args.jobs),
        progress: if args.plain {
            ProgressMode::Plain
        } else {
            ProgressMode::Auto
        },
    };
    let started = Instant::now();
    let outcomes = images::build(docker, &options).await?;
    let width = outcomes
        .iter()
        .map(|o| o.tag.len())
        .max()
        .unwrap_or(0)
        .max(28);
    for outcome in &outcomes {
        let what = match outcome.status {
            BuildStatus::UpToDate => "up to date".to_string(),
            BuildStatus::Built => format!("built in {:.1}s", outcome.duration.as_secs_f64()),
        };
        println!("{:<width$} {what}", outcome.tag);
    }
    eprintln!(
        "{} image(s) ready in {:.1}s",
        outcomes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(0)
}

async fn run_list(docker: &Docker, args: SetArgs) -> anyhow::Result<i32> {
    let statuses = images::list(docker, &args.image_set()?).await?;
    let width = statuses
        .iter()
        .map(|s| images::latest_tag(&s.name).len())
        .max()
        .unwrap_or(0)
        .max(22);
    println!(
        "{:<width$} {:<14} {:>9} {:>6}  {:<13} CURRENT",
        "IMAGE", "HASH", "SIZE", "AGE", "STATE"
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let mut all_current = true;
    for status in &statuses {
        let (hash, size, age) = match &status.latest {
            Some(image) => (
                image.context_hash.clone().unwrap_or_else(|| "-".into()),
                format!("{:.0} MB", image.size_bytes as f64 / 1e6),
                short_age(now - image.created),
            ),
            None => ("-".into(), "-".into(), "-".into()),
        };
        all_current &= status.state == ImageState::UpToDate;
        println!(
            "{:<width$} {:<14} {:>9} {:>6}  {:<13} {}",
            images::latest_tag(&status.name),
            hash,
            size,
            age,
            status.state.as_str(),
            status.current_hash.as_deref().unwrap_or("-"),
        );
    }
    if !all_current {
        eprintln!("run `crucible images build` to build the missing or stale images");
    }
    Ok(0)
}

async fn run_prune(docker: &Docker, args: SetArgs) -> anyhow::Result<i32> {
    let outcome = images::prune(docker, &args.image_set()?).await?;
    for name in &outcome.removed {
        println!("removed {name}");
    }
    eprintln!(
        "removed {} old image name(s); kept {} current",
        outcome.removed.len(),
        outcome.kept.len()
    );
    Ok(0)
}

fn short_age(seconds: i64) -> String {
    match seconds.max(0) {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}
