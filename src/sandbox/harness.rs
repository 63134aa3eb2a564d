//! The trusted harness: how an execution becomes a container. Both backends run the same
//! harness (`harness.pl`) in the same kind of container — a fresh one for one execution, a
//! reuse slot for many — so both judge from the same figures (docs/security.md).
use super::harness_protocol::REPORT_CAP;
use super::policy::{JUDGE_UID, SandboxPolicy, WORKDIR};
use crate::docker::{ContainerSpec, labels};
use crate::execution::ExecutionSpec;

const SCRIPT: &str = include_str!("harness.pl");
/// The Python forkserver a reuse slot's harness may start (docs/reuse-mode.md).
const FORKSERVER: &str = include_str!("../harness/forkserver.py");

/// Where an in-process runner writes its report (candidate-writable: in-process tests share the
/// candidate's uid). A split judge's report goes to a pipe instead.
pub const REPORT_PATH: &str = "/tmp/crucible-report";

/// The capabilities the harness keeps, and why: SETUID/SETGID to become the candidate's and the
/// judge's uid, KILL to sweep their processes, CHOWN to unpack hidden files as the judge's. The
/// candidate's processes hold none (a uid change from root clears them).
pub const HARNESS_CAPS: [&str; 4] = ["SETUID", "SETGID", "KILL", "CHOWN"];

/// The container that runs the harness for `spec`: the policy's hardening and limits, root with
/// only `HARNESS_CAPS`, the harness script on the command line (any image with perl-base and
/// tar works: nothing is mounted or installed).
pub fn container_spec(policy: &SandboxPolicy, spec: &ExecutionSpec, reuse: bool) -> ContainerSpec {
    let (uid, gid) = policy.uid_gid();
    let mut cmd = vec![
        "perl".into(),
        "-e".into(),
        SCRIPT.into(),
        uid.into(),
        gid.into(),
        JUDGE_UID.to_string(),
        WORKDIR.into(),
        REPORT_CAP.to_string(),
    ];
    let mut limits = spec.limits.clone();
    limits.pids += 2; // tini and the harness
    if reuse {
        cmd.push(FORKSERVER.into());
        limits.pids += 2; // Python forkservers: with and without -I
    }
    // A slot serves many tasks: it carries the run's label only.
    let task = if reuse { None } else { spec.task_id.as_deref() };
    let mut labels = labels::for_execution(spec.run_id.as_deref(), task);
    if reuse {
        labels.insert("crucible.reuse".into(), "slot".into());
    }
    let mut container = policy.container_spec(&spec.image, cmd, environment(), &limits, labels);
    container.user = "0:0".into();
    container.stdin_once = !reuse;
    container.cap_add = HARNESS_CAPS.iter().map(|c| c.to_string()).collect();
    container
}

/// The environment every execution starts from (the harness gives each a fresh copy).
pub fn environment() -> Vec<String> {
    vec![
        format!("CRUCIBLE_REPORT={REPORT_PATH}"),
        "HOME=/tmp".into(),
        "LANG=C.UTF-8".into(),
        // No per-user site-packages and no bytecode caches: nothing a candidate writes under
        // HOME or next to a module changes what a later Python process imports.
        "PYTHONNOUSERSITE=1".into(),
        "PYTHONDONTWRITEBYTECODE=1".into(),
    ]
}
