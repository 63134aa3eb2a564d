//! The container's hardening. Every default is the strict one; each can be changed through the
//! API, and what was applied is recorded with the result.
use crate::limits::Limits;
use bollard::models::{ContainerCreateBody, HostConfig, HostConfigLogConfig, ResourcesUlimits};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The uid/gid candidate code runs as (the images' `sandbox` user).
pub const SANDBOX_UID: u32 = 10001;
pub const WORKDIR: &str = "/work";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxPolicy {
    /// `uid:gid` inside the container.
    pub user: String,
    pub network: bool,
    pub read_only_root: bool,
    pub drop_all_capabilities: bool,
    pub no_new_privileges: bool,
    /// An init process (tini) as PID 1: reaps zombies, forwards signals.
    pub init: bool,
    /// OCI runtime (e.g. `runsc`); when set and not offered, the run is refused.
    pub runtime: Option<String>,
}

impl Default for SandboxPolicy {
    fn default() -> Self {
        SandboxPolicy {
            user: format!("{SANDBOX_UID}:{SANDBOX_UID}"),
            network: false,
            read_only_root: true,
            drop_all_capabilities: true,
            no_new_privileges: true,
            init: true,
            runtime: None,
        }
    }
}

impl SandboxPolicy {
    /// (uid, gid) of the sandbox user; a bare uid is its own gid.
    pub fn uid_gid(&self) -> (&str, &str) {
        self.user
            .split_once(':')
            .unwrap_or((&self.user, &self.user))
    }

    /// The create request for one execution. `cmd` already includes the entrypoint.
    pub fn container_body(
        &self,
        image: &str,
        cmd: Vec<String>,
        env: Vec<String>,
        limits: &Limits,
        labels: HashMap<String, String>,
    ) -> ContainerCreateBody {
        let (uid, gid) = self.uid_gid();
        let mut tmpfs = HashMap::new();
        // exec: compiled tests run from /tmp and /work; nosuid/nodev keep the mounts inert.
        tmpfs.insert(
            WORKDIR.to_string(),
            format!(
                "rw,exec,nosuid,nodev,size={},uid={uid},gid={gid},mode=0755",
                limits.workdir_bytes
            ),
        );
        tmpfs.insert(
            "/tmp".to_string(),
            format!("rw,exec,nosuid,nodev,size={},mode=1777", limits.tmp_bytes),
        );
        let memory = i64::try_from(limits.memory_bytes).unwrap_or(i64::MAX);
        let host_config = HostConfig {
            network_mode: Some(if self.network { "bridge" } else { "none" }.into()),
            cap_drop: self.drop_all_capabilities.then(|| vec!["ALL".into()]),
            security_opt: self
                .no_new_privileges
                .then(|| vec!["no-new-privileges".into()]),
            readonly_rootfs: Some(self.read_only_root),
            memory: Some(memory),
            memory_swap: Some(memory),
            nano_cpus: Some((limits.cpus * 1e9) as i64),
            pids_limit: Some(limits.pids),
            ulimits: Some(vec![
                ulimit("nofile", limits.open_files as i64),
                ulimit("core", 0),
            ]),
            init: Some(self.init),
            tmpfs: Some(tmpfs),
            shm_size: Some(16 * 1024 * 1024),
            // Output is read over attach; no log driver keeps a copy on the host's disk.
            log_config: Some(HostConfigLogConfig {
                typ: Some("none".into()),
                config: None,
            }),
            runtime: self.runtime.clone(),
            ..Default::default()
        };
        ContainerCreateBody {
            image: Some(image.into()),
            cmd: Some(cmd),
            env: Some(env),
            user: Some(self.user.clone()),
            working_dir: Some(WORKDIR.into()),
            // The image's own entrypoint would change what runs; crucible's script is in cmd.
            entrypoint: Some(vec![]),
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            open_stdin: Some(true),
            stdin_once: Some(true),
            tty: Some(false),
            network_disabled: Some(!self.network),
            labels: Some(labels),
            host_config: Some(host_config),
            ..Default::default()
        }
    }
}

fn ulimit(name: &str, value: i64) -> ResourcesUlimits {
    ResourcesUlimits {
        name: Some(name.into()),
        soft: Some(value),
        hard: Some(value),
    }
}
