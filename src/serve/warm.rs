//! Warming up: at start the reuse pool runs one trivial execution (a slot for the default
//! limits stays warm), which also proves the daemon can start a harness container. `/readyz`
//! answers 503 until it has passed.
use super::state::{ServeState, Warmth};
use crate::execution::{ExecutionSpec, Executor, Expectation};
use crate::payload::{Payload, PayloadLimits};
use crate::verdict::Verdict;
use std::collections::BTreeMap;

/// Run the warm-up on `image` and record the outcome in `state`.
pub async fn warm_up(state: ServeState, image: String) {
    let Some(reuse) = state.reuse.clone() else {
        state.set_warmth(Warmth::Warm);
        return;
    };
    let payload =
        match Payload::from_layers(&[&BTreeMap::new()], &PayloadLimits::default(), &|_| false) {
            Ok(p) => p,
            Err(e) => {
                state.set_warmth(Warmth::Failed(e.to_string()));
                return;
            }
        };
    let spec = ExecutionSpec {
        image,
        command: vec!["true".into()],
        payload,
        limits: state.config.defaults.clone(),
        expectation: Expectation::default(),
        split: None,
        run_id: None,
        task_id: None,
    };
    let result = match reuse.execute(state.ticket(), &spec).await {
        Ok(evidence) => crate::judge::conclude(&spec, evidence),
        Err(e) => crate::judge::infra_error(&spec, &e),
    };
    if result.verdict == Verdict::Passed {
        state.set_warmth(Warmth::Warm);
    } else {
        let why = format!(
            "warm-up on {}: {}: {}",
            spec.image, result.verdict, result.reason
        );
        tracing::warn!("{why}");
        state.set_warmth(Warmth::Failed(super::scrub::scrub_host_paths(&why)));
    }
}
