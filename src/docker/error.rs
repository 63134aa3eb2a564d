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
}
