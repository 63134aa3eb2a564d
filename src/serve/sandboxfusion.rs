//! SandboxFusion's `POST /run_code` (bytedance/SandboxFusion, sandbox/server/sandbox_api.py):
//! same request and response shapes, so a client (verl's sandbox_fusion reward) works by
//! changing its URL. Compile and run are one I/O execution: the build, then one case holding
//! the request's stdin, so their results come back apart.
use super::error::ApiError;
use super::files::{check_count, decode_base64, encode_base64};
use super::io_spec::{CaseInput, io_execution};
use super::languages::{LANGS, Lang};
use super::runner::{self, Ran};
use super::scrub::scrub_host_paths;
use super::state::ServeState;
use crate::cases::{CaseVerdict, OutputFile};
use crate::verdict::Verdict;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// SandboxFusion's `Language` literal: what its clients may send. Those without a runtime here
/// get `SandboxError`; anything else is a validation error (422), as FastAPI answers.
const FUSION_LANGUAGES: &[&str] = &[
    "python",
    "cpp",
    "nodejs",
    "go",
    "go_test",
    "java",
    "php",
    "csharp",
    "bash",
    "typescript",
    "sql",
    "rust",
    "cuda",
    "lua",
    "R",
    "perl",
    "D_ut",
    "ruby",
    "scala",
    "julia",
    "pytest",
    "junit",
    "kotlin_script",
    "jest",
    "verilog",
    "python_gpu",
    "lean",
    "swift",
    "racket",
];

fn default_timeout() -> f64 {
    10.0
}
fn default_memory() -> i64 {
    -1
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"code": "print(input())", "stdin": "hi", "language": "python",
    "compile_timeout": 10, "run_timeout": 3, "memory_limit_MB": 256, "files": {}, "fetch_files": []}))]
pub struct RunCodeRequest {
    /// Compile timeout, seconds (compiled languages).
    #[serde(default = "default_timeout")]
    pub compile_timeout: f64,
    /// Run timeout, seconds.
    #[serde(default = "default_timeout")]
    pub run_timeout: f64,
    /// Memory limit in MB; -1: the server's default.
    #[serde(default = "default_memory", rename = "memory_limit_MB")]
    pub memory_limit_mb: i64,
    pub code: String,
    #[serde(default)]
    pub stdin: Option<String>,
    pub language: String,
    /// Path → base64 content (null entries are skipped).
    #[serde(default)]
    pub files: BTreeMap<String, Option<String>>,
    /// Paths (relative to the working directory) read back after the run, base64.
    #[serde(default)]
    pub fetch_files: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommandRunResult {
    /// Finished | Error | TimeLimitExceeded
    pub status: String,
    pub execution_time: Option<f64>,
    pub return_code: Option<i64>,
    pub stdout: Option<String>,
    pub stderr: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RunCodeResponse {
    /// Success | Failed | SandboxError
    pub status: String,
    pub message: String,
    pub compile_result: Option<CommandRunResult>,
    pub run_result: Option<CommandRunResult>,
    pub executor_pod_name: Option<String>,
    pub files: BTreeMap<String, String>,
}

/// FastAPI's validation answer: 422 `{"detail": [{loc, msg, type}]}`.
fn validation_error(loc: &[&str], msg: String, kind: &str) -> Response {
    let body = serde_json::json!({"detail": [{"loc": loc, "msg": msg, "type": kind}]});
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

fn sandbox_error(message: String) -> RunCodeResponse {
    RunCodeResponse {
        status: "SandboxError".into(),
        message: scrub_host_paths(&message),
        compile_result: None,
        run_result: None,
        executor_pod_name: None,
        files: BTreeMap::new(),
    }
}

fn seconds(s: f64, what: &str) -> Result<Duration, String> {
    if s.is_finite() && s > 0.0 && s < 1e6 {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(format!("{what} must be a positive number of seconds"))
    }
}

#[utoipa::path(
    post,
    path = "/run_code",
    request_body = RunCodeRequest,
    responses(
        (status = 200, description = "SandboxFusion's RunCodeResponse", body = RunCodeResponse),
        (status = 401, description = "Missing or unknown bearer token", body = Object),
        (status = 422, description = "Validation error (FastAPI's shape)", body = Object),
        (status = 429, description = "The queue is full; see Retry-After", body = Object),
        (status = 503, description = "Shutting down", body = Object),
    ),
    security(("bearer" = []))
)]
pub async fn run_code(State(state): State<ServeState>, body: Bytes) -> Response {
    let req: RunCodeRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return validation_error(&["body"], e.to_string(), "value_error"),
    };
    if !FUSION_LANGUAGES.contains(&req.language.as_str()) {
        let expected: Vec<String> = FUSION_LANGUAGES.iter().map(|l| format!("'{l}'")).collect();
        return validation_error(
            &["body", "language"],
            format!("Input should be {}", expected.join(", ")),
            "literal_error",
        );
    }
    let Some(lang) = Lang::by_fusion_name(&req.language) else {
        let offered: Vec<&str> = LANGS.iter().map(|l| l.fusion).collect();
        return Json(sandbox_error(format!(
            "language `{}` has no runtime on this server (offered: {})",
            req.language,
            offered.join(", ")
        )))
        .into_response();
    };
    match run(&state, lang, &req).await {
        Ok(resp) => Json(resp).into_response(),
        Err(e @ (ApiError::Busy { .. } | ApiError::ShuttingDown | ApiError::Unauthorized)) => {
            e.into_response()
        }
        Err(ApiError::BadRequest(m)) => validation_error(&["body"], m, "value_error"),
        Err(e) => Json(sandbox_error(e.message())).into_response(),
    }
}

