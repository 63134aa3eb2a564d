//! Connecting to the daemon and asking what it offers.
use super::error::DockerError;
use bollard::Docker;

/// Connect using DOCKER_HOST or the local socket, and agree on an API version the daemon speaks
/// (bollard's default is newer than e.g. Debian's docker.io 20.10 accepts).
pub async fn connect() -> Result<Docker, DockerError> {
    let endpoint =
        std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into());
    let docker = Docker::connect_with_defaults().map_err(|source| DockerError::Connect {
        endpoint: endpoint.clone(),
        source,
    })?;
    docker
        .negotiate_version()
        .await
        .map_err(|source| DockerError::Connect { endpoint, source })
}

/// Whether the daemon answers now (`GET /_ping`); cheap enough to probe an outage with.
pub async fn ping(docker: &Docker) -> Result<(), DockerError> {
    docker.ping().await.map(|_| ()).map_err(DockerError::Ping)
}

/// Names of the OCI runtimes the daemon offers (e.g. runc, runsc), sorted.
pub async fn runtimes(docker: &Docker) -> Result<Vec<String>, DockerError> {
    Ok(super::system::info(docker).await?.runtimes)
}

/// Fail closed when a runtime is asked for and the daemon does not offer it.
pub async fn require_runtime(docker: &Docker, runtime: &str) -> Result<(), DockerError> {
    let offered = runtimes(docker).await?;
    if offered.iter().any(|r| r == runtime) {
        Ok(())
    } else {
        Err(DockerError::RuntimeUnavailable {
            runtime: runtime.into(),
            offered: offered.join(", "),
        })
    }
}

/// The image's id (`sha256:…`), or `ImageMissing`.
pub async fn image_id(docker: &Docker, image: &str) -> Result<String, DockerError> {
    super::image::find_image_id(docker, image)
        .await?
        .ok_or_else(|| DockerError::ImageMissing {
            image: image.into(),
        })
}
