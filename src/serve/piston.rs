//! Piston's API v2 (engineer-man/piston, api/src/api/v2.js and api/src/job.js):
//! `GET /api/v2/runtimes` and `POST /api/v2/execute` with its request and response shapes and
//! its `{message}` errors, so a Piston client (open-r1's piston_client) works by changing its
//! URL. The first file is the program; compile and run are one I/O execution.
use super::error::ApiError;
use super::files::{check_count, decode_base64};
use super::io_spec::{CaseInput, io_execution};
use super::languages::{LANGS, Lang};
use super::runner::{self, Ran};
use super::state::ServeState;
use crate::cases::CaseVerdict;
use crate::verdict::Verdict;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Piston's defaults when a request names none (its PISTON_RUN_TIMEOUT/COMPILE_TIMEOUT).
const RUN_TIMEOUT_MS: u64 = 3000;
const COMPILE_TIMEOUT_MS: u64 = 10_000;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PistonRuntime {
    pub language: String,
    pub version: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PistonFile {
    #[serde(default)]
    pub name: Option<String>,
    pub content: serde_json::Value,
    /// utf8 (default), base64 or hex.
    #[serde(default)]
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"language": "python", "version": "*",
    "files": [{"name": "main.py", "content": "print(input())"}], "stdin": "hi", "run_timeout": 3000}))]
pub struct PistonExecuteRequest {
    pub language: serde_json::Value,
    pub version: serde_json::Value,
    pub files: serde_json::Value,
    #[serde(default)]
    pub stdin: Option<String>,
    #[serde(default)]
    pub args: Option<Vec<String>>,
    /// Milliseconds.
    #[serde(default)]
    pub compile_timeout: Option<serde_json::Value>,
    /// Milliseconds.
    #[serde(default)]
    pub run_timeout: Option<serde_json::Value>,
    /// Bytes (values under 1 MiB are taken as MiB).
    #[serde(default)]
    pub compile_memory_limit: Option<serde_json::Value>,
    /// Bytes (values under 1 MiB are taken as MiB).
    #[serde(default)]
    pub run_memory_limit: Option<serde_json::Value>,
    #[serde(default)]
    pub compile_cpu_time: Option<serde_json::Value>,
    #[serde(default)]
    pub run_cpu_time: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PistonStage {
    pub stdout: String,
    pub stderr: String,
    /// stdout then stderr (Piston interleaves them as they came).
    pub output: String,
    pub code: Option<i64>,
    pub signal: Option<String>,
    pub message: Option<String>,
    /// TO (timeout), RE (runtime error), SG (signal), OL/EL (output limit), XX (internal).
    pub status: Option<String>,
    pub memory: Option<u64>,
    pub cpu_time: Option<u64>,
    pub wall_time: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PistonExecuteResponse {
    pub language: String,
    pub version: String,
    pub run: PistonStage,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile: Option<PistonStage>,
}

fn message(status: StatusCode, text: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({"message": text.into()}))).into_response()
}

#[utoipa::path(
    get,
    path = "/api/v2/runtimes",
    responses((status = 200, description = "Piston's runtime list", body = [PistonRuntime])),
    security(("bearer" = []))
)]
pub async fn runtimes() -> Json<Vec<PistonRuntime>> {
    Json(
        LANGS
            .iter()
            .map(|l| PistonRuntime {
                language: l.piston.into(),
                version: l.version.into(),
                aliases: l.aliases.iter().map(|a| a.to_string()).collect(),
            })
            .collect(),
    )
}

#[utoipa::path(
    post,
    path = "/api/v2/execute",
    request_body = PistonExecuteRequest,
    responses(
        (status = 200, description = "Piston's job result", body = PistonExecuteResponse),
        (status = 400, description = "Piston's `{message}` error", body = Object),
        (status = 401, description = "Missing or unknown bearer token", body = Object),
        (status = 415, description = "Not application/json", body = Object),
        (status = 429, description = "The queue is full; see Retry-After", body = Object),
    ),
    security(("bearer" = []))
)]
pub async fn execute(State(state): State<ServeState>, headers: HeaderMap, body: Bytes) -> Response {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "requests must be of type application/json",
        );
    }
    let body: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return message(
                StatusCode::BAD_REQUEST,
                format!("request body is not JSON: {e}"),
            );
        }
    };
    let job = match job(&state, &body) {
        Ok(j) => j,
        Err(m) => return message(StatusCode::BAD_REQUEST, m),
    };
    let isolation = match runner::isolation(&state, None) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let lang = job.lang;
    match runner::run(&state, "piston", isolation, job.spec, true).await {
        Ok(ran) => {
            if matches!(
                ran.result.verdict,
                Verdict::InfraError | Verdict::Interrupted
            ) {
                // Piston answers a bare 500 here; a stage with its internal-error status `XX`
                // says why and keeps 5xx for a server that is really broken.
                return Json(internal_error(lang, &ran.result.reason)).into_response();
            }
            if ran.result.verdict == Verdict::InvalidInput {
                return message(StatusCode::BAD_REQUEST, ran.result.reason);
            }
            Json(response(lang, &ran)).into_response()
        }
        Err(ApiError::BadRequest(m)) => message(StatusCode::BAD_REQUEST, m),
        Err(e) => e.into_response(),
    }
}

