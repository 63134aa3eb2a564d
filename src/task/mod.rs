//! Tasks (the benchmark format), candidates, and how the two become an execution.
mod candidates;
mod definition;
mod execution;
mod language;
mod load;

pub use candidates::{read_candidate_dir, scan_candidate_dir, CandidateError, CandidateRef, CandidateSource};
pub use definition::{CandidateSpec, LimitsFile, Task, TaskError, TaskFile, REFERENCE_DIR, STUB_DIR, TASK_FILE};
pub use execution::execution_spec;
pub use language::{Language, REPORT_PATH};
pub use load::load_tasks;
