//! The executor API: a `crucible serve` replica as the remote executor of `crucible run
//! --executor`. It runs a spec the coordinator built and answers with the evidence; the verdict
//! is made in the coordinator's judge, never here. Admission, tokens, the body cap and the
//! request deadline are the rest of `/v1`'s; dropping the request (client gone, coordinator
//! interrupted) drops the execution, whose guards remove its container.
use super::config::Isolation;
use super::error::ApiError;
use super::native::{image_of, parse_body};
use super::runner;
use super::scrub::scrub_host_paths;
use super::state::ServeState;
use crate::docker::DockerError;
use crate::execution::{ExecutionSpec, Executor};
use crate::limits::Limits;
use crate::remote::wire::{ExecutorAnswer, ExecutorInfo, ExecutorRequest, ImageIdentity};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

/// What a replica tells a coordinator before work is sent.
#[utoipa::path(
    get,
    path = "/v1/executor/info",
    responses(
        (status = 200, description = "Runtime, concurrency and isolation modes", body = ExecutorInfo),
        (status = 401, description = "Missing or unknown bearer token", body = Object),
    ),
    security(("bearer" = []))
)]
pub async fn info(State(state): State<ServeState>) -> Response {
    Json(ExecutorInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        runtime: state.config.runtime.clone(),
        concurrency: state.admission.concurrency(),
        isolation: state
            .config
            .isolation
            .iter()
            .filter(|i| state.sandbox(**i).is_some())
            .map(|i| i.as_str().to_string())
            .collect(),
        request_deadline_secs: state.config.request_deadline.as_secs(),
    })
    .into_response()
}

/// The content identity of a crucible image on this replica (part of the execution key).
#[utoipa::path(
    get,
    path = "/v1/executor/image/{name}",
    params(("name" = String, Path, description = "A crucible image, e.g. crucible/python:latest")),
    responses(
        (status = 200, description = "The image's id", body = ImageIdentity),
        (status = 400, description = "Not a crucible image name", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object),
        (status = 404, description = "The image is not on this replica", body = Object),
        (status = 503, description = "Docker unavailable", body = Object),
    ),
    security(("bearer" = []))
)]
pub async fn image(State(state): State<ServeState>, Path(name): Path<String>) -> Response {
    let image = match image_of(Some(&name), None) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let Some(sb) = state.sandboxes().next() else {
        return ApiError::Unavailable("no sandbox is connected".into()).into_response();
    };
    match crate::docker::image_id(sb.docker(), &image).await {
        Ok(image_id) => Json(ImageIdentity { image, image_id }).into_response(),
        Err(DockerError::ImageMissing { .. }) => ApiError::NotFound(format!(
            "image `{image}` is not on this replica: run `crucible images build` there"
        ))
        .into_response(),
        // The daemon answers but will not inspect it (e.g. a name Docker finds invalid).
        Err(e) if crate::docker::system::version(sb.docker()).await.is_ok() => {
            ApiError::NotFound(scrub_host_paths(&format!(
                "image `{image}` is not usable on this replica: {e}"
            )))
            .into_response()
        }
        Err(e) => ApiError::Unavailable(scrub_host_paths(&format!(
            "inspecting `{image}` failed: {e}"
        )))
        .into_response(),
    }
}