struct Job {
    lang: &'static Lang,
    spec: crate::execution::ExecutionSpec,
}

/// Piston's `get_job`: the same checks in the same order, the same messages.
fn job(state: &ServeState, body: &serde_json::Value) -> Result<Job, String> {
    let field = |k: &str| body.get(k).filter(|v| !v.is_null());
    let language = field("language")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .ok_or("language is required as a string")?;
    let version = field("version")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .ok_or("version is required as a string")?;
    let files = field("files")
        .and_then(|v| v.as_array())
        .ok_or("files is required as an array")?;
    for (i, f) in files.iter().enumerate() {
        if !f.get("content").is_some_and(|c| c.is_string()) {
            return Err(format!("files[{i}].content is required as a string"));
        }
    }
    let lang = Lang::by_piston_name(language)
        .filter(|l| l.version_matches(version))
        .ok_or_else(|| format!("{language}-{version} runtime is unknown"))?;
    let utf8 = |f: &serde_json::Value| {
        f.get("encoding")
            .and_then(|e| e.as_str())
            .is_none_or(|e| e == "utf8")
    };
    if !files.iter().any(utf8) {
        return Err("files must include at least one utf8 encoded file".into());
    }
    let mut limits_ms = BTreeMap::new();
    for constraint in ["memory_limit", "timeout", "cpu_time"] {
        for kind in ["compile", "run"] {
            let name = format!("{kind}_{constraint}");
            let Some(v) = field(&name) else { continue };
            let Some(n) = v.as_f64() else {
                return Err(format!("If specified, {name} must be a number"));
            };
            if n == 0.0 {
                continue;
            }
            if n < 0.0 {
                // Piston lets -1 through as "no limit".
                if n == -1.0 {
                    continue;
                }
                return Err(format!("{name} must be non-negative"));
            }
            limits_ms.insert(name, n);
        }
    }
    check_count(files.len(), state.config.max_files).map_err(|e| e.message())?;
    let mut payload = BTreeMap::new();
    let mut first = None;
    for (i, f) in files.iter().enumerate() {
        let name = f
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("file{i}.code"));
        let content = f["content"].as_str().unwrap_or_default();
        let bytes = match f.get("encoding").and_then(|e| e.as_str()).unwrap_or("utf8") {
            "utf8" => content.as_bytes().to_vec(),
            "base64" => decode_base64(&format!("files[{i}]"), content).map_err(|e| e.message())?,
            "hex" => {
                hex::decode(content).map_err(|e| format!("files[{i}]: not valid hex ({e})"))?
            }
            other => {
                return Err(format!(
                    "files[{i}].encoding `{other}` is unknown (utf8, base64, hex)"
                ));
            }
        };
        if payload.insert(name.clone(), bytes).is_some() {
            return Err(format!("files[{i}]: `{name}` is given twice"));
        }
        first.get_or_insert(name);
    }
    let program = first.ok_or("files must include at least one utf8 encoded file")?;
    let ms = |k: &str, default: u64| limits_ms.get(k).map_or(default, |v| *v as u64).max(1);
    let run_ms = ms("run_timeout", RUN_TIMEOUT_MS);
    let compile_ms = ms("compile_timeout", COMPILE_TIMEOUT_MS);
    let caps = &state.config.caps;
    for (name, v) in [("run_timeout", run_ms), ("compile_timeout", compile_ms)] {
        if u128::from(v) > caps.timeout.as_millis() {
            return Err(format!(
                "{name} cannot exceed the configured limit of {}",
                caps.timeout.as_millis()
            ));
        }
    }
    let mut limits = state.config.defaults.clone();
    let build_ms = if lang.build.is_some() { compile_ms } else { 0 };
    limits.timeout = Duration::from_millis(build_ms + run_ms + 1000);
    let memory = ["run_memory_limit", "compile_memory_limit"]
        .iter()
        .filter_map(|k| limits_ms.get(*k))
        .map(|v| {
            let v = *v as u64;
            // open-r1 sends megabytes (its IOI package's convention); Piston means bytes.
            if v < 1024 * 1024 { v * 1024 * 1024 } else { v }
        })
        .max();
    if let Some(m) = memory {
        if m > caps.memory_bytes {
            return Err(format!(
                "run_memory_limit cannot exceed the configured limit of {}",
                caps.memory_bytes
            ));
        }
        limits.memory_bytes = m.max(6 * 1024 * 1024);
    }
    caps.clamp(&mut limits);
    let args: Vec<String> = match field("args") {
        None => Vec::new(),
        Some(a) => a
            .as_array()
            .ok_or("args must be an array of strings")?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or("args must be an array of strings")
            })
            .collect::<Result<_, _>>()?,
    };
    let stdin = match field("stdin") {
        None => String::new(),
        Some(s) => s.as_str().ok_or("stdin must be a string")?.to_string(),
    };
    let case = CaseInput {
        name: "run".into(),
        stdin: stdin.into_bytes(),
        args,
        expected_stdout: Vec::new(),
        timeout_ms: run_ms,
        fetch: Vec::new(),
    };
    let spec = io_execution(
        lang.image,
        &payload,
        lang.build_argv(&program),
        lang.run_argv(&program),
        vec![case],
        limits,
    )
    .map_err(|e| e.to_string())?;
    Ok(Job { lang, spec })
}

