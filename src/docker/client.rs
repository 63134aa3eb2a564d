//! Connecting to the daemon and asking what it offers.
use super::engine::Engine;
use super::error::DockerError;
use bollard::Docker;

/// Connect using DOCKER_HOST or the local socket, and agree on an API version the daemon speaks
/// (bollard's default is newer than e.g. Debian's docker.io 20.10 accepts). Also notes whether
/// the daemon is Docker or Podman, whose API differs in places (see `Engine`).
pub async fn connect() -> Result<Docker, DockerError> {
    let endpoint =
        std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into());
    let docker = Docker::connect_with_defaults().map_err(|source| DockerError::Connect {
        endpoint: endpoint.clone(),
        source,
    })?;
    let docker = docker
        .negotiate_version()
        .await
        .map_err(|source| DockerError::Connect {
            endpoint: endpoint.clone(),
            source,
        })?;
    let engine = super::system::version(&docker).await?.engine;
    super::engine::remember(engine);
    let ignored = engine == Engine::Podman
        && super::system::info(&docker)
            .await?
            .cgroup_version
            .as_deref()
            == Some("1")
        && super::engine::podman_rootless(&endpoint).await;
    super::engine::remember_limits_ignored(ignored);
    Ok(docker)
}

/// Whether the daemon answers now (`GET /_ping`); cheap enough to probe an outage with.
pub async fn ping(docker: &Docker) -> Result<(), DockerError> {
    docker.ping().await.map(|_| ()).map_err(DockerError::Ping)
}

/// Names of the OCI runtimes the daemon offers (e.g. runc, runsc), sorted.
pub async fn runtimes(docker: &Docker) -> Result<Vec<String>, DockerError> {
    Ok(super::system::info(docker).await?.runtimes)
}

/// Fail closed when a runtime is asked for and the daemon does not offer it, or (Podman) would
/// not use it.
pub async fn require_runtime(docker: &Docker, runtime: &str) -> Result<(), DockerError> {
    let info = super::system::info(docker).await?;
    if super::system::version(docker).await?.engine == Engine::Podman {
        // Podman 4.x lists every runtime of containers.conf but its compat API ignores
        // HostConfig.Runtime: only its default runtime is what a container really gets.
        let default = info.default_runtime.unwrap_or_default();
        return if default == runtime {
            Ok(())
        } else {
            Err(DockerError::RuntimeIgnored {
                runtime: runtime.into(),
                default,
            })
        };
    }
    let offered = info.runtimes;
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
