//! The queue's operations, each one statement or one transaction on the PostgreSQL store's
//! connection. Every call blocks: call them from a blocking thread in async code.
use super::claim::{Claimed, Completion, Renewal};
use super::error::QueueError;
use super::progress::QueueProgress;
use super::settle::settle;
use crate::run::{ExecutionId, RetryPolicy};
use crate::store::{ExecutionRecord, PgStore, StoreError};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The work queue of one PostgreSQL database.
pub struct WorkQueue {
    pg: PgStore,
}

/// An execution to enqueue.
#[derive(Debug, Clone)]
pub(crate) struct NewRow {
    pub execution: ExecutionId,
    pub key: String,
    pub image: String,
    pub runtime: Option<String>,
    pub spec_json: String,
    pub payload_json: String,
    pub labels: Vec<String>,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl WorkQueue {
    /// Open the queue of the store at `location`; only PostgreSQL holds one.
    pub fn open(location: &str) -> Result<WorkQueue, QueueError> {
        let trimmed = location.trim();
        if !(trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://")) {
            return Err(QueueError::NotPostgres {
                location: crate::store::redact_password(location),
            });
        }
        Ok(WorkQueue {
            pg: PgStore::open_for_queue(trimmed)?,
        })
    }

    /// The store the queue lives in (runs, tasks and results are written through it).
    pub fn store(&mut self) -> &mut PgStore {
        &mut self.pg
    }

    /// Register a run's retry policy; enqueuing again un-cancels it and puts back what the
    /// cancel cut short (executions whose last attempt was interrupted or an infra error).
    pub fn register_run(&self, run_id: &str, retry: &RetryPolicy) -> Result<(), StoreError> {
        let (id, retries, backoff) = (
            run_id.to_string(),
            i64::from(retry.retries),
            retry.backoff.as_millis() as i64,
        );
        self.pg.call("register queued run", move |c| {
            let mut tx = c.transaction()?;
            // Queue rows first, then the run's row, in every writer of the count of open rows
            // (see `settle`).
            let reopened = tx.execute(
                "UPDATE queue q SET state = 'pending', not_before = now()
                 WHERE q.run_id = $1 AND q.state = 'cancelled'
                   AND COALESCE((SELECT e.verdict FROM executions e
                        WHERE e.run_id = q.run_id AND e.task_id = q.task_id AND e.model = q.model
                          AND e.sample = q.sample AND e.repeat = q.repeat
                        ORDER BY e.attempt DESC LIMIT 1), 'interrupted')
                       IN ('interrupted', 'infra_error')",
                &[&id],
            )? as i64;
            tx.execute(
                "INSERT INTO queue_runs (run_id, retries, backoff_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (run_id) DO UPDATE SET cancelled = FALSE,
                    retries = excluded.retries, backoff_ms = excluded.backoff_ms,
                    open = queue_runs.open + $4",
                &[&id, &retries, &backoff, &reopened],
            )?;
            tx.commit()
        })
    }

    /// Store blobs (content-addressed: a blob already there is not sent twice by the caller
    /// and not written twice by the database).
    pub(crate) fn put_blobs(&self, blobs: Vec<(String, Vec<u8>)>) -> Result<(), StoreError> {
        if blobs.is_empty() {
            return Ok(());
        }
        self.pg.call("write payload blobs", move |c| {
            let mut tx = c.transaction()?;
            let insert = tx.prepare(
                "INSERT INTO blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )?;
            for (name, bytes) in &blobs {
                tx.execute(&insert, &[name, bytes])?;
            }
            tx.commit()
        })
    }

    pub(crate) fn blobs(
        &self,
        names: Vec<String>,
    ) -> Result<HashMap<String, Arc<Vec<u8>>>, StoreError> {
        self.pg.call_session("read payload blobs", move |s| {
            let read = s.prepared("SELECT sha256, bytes FROM blobs WHERE sha256 = ANY($1)")?;
            let rows = s.client.query(&read, &[&names])?;
            Ok(rows
                .iter()
                .map(|r| (r.get::<_, String>(0), Arc::new(r.get::<_, Vec<u8>>(1))))
                .collect())
        })
    }

    /// Add executions; one already queued for the same place in the run is left alone.
    /// Returns how many were new.
    pub(crate) fn enqueue(&self, run_id: &str, rows: Vec<NewRow>) -> Result<u64, StoreError> {
        let id = run_id.to_string();
        self.pg.call("enqueue executions", move |c| {
            let mut tx = c.transaction()?;
            let insert = tx.prepare(
                "INSERT INTO queue (run_id, task_id, model, sample, repeat, key, image, runtime,
                    spec_json, payload_json, labels)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (run_id, task_id, model, sample, repeat) DO NOTHING",
            )?;
            let mut added = 0;
            for r in &rows {
                added += tx.execute(
                    &insert,
                    &[
                        &id,
                        &r.execution.task_id,
                        &r.execution.model,
                        &i64::from(r.execution.sample),
                        &i64::from(r.execution.repeat),
                        &r.key,
                        &r.image,
                        &r.runtime,
                        &r.spec_json,
                        &r.payload_json,
                        &r.labels,
                    ],
                )?;
            }
            let images: Vec<&str> = rows.iter().map(|r| r.image.as_str()).collect();
            tx.execute(
                "UPDATE queue_runs SET open = open + $2, images = ARRAY(
                    SELECT DISTINCT i FROM unnest(images || $3::text[]) AS i)
                 WHERE run_id = $1",
                &[&id, &(added as i64), &images],
            )?;
            tx.commit()?;
            Ok(added)
        })
    }

