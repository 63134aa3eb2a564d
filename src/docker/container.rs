//! Container operations, each mapped to its own error variant.
use super::container_spec::ContainerSpec;
use super::error::DockerError;
use bollard::Docker;
use bollard::container::LogOutput;
use bollard::models::ContainerSummary;
use bollard::query_parameters::{
    AttachContainerOptions, KillContainerOptions, ListContainersOptions, RemoveContainerOptions,
    WaitContainerOptions,
};
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;
use std::pin::Pin;
use tokio::io::AsyncWrite;

/// One piece of a container's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    Stdout(bytes::Bytes),
    Stderr(bytes::Bytes),
}

/// A container's output as it arrives; an `Err` ends it.
pub type OutputStream = Pin<Box<dyn Stream<Item = Result<Chunk, DockerError>> + Send>>;

/// Both ends of an attach session.
pub struct Attached {
    pub output: OutputStream,
    pub input: Pin<Box<dyn AsyncWrite + Send>>,
}

pub async fn create(docker: &Docker, spec: &ContainerSpec) -> Result<String, DockerError> {
    let image = spec.image.clone();
    if super::engine::limits_ignored() {
        return Err(DockerError::LimitsIgnored { image });
    }
    match docker
        .create_container(None, spec.to_body(super::engine::current()))
        .await
    {
        Ok(created) => Ok(created.id),
        Err(source) if DockerError::is_missing_image(&source) => {
            Err(DockerError::ImageMissing { image })
        }
        Err(source) => Err(DockerError::CreateContainer { image, source }),
    }
}

/// Attach stdin/stdout/stderr before start, so no output is missed.
pub async fn attach(docker: &Docker, id: &str) -> Result<Attached, DockerError> {
    let options = AttachContainerOptions {
        stdin: true,
        stdout: true,
        stderr: true,
        stream: true,
        logs: false,
        detach_keys: None,
    };
    let attached = docker
        .attach_container(id, Some(options))
        .await
        .map_err(|source| DockerError::AttachContainer {
            id: id.into(),
            source,
        })?;
    let owner = id.to_string();
    let output = attached.output.filter_map(move |item| {
        let chunk = match item {
            Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                Some(Ok(Chunk::Stdout(message)))
            }
            Ok(LogOutput::StdErr { message }) => Some(Ok(Chunk::Stderr(message))),
            Ok(LogOutput::StdIn { .. }) => None,
            Err(source) => Some(Err(DockerError::ReadOutput {
                id: owner.clone(),
                source,
            })),
        };
        std::future::ready(chunk)
    });
    Ok(Attached {
        output: Box::pin(output),
        input: attached.input,
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
        None => Err(DockerError::WaitEnded { id: id.into() }),
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
    let mut attempt = 0;
    let result = loop {
        let result = docker.remove_container(id, Some(options.clone())).await;
        attempt += 1;
        // Podman refuses a forced removal that races the container's own exit ("could not be
        // stopped ... container state improper: stopped"); a moment later it is stopped and goes.
        if attempt < 10 && is_stop_race(&result) {
            tokio::time::sleep(std::time::Duration::from_millis(50 * attempt)).await;
            continue;
        }
        break result;
    };
    match result {
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

fn is_stop_race(result: &Result<(), bollard::errors::Error>) -> bool {
    matches!(
        result,
        Err(bollard::errors::Error::DockerResponseServerError { status_code: 500, message })
            if message.contains("container state improper")
    )
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

#[cfg(test)]
mod tests {
    use super::is_stop_race;
    use bollard::errors::Error;

    fn server_error(status_code: u16, message: &str) -> Result<(), Error> {
        Err(Error::DockerResponseServerError {
            status_code,
            message: message.into(),
        })
    }

    #[test]
    fn only_podmans_stop_race_is_retried() {
        assert!(is_stop_race(&server_error(
            500,
            "cannot remove container 27d3 as it could not be stopped: sending SIGKILL to container 27d3: container state improper: stopped"
        )));
        assert!(!is_stop_race(&server_error(500, "driver failed")));
        assert!(!is_stop_race(&server_error(
            404,
            "container state improper"
        )));
        assert!(!is_stop_race(&Ok(())));
    }
}
