//! `GET /v1/tasks`: the tasks under the configured roots, named `root/sub/dir` as `POST /v1/runs`
//! takes them (`?tasks=root[/sub]` narrows the listing).
use super::error::ApiError;
use super::read::blocking;
use super::roots::{redact_roots, select};
use super::state::RunsState;
use crate::task::load_tasks;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
pub struct TasksQuery {
    tasks: Option<String>,
}

#[utoipa::path(
    get,
    path = "/v1/tasks",
    params(("tasks" = Option<String>, Query, description = "A configured task root by name, or `root/sub`")),
    responses(
        (status = 200, description = "The tasks under the configured roots", body = Object),
        (status = 400, description = "Unknown root or a path outside it", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn tasks(
    State(state): State<RunsState>,
    q: Result<Query<TasksQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q?;
    let out = blocking(&state.inner, move |s| {
        let selections = match &q.tasks {
            Some(w) => vec![select(&s.roots, Some(w))?],
            None => s
                .roots
                .iter()
                .map(|r| select(&s.roots, Some(&r.name)))
                .collect::<Result<Vec<_>, _>>()?,
        };
        let mut tasks = Vec::new();
        let mut malformed = Vec::new();
        for sel in &selections {
            let base = sel.dir.clone();
            let (found, errors) = load_tasks(&sel.dir, &s.defaults)
                .map_err(|e| ApiError::Internal(redact_roots(&e.to_string(), &s.roots)))?;
            for t in found {
                // The task's place under its root, as a client names it.
                let rel = t
                    .dir
                    .canonicalize()
                    .ok()
                    .and_then(|d| d.strip_prefix(&base).ok().map(|p| p.to_string_lossy().into_owned()))
                    .unwrap_or_default();
                let path = [sel.label(), rel].iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join("/");
                tasks.push(json!({
                    "id": t.id, "title": t.title, "language": t.language.as_str(),
                    "price_usd": t.price_usd, "test_cases": t.test_cases,
                    "candidate_files": t.candidate_files, "kind": if t.io.is_some() { "io" } else { "tests" },
                    "image": t.image, "limits": t.limits, "root": sel.root.name, "path": path,
                }));
            }
            malformed.extend(errors.iter().map(|e| redact_roots(&e.to_string(), &s.roots)));
        }
        let roots: Vec<&str> = s.roots.iter().map(|r| r.name.as_str()).collect();
        Ok(json!({ "roots": roots, "tasks": tasks, "malformed": malformed }))
    })
    .await?;
    Ok(Json(out))
}
