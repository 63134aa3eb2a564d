//! The router: every endpoint, the body cap, and the token check. `app_with` merges another
//! router (the runs API, the dashboard) under the same body cap and token check.
use super::state::ServeState;
use super::{auth, batch, executor_api, health, native, openapi, piston, sandboxfusion};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub fn app(state: ServeState) -> Router {
    app_with(state, Router::new())
}

pub fn app_with(state: ServeState, extra: Router) -> Router {
    let body_cap = state.config.max_body_bytes;
    Router::new()
        .route("/v1/execute", post(native::execute))
        .route("/v1/execute/batch", post(batch::execute_batch))
        .route("/v1/images", get(health::images))
        .route("/v1/executor/info", get(executor_api::info))
        .route("/v1/executor/image/{*name}", get(executor_api::image))
        .route("/v1/executor/execute", post(executor_api::execute))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/run_code", post(sandboxfusion::run_code))
        .route("/api/v2/runtimes", get(piston::runtimes))
        .route("/api/v2/execute", post(piston::execute))
        .with_state(state.clone())
        .merge(extra)
        .layer(DefaultBodyLimit::max(body_cap))
        .layer(axum::middleware::from_fn_with_state(
            state,
            auth::require_token,
        ))
}
