//! Which engine serves the API: Docker, or Podman's Docker-compatible service, whose answers
//! differ in a few places crucible depends on (each difference is handled in `src/docker/`).
use std::sync::atomic::{AtomicU8, Ordering};

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
