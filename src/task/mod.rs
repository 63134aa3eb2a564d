mod definition;
mod language;

pub use definition::{
    CandidateSpec, LimitsFile, REFERENCE_DIR, STUB_DIR, TASK_FILE, Task, TaskError, TaskFile,
};
pub use language::{Language, REPORT_PATH};
