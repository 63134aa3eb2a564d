//! What the runs API shares between requests: the store, the task roots, the executor, and the
//! runs in progress.
use super::live::Registry;
use super::roots::TaskRoot;
use crate::execution::Executor;
use crate::limits::Limits;
use crate::store::{StoreError, StoreReader, open_reader};
use std::path::PathBuf;
use std::sync::Arc;

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
    /// Limits for tasks that set none.
    pub defaults: Limits,
    pub live: Registry,
}

impl RunsState {
    /// `task_roots` are offered to clients by their directory names (they must differ).
    /// Opens a reader on `store` (creating the store when missing).
    pub fn new(
        store: String,
        task_roots: Vec<PathBuf>,
        executor: Arc<dyn Executor>,
        concurrency: usize,
    ) -> Result<RunsState, StoreError> {
        let reader = open_reader(&store)?;
        Ok(RunsState {
            inner: Arc::new(Inner {
                store,
                reader,
                roots: task_roots.into_iter().map(TaskRoot::from_path).collect(),
                executor,
                concurrency: concurrency.max(1),
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
