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

/// Names of the OCI runtimes the daemon offers (e.g. runc, runsc).
pub async fn runtimes(docker: &Docker) -> Result<Vec<String>, DockerError> {
    let info = docker.info().await.map_err(DockerError::Info)?;
    let mut names: Vec<String> = info.runtimes.unwrap_or_default().into_keys().collect();
    names.sort();
    Ok(names)
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
    match docker.inspect_image(image).await {
        Ok(inspect) => Ok(inspect.id.unwrap_or_default()),
        Err(source) if DockerError::is_missing_image(&source) => Err(DockerError::ImageMissing {
            image: image.into(),
        }),
        Err(source) => Err(DockerError::InspectImage {
            image: image.into(),
            source,
        }),
    }
}