fn internal_error(lang: &Lang, why: &str) -> PistonExecuteResponse {
    let mut run = stage("", "", None, None, false, 0, None);
    run.status = Some("XX".into());
    run.message = Some(why.to_string());
    PistonExecuteResponse {
        language: lang.piston.into(),
        version: lang.version.into(),
        run,
        compile: None,
    }
}

fn signal_name(n: i32) -> String {
    match n {
        9 => "SIGKILL".into(),
        6 => "SIGABRT".into(),
        11 => "SIGSEGV".into(),
        15 => "SIGTERM".into(),
        8 => "SIGFPE".into(),
        7 => "SIGBUS".into(),
        2 => "SIGINT".into(),
        13 => "SIGPIPE".into(),
        n => format!("SIG{n}"),
    }
}

fn response(lang: &Lang, ran: &Ran) -> PistonExecuteResponse {
    let r = &ran.result;
    let cases = ran.evidence.as_ref().and_then(|e| e.cases.as_ref());
    let build_failed = cases.is_some_and(|c| c.build_failed);
    let case_ms: u64 = r.cases.iter().map(|c| c.wall_ms).sum();
    let compile = lang.build.map(|_| {
        let timed_out = r.cases.is_empty() && r.verdict == Verdict::Timeout;
        let code = if timed_out {
            None
        } else if build_failed {
            r.exit_code.or(Some(1))
        } else {
            Some(0)
        };
        stage(
            &r.stdout.text,
            &r.stderr.text,
            code,
            if timed_out { Some(9) } else { None },
            timed_out,
            r.wall_ms.saturating_sub(case_ms),
            r.peak_memory_bytes,
        )
    });
    let run = match r.cases.first() {
        Some(c) => {
            let timed_out = c.verdict == CaseVerdict::Timeout;
            let killed = timed_out
                || matches!(
                    c.verdict,
                    CaseVerdict::OutputLimit | CaseVerdict::MemoryLimit
                );
            let signal = if killed { Some(9) } else { c.signal };
            let code = if signal.is_some() { None } else { c.exit_code };
            let mut s = stage(
                &c.stdout.text,
                &c.stderr.text,
                code,
                signal,
                timed_out,
                c.wall_ms,
                r.peak_memory_bytes,
            );
            if c.verdict == CaseVerdict::OutputLimit {
                s.status = Some("OL".into());
                s.message = Some("stdout length exceeded".into());
            }
            s
        }
        // Piston answers a compile failure with the compile stage as `run` too.
        None => compile.clone().unwrap_or_else(|| {
            let timed_out = r.verdict == Verdict::Timeout;
            stage(
                &r.stdout.text,
                &r.stderr.text,
                r.exit_code,
                r.signal.or(timed_out.then_some(9)),
                timed_out,
                r.wall_ms,
                r.peak_memory_bytes,
            )
        }),
    };
    PistonExecuteResponse {
        language: lang.piston.into(),
        version: lang.version.into(),
        run,
        compile,
    }
}

fn stage(
    stdout: &str,
    stderr: &str,
    code: Option<i64>,
    signal: Option<i32>,
    timed_out: bool,
    wall_ms: u64,
    memory: Option<u64>,
) -> PistonStage {
    let status = if timed_out {
        Some("TO")
    } else if signal.is_some() {
        Some("SG")
    } else if code.is_some_and(|c| c != 0) {
        Some("RE")
    } else {
        None
    };
    PistonStage {
        stdout: stdout.into(),
        stderr: stderr.into(),
        output: format!("{stdout}{stderr}"),
        code,
        signal: signal.map(signal_name),
        message: if timed_out {
            Some("Time limit exceeded".into())
        } else {
            None
        },
        status: status.map(str::to_string),
        memory,
        cpu_time: None,
        wall_time: Some(wall_ms),
    }
}
