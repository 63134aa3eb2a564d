mod language;
mod task;

pub use language::{Language, REPORT_PATH};
pub use task::{CandidateSpec, LimitsFile, Task, TaskError, TaskFile, REFERENCE_DIR, STUB_DIR, TASK_FILE};
