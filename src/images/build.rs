//! `crucible images build`: build the images whose context changed, in parallel (an image on another
//! crucible image after that one), and tag them.
use super::base::ensure_base_image;
use super::error::ImagesError;
use super::naming::{self, ImageName, LABEL_CONTEXT_HASH, LABEL_IMAGE};
use super::prepare::{PreparedImage, prepare_images};
use super::progress::{ImageProgress, Progress, ProgressMode};
use super::spec::ImageSet;
use crate::docker::{self, BuildEvent, BuildRequest, Docker};
use futures_util::StreamExt;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, watch};

/// Build output lines kept to explain a failure.
const KEPT_LINES: usize = 25;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub set: ImageSet,
    /// Rebuild even when the hash tag exists, without Docker's layer cache (fresh packages).
    pub force: bool,
    /// How many images build at once (at least 1).
    pub jobs: usize,
    pub progress: ProgressMode,
}

impl BuildOptions {
    pub fn new(set: ImageSet) -> BuildOptions {
        BuildOptions {
            set,
            force: false,
            jobs: 2,
            progress: ProgressMode::Auto,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildStatus {
    /// The hash tag existed: nothing was built (`latest` was re-pointed if needed).
    UpToDate,
    Built,
}

#[derive(Debug, Clone)]
pub struct BuildOutcome {
    pub name: ImageName,
    /// `crucible/<name>:<hash>`; `crucible/<name>:latest` points at the same image.
    pub tag: String,
    pub status: BuildStatus,
    pub duration: Duration,
}

/// Build every selected image (and any image it builds on) whose context hash has no image yet (all
/// of them with `force`). Up to `jobs` build at once; an image on another crucible image waits for
/// that one. All builds run to their end; the first failure is returned after the others finished.
pub async fn build(
    docker: &Docker,
    options: &BuildOptions,
) -> Result<Vec<BuildOutcome>, ImagesError> {
    let base_id = ensure_base_image(docker, &options.set).await?;
    let images = prepare_images(&options.set, &base_id)?;
    let progress = Progress::new(options.progress);
    let slots = Semaphore::new(options.jobs.max(1));
    // Each image announces whether it ended well, for the images built on it.
    let done: Vec<watch::Sender<Option<bool>>> =
        images.iter().map(|_| watch::channel(None).0).collect();
    let builds = images.iter().zip(&done).map(|(image, ended_tx)| {
        let parent = image.dir.parent.as_ref().and_then(|parent| {
            let index = images.iter().position(|i| i.name() == parent)?;
            Some((parent, done[index].subscribe()))
        });
        let shown = progress.image(&naming::repository(image.name()));
        let slots = &slots;
        async move {
            let result = async {
                if let Some((parent, mut ended)) = parent {
                    let ok = ended
                        .wait_for(Option::is_some)
                        .await
                        .is_ok_and(|ended| *ended == Some(true));
                    if !ok {
                        shown.finish(&format!("not built: crucible/{parent} failed"));
                        return Err(ImagesError::ParentFailed {
                            image: naming::repository(image.name()),
                            parent: naming::repository(parent),
                        });
                    }
                }
                // The semaphore is never closed, so this always gets a slot.
                let _slot = slots.acquire().await.ok();
                build_one(docker, options, image, shown).await
            }
            .await;
            ended_tx.send_replace(Some(result.is_ok()));
            result
        }
    });
    let results = futures_util::future::join_all(builds).await;
    results.into_iter().collect()
}

async fn build_one(
    docker: &Docker,
    options: &BuildOptions,
    image: &PreparedImage,
    shown: ImageProgress,
) -> Result<BuildOutcome, ImagesError> {
    let started = Instant::now();
    let tag = image.hash_tag();
    let status = if !options.force && image_exists(docker, &tag).await? {
        BuildStatus::UpToDate
    } else {
        shown.line("building");
        if let Err(err) = run_build(docker, options, image, &shown).await {
            shown.finish("FAILED");
            return Err(err);
        }
        BuildStatus::Built
    };
    point_latest(docker, image.name(), &tag).await?;
    let duration = started.elapsed();
    shown.finish(&match status {
        BuildStatus::UpToDate => format!("{tag} up to date"),
        BuildStatus::Built => format!("{tag} built in {:.1}s", duration.as_secs_f64()),
    });
    Ok(BuildOutcome {
        name: image.name().clone(),
        tag,
        status,
        duration,
    })
}

async fn image_exists(docker: &Docker, name: &str) -> Result<bool, ImagesError> {
    Ok(docker::image::find_image_id(docker, name).await?.is_some())
}

/// Make `crucible/<name>:latest` the image tagged `hash_tag` (no-op when it already is).
async fn point_latest(
    docker: &Docker,
    name: &ImageName,
    hash_tag: &str,
) -> Result<(), ImagesError> {
    let target = docker::image::find_image_id(docker, hash_tag).await?;
    let latest = docker::image::find_image_id(docker, &naming::latest_tag(name)).await?;
    if target.is_some() && target == latest {
        return Ok(());
    }
    docker::image::tag_image(docker, hash_tag, &naming::repository(name), "latest").await?;
    Ok(())
}

/// Stream one `docker build`, feeding the progress display and keeping the tail for errors.
async fn run_build(
    docker: &Docker,
    options: &BuildOptions,
    image: &PreparedImage,
    shown: &ImageProgress,
) -> Result<(), ImagesError> {
    let tag = image.hash_tag();
    let labels = HashMap::from([
        (LABEL_IMAGE.to_string(), image.name().to_string()),
        (LABEL_CONTEXT_HASH.to_string(), image.hash.clone()),
    ]);
    let request = BuildRequest {
        tag: tag.clone(),
        dockerfile: "Dockerfile".into(),
        no_cache: options.force,
        build_args: image.build_args.clone().into_iter().collect(),
        labels,
        context: image.context.clone(),
    };
    let mut stream = std::pin::pin!(docker::build::build_image(docker, request));

    let mut step = String::from("the start (before the first step)");
    let mut tail: VecDeque<String> = VecDeque::with_capacity(KEPT_LINES);
    let fail = |step: &str, message: String, tail: &VecDeque<String>| ImagesError::Build {
        image: tag.clone(),
        step: step.to_string(),
        message,
        last_lines: tail.iter().cloned().collect::<Vec<_>>().join("\n"),
    };
    while let Some(event) = stream.next().await {
        let event = match event {
            Ok(event) => event,
            Err(err) => return Err(fail(&step, err.to_string(), &tail)),
        };
        match event {
            BuildEvent::Output(text) => {
                for line in text.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
                    if line.starts_with("Step ") {
                        step = line.to_string();
                    }
                    if tail.len() == KEPT_LINES {
                        tail.pop_front();
                    }
                    tail.push_back(line.to_string());
                    shown.line(line);
                }
            }
            BuildEvent::Failed(message) => return Err(fail(&step, message, &tail)),
        }
    }
    // A build stream can end without an error yet without an image (daemon hiccup): check.
    if !image_exists(docker, &tag).await? {
        return Err(fail(
            &step,
            "the build ended without producing the image".to_string(),
            &tail,
        ));
    }
    Ok(())
}
