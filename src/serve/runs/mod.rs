//! Runs over HTTP: start a run of uploaded candidates over server-side task roots, follow it
//! live (server-sent events), read its report and executions, cancel it.
pub(crate) mod cancel;
mod clock;
pub(crate) mod create;
mod error;
pub(crate) mod events;
pub(crate) mod execution;
mod live;
mod options;
mod progress;
pub(crate) mod read;
pub(crate) mod report;
mod roots;
mod routes;
mod scoped;
mod state;
pub(crate) mod tasks;
mod upload;
mod view;

pub use error::ApiError;
pub use progress::{Progress, RunState};
pub use roots::TaskRoot;
pub use routes::router;
pub use state::RunsState;
