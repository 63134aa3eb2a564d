//! What the daemon is and offers: version, API version, cgroups, runtimes, storage.
use super::engine::Engine;
use super::error::DockerError;
use bollard::Docker;

/// The daemon's version and the API version both sides speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonVersion {
    /// Docker or Podman (from the version's components).
    pub engine: Engine,
    /// The engine's version, e.g. `20.10.24` (Docker) or `4.3.1` (Podman).
    pub version: String,
    /// The newest API version the daemon speaks.
    pub api_version: String,
    /// The API version this client negotiated (see `connect`).
    pub client_api_version: String,
}

/// What the daemon reports about its host and set-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaemonInfo {
    /// `1` or `2`; None when the daemon does not say.
    pub cgroup_version: Option<String>,
    /// `cgroupfs` or `systemd`.
    pub cgroup_driver: Option<String>,
    /// OCI runtimes offered (e.g. runc, runsc), sorted.
    pub runtimes: Vec<String>,
    /// The runtime a container gets when none is asked for.
    pub default_runtime: Option<String>,
    /// e.g. `name=seccomp,profile=default`.
    pub security_options: Vec<String>,
    /// Where images and containers live on the host (e.g. `/var/lib/docker`).
    pub root_dir: Option<String>,
    /// e.g. `overlay2`.
    pub storage_driver: Option<String>,
}

impl DaemonInfo {
    pub fn has_seccomp(&self) -> bool {
        self.security_options.iter().any(|s| s.contains("seccomp"))
    }
}

pub async fn version(docker: &Docker) -> Result<DaemonVersion, DockerError> {
    let v = docker.version().await.map_err(DockerError::Version)?;
    let components = v.components.unwrap_or_default();
    Ok(DaemonVersion {
        engine: Engine::from_components(components.iter().map(|c| c.name.as_str())),
        version: v.version.unwrap_or_default(),
        api_version: v.api_version.unwrap_or_default(),
        client_api_version: docker.client_version().to_string(),
    })
}

pub async fn info(docker: &Docker) -> Result<DaemonInfo, DockerError> {
    let info = docker.info().await.map_err(DockerError::Info)?;
    let mut runtimes: Vec<String> = info.runtimes.unwrap_or_default().into_keys().collect();
    runtimes.sort();
    Ok(DaemonInfo {
        cgroup_version: non_empty(info.cgroup_version.map(|v| v.to_string())),
        cgroup_driver: non_empty(info.cgroup_driver.map(|d| d.to_string())),
        runtimes,
        default_runtime: non_empty(info.default_runtime),
        security_options: info.security_options.unwrap_or_default(),
        root_dir: non_empty(info.docker_root_dir),
        storage_driver: non_empty(info.driver),
    })
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}
