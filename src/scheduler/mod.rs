//! `crucible run`'s engine: plan, schedule, record.
mod engine;
mod job;
mod key;
mod progress;
mod writer;

pub use engine::{Engine, EngineConfig, RunOutcome};
pub use job::{Job, now_ms};
pub use key::execution_key;
pub use progress::{Progress, ProgressMode};
pub use writer::StoreWriter;
