//! Liveness, readiness, the images on offer and the metrics scrape.
use super::error::ApiError;
use super::metrics::Gauges;
use super::state::{ServeState, Warmth};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImageInfo {
    /// The image's name (python, cpp, …).
    pub name: Option<String>,
    pub tags: Vec<String>,
    pub id: String,
    pub size_bytes: i64,
    /// Unix seconds.
    pub created: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Readiness {
    pub ready: bool,
    pub docker: bool,
    pub shutting_down: bool,
    /// The reuse pool ran its warm-up execution (`warming`, `warm`, or why it failed).
    pub pool: String,
    /// Isolation modes with a connected sandbox.
    pub pools: Vec<String>,
    pub reuse_idle_slots: usize,
    pub running: usize,
    pub waiting: usize,
}

/// The process is up (no authentication, no Docker call).
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready for work: the daemon answers, the sandboxes are connected, the reuse pool is warm,
/// not shutting down.
#[utoipa::path(
    get,
    path = "/readyz",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "Not ready", body = Readiness)
    ),
    security(("bearer" = []))
)]
pub async fn readyz(State(state): State<ServeState>) -> Response {
    let docker = match state.sandboxes().next() {
        Some(sb) => tokio::time::timeout(
            Duration::from_secs(5),
            crate::docker::system::version(sb.docker()),
        )
        .await
        .is_ok_and(|v| v.is_ok()),
        None => false,
    };
    let mut pools = Vec::new();
    if state.reuse.is_some() {
        pools.push("reuse".to_string());
    }
    if state.fresh.is_some() {
        pools.push("fresh".to_string());
    }
    let warmth = state.warmth();
    let pool = match &warmth {
        Warmth::Warming => "warming".to_string(),
        Warmth::Warm => "warm".to_string(),
        Warmth::Failed(why) => format!("failed: {why}"),
    };
    let r = Readiness {
        ready: docker && !state.shutting_down() && !pools.is_empty() && warmth == Warmth::Warm,
        pool,
        docker,
        shutting_down: state.shutting_down(),
        pools,
        reuse_idle_slots: state.reuse.as_ref().map_or(0, |s| s.idle_slots()),
        running: state.admission.running(),
        waiting: state.admission.waiting(),
    };
    let status = if r.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(r)).into_response()
}

/// The crucible images present on the daemon.
#[utoipa::path(
    get,
    path = "/v1/images",
    responses(
        (status = 200, description = "crucible images present", body = [ImageInfo]),
        (status = 401, description = "Missing or unknown bearer token", body = Object),
        (status = 503, description = "Docker unavailable", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn images(State(state): State<ServeState>) -> Response {
    let Some(sb) = state.sandboxes().next() else {
        return ApiError::Unavailable("no sandbox is connected".into()).into_response();
    };
    match crate::images::crucible_images(sb.docker()).await {
        Ok(list) => Json(
            list.into_iter()
                .filter(|e| !e.tags.is_empty())
                .map(|e| ImageInfo {
                    name: e.name.map(|n| n.to_string()),
                    tags: e.tags,
                    id: e.id,
                    size_bytes: e.size_bytes,
                    created: e.created,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => ApiError::Unavailable(format!("listing images failed: {e}")).into_response(),
    }
}

/// Prometheus text.
#[utoipa::path(
    get,
    path = "/metrics",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")),
    security(("bearer" = []))
)]
pub async fn metrics(State(state): State<ServeState>) -> Response {
    let text = state.metrics.render(&Gauges {
        waiting: state.admission.waiting(),
        running: state.admission.running(),
        concurrency: state.admission.concurrency(),
        reuse_idle_slots: state.reuse.as_ref().map_or(0, |s| s.idle_slots()),
    });
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
