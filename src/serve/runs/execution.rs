//! `GET /v1/runs/{id}/executions/{task_id}/{model}?sample=&repeat=`: one execution's full
//! record for the dashboard (final attempt, earlier attempts, the task's image and limits).
use super::error::ApiError;
use super::read::blocking;
use super::state::RunsState;
use super::view::{find_run, store_error};
use crate::store::ExecutionRecord;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
pub struct Slot {
    #[serde(default)]
    sample: u32,
    #[serde(default)]
    repeat: u32,
}

/// An attempt without its (possibly large) output, for the list of earlier attempts.
fn attempt_line(r: &ExecutionRecord) -> Value {
    json!({
        "attempt": r.attempt, "verdict": r.verdict, "reason": r.reason,
        "wall_ms": r.wall_ms, "finished_at_ms": r.finished_at_ms,
    })
}

#[utoipa::path(
    get,
    path = "/v1/runs/{id}/executions/{task_id}/{model}",
    params(
        ("id" = String, Path, description = "Run id"),
        ("task_id" = String, Path, description = "Task id"),
        ("model" = String, Path, description = "Model"),
        ("sample" = Option<u32>, Query, description = "Sample (default 0)"),
        ("repeat" = Option<u32>, Query, description = "Repeat (default 0)")
    ),
    responses(
        (status = 200, description = "Every attempt of the execution: verdict, reason, tests or cases, output, timings", body = Object),
        (status = 404, description = "No such run or execution", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn execution(
    State(state): State<RunsState>,
    Path((run_id, task_id, model)): Path<(String, String, String)>,
    slot: Result<Query<Slot>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(slot) = slot?;
    let out = blocking(&state.inner, move |s| {
        let run = find_run(s, &run_id)?;
        let mut attempts: Vec<ExecutionRecord> = s
            .reader
            .executions(&run_id)
            .map_err(|e| store_error(s, e))?
            .into_iter()
            .filter(|r| {
                r.task_id == task_id
                    && r.model == model
                    && r.sample == slot.sample
                    && r.repeat == slot.repeat
            })
            .collect();
        attempts.sort_by_key(|r| r.attempt);
        let last = attempts.pop().ok_or_else(|| {
            ApiError::NotFound(format!(
                "run `{run_id}` has no execution of task `{task_id}` by model `{model}` (sample {}, repeat {}) yet",
                slot.sample, slot.repeat
            ))
        })?;
        let task = s
            .reader
            .tasks(&run_id)
            .map_err(|e| store_error(s, e))?
            .into_iter()
            .find(|t| t.task_id == task_id);
        let meta = serde_json::from_str::<Value>(&run.config_json)
            .ok()
            .and_then(|c| c.get("task_meta")?.get(&task_id).cloned());
        let first_failure = last
            .tests
            .iter()
            .find(|t| t.outcome != crate::testreport::TestOutcome::Passed
                && t.outcome != crate::testreport::TestOutcome::Skipped)
            .cloned();
        let tests_passed = last
            .tests
            .iter()
            .filter(|t| t.outcome == crate::testreport::TestOutcome::Passed)
            .count();
        Ok(json!({
            "run_id": run_id,
            "task": task.map(|t| json!({
                "task_id": t.task_id, "title": t.title, "language": t.language,
                "price_usd": t.price_usd, "declared_test_cases": t.test_cases,
            })),
            "image": meta.as_ref().and_then(|m| m.get("image").cloned()),
            "limits": meta.as_ref().and_then(|m| m.get("limits").cloned()),
            "kind": meta.as_ref().and_then(|m| m.get("kind").cloned()),
            "tests_passed": tests_passed,
            "tests_total": last.tests.len(),
            "first_failure": first_failure,
            "earlier_attempts": attempts.iter().map(attempt_line).collect::<Vec<_>>(),
            "execution": last,
        }))
    })
    .await?;
    Ok(Json(out))
}
