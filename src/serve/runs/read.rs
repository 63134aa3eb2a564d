//! `GET /v1/runs` and `GET /v1/runs/{id}`: the store's runs, running and finished, with counts.
use super::error::ApiError;
use super::state::{Inner, RunsState};
use super::view::{RunView, store_error, view, view_of};
use axum::Json;
use axum::extract::{Path, State};
use std::sync::Arc;

/// Run blocking store reads off the async workers.
pub async fn blocking<T: Send + 'static>(
    s: &Arc<Inner>,
    f: impl FnOnce(&Inner) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let s = s.clone();
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .map_err(|e| ApiError::Internal(format!("reading the store: {e}")))?
}

#[utoipa::path(
    get,
    path = "/v1/runs",
    responses(
        (status = 200, description = "Runs in the store, newest first, with counts", body = [Object]),
        (status = 401, description = "Missing or unknown bearer token", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn list(State(state): State<RunsState>) -> Result<Json<Vec<RunView>>, ApiError> {
    let views = blocking(&state.inner, |s| {
        let runs = s.reader.runs().map_err(|e| store_error(s, e))?;
        let mut out = Vec::with_capacity(runs.len());
        // Newest first: what a dashboard wants on top.
        for run in runs.iter().rev() {
            out.push(view(s, run)?);
        }
        Ok(out)
    })
    .await?;
    Ok(Json(views))
}

#[utoipa::path(
    get,
    path = "/v1/runs/{id}",
    params(("id" = String, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run: state and counts", body = Object),
        (status = 404, description = "No such run", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<RunsState>,
    Path(run_id): Path<String>,
) -> Result<Json<RunView>, ApiError> {
    let v = blocking(&state.inner, move |s| view_of(s, &run_id)).await?;
    Ok(Json(v))
}
