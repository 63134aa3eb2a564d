//! The options of `POST /v1/runs`, from the query string (with a JSONL body) or from a JSON
//! body (with the candidates as an array).
use super::error::ApiError;
use super::upload::jsonl_from_array;
use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use serde::Deserialize;
use serde_json::Value;

/// Options as query parameters (with a JSONL body); lists are comma-separated.
#[derive(Debug, Default, Deserialize)]
pub struct QueryOptions {
    tasks: Option<String>,
    task_ids: Option<String>,
    models: Option<String>,
    samples: Option<u32>,
    repeat: Option<u32>,
    model: Option<String>,
    run_id: Option<String>,
    concurrency: Option<usize>,
}

/// A JSON body: the same options, and the candidates as an array of JSONL-line objects.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonBody {
    tasks: Option<String>,
    #[serde(default)]
    task_ids: Vec<String>,
    #[serde(default)]
    models: Vec<String>,
    samples: Option<u32>,
    repeat: Option<u32>,
    model: Option<String>,
    run_id: Option<String>,
    concurrency: Option<usize>,
    #[serde(default)]
    candidates: Vec<Value>,
}

/// The options of a run, whichever way they came.
#[derive(Debug, Default)]
pub struct Options {
    pub tasks: Option<String>,
    pub task_ids: Vec<String>,
    pub models: Vec<String>,
    pub samples: Option<u32>,
    pub repeat: u32,
    pub model: String,
    pub run_id: Option<String>,
    pub concurrency: Option<usize>,
}

/// Most repeats a client may ask for: a typo must not queue a million executions.
pub const MAX_REPEAT: u32 = 100;

fn list(s: Option<String>) -> Vec<String> {
    s.map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json")
        })
        .unwrap_or(false)
}

/// Options and the candidates as JSONL, from either body shape.
pub fn parse(
    q: QueryOptions,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(Options, Bytes), ApiError> {
    let mut o = Options {
        tasks: q.tasks,
        task_ids: list(q.task_ids),
        models: list(q.models),
        samples: q.samples,
        repeat: q.repeat.unwrap_or(1),
        model: q.model.unwrap_or_else(|| "model".into()),
        run_id: q.run_id,
        concurrency: q.concurrency,
    };
    if !is_json(headers) {
        return Ok((o, body));
    }
    let b: JsonBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("the JSON body: {e}")))?;
    o.tasks = b.tasks.or(o.tasks);
    if !b.task_ids.is_empty() {
        o.task_ids = b.task_ids;
    }
    if !b.models.is_empty() {
        o.models = b.models;
    }
    o.samples = b.samples.or(o.samples);
    o.repeat = b.repeat.unwrap_or(o.repeat);
    if let Some(m) = b.model {
        o.model = m;
    }
    o.run_id = b.run_id.or(o.run_id);
    o.concurrency = b.concurrency.or(o.concurrency);
    Ok((o, jsonl_from_array(&b.candidates)?.into()))
}

pub fn check_run_id(id: &str) -> Result<(), ApiError> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::BadRequest(
            "run_id: 1-128 characters of letters, digits, `-`, `_` and `.`".into(),
        ))
    }
}
