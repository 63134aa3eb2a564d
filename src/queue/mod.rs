//! The work queue: a run planned into PostgreSQL (`crucible run --enqueue`), claimed by any
//! number of `crucible worker`s under renewed leases, followed and cancelled from the database
//! (`crucible watch`). Payload files are stored once, by content.
mod blobs;
mod claim;
mod enqueue;
mod error;
mod progress;
mod settle;
mod work_queue;
mod worker;

pub use claim::{Claimed, Completion, Renewal};
pub use enqueue::{EnqueueOptions, EnqueueOutcome, enqueue};
pub use error::QueueError;
pub use progress::QueueProgress;
pub use work_queue::WorkQueue;
pub use worker::{ExecutorFactory, Worker, WorkerConfig, WorkerEvent, WorkerOutcome};
