//! `GET /v1/runs/{id}/events`: server-sent events. A subscriber first gets a `snapshot` (the
//! counts and every execution already in the store), then, while the run goes on, an
//! `started` when an attempt is handed to the executor, an `execution` for every attempt as it
//! lands and a `progress` with the new counts; `done` ends the stream. A subscriber that falls behind gets `progress` again (`lagged`: events it missed).
//! Executions may repeat between the snapshot and the live stream: the key (task, model, sample,
//! repeat, attempt) identifies them.
use super::error::ApiError;
use super::live::LiveRun;
use super::read::blocking;
use super::state::RunsState;
use super::view::{find_run, store_error, view, view_of};
use crate::run::RunEvent;
use crate::store::ExecutionRecord;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Serialize;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};

/// An execution as the stream carries it: enough for the dashboard's cells, not its output
/// (the execution endpoint has that).
pub fn brief(r: &ExecutionRecord, will_retry: bool) -> Value {
    let passed = r
        .tests
        .iter()
        .filter(|t| t.outcome == crate::testreport::TestOutcome::Passed)
        .count();
    json!({
        "task_id": r.task_id, "model": r.model, "sample": r.sample, "repeat": r.repeat,
        "attempt": r.attempt, "verdict": r.verdict, "reason": r.reason, "wall_ms": r.wall_ms,
        "tests_passed": passed, "tests_total": r.tests.len(), "will_retry": will_retry,
        "finished_at_ms": r.finished_at_ms,
    })
}

fn event(name: &str, data: &impl Serialize) -> Event {
    Event::default()
        .event(name)
        .json_data(data)
        .unwrap_or_else(|_| Event::default().event(name).data("{}"))
}

#[utoipa::path(
    get,
    path = "/v1/runs/{id}/events",
    params(("id" = String, Path, description = "Run id")),
    responses(
        (status = 200, description = "Server-sent events: snapshot, started, execution, progress, interrupted, done", content_type = "text/event-stream", body = String),
        (status = 404, description = "No such run", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn events(
    State(state): State<RunsState>,
    Path(run_id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let s = state.inner.clone();
    // Subscribe before reading the store, so nothing lands between the two unseen.
    let live = s.live.get(&run_id).filter(|l| !l.is_done());
    let sub = live.as_ref().map(|l| l.events.subscribe());
    let snapshot = {
        let run_id = run_id.clone();
        blocking(&s, move |s| {
            let run = find_run(s, &run_id)?;
            let records = s
                .reader
                .executions(&run_id)
                .map_err(|e| store_error(s, e))?;
            let v = view(s, &run)?;
            let executions: Vec<Value> = records.iter().map(|r| brief(r, false)).collect();
            Ok(json!({ "run": v, "executions": executions }))
        })
        .await
    };
    let snapshot = match (snapshot, &live) {
        (Ok(s), _) => s,
        // A live run whose start has not reached the store yet: counts only.
        (Err(ApiError::NotFound(_)), Some(l)) => {
            json!({ "run": { "run_id": run_id, "progress": l.progress() }, "executions": [] })
        }
        (Err(e), _) => return Err(e),
    };
    let (tx, mut rx) = mpsc::channel::<Event>(64);
    tokio::spawn(async move {
        if tx.send(event("snapshot", &snapshot)).await.is_err() {
            return;
        }
        if let (Some(live), Some(sub)) = (live, sub) {
            follow(&live, sub, &tx).await;
        }
        let progress = snapshot_progress(&s, &run_id).await;
        let _ = tx.send(event("done", &progress)).await;
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|e| e.map(Ok)));
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// Forward the live run's events until it ends or the client goes away.
async fn follow(
    live: &Arc<LiveRun>,
    mut sub: broadcast::Receiver<RunEvent>,
    tx: &mpsc::Sender<Event>,
) {
    loop {
        let next = tokio::select! {
            // Events already sent come before the end, so nothing buffered is dropped.
            biased;
            e = sub.recv() => e,
            // The run may have ended before this subscriber joined its channel.
            _ = live.wait_done() => return,
        };
        let out = match next {
            Ok(RunEvent::Finished { record, will_retry }) => vec![
                event("execution", &brief(&record, will_retry)),
                event("progress", &live.progress()),
            ],
            Ok(RunEvent::Started { execution, .. }) => vec![event("started", &execution)],
            Ok(RunEvent::Planned { .. } | RunEvent::Skipped { .. }) => {
                vec![event("progress", &live.progress())]
            }
            Ok(RunEvent::Interrupted { in_flight, removed }) => vec![event(
                "interrupted",
                &json!({ "in_flight": in_flight, "removed": removed }),
            )],
            Ok(RunEvent::RunFinished { .. }) => {
                // The store has everything once the run's task marks it done.
                live.wait_done().await;
                return;
            }
            Ok(_) => continue,
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                let mut p = serde_json::to_value(live.progress()).unwrap_or_default();
                p["lagged"] = json!(missed);
                vec![event("progress", &p)]
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        for e in out {
            if tx.send(e).await.is_err() {
                return;
            }
        }
    }
}

/// The counts at the end, from the store.
async fn snapshot_progress(s: &Arc<super::state::Inner>, run_id: &str) -> Value {
    let run_id = run_id.to_string();
    blocking(s, move |s| {
        Ok(serde_json::to_value(view_of(s, &run_id)?.progress).unwrap_or_default())
    })
    .await
    .unwrap_or_else(|e| json!({ "error": e.to_string() }))
}
