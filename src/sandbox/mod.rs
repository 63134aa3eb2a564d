//! The sandbox core: one payload, one hardened container, one verdict.
mod ahead;
mod entrypoint;
mod executor;
pub mod gc;
mod judge;
mod live;
mod oom;
mod output;
mod payload;
mod policy;
mod reaper;
mod result;
mod reuse;
mod slot;
mod slot_protocol;
mod stream;

pub use ahead::Ahead;
pub use executor::{ExecutionSpec, Sandbox};
pub use judge::{Expectation, KillReason};
pub use payload::{Payload, PayloadError, PayloadLimits};
pub use policy::{SANDBOX_UID, SandboxPolicy, WORKDIR};
pub use result::{CapturedOutput, ExecutionResult};
