//! The base image the Dockerfiles start from: find its id, or make it when it is crucible's own.
use super::error::ImagesError;
use super::naming::DEFAULT_BASE_IMAGE;
use super::spec::ImageSet;
use crate::docker::{self, Docker};
use std::path::Path;

/// The script (relative to the repo root) that debootstraps `crucible/base:bookworm`.
pub const BASE_SCRIPT: &str = "scripts/build-base-image";

/// The id of the base image, or None when it does not exist.
pub async fn base_image_id(docker: &Docker, base_ref: &str) -> Result<Option<String>, ImagesError> {
    Ok(docker::image::find_image_id(docker, base_ref).await?)
}

/// The id of the base image; when it is the default one and missing, build it with the repo's script.
pub async fn ensure_base_image(docker: &Docker, set: &ImageSet) -> Result<String, ImagesError> {
    let base_ref = set.base_ref();
    if let Some(id) = base_image_id(docker, base_ref).await? {
        return Ok(id);
    }
    if set.base_image.is_some() {
        return Err(ImagesError::BaseImage {
            message: format!(
                "base image {base_ref} is not on this Docker host: pull it (`docker pull {base_ref}`) or build it, then run this again"
            ),
        });
    }
    run_base_script(&set.repo_root).await?;
    base_image_id(docker, base_ref)
        .await?
        .ok_or_else(|| ImagesError::BaseImage {
            message: format!(
                "{BASE_SCRIPT} finished but {DEFAULT_BASE_IMAGE} still does not exist"
            ),
        })
}

async fn run_base_script(repo_root: &Path) -> Result<(), ImagesError> {
    let script = repo_root.join(BASE_SCRIPT);
    let how = format!(
        "build it with `{BASE_SCRIPT}` from the crucible repository (needs root and debootstrap), or pass --base debian:bookworm-slim if you can pull from a registry"
    );
    if !script.is_file() {
        return Err(ImagesError::BaseImage {
            message: format!(
                "base image {DEFAULT_BASE_IMAGE} is missing and {} does not exist: {how}",
                script.display()
            ),
        });
    }
    tracing::info!(
        "base image {DEFAULT_BASE_IMAGE} is missing: running {}",
        script.display()
    );
    // stderr stays attached so the user sees the script's progress.
    let status = tokio::process::Command::new("bash")
        .arg(&script)
        .arg(DEFAULT_BASE_IMAGE)
        .stdout(std::process::Stdio::null())
        .status()
        .await;
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(ImagesError::BaseImage {
            message: format!(
                "base image {DEFAULT_BASE_IMAGE} is missing and {} failed ({status}); {how}",
                script.display()
            ),
        }),
        Err(err) => Err(ImagesError::BaseImage {
            message: format!(
                "base image {DEFAULT_BASE_IMAGE} is missing and {} could not be started ({err}); {how}",
                script.display()
            ),
        }),
    }
}
