//! Container operations, each mapped to its own error variant.
use super::error::DockerError;
use bollard::Docker;
use bollard::container::{AttachContainerResults, LogOutput};
use bollard::models::{ContainerCreateBody, ContainerSummary};
use bollard::query_parameters::{
    AttachContainerOptions, KillContainerOptions, ListContainersOptions, RemoveContainerOptions,
    WaitContainerOptions,
};
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;
use std::pin::Pin;

pub type OutputStream =
    Pin<Box<dyn Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>>;

pub async fn create(docker: &Docker, body: ContainerCreateBody) -> Result<String, DockerError> {
    let image = body.image.clone().unwrap_or_default();
    match docker.create_container(None, body).await {
        Ok(created) => Ok(created.id),
        Err(source) if DockerError::is_missing_image(&source) => {
            Err(DockerError::ImageMissing { image })
        }
        Err(source) => Err(DockerError::CreateContainer { image, source }),
    }
}

/// Attach stdin/stdout/stderr before start, so no output is missed.
pub async fn attach(docker: &Docker, id: &str) -> Result<AttachContainerResults, DockerError> {
    let options = AttachContainerOptions {
        stdin: true,
        stdout: true,
        stderr: true,
        stream: true,
        logs: false,
        detach_keys: None,
    };
    docker
        .attach_container(id, Some(options))
        .await
        .map_err(|source| DockerError::AttachContainer {
            id: id.into(),
            source,
        })
}

pub async fn start(docker: &Docker, id: &str) -> Result<(), DockerError> {
    docker
        .start_container(id, None)
        .await
        .map_err(|source| DockerError::StartContainer {
            id: id.into(),
            source,
        })
}

/// Wait until the container stops; its exit code. (bollard reports a non-zero exit as an
/// error variant carrying the code; that is not a failure of the wait.)
pub async fn wait(docker: &Docker, id: &str) -> Result<i64, DockerError> {
    let options = WaitContainerOptions {
        condition: "not-running".into(),
    };
    let mut stream = docker.wait_container(id, Some(options));
    match stream.next().await {
        Some(Ok(response)) => Ok(response.status_code),
        Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => Ok(code),
        Some(Err(source)) => Err(DockerError::WaitContainer {
            id: id.into(),
            source,
        }),
        None => Err(DockerError::WaitContainer {
            id: id.into(),
            source: bollard::errors::Error::DockerStreamError {
                error: "wait stream ended without a status".into(),
            },
        }),
    }
}

/// SIGKILL every process of the container. A container that already stopped is not an error.
pub async fn kill(docker: &Docker, id: &str) -> Result<(), DockerError> {
    let options = KillContainerOptions {
        signal: "SIGKILL".into(),
    };
    match docker.kill_container(id, Some(options)).await {
        Ok(()) => Ok(()),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 409 | 404,
            ..
        }) => Ok(()),
        Err(source) => Err(DockerError::KillContainer {
            id: id.into(),
            source,
        }),
    }
}

/// Whether the kernel's OOM killer fired in the container, per the daemon's record.
pub async fn oom_killed(docker: &Docker, id: &str) -> Result<bool, DockerError> {
    let inspect = docker.inspect_container(id, None).await.map_err(|source| {
        DockerError::InspectContainer {
            id: id.into(),
            source,
        }
    })?;
    Ok(inspect.state.and_then(|s| s.oom_killed).unwrap_or(false))
}

/// Force-remove with its anonymous volumes. A container already gone is not an error.
pub async fn remove(docker: &Docker, id: &str) -> Result<(), DockerError> {
    let options = RemoveContainerOptions {
        force: true,
        v: true,
        link: false,
    };
    match docker.remove_container(id, Some(options)).await {
        Ok(()) => Ok(()),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(()),
        // 409: removal already in progress (e.g. a concurrent gc).
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 409, ..
        }) => Ok(()),
        Err(source) => Err(DockerError::RemoveContainer {
            id: id.into(),
            source,
        }),
    }
}

/// All containers (running or not) that carry `label` (optionally `label=value`).
pub async fn list_labelled(
    docker: &Docker,
    label: &str,
) -> Result<Vec<ContainerSummary>, DockerError> {
    let mut filters = HashMap::new();
    filters.insert("label".to_string(), vec![label.to_string()]);
    let options = ListContainersOptions {
        all: true,
        filters: Some(filters),
        ..Default::default()
    };
    docker
        .list_containers(Some(options))
        .await
        .map_err(DockerError::ListContainers)
}
