//! `POST /v1/execute/batch`: many executions, results streamed back as NDJSON in completion
//! order, each line tagged with the caller's `id`. The batch runs in its own task; when the
//! client goes away the stream's receiver is dropped, the task stops, and dropping the
//! executions in flight removes their containers (what had not started never starts).
use super::error::ApiError;
use super::native::{ExecuteRequest, Prepared, parse_body, prepare};
use super::runner;
use super::state::ServeState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"executions": [{"id": "a", "language": "python",
    "files": {"main.py": {"content": "print(1)"}}, "command": ["python3", "main.py"]}]}))]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    pub executions: Vec<ExecuteRequest>,
}

/// One NDJSON line: `{"id", "index", "result"}` or `{"id", "index", "error": {code, message}}`.
fn line(
    id: &Option<serde_json::Value>,
    index: usize,
    outcome: Result<serde_json::Value, ApiError>,
) -> Bytes {
    let mut v = match outcome {
        Ok(result) => serde_json::json!({"id": id, "index": index, "result": result}),
        Err(e) => serde_json::json!({"id": id, "index": index,
            "error": {"code": e.code(), "message": e.message()}}),
    };
    if let Some(o) = v.as_object_mut()
        && id.is_none()
    {
        o.remove("id");
    }
    let mut bytes = serde_json::to_vec(&v).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

#[utoipa::path(
    post,
    path = "/v1/execute/batch",
    request_body = BatchRequest,
    responses(
        (status = 200, description = "NDJSON: one line per execution, in completion order", content_type = "application/x-ndjson", body = String),
        (status = 400, description = "Malformed batch", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object),
        (status = 429, description = "The queue is full; see Retry-After", body = Object),
        (status = 503, description = "Shutting down", body = Object),
    ),
    security(("bearer" = []))
)]
pub async fn execute_batch(State(state): State<ServeState>, body: Bytes) -> Response {
    let req: BatchRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if req.executions.len() > state.config.max_batch {
        return ApiError::BadRequest(format!(
            "{} executions in one batch; this server accepts at most {}",
            req.executions.len(),
            state.config.max_batch
        ))
        .into_response();
    }
    if state.shutting_down() {
        return ApiError::ShuttingDown.into_response();
    }
    if !state.admission.has_room() {
        state.metrics.rejected();
        return ApiError::Busy {
            running: state.admission.running(),
            waiting: state.admission.waiting(),
            retry_after_secs: 1,
        }
        .into_response();
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    let task_state = state.clone();
    tokio::spawn(async move {
        let state = task_state;
        let mut running = FuturesUnordered::new();
        for (index, item) in req.executions.into_iter().enumerate() {
            let state = state.clone();
            running.push(async move {
                let outcome = match prepare(&state, &item) {
                    Ok(Prepared::Refused(r)) => Ok(serde_json::to_value(*r).unwrap_or_default()),
                    Ok(Prepared::Run(isolation, spec)) => {
                        runner::run(&state, "v1_batch", isolation, *spec, false)
                            .await
                            .map(|ran| serde_json::to_value(ran.result).unwrap_or_default())
                    }
                    Err(e) => Err(e),
                };
                line(&item.id, index, outcome)
            });
        }
        loop {
            tokio::select! {
                next = running.next() => match next {
                    Some(bytes) => if tx.send(bytes).await.is_err() { break },
                    None => break,
                },
                // The client is gone: drop what runs (its containers are removed) and what waits.
                _ = tx.closed() => break,
            }
        }
    });
    let stream = tokio_stream_from(rx);
    Response::builder()
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| {
            ApiError::Unavailable("could not build the response".into()).into_response()
        })
}

/// The receiver as a body stream.
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Bytes>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::convert::Infallible>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|o| o.map(Ok)))
}
