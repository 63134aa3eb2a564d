//! A scripted executor for the run's unit tests: no Docker. It answers each execution with
//! what its script says, counts every call, and can hold executions until released.
use crate::execution::{
    Evidence, ExecutionSpec, Executor, InfraError, KillReason, ReportState, Ticket,
};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

pub type Script = Box<dyn Fn(&ExecutionSpec) -> Result<Evidence, InfraError> + Send + Sync>;

pub struct FakeExecutor {
    script: Script,
    /// Executions wait for a permit when holding (see `hold`).
    gate: Option<Semaphore>,
    pub executes: AtomicUsize,
    pub prepares: AtomicUsize,
    pub aborts: AtomicUsize,
    pub finishes: AtomicUsize,
    pub recovers: AtomicUsize,
    /// The "daemon" is down: executions (once past the gate) and probes fail as unreachable.
    pub down: AtomicBool,
    /// (task id, when `execute` was called), in call order.
    pub calls: Mutex<Vec<(String, Instant)>>,
    started: Notify,
}

impl FakeExecutor {
    pub fn new(
        script: impl Fn(&ExecutionSpec) -> Result<Evidence, InfraError> + Send + Sync + 'static,
    ) -> FakeExecutor {
        FakeExecutor {
            script: Box::new(script),
            gate: None,
            executes: AtomicUsize::new(0),
            prepares: AtomicUsize::new(0),
            aborts: AtomicUsize::new(0),
            finishes: AtomicUsize::new(0),
            recovers: AtomicUsize::new(0),
            down: AtomicBool::new(false),
            calls: Mutex::new(Vec::new()),
            started: Notify::new(),
        }
    }

    /// Every execution passes all its declared tests.
    pub fn passing() -> FakeExecutor {
        FakeExecutor::new(|spec| Ok(pass(spec)))
    }

    /// Hold every execution after the first `free` until `release` lets it go.
    pub fn hold(mut self, free: usize) -> FakeExecutor {
        self.gate = Some(Semaphore::new(free));
        self
    }

    pub fn release(&self, n: usize) {
        if let Some(gate) = &self.gate {
            gate.add_permits(n);
        }
    }

    pub fn count(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::SeqCst)
    }

    /// Wait until at least `n` executions have been started.
    pub async fn started(&self, n: usize) {
        loop {
            let notified = self.started.notified();
            if Self::count(&self.executes) >= n {
                return;
            }
            notified.await;
        }
    }

    pub fn tasks_called(&self) -> Vec<String> {
        let calls = self.calls.lock().unwrap();
        calls.iter().map(|(t, _)| t.clone()).collect()
    }
}

#[async_trait::async_trait]
impl Executor for FakeExecutor {
    async fn image_id(&self, image: &str) -> Result<String, InfraError> {
        Ok(format!("sha256:{image}"))
    }

    fn prepare(&self, _ticket: Ticket, _spec: &ExecutionSpec) {
        self.prepares.fetch_add(1, Ordering::SeqCst);
    }

    async fn execute(&self, _ticket: Ticket, spec: &ExecutionSpec) -> Result<Evidence, InfraError> {
        self.calls
            .lock()
            .unwrap()
            .push((spec.task_id.clone().unwrap_or_default(), Instant::now()));
        self.executes.fetch_add(1, Ordering::SeqCst);
        self.started.notify_waiters();
        if let Some(gate) = &self.gate {
            gate.acquire().await.expect("gate open").forget();
        }
        if self.down.load(Ordering::SeqCst) {
            return Err(InfraError::daemon_unreachable("connection refused"));
        }
        (self.script)(spec)
    }

    async fn abort_all(&self) -> usize {
        self.aborts.fetch_add(1, Ordering::SeqCst);
        0
    }

    async fn finish(&self) {
        self.finishes.fetch_add(1, Ordering::SeqCst);
    }

    async fn probe(&self) -> Result<(), InfraError> {
        match self.down.load(Ordering::SeqCst) {
            true => Err(InfraError::daemon_unreachable("connection refused")),
            false => Ok(()),
        }
    }

    async fn recover(&self) -> usize {
        self.recovers.fetch_add(1, Ordering::SeqCst);
        3
    }
}

/// A finished harness whose simple report passes every declared test (`t0`, `t1`, …).
pub fn pass(spec: &ExecutionSpec) -> Evidence {
    let report: String = (0..spec.expectation.declared_tests.max(1))
        .map(|i| format!("PASS t{i}\n"))
        .collect();
    Evidence {
        harness_finished: true,
        exit_code: Some(0),
        container_exit: Some(0),
        report: ReportState::Present(report.into_bytes()),
        ..Default::default()
    }
}

/// The tests ran and one failed.
pub fn fail(_: &ExecutionSpec) -> Evidence {
    Evidence {
        harness_finished: true,
        exit_code: Some(1),
        container_exit: Some(0),
        report: ReportState::Present(b"FAIL t0: boom\n".to_vec()),
        ..Default::default()
    }
}

/// Killed at the wall-clock limit.
pub fn timeout(_: &ExecutionSpec) -> Evidence {
    Evidence {
        killed_for: Some(KillReason::Timeout),
        ..Default::default()
    }
}
