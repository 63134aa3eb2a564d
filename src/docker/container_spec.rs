//! crucible's own description of a container to create; the only place it becomes bollard's
//! create request. What the sandbox decides (hardening, limits, mounts) is data here.
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
    pub(super) fn to_body(&self) -> ContainerCreateBody {
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
                self.ulimits
                    .iter()
                    .map(|(name, v)| ResourcesUlimits {
                        name: Some(name.clone()),
                        soft: Some(*v),
                        hard: Some(*v),
                    })
                    .collect(),
            ),
            init: Some(self.init),
            tmpfs: Some(self.tmpfs.clone()),
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
