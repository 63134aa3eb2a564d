//! Runs over HTTP: start a run of uploaded candidates over server-side task roots, follow it
//! live (server-sent events), read its report and executions, cancel it.
mod cancel;
mod clock;
mod create;
mod error;
mod events;
mod execution;
mod live;
mod options;
mod progress;
mod read;
mod report;
mod roots;
mod routes;
mod scoped;
mod state;
mod tasks;
mod upload;
mod view;

pub use error::ApiError;
pub use progress::{Progress, RunState};
pub use roots::TaskRoot;
pub use routes::router;
pub use state::RunsState;
