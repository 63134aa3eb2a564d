//! The engine's ceiling: bare container lifecycles (create, start, wait, remove of `true`) in
//! the same image with the same hardening, through the API, at the same parallelism.
use crucible::docker::{self, container, labels};
use crucible::limits::Limits;
use crucible::sandbox::SandboxPolicy;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

pub async fn run(image: &str, n: usize, j: usize) -> anyhow::Result<Duration> {
    let docker = docker::connect().await?;
    let policy = SandboxPolicy::default();
    let limits = Limits::default();
    let started = Instant::now();
    let mut set = JoinSet::new();
    let mut launched = 0;
    let mut failures = 0;
    while launched < n || !set.is_empty() {
        while launched < n && set.len() < j {
            let docker = docker.clone();
            let mut labels = labels::for_execution(None, None);
            labels.insert("crucible.bench".into(), "ceiling".into());
            let body =
                policy.container_spec(image, vec!["true".into()], Vec::new(), &limits, labels);
            set.spawn(async move {
                let id = container::create(&docker, &body).await?;
                let ran = async {
                    container::start(&docker, &id).await?;
                    container::wait(&docker, &id).await
                }
                .await;
                container::remove(&docker, &id).await?;
                ran.map(|_| ())
            });
            launched += 1;
        }
        if let Some(joined) = set.join_next().await
            && !matches!(joined, Ok(Ok(())))
        {
            failures += 1;
        }
    }
    anyhow::ensure!(failures == 0, "{failures} bare container lifecycles failed");
    Ok(started.elapsed())
}
