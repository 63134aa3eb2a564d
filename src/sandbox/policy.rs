//! The container's hardening. Every default is the strict one; each can be changed through the
//! API, and what was applied is recorded with the result.
use crate::docker::ContainerSpec;
use crate::limits::Limits;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The uid/gid candidate code runs as (the images' `sandbox` user).
pub const SANDBOX_UID: u32 = 10001;
/// The uid the trusted judge process runs as (a split judge): neither the candidate's nor root.
pub use crate::payload::JUDGE_UID;
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

    /// A container for one image and limits, running `cmd` as `user`. The caller (the harness)
    /// decides the command, the user and the capabilities it adds back.
    pub fn container_spec(
        &self,
        image: &str,
        cmd: Vec<String>,
        env: Vec<String>,
        limits: &Limits,
        labels: HashMap<String, String>,
    ) -> ContainerSpec {
        let mut tmpfs = HashMap::new();
        // exec: compiled tests run from /tmp and /work; nosuid/nodev keep the mounts inert.
        // Root owns both, sticky: the candidate may add files but never replace, rename or
        // delete the task's, nor set attributes on the directories themselves.
        tmpfs.insert(
            WORKDIR.to_string(),
            format!(
                "rw,exec,nosuid,nodev,size={},uid=0,gid=0,mode=1777",
                limits.workdir_bytes
            ),
        );
        tmpfs.insert(
            "/tmp".to_string(),
            format!("rw,exec,nosuid,nodev,size={},mode=1777", limits.tmp_bytes),
        );
        ContainerSpec {
            image: image.into(),
            cmd,
            env,
            user: self.user.clone(),
            working_dir: WORKDIR.into(),
            labels,
            network: self.network,
            read_only_root: self.read_only_root,
            cap_drop_all: self.drop_all_capabilities,
            cap_add: Vec::new(),
            no_new_privileges: self.no_new_privileges,
            init: self.init,
            runtime: self.runtime.clone(),
            memory_bytes: i64::try_from(limits.memory_bytes).unwrap_or(i64::MAX),
            nano_cpus: (limits.cpus * 1e9) as i64,
            pids: limits.pids,
            ulimits: vec![
                ("nofile".into(), limits.open_files as i64),
                ("core".into(), 0),
            ],
            tmpfs,
            shm_bytes: 16 * 1024 * 1024,
            stdin_once: true,
        }
    }
}
