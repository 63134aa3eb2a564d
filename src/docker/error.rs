//! One error variant per Docker operation, so a message says which step failed.
use bollard::errors::Error as BollardError;

#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error(
        "cannot reach the Docker daemon ({endpoint}): {source}. Start it (scripts/ensure-docker) or set DOCKER_HOST."
    )]
    Connect {
        endpoint: String,
        source: BollardError,
    },
    #[error("Docker daemon: ping failed: {0}")]
    Ping(BollardError),
    #[error("Docker daemon: `version` failed: {0}")]
    Version(BollardError),
    #[error("Docker daemon: `info` failed: {0}")]
    Info(BollardError),
    #[error(
        "image `{image}` not found on the daemon: build it with `make images` (or `crucible images build`)"
    )]
    ImageMissing { image: String },
    #[error("image `{image}`: inspect failed: {source}")]
    InspectImage { image: String, source: BollardError },
    #[error(
        "runtime `{runtime}` was asked for but the daemon offers only [{offered}]: refusing to fall back (register it in /etc/docker/daemon.json and restart dockerd)"
    )]
    RuntimeUnavailable { runtime: String, offered: String },
    #[error(
        "runtime `{runtime}` was asked for but Podman's Docker-compatible API ignores the runtime a container asks for and runs its default (`{default}`): refusing to fall back to it (make it Podman's default: `runtime = \"{runtime}\"` under [engine] in containers.conf, then restart `podman system service`)"
    )]
    RuntimeIgnored { runtime: String, default: String },
    #[error(
        "create container from `{image}`: refused: this Podman runs rootless on cgroup v1, where it ignores memory, CPU and pids limits. Use rootful Podman (`sudo podman system service`), Docker, or a cgroup v2 host with systemd"
    )]
    LimitsIgnored { image: String },
    #[error("create container from `{image}`: {source}")]
    CreateContainer { image: String, source: BollardError },
    #[error("attach to container {id}: {source}")]
    AttachContainer { id: String, source: BollardError },
    #[error("start container {id}: {source}")]
    StartContainer { id: String, source: BollardError },
    #[error("send payload to container {id}: {source}")]
    SendPayload { id: String, source: std::io::Error },
    #[error("wait for container {id}: {source}")]
    WaitContainer { id: String, source: BollardError },
    #[error("wait for container {id}: the daemon ended the wait without an exit status")]
    WaitEnded { id: String },
    #[error("read output of container {id}: {source}")]
    ReadOutput { id: String, source: BollardError },
    #[error("container {id} did not stop within {secs} s after it was killed")]
    DidNotStop { id: String, secs: u64 },
    #[error("create container from `{image}`: the creation task ended early: {message}")]
    CreationAborted { image: String, message: String },
    #[error("kill container {id}: {source}")]
    KillContainer { id: String, source: BollardError },
    #[error("inspect container {id}: {source}")]
    InspectContainer { id: String, source: BollardError },
    #[error("remove container {id}: {source}")]
    RemoveContainer { id: String, source: BollardError },
    #[error("sandbox container {id}: {message}")]
    Supervisor { id: String, message: String },
    #[error("list containers: {0}")]
    ListContainers(BollardError),
    #[error("list images ({filter}): {source}")]
    ListImages {
        filter: String,
        source: BollardError,
    },
    #[error("tag image {image} as {tag}: {source}")]
    TagImage {
        image: String,
        tag: String,
        source: BollardError,
    },
    #[error(
        "remove image {image}: {source} (an image still used by a container is kept: remove the container first)"
    )]
    RemoveImage { image: String, source: BollardError },
    #[error(
        "build image {image}: the build stream failed: {source}. Check that dockerd is healthy (`docker info`) and build again."
    )]
    BuildImage { image: String, source: BollardError },
}

impl DockerError {
    /// Whether the daemon said the image does not exist (so the fix is to build it, not retry).
    pub fn is_missing_image(source: &BollardError) -> bool {
        matches!(
            source,
            BollardError::DockerResponseServerError {
                status_code: 404,
                ..
            }
        )
    }

    /// Whether the daemon could not be reached at all: connection refused, its socket missing,
    /// the API connection cut mid-request (it is down or restarting). Not: the daemon answered
    /// with an error.
    pub fn is_daemon_unreachable(&self) -> bool {
        match self {
            DockerError::Connect { .. } => return true,
            // Tuple variants hold their cause without naming it a source.
            DockerError::Ping(e)
            | DockerError::Version(e)
            | DockerError::Info(e)
            | DockerError::ListContainers(e) => return bollard_unreachable(e),
            _ => {}
        }
        // Every other variant's cause is its `source`: look down the chain.
        let mut cause = std::error::Error::source(self);
        while let Some(e) = cause {
            if let Some(b) = e.downcast_ref::<BollardError>() {
                if bollard_unreachable(b) {
                    return true;
                }
            } else if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io_unreachable(io)
            {
                return true;
            }
            cause = e.source();
        }
        false
    }
}

fn bollard_unreachable(e: &BollardError) -> bool {
    match e {
        BollardError::HyperLegacyError { err } => err.is_connect() || chain_has_io_cut(err),
        BollardError::HyperResponseError { err } => {
            err.is_closed() || err.is_incomplete_message() || err.is_canceled()
        }
        BollardError::IOError { err } => io_unreachable(err),
        BollardError::SocketNotFoundError(_) => true,
        _ => false,
    }
}

fn chain_has_io_cut(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = e.source();
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && io_unreachable(io)
        {
            return true;
        }
        cause = c.source();
    }
    false
}

fn io_unreachable(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused
            | NotFound
            | ConnectionReset
            | ConnectionAborted
            | BrokenPipe
            | UnexpectedEof
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_or_cut_connection_is_an_unreachable_daemon_and_an_answer_is_not() {
        let io = |kind| BollardError::IOError {
            err: std::io::Error::from(kind),
        };
        let refused = DockerError::ListContainers(io(std::io::ErrorKind::ConnectionRefused));
        let missing = DockerError::Ping(BollardError::SocketNotFoundError("/x.sock".into()));
        let cut = DockerError::SendPayload {
            id: "c".into(),
            source: std::io::Error::from(std::io::ErrorKind::BrokenPipe),
        };
        let answered = DockerError::RemoveContainer {
            id: "c".into(),
            source: BollardError::DockerResponseServerError {
                status_code: 500,
                message: "boom".into(),
            },
        };
        assert!(refused.is_daemon_unreachable());
        assert!(missing.is_daemon_unreachable());
        assert!(cut.is_daemon_unreachable());
        assert!(!answered.is_daemon_unreachable());
        assert!(!DockerError::ImageMissing { image: "i".into() }.is_daemon_unreachable());
    }

    #[tokio::test]
    async fn a_daemon_socket_that_is_not_there_is_unreachable() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("docker.sock");
        // A socket nobody listens on any more (a stopped daemon's), then none at all.
        drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
        let path = socket.display().to_string();
        let docker =
            bollard::Docker::connect_with_unix(&path, 5, bollard::API_DEFAULT_VERSION).unwrap();
        let refused = crate::docker::ping(&docker).await.unwrap_err();
        assert!(refused.is_daemon_unreachable(), "{refused:?}");
        std::fs::remove_file(&socket).unwrap();
        let missing = crate::docker::ping(&docker).await.unwrap_err();
        assert!(missing.is_daemon_unreachable(), "{missing:?}");
    }
}
