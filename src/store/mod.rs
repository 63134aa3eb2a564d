mod location;
mod migrations;
mod postgres;
mod record;
mod sqlite;
#[allow(clippy::module_inception)]
mod store;

#[cfg(test)]
mod sqlite_tests;

pub use location::{open_reader, open_store, open_writer};
pub(crate) use postgres::Session;
pub use postgres::{PgStore, redact_password};
pub use record::{ExecutionRecord, RunRecord, TaskRecord};
pub use sqlite::{SqliteStore, default_store_path};
pub use store::{FinalKey, ResultStore, StoreError, StoreReader, StoreWriter};
