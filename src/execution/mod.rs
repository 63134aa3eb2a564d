//! What crosses the executor seam: the spec of one execution, the evidence it produced, the
//! judged result, and the `Executor` trait every backend (local Docker, later remote) implements.
mod evidence;
mod executor;
mod result;
mod spec;

pub use evidence::{Evidence, KillReason, ReportState};
pub use executor::{Executor, InfraError, InfraKind, Ticket};
pub use result::{CapturedOutput, CaseResult, ExecutionResult};
pub use spec::{ExecutionSpec, Expectation, JUDGE_VERSION, JudgeKind, SplitJudge};
