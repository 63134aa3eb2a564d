//! The executor seam: the run hands specs in and gets evidence back. The local Docker sandbox
//! is one implementation (its fresh/reuse backend fixed when it is built); a remote executor or
//! a test's fake is another.
use super::evidence::Evidence;
use super::spec::ExecutionSpec;

/// Identifies one dispatched attempt, so a `prepare` hint and its `execute` meet.
pub type Ticket = u64;

/// The executor could not run the execution: nothing is known about the candidate. Retried,
/// unless the daemon was unreachable: then the run pauses and runs it again without spending a
/// retry (docs/faults.md).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InfraError {
    pub message: String,
    pub kind: InfraKind,
}

/// What kind of infrastructure failure it was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InfraKind {
    /// Anything else (image missing, container broke, harness silent, …).
    #[default]
    Other,
    /// The daemon (or the remote host) could not be reached at all: connection refused, its
    /// socket missing, the API connection cut mid-request.
    DaemonUnreachable,
}

impl InfraError {
    pub fn new(message: impl Into<String>) -> Self {
        InfraError {
            message: message.into(),
            kind: InfraKind::Other,
        }
    }

    pub fn daemon_unreachable(message: impl Into<String>) -> Self {
        InfraError {
            message: message.into(),
            kind: InfraKind::DaemonUnreachable,
        }
    }

    pub fn is_daemon_unreachable(&self) -> bool {
        self.kind == InfraKind::DaemonUnreachable
    }
}

#[async_trait::async_trait]
pub trait Executor: Send + Sync + 'static {
    /// Content identity of an image (part of the execution key).
    async fn image_id(&self, image: &str) -> Result<String, InfraError>;

    /// A hint that `spec` runs soon under `ticket` (the fresh backend creates its container
    /// ahead). Default: nothing.
    fn prepare(&self, _ticket: Ticket, _spec: &ExecutionSpec) {}

    /// Run one execution. `Err` is an infrastructure failure, never a judgement.
    async fn execute(&self, ticket: Ticket, spec: &ExecutionSpec) -> Result<Evidence, InfraError>;

    /// Stop and remove everything in flight or prepared (interrupt); how many were removed.
    async fn abort_all(&self) -> usize;

    /// Wait for background clean-up (removals, idle slots) before the process exits.
    async fn finish(&self);

    /// The OCI runtime or other isolation choice that makes results differ (execution key).
    fn runtime(&self) -> Option<String> {
        None
    }

    /// Whether the daemon (or remote host) answers now. The run calls it after an infra error
    /// and, while paused, with a growing wait until it answers. `Err`: unreachable. Default:
    /// always reachable (the run then never pauses on this executor's own judgement).
    async fn probe(&self) -> Result<(), InfraError> {
        Ok(())
    }

    /// After the daemon came back, with nothing of this run in flight: drop state that died
    /// with it (prepared containers, idle reuse slots) and remove the containers that survived
    /// the restart; how many were removed. Default: nothing to do.
    async fn recover(&self) -> usize {
        0
    }
}
