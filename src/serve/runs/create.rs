//! `POST /v1/runs`: a run of uploaded candidates over a server-side task root, started in the
//! background with the library's `Run`, written to the store as it goes.
use super::clock::now_ms;
use super::error::{ApiError, redact_store};
use super::live::{LiveRun, LiveSink};
use super::options::{MAX_REPEAT, QueryOptions, check_run_id, parse};
use super::progress::Progress;
use super::roots::{Selection, select};
use super::scoped::RunExecutor;
use super::state::RunsState;
use super::upload::read_jsonl;
use crate::run::{Plan, PlanFilter, Run, RunConfig, RunStore, StopHandle};
use crate::store::open_writer;
use crate::task::{Task, load_tasks};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// Rejected lines and unknown candidates named in the answer and kept with the run (the rest
/// are counted): an upload of a wrong file must not store a copy of its every line.
const MAX_LISTED: usize = 100;

/// The tasks of the selection, kept to `task_ids` when given.
fn tasks_of(
    sel: &Selection,
    task_ids: &[String],
    defaults: &crate::limits::Limits,
) -> Result<(Vec<Task>, Vec<String>), ApiError> {
    let (tasks, errors) = load_tasks(&sel.dir, defaults)
        .map_err(|e| ApiError::BadRequest(sel.redact(&e.to_string())))?;
    let skipped: Vec<String> = errors.iter().map(|e| sel.redact(&e.to_string())).collect();
    let tasks = if task_ids.is_empty() {
        tasks
    } else {
        let missing: Vec<&String> = task_ids
            .iter()
            .filter(|id| !tasks.iter().any(|t| &&t.id == id))
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::BadRequest(format!(
                "task_ids: no task {missing:?} in `{}`",
                sel.label()
            )));
        }
        tasks
            .into_iter()
            .filter(|t| task_ids.contains(&t.id))
            .collect()
    };
    if tasks.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "no tasks in `{}` ({} malformed)",
            sel.label(),
            skipped.len()
        )));
    }
    Ok((tasks, skipped))
}

