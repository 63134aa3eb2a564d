//! `DELETE /v1/runs/{id}`: cancel a running run. It starts nothing more, removes the containers
//! in flight and records them as interrupted; the answer comes once that is done.
use super::error::ApiError;
use super::read::blocking;
use super::state::RunsState;
use super::view::{RunView, find_run, view_of};
use axum::Json;
use axum::extract::{Path, State};
use std::time::Duration;

/// How long to wait for the containers in flight to be removed before answering anyway.
const CANCEL_WAIT: Duration = Duration::from_secs(120);

#[utoipa::path(
    delete,
    path = "/v1/runs/{id}",
    params(("id" = String, Path, description = "Run id")),
    responses(
        (status = 200, description = "Cancelled; its containers are removed", body = Object),
        (status = 404, description = "No such run", body = Object),
        (status = 409, description = "The run is not running", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn cancel(
    State(state): State<RunsState>,
    Path(run_id): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    let Some(live) = state.inner.live.get(&run_id).filter(|l| !l.is_done()) else {
        let id = run_id.clone();
        blocking(&state.inner, move |s| find_run(s, &id).map(|_| ())).await?;
        return Err(ApiError::Conflict(format!(
            "run `{run_id}` is not running (it finished, or another process ran it)"
        )));
    };
    live.stop.interrupt();
    if tokio::time::timeout(CANCEL_WAIT, live.wait_done())
        .await
        .is_err()
    {
        tracing::warn!("run {run_id}: still removing containers after {CANCEL_WAIT:?}");
    }
    let v = blocking(&state.inner, move |s| view_of(s, &run_id)).await?;
    Ok(Json(v))
}
