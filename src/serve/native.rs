//! The native API: `POST /v1/execute` runs one execution and answers with exactly the result
//! object `crucible exec --json` prints.
use super::config::Isolation;
use super::error::ApiError;
use super::files::{FileContent, decode_base64, decode_files};
use super::io_spec::{CaseInput, command_execution, io_execution};
use super::runner;
use super::state::ServeState;
use crate::execution::{ExecutionResult, ExecutionSpec};
use crate::limits::Limits;
use crate::payload::{Payload, PayloadLimits};
use crate::task::Language;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// One execution: files (or a tar), an image (or a language), a command, limits, and optional
/// stdin cases.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"language": "python", "files": {"main.py": {"content": "print(input())"}},
    "command": ["python3", "main.py"], "cases": [{"name": "1", "stdin": "hi\n", "expected_stdout": "hi\n"}],
    "limits": {"timeout_ms": 5000}}))]
#[serde(deny_unknown_fields)]
pub struct ExecuteRequest {
    /// The caller's tag (a string or a number); echoed on the batch endpoint's lines.
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    /// A crucible image (`crucible/<name>:<tag>`); or give `language`.
    #[serde(default)]
    pub image: Option<String>,
    /// python, node, go, rust, java or cpp: the image `crucible/<language>:latest`.
    #[serde(default)]
    pub language: Option<String>,
    /// Files by relative path.
    #[serde(default)]
    pub files: BTreeMap<String, FileContent>,
    /// A base64 tar archive instead of `files` (validated entry by entry).
    #[serde(default)]
    pub tar: Option<String>,
    /// argv, run in the working directory; with `cases`, each case's process.
    pub command: Vec<String>,
    /// argv of a build step run once before the cases (only with `cases`).
    #[serde(default)]
    pub build: Option<Vec<String>>,
    #[serde(default)]
    pub limits: LimitsRequest,
    /// `reuse` (a warm slot; default) or `fresh` (a new container).
    #[serde(default)]
    pub isolation: Option<Isolation>,
    /// stdin cases: the command runs once per case, as a fresh process.
    #[serde(default)]
    pub cases: Vec<CaseRequest>,
}

/// Limits for this execution; each defaults to the server's and may not exceed its maximum.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsRequest {
    /// Wall-clock limit of the whole execution, milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    #[serde(default)]
    pub memory_bytes: Option<u64>,
    #[serde(default)]
    pub cpus: Option<f64>,
    #[serde(default)]
    pub pids: Option<i64>,
    /// Cap on captured stdout and on stderr, each.
    #[serde(default)]
    pub output_bytes: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub stdin: String,
    #[serde(default)]
    pub args: Vec<String>,
    /// When given, the case passes only if stdout matches (line by line, trailing whitespace
    /// ignored); otherwise the output is returned unjudged.
    #[serde(default)]
    pub expected_stdout: Option<String>,
    /// This case's time limit; default: the execution's.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

impl LimitsRequest {
    /// The server's defaults with this request's values, refused above the maxima.
    pub fn resolve(&self, state: &ServeState) -> Result<Limits, ApiError> {
        let mut l = state.config.defaults.clone();
        if let Some(t) = self.timeout_ms {
            if t == 0 {
                return Err(ApiError::BadRequest(
                    "limits.timeout_ms must be above 0".into(),
                ));
            }
            l.timeout = Duration::from_millis(t);
        }
        if let Some(m) = self.memory_bytes {
            if m < 6 * 1024 * 1024 {
                return Err(ApiError::BadRequest(
                    "limits.memory_bytes must be at least 6 MiB (Docker's minimum)".into(),
                ));
            }
            l.memory_bytes = m;
        }
        if let Some(c) = self.cpus {
            if !(c.is_finite() && c >= 0.01) {
                return Err(ApiError::BadRequest(
                    "limits.cpus must be at least 0.01".into(),
                ));
            }
            l.cpus = c;
        }
        if let Some(p) = self.pids {
            if p < 1 {
                return Err(ApiError::BadRequest(
                    "limits.pids must be at least 1".into(),
                ));
            }
            l.pids = p;
        }
        if let Some(o) = self.output_bytes {
            if o == 0 {
                return Err(ApiError::BadRequest(
                    "limits.output_bytes must be above 0".into(),
                ));
            }
            l.output_bytes = o;
        }
        if let Some(why) = state.config.caps.exceeded(&l) {
            return Err(ApiError::BadRequest(format!("limits: {why}")));
        }
        Ok(l)
    }
}

