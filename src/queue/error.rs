use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error(
        "the work queue needs a PostgreSQL store (--store postgres://…), not `{location}`: \
         workers on other machines must reach it"
    )]
    NotPostgres { location: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("run `{run_id}` is not in the queue (enqueue it with `crucible run --enqueue`)")]
    NoSuchRun { run_id: String },
    #[error("queued execution {id}: {message}")]
    Corrupt { id: i64, message: String },
    #[error("{0}")]
    Executor(String),
}
