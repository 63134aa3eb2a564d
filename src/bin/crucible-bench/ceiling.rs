//! The engine's ceiling: bare container lifecycles (create, start, wait, remove of `true`) in
//! the same image with the same hardening, through the API, at the same parallelism. With
//! `attach`, each lifecycle also attaches (as crucible's fresh mode does, to send the request and
//! read the reply), closes stdin and reads the stream to its end: the attach's own cost.
use crucible::docker::{self, container, labels};
use crucible::limits::Limits;
use crucible::sandbox::SandboxPolicy;
use futures_util::StreamExt;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::task::JoinSet;

pub async fn run(image: &str, n: usize, j: usize, attach: bool) -> anyhow::Result<Duration> {
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
                    let attached = match attach {
                        true => Some(container::attach(&docker, &id).await?),
                        false => None,
                    };
                    container::start(&docker, &id).await?;
                    if let Some(mut attached) = attached {
                        let _ = attached.input.shutdown().await;
                        while attached.output.next().await.is_some() {}
                    }
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
