//! How a run looks over the API: its id, state, counts and (for runs this server started) what
//! was asked for. Runs `crucible run` made keep host paths in their settings, so those are not
//! shown.
use super::error::ApiError;
use super::progress::{Progress, RunState};
use super::state::Inner;
use crate::store::{RunRecord, StoreError};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Serialize)]
pub struct RunView {
    pub run_id: String,
    pub state: RunState,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub progress: Progress,
    /// What the client asked for (runs started through this API only).
    pub settings: Option<Value>,
}

/// The settings of a run made through the API, without the per-task details.
pub fn public_settings(config_json: &str) -> Option<Value> {
    let mut v: Value = serde_json::from_str(config_json).ok()?;
    if v.get("source").and_then(Value::as_str) != Some("serve") {
        return None;
    }
    if let Some(o) = v.as_object_mut() {
        o.remove("task_meta");
    }
    Some(v)
}

/// Executions planned, as the run recorded it.
fn planned(config_json: &str) -> Option<u64> {
    let v: Value = serde_json::from_str(config_json).ok()?;
    if v.get("source").and_then(Value::as_str) != Some("serve") {
        return None;
    }
    v.get("executions").and_then(Value::as_u64)
}

/// A store failure as an API error (no such run: 404; anything else: 500, store unnamed).
pub fn store_error(s: &Inner, e: StoreError) -> ApiError {
    match e {
        StoreError::NoSuchRun { run_id, .. } => ApiError::NotFound(format!("no run `{run_id}`")),
        e => ApiError::Internal(super::error::redact_store(&e.to_string(), &s.store)),
    }
}

/// One run as the API shows it: live counts while this server runs it, else the store's.
pub fn view(s: &Inner, run: &RunRecord) -> Result<RunView, ApiError> {
    let progress = match s.live.get(&run.run_id).filter(|l| !l.is_done()) {
        Some(live) => live.progress(),
        None => {
            let state = if run.finished_at_ms.is_some() {
                RunState::Finished
            } else {
                RunState::Interrupted
            };
            let counts = s
                .reader
                .final_verdict_counts(&run.run_id)
                .map_err(|e| store_error(s, e))?;
            Progress::from_counts(
                state,
                planned(&run.config_json),
                run.started_at_ms,
                run.finished_at_ms,
                &counts,
            )
        }
    };
    Ok(RunView {
        run_id: run.run_id.clone(),
        state: progress.state,
        started_at_ms: run.started_at_ms,
        finished_at_ms: run.finished_at_ms,
        settings: public_settings(&run.config_json),
        progress,
    })
}

/// The run `run_id` as the API shows it, or 404.
pub fn view_of(s: &Inner, run_id: &str) -> Result<RunView, ApiError> {
    view(s, &find_run(s, run_id)?)
}

/// The run record, or 404.
pub fn find_run(s: &Inner, run_id: &str) -> Result<RunRecord, ApiError> {
    s.reader
        .runs()
        .map_err(|e| store_error(s, e))?
        .into_iter()
        .find(|r| r.run_id == run_id)
        .ok_or_else(|| ApiError::NotFound(format!("no run `{run_id}`")))
}
