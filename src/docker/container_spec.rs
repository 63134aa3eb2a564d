//! crucible's own description of a container to create; the only place it becomes bollard's
//! create request. What the sandbox decides (hardening, limits, mounts) is data here.
use super::engine::Engine;
use bollard::models::{ContainerCreateBody, HostConfig, HostConfigLogConfig, ResourcesUlimits};
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerSpec {
    pub image: String,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    /// `uid:gid` the command starts as.
    pub user: String,
    pub working_dir: String,
    pub labels: HashMap<String, String>,
    pub network: bool,
    pub read_only_root: bool,
    pub cap_drop_all: bool,
    pub cap_add: Vec<String>,
    pub no_new_privileges: bool,
    pub init: bool,
    pub runtime: Option<String>,
    pub memory_bytes: i64,
    pub nano_cpus: i64,
    pub pids: i64,
    /// (name, soft = hard)
    pub ulimits: Vec<(String, i64)>,
    /// mount point → tmpfs options
    pub tmpfs: HashMap<String, String>,
    pub shm_bytes: i64,
    /// Keep stdin open across attach sessions (a long-lived supervisor) or close it after the
    /// first (one execution).
    pub stdin_once: bool,
}

impl ContainerSpec {
    pub(super) fn to_body(&self, engine: Engine) -> ContainerCreateBody {
        let host_config = HostConfig {
            network_mode: Some(if self.network { "bridge" } else { "none" }.into()),
            cap_drop: self.cap_drop_all.then(|| vec!["ALL".into()]),
            cap_add: (!self.cap_add.is_empty()).then(|| self.cap_add.clone()),
            security_opt: self
                .no_new_privileges
                .then(|| vec!["no-new-privileges".into()]),
            readonly_rootfs: Some(self.read_only_root),
            memory: Some(self.memory_bytes),
            memory_swap: Some(self.memory_bytes),
            nano_cpus: Some(self.nano_cpus),
            pids_limit: Some(self.pids),
            ulimits: Some(
                ulimits(&self.ulimits, engine)
                    .into_iter()
                    .map(|(name, v)| ResourcesUlimits {
                        name: Some(name),
                        soft: Some(v),
                        hard: Some(v),
                    })
                    .collect(),
            ),
            init: Some(self.init),
            tmpfs: Some(
                self.tmpfs
                    .iter()
                    .map(|(at, options)| (at.clone(), tmpfs_options(options, engine)))
                    .collect(),
            ),
            shm_size: Some(self.shm_bytes),
            // Output is read over attach; no log driver keeps a copy on the host's disk.
            log_config: Some(HostConfigLogConfig {
                typ: Some("none".into()),
                config: None,
            }),
            runtime: self.runtime.clone(),
            ..Default::default()
        };
        ContainerCreateBody {
            image: Some(self.image.clone()),
            cmd: Some(self.cmd.clone()),
            env: Some(self.env.clone()),
            user: Some(self.user.clone()),
            working_dir: Some(self.working_dir.clone()),
            // The image's own entrypoint would change what runs; crucible's is in cmd.
            entrypoint: Some(vec![]),
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            open_stdin: Some(true),
            stdin_once: Some(self.stdin_once),
            tty: Some(false),
            network_disabled: Some(!self.network),
            labels: Some(self.labels.clone()),
            host_config: Some(host_config),
            ..Default::default()
        }
    }
}

/// Given any ulimit, Podman (4.x) sets an unnamed `nproc` to 1,048,576 where Docker passes on
/// the daemon's own; raising it needs CAP_SYS_RESOURCE, so some hosts refuse every container.
/// `nproc` is per user and host-wide, so it cannot be the pids limit. pid_max is: no user holds
/// more processes than the host has pids, so it limits nothing, and it is never more than
/// Podman would set.
fn ulimits(asked: &[(String, i64)], engine: Engine) -> Vec<(String, i64)> {
    let mut ulimits = asked.to_vec();
    if engine == Engine::Podman && !asked.iter().any(|(name, _)| name == "nproc") {
        let pid_max = std::fs::read_to_string("/proc/sys/kernel/pid_max")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok());
        ulimits.push(("nproc".into(), podman_nproc(pid_max)));
    }
    ulimits
}

/// Podman's own default for `nproc`, lowered to pid_max where that is lower.
fn podman_nproc(pid_max: Option<i64>) -> i64 {
    const PODMAN_DEFAULT: i64 = 1_048_576;
    pid_max.map_or(PODMAN_DEFAULT, |m| m.clamp(1, PODMAN_DEFAULT))
}

/// Podman (4.x) refuses the tmpfs options `uid=`/`gid=`. The runtime mounts a tmpfs as the
/// container's root, so `uid=0`/`gid=0` is what Podman gives anyway and is left out; any other
/// owner is kept, so Podman refuses the container rather than give the mount another owner.
fn tmpfs_options(options: &str, engine: Engine) -> String {
    match engine {
        Engine::Docker => options.to_string(),
        Engine::Podman => options
            .split(',')
            .filter(|o| *o != "uid=0" && *o != "gid=0")
            .collect::<Vec<_>>()
            .join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ContainerSpec {
        ContainerSpec {
            tmpfs: HashMap::from([(
                "/work".to_string(),
                "rw,exec,size=1024,uid=0,gid=0,mode=1777".to_string(),
            )]),
            ..Default::default()
        }
    }

    fn work_tmpfs(engine: Engine) -> String {
        let body = spec().to_body(engine);
        body.host_config.unwrap().tmpfs.unwrap()["/work"].clone()
    }

    #[test]
    fn docker_gets_the_tmpfs_options_as_written() {
        assert_eq!(
            work_tmpfs(Engine::Docker),
            "rw,exec,size=1024,uid=0,gid=0,mode=1777"
        );
    }

    #[test]
    fn podman_gets_an_nproc_that_limits_nothing_and_docker_none() {
        let asked = vec![("nofile".to_string(), 1024), ("core".to_string(), 0)];
        assert_eq!(ulimits(&asked, Engine::Docker), asked);
        let podman = ulimits(&asked, Engine::Podman);
        assert_eq!(podman[..2], asked[..]);
        assert_eq!(podman[2].0, "nproc");
        assert!(podman[2].1 >= 1 && podman[2].1 <= 1_048_576);
        assert_eq!(podman_nproc(Some(32_768)), 32_768);
        assert_eq!(podman_nproc(Some(4_194_304)), 1_048_576);
        assert_eq!(podman_nproc(None), 1_048_576);
        let own = vec![("nproc".to_string(), 50)];
        assert_eq!(ulimits(&own, Engine::Podman), own);
    }

    #[test]
    fn podman_gets_them_without_the_root_owner_it_gives_anyway() {
        assert_eq!(work_tmpfs(Engine::Podman), "rw,exec,size=1024,mode=1777");
        assert_eq!(
            tmpfs_options("size=1,uid=1000,gid=0", Engine::Podman),
            "size=1,uid=1000"
        );
    }
}