async fn run(
    state: &ServeState,
    lang: &Lang,
    req: &RunCodeRequest,
) -> Result<RunCodeResponse, ApiError> {
    let compile = seconds(req.compile_timeout, "compile_timeout").map_err(ApiError::BadRequest)?;
    let run_for = seconds(req.run_timeout, "run_timeout").map_err(ApiError::BadRequest)?;
    check_count(req.files.len() + 1, state.config.max_files)?;
    let mut files = BTreeMap::new();
    for (path, content) in &req.files {
        if let Some(content) = content {
            files.insert(
                path.clone(),
                decode_base64(&format!("files[{path}]"), content)?,
            );
        }
    }
    files.insert(lang.file.to_string(), req.code.clone().into_bytes());
    let mut limits = state.config.defaults.clone();
    // The run's limit is the case's; the whole execution also covers the build.
    let build_time = if lang.build.is_some() {
        compile
    } else {
        Duration::ZERO
    };
    limits.timeout = build_time + run_for + Duration::from_secs(1);
    if req.memory_limit_mb > 0 {
        limits.memory_bytes = (req.memory_limit_mb as u64)
            .saturating_mul(1024 * 1024)
            .max(6 * 1024 * 1024);
    }
    state.config.caps.clamp(&mut limits);
    let run_ms = (run_for.as_millis() as u64).min(limits.timeout.as_millis() as u64);
    let case = CaseInput {
        name: "run".into(),
        stdin: req.stdin.clone().unwrap_or_default().into_bytes(),
        args: Vec::new(),
        expected_stdout: Vec::new(),
        timeout_ms: run_ms,
        fetch: req.fetch_files.clone(),
    };
    let spec = match io_execution(
        lang.image,
        &files,
        lang.build_argv(lang.file),
        lang.run_argv(lang.file),
        vec![case],
        limits,
    ) {
        Ok(s) => s,
        Err(e) => {
            return Ok(sandbox_error(format!(
                "the request's files were refused: {e}"
            )));
        }
    };
    let isolation = runner::isolation(state, None)?;
    let ran = runner::run(state, "run_code", isolation, spec, true).await?;
    Ok(response(lang, &ran))
}

/// SandboxFusion's response from crucible's result: build → `compile_result`, the case →
/// `run_result`; `status` as its `parse_run_status` decides.
fn response(lang: &Lang, ran: &Ran) -> RunCodeResponse {
    let r = &ran.result;
    if matches!(
        r.verdict,
        Verdict::InfraError | Verdict::InvalidInput | Verdict::Interrupted
    ) {
        return sandbox_error(format!("{}: {}", r.verdict, r.reason));
    }
    let cases = ran.evidence.as_ref().and_then(|e| e.cases.as_ref());
    let build_failed = cases.is_some_and(|c| c.build_failed);
    let case = r.cases.first();
    let case_ms: u64 = r.cases.iter().map(|c| c.wall_ms).sum();
    let compile_result = lang.build.map(|_| {
        // No case ran and the execution hit its limit: the build did.
        let timed_out = case.is_none() && r.verdict == Verdict::Timeout;
        CommandRunResult {
            status: if timed_out {
                "TimeLimitExceeded"
            } else {
                "Finished"
            }
            .into(),
            execution_time: Some(r.wall_ms.saturating_sub(case_ms) as f64 / 1000.0),
            return_code: if timed_out {
                None
            } else if build_failed {
                r.exit_code.or(Some(1))
            } else {
                Some(0)
            },
            stdout: Some(r.stdout.text.clone()),
            stderr: Some(r.stderr.text.clone()),
        }
    });
    let run_result = match case {
        Some(c) => Some(run_result(c)),
        // The execution's limit or an OOM outside the case ended it before the case reported.
        None if !build_failed && lang.build.is_none() => Some(CommandRunResult {
            status: if r.verdict == Verdict::Timeout {
                "TimeLimitExceeded"
            } else {
                "Finished"
            }
            .into(),
            execution_time: Some(r.wall_ms as f64 / 1000.0),
            return_code: if r.verdict == Verdict::Timeout {
                None
            } else {
                r.exit_code.or(Some(137))
            },
            stdout: Some(r.stdout.text.clone()),
            stderr: Some(r.stderr.text.clone()),
        }),
        None => None,
    };
    let mut files = BTreeMap::new();
    if let Some(run) = cases.and_then(|c| c.runs.first()) {
        for (path, f) in &run.files {
            if let OutputFile::Present(text) = f {
                files.insert(path.clone(), encode_base64(text.as_bytes()));
            }
        }
    }
    let failed = [&compile_result, &run_result]
        .into_iter()
        .flatten()
        .any(|c| c.status == "TimeLimitExceeded" || c.return_code.is_some_and(|rc| rc != 0));
    RunCodeResponse {
        status: if failed { "Failed" } else { "Success" }.into(),
        message: String::new(),
        compile_result,
        run_result,
        executor_pod_name: None,
        files,
    }
}

fn run_result(c: &crate::execution::CaseResult) -> CommandRunResult {
    let timed_out = c.verdict == CaseVerdict::Timeout;
    CommandRunResult {
        status: if timed_out {
            "TimeLimitExceeded"
        } else {
            "Finished"
        }
        .into(),
        execution_time: Some(c.wall_ms as f64 / 1000.0),
        return_code: if timed_out { None } else { c.exit_code },
        stdout: Some(c.stdout.text.clone()),
        stderr: Some(c.stderr.text.clone()),
    }
}
