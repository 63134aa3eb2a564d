//! The single writer of the result store: one thread owns the store and writes results in
//! batched transactions as they arrive, so the store is never the bottleneck.
use crate::store::{ExecutionRecord, ResultStore, StoreError};
use std::sync::mpsc;
use std::thread::JoinHandle;

const BATCH: usize = 256;

/// What the writer thread hands back: the store, and how many records it wrote.
type Finished = (Box<dyn ResultStore>, Result<u64, StoreError>);

pub struct StoreWriter {
    tx: Option<mpsc::Sender<ExecutionRecord>>,
    thread: Option<JoinHandle<Finished>>,
}

impl StoreWriter {
    pub fn spawn(mut store: Box<dyn ResultStore>) -> StoreWriter {
        let (tx, rx) = mpsc::channel::<ExecutionRecord>();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                let mut written = 0u64;
                // Block for the first record, then take whatever else is already queued.
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    while batch.len() < BATCH {
                        match rx.try_recv() {
                            Ok(r) => batch.push(r),
                            Err(_) => break,
                        }
                    }
                    if let Err(e) = store.put_executions(&batch) {
                        return (store, Err(e));
                    }
                    written += batch.len() as u64;
                }
                (store, Ok(written))
            })
            .expect("spawn store writer");
        StoreWriter {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    /// Queue a record; `false` when the writer has stopped (its error comes from `finish`).
    pub fn send(&self, record: ExecutionRecord) -> bool {
        self.tx
            .as_ref()
            .map(|tx| tx.send(record).is_ok())
            .unwrap_or(false)
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
