//! Per-execution latency through the library (`Sandbox::run`, as the scheduler calls it), at the
//! same parallelism: paired with the floor's per-task time, it gives crucible's per-task
//! overhead.
use super::workloads::Workload;
use crucible::execution::Executor;
use crucible::limits::Limits;
use crucible::sandbox::{Backend, Sandbox, SandboxPolicy};
use crucible::task::{execution_spec, load_tasks, read_candidate_dir};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

pub async fn run(w: &Workload, j: usize, reuse: bool) -> anyhow::Result<Vec<Duration>> {
    let (tasks, errors) = load_tasks(&w.tasks_dir, &Limits::default())?;
    anyhow::ensure!(
        errors.is_empty(),
        "generated tasks failed to load: {errors:?}"
    );
    let by_id: HashMap<&str, _> = tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut specs = Vec::new();
    for t in &w.tasks {
        let task = by_id[t.id.as_str()];
        let files = read_candidate_dir(
            &w.candidates_dir.join("bench").join(&t.id),
            &task.candidate_files,
        )?;
        specs.push(Arc::new(execution_spec(task, &files, None)?));
    }
    let backend = if reuse {
        Backend::Reuse
    } else {
        Backend::Fresh
    };
    let sandbox = Arc::new(Sandbox::connect(SandboxPolicy::default(), backend).await?);
    let mut times = vec![Duration::ZERO; specs.len()];
    let mut set = JoinSet::new();
    let mut next = 0;
    while next < specs.len() || !set.is_empty() {
        while next < specs.len() && set.len() < j {
            let (sandbox, spec, i) = (sandbox.clone(), specs[next].clone(), next);
            set.spawn(async move {
                let t = Instant::now();
                let r = sandbox.run(&spec).await;
                (i, t.elapsed(), r.verdict)
            });
            next += 1;
        }
        if let Some(joined) = set.join_next().await {
            let (i, d, verdict) = joined?;
            anyhow::ensure!(
                verdict != crucible::verdict::Verdict::InfraError,
                "execution {i} ended in infra_error"
            );
            times[i] = d;
        }
    }
    sandbox.finish().await;
    Ok(times)
}
