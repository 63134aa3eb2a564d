//! Warming up: at start the reuse pool runs `slots` trivial executions at once (that many slots
//! for the default limits stay warm: the pool's minimum), which also proves the daemon can start
//! a harness container. `/readyz` answers 503 until they have passed.
use super::state::{ServeState, Warmth};
use crate::execution::{ExecutionSpec, Executor, Expectation};
use crate::payload::{Payload, PayloadLimits};
use crate::verdict::Verdict;
use std::collections::BTreeMap;

/// Run the warm-up on `image` in `slots` slots at once and record the outcome in `state`.
pub async fn warm_up(state: ServeState, image: String, slots: usize) {
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
    let runs = (0..slots.max(1)).map(|_| async {
        match reuse.execute(state.ticket(), &spec).await {
            Ok(evidence) => crate::judge::conclude(&spec, evidence),
            Err(e) => crate::judge::infra_error(&spec, &e),
        }
    });
    let results = futures_util::future::join_all(runs).await;
    let failed = results.into_iter().find(|r| r.verdict != Verdict::Passed);
    if let Some(result) = failed {
        let why = format!(
            "warm-up on {}: {}: {}",
            spec.image, result.verdict, result.reason
        );
        tracing::warn!("{why}");
        state.set_warmth(Warmth::Failed(super::scrub::scrub_host_paths(&why)));
    } else {
        state.set_warmth(Warmth::Warm);
    }
}