/// Run one execution spec and answer with its evidence, unjudged.
#[utoipa::path(
    post,
    path = "/v1/executor/execute",
    request_body = ExecutorRequest,
    responses(
        (status = 200, description = "`{\"evidence\": …}`, or `{\"infra_error\": {\"message\"}}` when this replica's daemon or image failed", body = ExecutorAnswer),
        (status = 400, description = "The spec is malformed or asks for more than the server allows", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object),
        (status = 403, description = "The requested isolation is disabled", body = Object),
        (status = 409, description = "This replica's image differs from the coordinator's (`image_id`)", body = Object),
        (status = 429, description = "The queue is full; see Retry-After", body = Object),
        (status = 503, description = "Shutting down", body = Object),
        (status = 504, description = "The request's deadline passed", body = Object),
    ),
    security(("bearer" = []))
)]
pub async fn execute(State(state): State<ServeState>, body: Bytes) -> Response {
    let req: ExecutorRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    match admit(&state, &req).await {
        Ok(isolation) => {
            let deadline = state.config.request_deadline;
            match tokio::time::timeout(deadline, run(&state, isolation, &req.spec)).await {
                Ok(Ok(answer)) => Json(answer).into_response(),
                Ok(Err(e)) => e.into_response(),
                Err(_) => ApiError::Deadline(deadline.as_secs()).into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}

/// Check the request before any container: isolation, image, limits, the image's identity.
async fn admit(state: &ServeState, req: &ExecutorRequest) -> Result<Isolation, ApiError> {
    let asked = match req.isolation.as_deref() {
        None => None,
        Some(s) => Some(Isolation::parse(s).ok_or_else(|| {
            ApiError::BadRequest(format!("isolation `{s}` is unknown (fresh or reuse)"))
        })?),
    };
    let isolation = runner::isolation(state, asked)?;
    let spec = &req.spec;
    image_of(Some(&spec.image), None)?;
    if spec.command.is_empty() || spec.command[0].is_empty() {
        return Err(ApiError::BadRequest(
            "spec.command must be a non-empty argv".into(),
        ));
    }
    check_limits(state, &spec.limits)?;
    if let Some(expected) = &req.image_id {
        let sandbox = state.sandbox(isolation).expect("checked by isolation()");
        // A missing image is this replica's infrastructure trouble: the execution answers it.
        if let Ok(here) = sandbox.image_id(&spec.image).await
            && here != *expected
        {
            return Err(ApiError::Conflict(format!(
                "image `{}` here is {here}, the coordinator keyed the execution with {expected}: \
                 build the same image on every replica",
                spec.image
            )));
        }
    }
    Ok(isolation)
}

/// The spec's limits must be sane and within this server's maxima (never silently lowered:
/// they are part of the execution key).
fn check_limits(state: &ServeState, l: &Limits) -> Result<(), ApiError> {
    let bad = |why: &str| Err(ApiError::BadRequest(format!("spec.limits: {why}")));
    if l.timeout.is_zero() {
        return bad("timeout must be above 0");
    }
    if l.memory_bytes < 6 * crate::limits::MIB {
        return bad("memory must be at least 6 MiB (Docker's minimum)");
    }
    if !(l.cpus.is_finite() && l.cpus >= 0.01) {
        return bad("cpus must be at least 0.01");
    }
    if l.pids < 1 || l.output_bytes == 0 || l.open_files == 0 {
        return bad("pids, output_bytes and open_files must be above 0");
    }
    // The tmpfs sizes are charged to the container's memory; a bound keeps a typo sane.
    let tmpfs_cap = state
        .config
        .caps
        .memory_bytes
        .max(Limits::default().workdir_bytes);
    if l.workdir_bytes == 0
        || l.tmp_bytes == 0
        || l.workdir_bytes > tmpfs_cap
        || l.tmp_bytes > tmpfs_cap
    {
        return bad(&format!(
            "workdir_bytes and tmp_bytes must be between 1 and {tmpfs_cap} bytes"
        ));
    }
    if l.open_files > 1 << 20 {
        return bad("open_files must be at most 1048576");
    }
    if let Some(why) = state.config.caps.exceeded(l) {
        return bad(&why);
    }
    Ok(())
}

/// Admission, then the sandbox; an infrastructure failure is an answer, not an HTTP error.
async fn run(
    state: &ServeState,
    isolation: Isolation,
    spec: &ExecutionSpec,
) -> Result<ExecutorAnswer, ApiError> {
    let (sandbox, _permit) = runner::admit(state, isolation, true).await?;
    match sandbox.execute(state.ticket(), spec).await {
        Ok(evidence) => Ok(ExecutorAnswer::Evidence(Box::new(evidence))),
        // Cut short by shutdown: the coordinator sends it to another replica.
        Err(_) if state.shutting_down() => Err(ApiError::ShuttingDown),
        Err(e) => Ok(ExecutorAnswer::InfraError {
            message: scrub_host_paths(&e.message),
        }),
    }
}
