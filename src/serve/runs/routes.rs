//! The runs API's routes, with the dashboard at `/`.
use super::state::RunsState;
use super::{cancel, create, events, execution, read, report, tasks};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

/// Largest upload of candidates: the payload cap of one JSONL line (64 MiB) plus headroom for a
/// few more lines.
const MAX_UPLOAD: usize = 256 * 1024 * 1024;

/// The runs API and the dashboard, state applied; the server merges it into its router.
pub fn router(state: RunsState) -> Router {
    let api = Router::new()
        .route(
            "/v1/runs",
            get(read::list)
                .post(create::create)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/v1/runs/{id}", get(read::get).delete(cancel::cancel))
        .route("/v1/runs/{id}/events", get(events::events))
        .route("/v1/runs/{id}/report", get(report::report))
        .route(
            "/v1/runs/{id}/executions/{task_id}/{model}",
            get(execution::execution),
        )
        .route("/v1/tasks", get(tasks::tasks))
        .with_state(state);
    api.merge(crate::serve::dashboard::router())
}