/// A crucible image named by `image` or `language`; other images are not this server's to run.
pub fn image_of(image: Option<&str>, language: Option<&str>) -> Result<String, ApiError> {
    match (image, language) {
        (Some(_), Some(_)) => Err(ApiError::BadRequest(
            "give `image` or `language`, not both".into(),
        )),
        (Some(i), None) => {
            let ok = i.strip_prefix("crucible/").is_some_and(|rest| {
                !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
            });
            if ok {
                Ok(i.to_string())
            } else {
                Err(ApiError::BadRequest(format!(
                    "image `{i}`: only crucible images (crucible/<name>[:tag]) run here; see GET /v1/images"
                )))
            }
        }
        (None, Some(l)) => Language::parse(l).map(Language::image).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "language `{l}` is unknown (python, node, go, rust, java, cpp)"
            ))
        }),
        (None, None) => Err(ApiError::BadRequest("give `image` or `language`".into())),
    }
}

/// What a request becomes: a spec to run, or a result refusing it before any container.
pub enum Prepared {
    Run(Isolation, Box<ExecutionSpec>),
    Refused(Box<ExecutionResult>),
}

pub fn prepare(state: &ServeState, req: &ExecuteRequest) -> Result<Prepared, ApiError> {
    let isolation = runner::isolation(state, req.isolation)?;
    let image = image_of(req.image.as_deref(), req.language.as_deref())?;
    let limits = req.limits.resolve(state)?;
    if req.command.is_empty() || req.command[0].is_empty() {
        return Err(ApiError::BadRequest(
            "command must be a non-empty argv".into(),
        ));
    }
    if req.build.is_some() && req.cases.is_empty() {
        return Err(ApiError::BadRequest("`build` needs `cases`".into()));
    }
    if req
        .build
        .as_ref()
        .is_some_and(|b| b.is_empty() || b[0].is_empty())
    {
        return Err(ApiError::BadRequest(
            "build must be a non-empty argv".into(),
        ));
    }
    let files = decode_files(&req.files, state.config.max_files)?;
    let refuse = |why: String| {
        Ok(Prepared::Refused(Box::new(runner::refused(
            state, "v1", &image, &limits, &why,
        ))))
    };
    let spec = if req.cases.is_empty() {
        let payload = match &req.tar {
            Some(tar) => {
                if !files.is_empty() {
                    return Err(ApiError::BadRequest(
                        "give `files` or `tar`, not both".into(),
                    ));
                }
                let bytes = decode_base64("tar", tar)?;
                let limits = PayloadLimits {
                    max_entries: state.config.max_files,
                    ..PayloadLimits::default()
                };
                Payload::from_tar(bytes, &limits)
            }
            None => Payload::from_layers(&[&files], &PayloadLimits::default(), &|_| false),
        };
        match payload {
            Ok(p) => command_execution(&image, p, req.command.clone(), limits),
            Err(e) => return refuse(e.to_string()),
        }
    } else {
        if req.tar.is_some() {
            return Err(ApiError::BadRequest(
                "`tar` cannot be combined with `cases`; send `files`".into(),
            ));
        }
        let cases = req
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if c.timeout_ms == Some(0) {
                    return Err(ApiError::BadRequest(format!(
                        "cases[{i}].timeout_ms must be above 0"
                    )));
                }
                Ok(CaseInput {
                    name: c.name.clone().unwrap_or_else(|| (i + 1).to_string()),
                    stdin: c.stdin.clone().into_bytes(),
                    args: c.args.clone(),
                    expected_stdout: c.expected_stdout.clone().into_iter().collect(),
                    timeout_ms: c
                        .timeout_ms
                        .unwrap_or(limits.timeout.as_millis() as u64)
                        .min(limits.timeout.as_millis() as u64),
                    fetch: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        match io_execution(
            &image,
            &files,
            req.build.clone(),
            req.command.clone(),
            cases,
            limits.clone(),
        ) {
            Ok(spec) => spec,
            Err(e) => return refuse(e.to_string()),
        }
    };
    Ok(Prepared::Run(isolation, Box::new(spec)))
}

/// Parse a JSON body into `T`, or say what is wrong with it.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("request body: {e}")))
}

/// Run one execution and answer with its result.
#[utoipa::path(
    post,
    path = "/v1/execute",
    request_body = ExecuteRequest,
    responses(
        (status = 200, description = "The judged result, as `crucible exec --json` prints it", body = Object),
        (status = 400, description = "The request is malformed or asks for more than the server allows", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object),
        (status = 403, description = "The requested isolation is disabled", body = Object),
        (status = 429, description = "The queue is full; see Retry-After", body = Object),
        (status = 503, description = "Shutting down", body = Object),
        (status = 504, description = "The request's deadline passed", body = Object),
    ),
    security(("bearer" = []))
)]
pub async fn execute(State(state): State<ServeState>, body: Bytes) -> Response {
    let req: ExecuteRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    match prepare(&state, &req) {
        Ok(Prepared::Refused(result)) => Json(*result).into_response(),
        Ok(Prepared::Run(isolation, spec)) => {
            match runner::run(&state, "v1", isolation, *spec, true).await {
                Ok(ran) => Json(ran.result).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}
