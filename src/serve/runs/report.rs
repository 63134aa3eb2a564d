//! `GET /v1/runs/{id}/report?format=…`: the run's report, rendered by the same code as
//! `crucible report` (of what is in the store so far, for a running run).
use super::error::ApiError;
use super::read::blocking;
use super::state::RunsState;
use super::view::{find_run, store_error};
use crate::report::{KList, OutputFormat, render, summarize_with_k};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    format: Option<String>,
    /// pass@k for these k (`1,10`).
    k: Option<String>,
}

fn content_type(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Json => "application/json",
        OutputFormat::Csv => "text/csv; charset=utf-8",
        OutputFormat::Markdown => "text/markdown; charset=utf-8",
        OutputFormat::Junit => "application/xml",
        OutputFormat::Html => "text/html; charset=utf-8",
        OutputFormat::Table => "text/plain; charset=utf-8",
    }
}

#[utoipa::path(
    get,
    path = "/v1/runs/{id}/report",
    params(
        ("id" = String, Path, description = "Run id"),
        ("format" = Option<String>, Query, description = "json (default), csv, markdown, junit, html, table")
    ),
    responses(
        (status = 200, description = "The run's report in that format", body = String),
        (status = 400, description = "Unknown format", body = Object),
        (status = 404, description = "No such run", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object)
    ),
    security(("bearer" = []))
)]
pub async fn report(
    State(state): State<RunsState>,
    Path(run_id): Path<String>,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let name = q.format.as_deref().unwrap_or("json");
    let format = OutputFormat::ALL
        .into_iter()
        .find(|f| f.as_str() == name)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "format `{name}`: one of json, csv, markdown, junit, html, table"
            ))
        })?;
    let ks: Option<KList> = match &q.k {
        Some(k) => Some(
            k.parse()
                .map_err(|e| ApiError::BadRequest(format!("k: {e}")))?,
        ),
        None => None,
    };
    let text = blocking(&state.inner, move |s| {
        let run = find_run(s, &run_id)?;
        let tasks = s.reader.tasks(&run_id).map_err(|e| store_error(s, e))?;
        let executions = s
            .reader
            .executions(&run_id)
            .map_err(|e| store_error(s, e))?;
        let summary = summarize_with_k(&run_id, Some(&run), &tasks, &executions, ks.as_ref());
        Ok(render(format, &summary))
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type(format)),
            // The HTML report has no script and loads nothing: say so, so that a browser
            // refuses anything a missed escape might smuggle into it.
            (header::CONTENT_SECURITY_POLICY, REPORT_CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        text,
    )
        .into_response())
}
