//! What the runs API shares between requests: the store, the task roots, the executor, and the
//! runs in progress.
use super::live::Registry;
use super::roots::TaskRoot;
use crate::execution::Executor;
use crate::limits::Limits;
use crate::store::{StoreError, StoreReader, open_reader};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct RunsState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The store location as `--store` takes it; each run opens its own writer on it.
    pub store: String,
    pub reader: Arc<dyn StoreReader>,
    pub roots: Vec<TaskRoot>,
    pub executor: Arc<dyn Executor>,
    pub concurrency: usize,
    /// Containers in flight across all runs (`concurrency` of them).
    pub slots: Arc<Semaphore>,
    /// Limits for tasks that set none.
    pub defaults: Limits,
    pub live: Registry,
}

impl RunsState {
    /// `task_roots` are offered to clients by their directory names (`tasks`, `suites`; a name
    /// already taken gets `-2`, `-3`, …). Opens a reader on `store` (creating the store when
    /// missing).
    pub fn new(
        store: String,
        task_roots: Vec<PathBuf>,
        executor: Arc<dyn Executor>,
        concurrency: usize,
    ) -> Result<RunsState, StoreError> {
        RunsState::with_roots(store, name_roots(task_roots), executor, concurrency)
    }

    /// Roots under names of the caller's choosing (e.g. `--tasks bench=/srv/tasks`).
    pub fn with_roots(
        store: String,
        roots: Vec<TaskRoot>,
        executor: Arc<dyn Executor>,
        concurrency: usize,
    ) -> Result<RunsState, StoreError> {
        let reader = open_reader(&store)?;
        Ok(RunsState {
            inner: Arc::new(Inner {
                store,
                reader,
                roots,
                executor,
                concurrency: concurrency.max(1),
                slots: Arc::new(Semaphore::new(concurrency.max(1))),
                defaults: Limits::default(),
                live: Registry::default(),
            }),
        })
    }

    /// Cancel every run in progress (the server is shutting down): each removes its containers
    /// and records what was in flight as interrupted.
    pub fn interrupt_all(&self) {
        self.inner.live.interrupt_all();
    }

    /// Resolves when no run of this server is in progress any more.
    pub async fn wait_idle(&self) {
        while let Some(run) = self.inner.live.any() {
            run.wait_done().await;
        }
    }
}

/// Name each root after its directory, never twice.
fn name_roots(paths: Vec<PathBuf>) -> Vec<TaskRoot> {
    let mut out: Vec<TaskRoot> = Vec::new();
    for p in paths {
        let mut root = TaskRoot::from_path(p);
        let base = root.name.clone();
        let mut n = 2;
        while out.iter().any(|r| r.name == root.name) {
            root.name = format!("{base}-{n}");
            n += 1;
        }
        out.push(root);
    }
    out
}
