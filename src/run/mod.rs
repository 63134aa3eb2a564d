//! A run of many executions: plan, schedule, judge, record, and tell the sinks.
mod engine;
mod events;
mod halt;
mod key;
mod pause;
mod plan;
mod progress;
mod record;
mod retry;
#[allow(clippy::module_inception)]
mod run;
mod spec;
mod validate;
mod writer;

pub use events::{EventSink, ExecutionId, RunEvent, RunOutcome};
pub use halt::{Halt, StopHandle};
pub use key::execution_key;
pub use pause::DaemonWait;
pub use plan::{Plan, PlanFilter};
pub use progress::{JsonLines, Progress, ProgressMode};
pub use retry::RetryPolicy;
pub use run::{Run, RunConfig, RunError, RunStore};
pub use validate::{TaskCheck, ValidateOptions, Validation, validate_tasks};
pub use writer::BatchWriter;

pub(crate) use record::{execution_record, now_ms};
pub(crate) use run::task_record;
pub(crate) use spec::job_spec;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;
