//! The single writer of the result store: one thread owns the store and writes results in
//! batched transactions as they arrive, so the store is never the bottleneck. When a write
//! fails the thread stops the run (it must not keep starting work nobody can record).
use super::events::{EventSink, RunEvent};
use super::halt::{Halt, StopHandle};
use crate::store::{ExecutionRecord, StoreError, StoreWriter};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

const BATCH: usize = 256;

/// The store handed back, and how many records were written (or why writing stopped).
pub type Finished = (Box<dyn StoreWriter>, Result<u64, StoreError>);

pub struct BatchWriter {
    tx: Option<mpsc::Sender<Arc<ExecutionRecord>>>,
    thread: Option<JoinHandle<Finished>>,
}

impl BatchWriter {
    /// Start the writer thread; a failed write calls `stop` (reason `StoreFailed`) and ends it.
    pub fn spawn(mut store: Box<dyn StoreWriter>, stop: StopHandle) -> BatchWriter {
        let (tx, rx) = mpsc::channel::<Arc<ExecutionRecord>>();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                let mut written = 0u64;
                // Block for the first record, then take whatever else is already queued.
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![Arc::unwrap_or_clone(first)];
                    while batch.len() < BATCH {
                        match rx.try_recv() {
                            Ok(r) => batch.push(Arc::unwrap_or_clone(r)),
                            Err(_) => break,
                        }
                    }
                    if let Err(e) = store.put_executions(&batch) {
                        stop.stop(Halt::StoreFailed);
                        return (store, Err(e));
                    }
                    written += batch.len() as u64;
                }
                (store, Ok(written))
            })
            .expect("spawn store writer");
        BatchWriter {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    /// Queue a record; `false` when the writer has stopped (its error comes from `finish`).
    pub fn send(&self, record: impl Into<Arc<ExecutionRecord>>) -> bool {
        self.tx
            .as_ref()
            .is_some_and(|tx| tx.send(record.into()).is_ok())
    }

    /// Flush everything queued and hand the store back.
    pub fn finish(mut self) -> Finished {
        drop(self.tx.take());
        self.thread
            .take()
            .expect("finish once")
            .join()
            .expect("store writer thread panicked")
    }
}

/// The store follows the run: every finished attempt is written the moment it arrives.
impl EventSink for BatchWriter {
    fn event(&mut self, event: &RunEvent) {
        if let RunEvent::Finished { record, .. } = event {
            // A stopped writer has already stopped the run; `finish` reports why.
            self.send(record.clone());
        }
    }
}
