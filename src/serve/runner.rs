//! One execution on behalf of a request: admission, the request's deadline, the chosen
//! sandbox, the judgement, metrics. Dropping the future (client gone, deadline) removes the
//! execution's container: the sandboxes' guards retire what an abandoned execution holds.
use super::admission::AdmissionError;
use super::config::Isolation;
use super::error::ApiError;
use super::scrub::scrub_host_paths;
use super::state::ServeState;
use crate::execution::{Evidence, ExecutionResult, ExecutionSpec, Executor};
use crate::verdict::Verdict;
use std::time::Instant;
use tokio::sync::OwnedSemaphorePermit;

/// A judged execution and, when a container ran, what it measured (the compat endpoints read
/// the build's outcome and output files from it).
pub struct Ran {
    pub result: ExecutionResult,
    pub evidence: Option<Evidence>,
}

/// The isolation a request asked for, or the server's default; refused when configuration
/// forbids it.
pub fn isolation(state: &ServeState, asked: Option<Isolation>) -> Result<Isolation, ApiError> {
    let isolation = asked.unwrap_or_else(|| state.config.default_isolation());
    if !state.config.allows(isolation) || state.sandbox(isolation).is_none() {
        return Err(ApiError::Forbidden(format!(
            "isolation `{}` is disabled on this server (allowed: {})",
            isolation.as_str(),
            state
                .config
                .isolation
                .iter()
                .map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(isolation)
}

/// Run `spec` within the bounded queue (`bounded`) or as an admitted batch's item.
pub async fn run(
    state: &ServeState,
    endpoint: &'static str,
    isolation: Isolation,
    spec: ExecutionSpec,
    bounded: bool,
) -> Result<Ran, ApiError> {
    let deadline = state.config.request_deadline;
    match tokio::time::timeout(
        deadline,
        run_admitted(state, endpoint, isolation, spec, bounded),
    )
    .await
    {
        Ok(ran) => ran,
        Err(_) => Err(ApiError::Deadline(deadline.as_secs())),
    }
}

async fn run_admitted(
    state: &ServeState,
    endpoint: &'static str,
    isolation: Isolation,
    spec: ExecutionSpec,
    bounded: bool,
) -> Result<Ran, ApiError> {
    let started = Instant::now();
    let (sandbox, _permit) = admit(state, isolation, bounded).await?;
    let ticket = state.ticket();
    let (mut result, evidence) = match sandbox.execute(ticket, &spec).await {
        Ok(evidence) => (
            crate::judge::conclude(&spec, evidence.clone()),
            Some(evidence),
        ),
        Err(e) if state.shutting_down() => {
            tracing::debug!("execution ended by shutdown: {e}");
            let mut r = crate::judge::interrupted(&spec.image, &spec.limits);
            r.payload_sha256 = Some(spec.payload.sha256().to_string());
            (r, None)
        }
        Err(e) => (crate::judge::infra_error(&spec, &e), None),
    };
    result.reason = scrub_host_paths(&result.reason);
    state
        .metrics
        .executed(endpoint, result.verdict, started.elapsed());
    Ok(Ran { result, evidence })
}

/// A refusal before any container: the same result object, verdict `invalid_input`.
/// The sandbox for `isolation` and a place in the admission queue (`bounded`: 429 when it is
/// full), refused while the server shuts down.
pub(super) async fn admit(
    state: &ServeState,
    isolation: Isolation,
    bounded: bool,
) -> Result<
    (
        std::sync::Arc<crate::sandbox::Sandbox>,
        OwnedSemaphorePermit,
    ),
    ApiError,
> {
    if state.shutting_down() {
        return Err(ApiError::ShuttingDown);
    }
    let sandbox = state
        .sandbox(isolation)
        .ok_or_else(|| {
            ApiError::Forbidden(format!("isolation `{}` is disabled", isolation.as_str()))
        })?
        .clone();
    let entered = if bounded {
        state.admission.enter().await
    } else {
        state.admission.enter_unbounded().await
    };
    let permit = match entered {
        Ok(p) => p,
        Err(AdmissionError::Full { running, waiting }) => {
            state.metrics.rejected();
            return Err(ApiError::Busy {
                running,
                waiting,
                retry_after_secs: 1,
            });
        }
        Err(AdmissionError::Closed) => return Err(ApiError::ShuttingDown),
    };
    if state.shutting_down() {
        return Err(ApiError::ShuttingDown);
    }
    Ok((sandbox, permit))
}

pub fn refused(
    state: &ServeState,
    endpoint: &'static str,
    spec_image: &str,
    limits: &crate::limits::Limits,
    why: &str,
) -> ExecutionResult {
    state
        .metrics
        .executed(endpoint, Verdict::InvalidInput, std::time::Duration::ZERO);
    crate::judge::invalid_input(spec_image, limits, scrub_host_paths(why))
}