/// Image and limits of each task, kept with the run: the store's records do not hold them and
/// the execution view shows them.
fn task_meta(tasks: &[Task]) -> Value {
    tasks
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                json!({ "image": t.image, "limits": t.limits, "kind": if t.io.is_some() { "io" } else { "tests" } }),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

#[utoipa::path(
    post,
    path = "/v1/runs",
    params(
        ("tasks" = Option<String>, Query, description = "A configured task root by name, or `root/sub`"),
        ("task_ids" = Option<String>, Query, description = "Only these task ids (comma-separated)"),
        ("models" = Option<String>, Query, description = "Only these models (comma-separated)"),
        ("samples" = Option<u32>, Query, description = "Only samples 0..K"),
        ("repeat" = Option<u32>, Query, description = "Run each execution K times (at most 100)"),
        ("model" = Option<String>, Query, description = "Model of JSONL lines without one"),
        ("run_id" = Option<String>, Query, description = "Run id; an existing one resumes it"),
        ("concurrency" = Option<usize>, Query, description = "Executions in flight (capped by the server)")
    ),
    request_body(
        content = String,
        description = "Candidates as JSONL, one `{task_id, model?, sample?, files}` per line (any content type but application/json), or with application/json `{\"candidates\": [...]}`",
        content_type = "text/plain"
    ),
    responses(
        (status = 202, description = "The run started", body = Object),
        (status = 400, description = "Bad candidates or options", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<RunsState>,
    q: Result<Query<QueryOptions>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let body = body?;
    let s = state.inner.clone();
    let (o, jsonl) = parse(q, &headers, body)?;
    if o.repeat == 0 || o.repeat > MAX_REPEAT {
        return Err(ApiError::BadRequest(format!(
            "repeat must be 1..={MAX_REPEAT}"
        )));
    }
    if let Some(id) = &o.run_id {
        check_run_id(id)?;
    }
    let sel = select(&s.roots, o.tasks.as_deref())?;
    // Loading tasks and reading candidates touch the disk: off the async workers.
    let (sel, o, tasks, skipped, uploaded) = {
        let s = s.clone();
        tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
            let (tasks, skipped) = tasks_of(&sel, &o.task_ids, &s.defaults)?;
            let uploaded = read_jsonl(&jsonl, &tasks, &o.model)?;
            Ok((sel, o, tasks, skipped, uploaded))
        })
        .await
        .map_err(|e| ApiError::Internal(format!("reading the upload: {e}")))??
    };
    if uploaded.candidates.is_empty() {
        let mut why = uploaded.rejected.clone();
        why.truncate(10);
        return Err(ApiError::BadRequest(format!(
            "no usable candidate in the upload ({} line(s) rejected{}{})",
            uploaded.rejected.len(),
            if why.is_empty() { "" } else { ": " },
            why.join("; ")
        )));
    }
    let task_meta = task_meta(&tasks);
    let task_count = tasks.len();
    let candidate_count = uploaded.candidates.len();
    let filter = PlanFilter {
        models: o.models.clone(),
        samples: o.samples,
    };
    let plan = Plan::new(tasks, uploaded.candidates, &filter, o.repeat);
    let executions = plan.executions();
    if executions == 0 {
        return Err(ApiError::BadRequest(format!(
            "nothing to run: none of the {candidate_count} candidate(s) is for a task in `{}` and the models asked for",
            sel.label()
        )));
    }
    let run_id = o
        .run_id
        .clone()
        .unwrap_or_else(|| format!("run-{}", uuid::Uuid::new_v4().simple()));
    let unknown: Vec<String> = plan.unknown.iter().take(MAX_LISTED).cloned().collect();
    let plan_unknown = plan.unknown.len();
    let rejected: Vec<&String> = uploaded.rejected.iter().take(MAX_LISTED).collect();
    let settings = json!({
        "source": "serve",
        "tasks": sel.label(),
        "task_ids": o.task_ids,
        "models": o.models,
        "samples": o.samples,
        "repeat": o.repeat,
        "candidates": candidate_count,
        "executions": executions,
        "rejected_lines": rejected,
        "rejected_line_count": uploaded.rejected.len(),
        "unknown_candidates": unknown,
        "unknown_candidate_count": plan_unknown,
        "skipped_tasks": skipped,
        "task_meta": task_meta,
    });
    let writer = open_writer(&s.store).map_err(|e| {
        ApiError::Internal(format!(
            "opening the store: {}",
            redact_store(&e.to_string(), &s.store)
        ))
    })?;
    let concurrency = o
        .concurrency
        .unwrap_or(s.concurrency)
        .clamp(1, s.concurrency);
    let stop = StopHandle::default();
    let live = LiveRun::new(stop.clone(), Progress::new(Some(executions), now_ms()));
    if !s.live.insert(&run_id, live.clone()) {
        return Err(ApiError::Conflict(format!(
            "run `{run_id}` is already running"
        )));
    }
    let config = RunConfig {
        settings,
        ..RunConfig::new(run_id.clone(), concurrency)
    };
    let executor = Arc::new(RunExecutor::new(
        s.executor.clone(),
        &run_id,
        s.slots.clone(),
    ));
    let run = Run::new(config, plan, executor)
        .store(RunStore {
            writer,
            reader: s.reader.clone(),
        })
        .sink(LiveSink::new(live.clone(), &s.store))
        .stopped_by(stop);
    let id = run_id.clone();
    let bg = s.clone();
    tokio::spawn(async move {
        match run.start().await {
            Ok(outcome) => tracing::info!(
                "run {id}: {} executed, {} skipped{}",
                outcome.executed,
                outcome.skipped,
                if outcome.interrupted {
                    ", interrupted"
                } else {
                    ""
                }
            ),
            Err(e) => {
                let message = redact_store(&e.to_string(), &bg.store);
                tracing::warn!("run {id}: {message}");
                // A run that failed before it began sent no end event: say so here.
                live.fail(&message);
            }
        }
        live.mark_done();
        bg.live.remove(&id, &live);
    });
    let body = json!({
        "run_id": run_id,
        "tasks": task_count,
        "candidates": candidate_count,
        "executions": executions,
        "rejected_lines": rejected,
        "rejected_line_count": uploaded.rejected.len(),
        "unknown_candidates": unknown,
        "unknown_candidate_count": plan_unknown,
    });
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, format!("/v1/runs/{run_id}"))],
        Json(body),
    )
        .into_response())
}
