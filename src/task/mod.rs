mod language;
mod task;

pub use language::{Language, REPORT_PATH};
pub use task::{
    CandidateSpec, LimitsFile, REFERENCE_DIR, STUB_DIR, TASK_FILE, Task, TaskError, TaskFile,
};
