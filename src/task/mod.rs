//! Tasks (the benchmark format), candidates, and how the two become an execution.
mod candidates;
mod definition;
mod execution;
mod language;
mod load;

pub use candidates::{
    CandidateError, CandidateRef, CandidateSource, is_declared, read_candidate_dir,
    scan_candidate_dir,
};
pub use definition::{
    CandidateSpec, EXPECTED_TESTS_FILE, JudgeFile, LimitsFile, REFERENCE_DIR, STUB_DIR, TASK_FILE,
    Task, TaskError, TaskFile, is_hidden,
};
pub use execution::execution_spec;
pub use language::Language;
pub use load::load_tasks;
