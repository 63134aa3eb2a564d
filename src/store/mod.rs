mod record;
#[allow(clippy::module_inception)]
mod store;

pub use record::{ExecutionRecord, RunRecord, TaskRecord};
pub use store::{FinalKey, ResultStore, StoreError};
