//! The judge: the one place a verdict is made. `conclude` judges evidence; the three verdicts
//! that have no evidence behind them (refused input, infrastructure failure, interruption) are
//! made by one small function each.
mod io;
mod rules;

pub use rules::{Judgement, judge, signal_of};

use crate::execution::{Evidence, ExecutionResult, ExecutionSpec, InfraError};
use crate::limits::Limits;
use crate::verdict::Verdict;

/// Judge what an execution left behind against what its spec expects.
pub fn conclude(spec: &ExecutionSpec, evidence: Evidence) -> ExecutionResult {
    let (judged, cases) = match &spec.expectation.io {
        Some(io) => io::judge_io(&evidence, io, &spec.limits),
        None => (
            judge(&evidence, &spec.expectation, &spec.limits),
            Vec::new(),
        ),
    };
    ExecutionResult {
        verdict: judged.verdict,
        reason: judged.reason,
        exit_code: evidence.exit_code.or(evidence.container_exit),
        signal: evidence
            .exit_code
            .or(evidence.container_exit)
            .and_then(signal_of),
        wall_ms: evidence.wall_ms,
        cpu_ms: evidence.cpu_ms,
        peak_memory_bytes: evidence.peak_memory_bytes,
        stdout: evidence.stdout,
        stderr: evidence.stderr,
        tests: judged.tests,
        image: spec.image.clone(),
        image_id: evidence.image_id,
        payload_sha256: Some(spec.payload.sha256().to_string()),
        limits: spec.limits.clone(),
        runtime: evidence.runtime,
        container_id: evidence.container_id,
        cases,
    }
}

/// The payload or task was refused before any container existed.
pub fn invalid_input(image: &str, limits: &Limits, reason: impl Into<String>) -> ExecutionResult {
    ExecutionResult::without_container(Verdict::InvalidInput, reason.into(), image, limits)
}

/// The executor failed; nothing is known about the candidate.
pub fn infra_error(spec: &ExecutionSpec, error: &InfraError) -> ExecutionResult {
    let mut r = ExecutionResult::without_container(
        Verdict::InfraError,
        error.message.clone(),
        &spec.image,
        &spec.limits,
    );
    r.payload_sha256 = Some(spec.payload.sha256().to_string());
    r
}

/// The run was stopped while this execution was in flight.
pub fn interrupted(image: &str, limits: &Limits) -> ExecutionResult {
    ExecutionResult::without_container(
        Verdict::Interrupted,
        "the run was interrupted".into(),
        image,
        limits,
    )
}
