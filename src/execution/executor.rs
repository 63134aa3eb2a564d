//! The executor seam: the run hands specs in and gets evidence back. The local Docker sandbox
//! is one implementation (its fresh/reuse backend fixed when it is built); a remote executor or
//! a test's fake is another.
use super::evidence::Evidence;
use super::spec::ExecutionSpec;

/// Identifies one dispatched attempt, so a `prepare` hint and its `execute` meet.
pub type Ticket = u64;

/// The executor could not run the execution: nothing is known about the candidate. Retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InfraError {
    pub message: String,
}

impl InfraError {
    pub fn new(message: impl Into<String>) -> Self {
        InfraError {
            message: message.into(),
        }
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
}
