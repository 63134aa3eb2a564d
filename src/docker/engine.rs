//! Which engine serves the API: Docker, or Podman's Docker-compatible service, whose answers
//! differ in a few places crucible depends on (each difference is handled in `src/docker/`).
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    #[default]
    Docker,
    Podman,
}

impl Engine {
    /// From the component names of `GET /version`: Docker says `Engine`, Podman `Podman Engine`.
    pub fn from_components<'a>(names: impl IntoIterator<Item = &'a str>) -> Engine {
        if names
            .into_iter()
            .any(|n| n.to_ascii_lowercase().contains("podman"))
        {
            Engine::Podman
        } else {
            Engine::Docker
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::Docker => "Docker",
            Engine::Podman => "Podman",
        }
    }

    /// What crucible does differently on this engine (for `crucible doctor`).
    pub fn differences(self) -> &'static [&'static str] {
        match self {
            Engine::Docker => &[],
            Engine::Podman => &[
                "tmpfs options uid=0/gid=0 are left out (Podman rejects them; root owns its tmpfs anyway)",
                "nproc is set to pid_max, which limits nothing (Podman's own 1048576 may exceed its limit)",
                "--runtime accepts only Podman's default runtime (its Docker API ignores the one asked for)",
                "a forced removal that races the container's exit is retried (Podman refuses it once)",
            ],
        }
    }
}

/// The engine the last `connect` found; one process talks to one daemon (DOCKER_HOST).
static CURRENT: AtomicU8 = AtomicU8::new(0);
/// Podman rootless on cgroup v1 accepts memory, CPU and pids limits and ignores them (it says so
/// only in its own log), so crucible refuses to create containers there.
static LIMITS_IGNORED: AtomicBool = AtomicBool::new(false);

pub(super) fn remember_limits_ignored(ignored: bool) {
    LIMITS_IGNORED.store(ignored, Ordering::Relaxed);
}

/// Whether the daemon `connect` found would ignore container limits (see `LIMITS_IGNORED`).
pub fn limits_ignored() -> bool {
    LIMITS_IGNORED.load(Ordering::Relaxed)
}

/// Whether a Podman behind `endpoint` runs rootless: its `/info` says so in a field of its own
/// (`Rootless`) that bollard's model drops, so it is read here. Only a unix socket is asked;
/// anything else counts as not rootless.
pub(super) async fn podman_rootless(endpoint: &str) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(path) = endpoint.strip_prefix("unix://") else {
        return false;
    };
    let ask = async {
        let mut stream = tokio::net::UnixStream::connect(path).await?;
        stream
            .write_all(b"GET /v1.41/info HTTP/1.0\r\nHost: podman\r\n\r\n")
            .await?;
        let mut reply = Vec::new();
        stream.take(4 << 20).read_to_end(&mut reply).await?;
        Ok::<_, std::io::Error>(reply)
    };
    let Ok(Ok(reply)) = tokio::time::timeout(std::time::Duration::from_secs(10), ask).await else {
        return false;
    };
    rootless_in_info_reply(&reply)
}

fn rootless_in_info_reply(reply: &[u8]) -> bool {
    let body = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(&reply[..0], |at| &reply[at + 4..]);
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|info| info.get("Rootless")?.as_bool())
        .unwrap_or(false)
}

pub(super) fn remember(engine: Engine) {
    CURRENT.store(engine as u8, Ordering::Relaxed);
}

pub(super) fn current() -> Engine {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Engine::Podman,
        _ => Engine::Docker,
    }
}

#[cfg(test)]
mod tests {
    use super::Engine;

    #[test]
    fn rootless_is_read_from_podmans_own_info_field() {
        use super::rootless_in_info_reply;
        let reply =
            |body: &str| format!("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{body}");
        assert!(rootless_in_info_reply(
            reply(r#"{"CgroupVersion":"1","Rootless":true}"#).as_bytes()
        ));
        assert!(!rootless_in_info_reply(
            reply(r#"{"Rootless":false}"#).as_bytes()
        ));
        assert!(!rootless_in_info_reply(
            reply(r#"{"ServerVersion":"20.10"}"#).as_bytes()
        ));
        assert!(!rootless_in_info_reply(
            b"HTTP/1.0 500 oops\r\n\r\nnot json"
        ));
        assert!(!rootless_in_info_reply(b""));
    }

    #[test]
    fn podman_is_told_by_its_component_name() {
        assert_eq!(
            Engine::from_components(["Podman Engine", "Conmon", "OCI Runtime (crun)"]),
            Engine::Podman
        );
        assert_eq!(
            Engine::from_components(["Engine", "containerd", "runc", "docker-init"]),
            Engine::Docker
        );
        assert_eq!(Engine::from_components([]), Engine::Docker);
    }
}