    /// Claim up to `n` executions this worker can run (its images and labels) under a lease
    /// of `lease`: pending ones that are due, and running ones whose lease expired (their
    /// worker died or lost the database). Rows other workers are claiming are skipped, not
    /// waited for.
    pub fn claim(
        &self,
        worker: &str,
        n: usize,
        images: &[String],
        labels: &[String],
        lease: Duration,
    ) -> Result<Vec<Claimed>, StoreError> {
        let (worker, images, labels) = (worker.to_string(), images.to_vec(), labels.to_vec());
        let (n, lease) = (n as i64, secs(lease));
        self.pg.call_session("claim executions", move |s| {
            let claim = s.prepared(
                "WITH expired AS (
                    SELECT q.id FROM queue q
                    WHERE q.state = 'running' AND q.lease_expires < now()
                      AND q.image = ANY($2) AND q.labels <@ $3
                      AND NOT EXISTS (SELECT 1 FROM queue_runs r
                                      WHERE r.run_id = q.run_id AND r.cancelled)
                    ORDER BY q.lease_expires LIMIT $4
                    FOR UPDATE OF q SKIP LOCKED),
                 due AS (
                    SELECT q.id FROM queue q
                    WHERE q.state = 'pending' AND q.not_before <= now()
                      AND q.image = ANY($2) AND q.labels <@ $3
                      AND NOT EXISTS (SELECT 1 FROM queue_runs r
                                      WHERE r.run_id = q.run_id AND r.cancelled)
                    ORDER BY q.id LIMIT $4
                    FOR UPDATE OF q SKIP LOCKED),
                 picked AS (SELECT id FROM expired UNION ALL SELECT id FROM due LIMIT $4)
                 UPDATE queue q SET state = 'running', lease_owner = $1,
                    lease_expires = now() + make_interval(secs => $5), attempt = q.attempt + 1
                 FROM picked WHERE q.id = picked.id
                 RETURNING q.id, q.run_id, q.task_id, q.model, q.sample, q.repeat, q.attempt,
                    q.key, q.image, q.runtime, q.spec_json, q.payload_json",
            )?;
            let rows = s
                .client
                .query(&claim, &[&worker, &images, &labels, &n, &lease])?;
            Ok(rows
                .iter()
                .map(|r| Claimed {
                    id: r.get(0),
                    run_id: r.get(1),
                    execution: ExecutionId {
                        task_id: r.get(2),
                        model: r.get(3),
                        sample: r.get::<_, i64>(4) as u32,
                        repeat: r.get::<_, i64>(5) as u32,
                        attempt: r.get::<_, i64>(6) as u32,
                    },
                    key: r.get(7),
                    image: r.get(8),
                    runtime: r.get(9),
                    spec_json: r.get(10),
                    payload_json: r.get(11),
                })
                .collect())
        })
    }

    /// Extend the leases this worker holds (`held`: row id and attempt); say which it lost
    /// and which belong to cancelled runs.
    pub fn renew(
        &self,
        worker: &str,
        held: &[(i64, u32)],
        lease: Duration,
    ) -> Result<Renewal, StoreError> {
        if held.is_empty() {
            return Ok(Renewal::default());
        }
        let worker = worker.to_string();
        let ids: Vec<i64> = held.iter().map(|h| h.0).collect();
        let attempts: Vec<i64> = held.iter().map(|h| i64::from(h.1)).collect();
        let lease = secs(lease);
        self.pg.call("renew leases", move |c| {
            let mut tx = c.transaction()?;
            let renewed: Vec<i64> = tx
                .query(
                    "UPDATE queue SET lease_expires = now() + make_interval(secs => $4)
                     WHERE (id, attempt) IN (SELECT * FROM unnest($2::bigint[], $3::bigint[]))
                       AND lease_owner = $1 AND state = 'running'
                     RETURNING id",
                    &[&worker, &ids, &attempts, &lease],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let cancelled: Vec<i64> = tx
                .query(
                    "SELECT q.id FROM queue q JOIN queue_runs r ON r.run_id = q.run_id
                     WHERE q.id = ANY($1) AND (r.cancelled OR q.state = 'cancelled')",
                    &[&ids],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
            tx.commit()?;
            let lost = ids
                .iter()
                .filter(|id| !renewed.contains(id) && !cancelled.contains(id))
                .copied()
                .collect();
            Ok(Renewal { lost, cancelled })
        })
    }

    /// Record one attempt's result and settle its row (see `complete_many`).
    pub fn complete(
        &self,
        worker: &str,
        claimed: &Claimed,
        record: ExecutionRecord,
    ) -> Result<Completion, StoreError> {
        let mut settled = self.complete_many(worker, vec![(claimed.clone(), record)])?;
        Ok(settled.pop().unwrap_or(Completion::Late))
    }

    /// Record attempts' results and settle their rows, one completion per entry: final, back
    /// in the queue (an infra error with retries left), or only an attempt (the lease was lost
    /// or the run cancelled meanwhile). The records and the row changes commit together, so a
    /// result is never lost or counted twice.
    pub fn complete_many(
        &self,
        worker: &str,
        batch: Vec<(Claimed, ExecutionRecord)>,
    ) -> Result<Vec<Completion>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let worker = worker.to_string();
        self.pg
            .call_session("settle results", move |s| settle(s, &worker, &batch))
    }

    /// Give a claimed execution back without a result (the worker is shutting down).
    pub fn release(&self, worker: &str, claimed: &[(i64, u32)]) -> Result<(), StoreError> {
        if claimed.is_empty() {
            return Ok(());
        }
        let worker = worker.to_string();
        let ids: Vec<i64> = claimed.iter().map(|h| h.0).collect();
        let attempts: Vec<i64> = claimed.iter().map(|h| i64::from(h.1)).collect();
        self.pg.call("release executions", move |c| {
            c.execute(
                "UPDATE queue SET state = 'pending', lease_owner = NULL, lease_expires = NULL,
                    not_before = now()
                 WHERE (id, attempt) IN (SELECT * FROM unnest($2::bigint[], $3::bigint[]))
                   AND lease_owner = $1 AND state = 'running'",
                &[&worker, &ids, &attempts],
            )
            .map(|_| ())
        })
    }

    /// Cancel a run for every worker: pending executions are dropped from the queue, workers
    /// stop the running ones at their next lease renewal.
    pub fn cancel(&self, run_id: &str) -> Result<(), QueueError> {
        let id = run_id.to_string();
        let found = self.pg.call("cancel run", move |c| {
            let mut tx = c.transaction()?;
            let dropped = tx.execute(
                "UPDATE queue SET state = 'cancelled' WHERE run_id = $1 AND state = 'pending'",
                &[&id],
            )? as i64;
            let found = tx.execute(
                "UPDATE queue_runs SET cancelled = TRUE, open = open - $2 WHERE run_id = $1",
                &[&id, &dropped],
            )?;
            tx.commit()?;
            Ok(found)
        })?;
        if found == 0 {
            return Err(QueueError::NoSuchRun {
                run_id: run_id.to_string(),
            });
        }
        Ok(())
    }

    /// Count a run's executions by state. In a cancelled run, an execution whose worker died
    /// (lease expired) counts as cancelled: nobody will claim it again.
    pub fn progress(&self, run_id: &str) -> Result<QueueProgress, QueueError> {
        let id = run_id.to_string();
        let progress = self.pg.call("read queue progress", move |c| {
            let cancelled: Option<bool> = c
                .query_opt("SELECT cancelled FROM queue_runs WHERE run_id = $1", &[&id])?
                .map(|r| r.get(0));
            let Some(cancelled) = cancelled else {
                return Ok(None);
            };
            if cancelled {
                c.execute(
                    "WITH dropped AS (
                        UPDATE queue SET state = 'cancelled', lease_owner = NULL
                        WHERE run_id = $1 AND state = 'running' AND lease_expires < now()
                        RETURNING 1)
                     UPDATE queue_runs SET open = open - (SELECT count(*) FROM dropped)
                     WHERE run_id = $1 AND EXISTS (SELECT 1 FROM dropped)",
                    &[&id],
                )?;
            }
            let mut p = QueueProgress {
                run_cancelled: cancelled,
                ..QueueProgress::default()
            };
            for r in c.query(
                "SELECT state, count(*), count(DISTINCT lease_owner) FROM queue
                 WHERE run_id = $1 GROUP BY state",
                &[&id],
            )? {
                let (state, n, owners): (String, i64, i64) = (r.get(0), r.get(1), r.get(2));
                let n = n as u64;
                match state.as_str() {
                    "pending" => p.pending = n,
                    "running" => {
                        p.running = n;
                        p.workers = owners as u64;
                    }
                    "done" => p.done = n,
                    _ => p.cancelled += n,
                }
            }
            Ok(Some(p))
        })?;
        progress.ok_or_else(|| QueueError::NoSuchRun {
            run_id: run_id.to_string(),
        })
    }

    /// Images that queued, uncancelled executions need.
    pub fn open_images(&self) -> Result<Vec<String>, StoreError> {
        self.pg.call("list queued images", |c| {
            Ok(c.query(
                "SELECT DISTINCT unnest(r.images) FROM queue_runs r
                 WHERE NOT r.cancelled AND EXISTS (SELECT 1 FROM queue q
                     WHERE q.run_id = r.run_id AND q.state IN ('pending', 'running'))",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
        })
    }
}
