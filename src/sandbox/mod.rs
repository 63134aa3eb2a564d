//! The local Docker sandbox: one payload, one hardened container running the trusted harness,
//! evidence back. `local` is the executor; `harness` says how an execution becomes a container;
//! `fresh` and `reuse` are its two backends.
mod checker_stage;
mod fresh;
pub mod gc;
mod harness;
mod harness_protocol;
mod host;
mod live;
mod local;
mod output;
mod policy;
mod reaper;
mod reuse;
mod slot;

pub use crate::payload::{Payload, PayloadError, PayloadLimits};
pub use harness::{HARNESS_CAPS, REPORT_PATH};
pub use local::{Backend, Sandbox};
pub use policy::{JUDGE_UID, SANDBOX_UID, SandboxPolicy, WORKDIR};
