//! Settling results: a batch of attempts recorded, their queue rows moved on and the runs
//! they ended marked finished, in one statement (one round trip, one commit).
use super::claim::{Claimed, Completion};
use crate::run::RetryPolicy;
use crate::store::{ExecutionRecord, Session};
use std::collections::HashMap;
use std::time::Duration;

/// The settle statement. Every part sees the same snapshot and commits together:
/// - `settled` moves each row this worker still holds (running, its lease, this attempt) to
///   done, cancelled (its run was cancelled) or back to pending after the run's backoff (an
///   infra error with retries left); a row it no longer holds is left alone (a late result);
/// - `recorded` writes every attempt, held or not. An attempt already recorded is one whose
///   settle committed but whose answer was lost, retried with the same record: kept as it is;
/// - `cases` writes the test cases of the attempts `recorded` wrote;
/// - `closed` takes the rows that ended off their run's count of open rows, and `finished`
///   marks the run finished when none is left. The count's row lock orders concurrent settles
///   of one run, so exactly one sees it reach zero (a check for open rows would not: of two
///   settles of a run's last two rows, each would see the other's row still running; run
///   after the commit instead, that check cost more than the settle itself, measured). Every
///   settle of a run takes that lock, so it is taken last: `closed` waits for `recorded` and
///   `cases` to be written (its `done` condition), and the lock is held only to the commit.
///   Every writer of the count changes queue rows first and the run's row last, so none waits
///   for another in the opposite order.
const SETTLE: &str = "
WITH input AS (
    SELECT * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
            $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::bigint[],
            $13::int[], $14::bigint[], $15::bigint[], $16::bigint[], $17::text[], $18::text[],
            $19::bool[], $20::text[], $21::text[], $22::bigint[])
        WITH ORDINALITY AS i(qid, attempt, run_id, task_id, model, sample, repeat, key, verdict,
            reason, exit_code, signal, wall_ms, cpu_ms, peak_memory_bytes, stdout, stderr,
            output_truncated, image_id, payload_sha256, finished_at_ms, n)
),
decided AS (
    SELECT q.id, i.attempt, r.cancelled,
        NOT r.cancelled AND i.verdict = 'infra_error' AND q.infra_failures < r.retries AS retry,
        least(r.backoff_ms * power(2, q.infra_failures), $23) / 1000.0 AS delay_s
    FROM input i JOIN queue q ON q.id = i.qid JOIN queue_runs r ON r.run_id = q.run_id
),
settled AS (
    UPDATE queue q SET
        state = CASE WHEN d.cancelled THEN 'cancelled' WHEN d.retry THEN 'pending' ELSE 'done' END,
        lease_owner = NULL, lease_expires = NULL,
        infra_failures = q.infra_failures + d.retry::int,
        not_before = CASE WHEN d.retry THEN now() + make_interval(secs => d.delay_s)
                          ELSE q.not_before END
    FROM decided d
    WHERE q.id = d.id AND q.attempt = d.attempt AND q.state = 'running' AND q.lease_owner = $1
    RETURNING q.id, q.attempt, q.state, q.run_id, d.delay_s::float8
),
recorded AS (
    INSERT INTO executions (run_id, task_id, model, sample, repeat, attempt, key, verdict,
        reason, exit_code, signal, wall_ms, cpu_ms, peak_memory_bytes, stdout, stderr,
        output_truncated, image_id, payload_sha256, finished_at_ms)
    SELECT run_id, task_id, model, sample, repeat, attempt, key, verdict, reason, exit_code,
        signal, wall_ms, cpu_ms, peak_memory_bytes, stdout, stderr, output_truncated, image_id,
        payload_sha256, finished_at_ms
    FROM input ORDER BY n
    ON CONFLICT (run_id, task_id, model, sample, repeat, attempt) DO NOTHING
    RETURNING id, run_id, task_id, model, sample, repeat, attempt
),
cases AS (
    INSERT INTO test_cases (execution_id, ordinal, name, outcome, message)
    SELECT r.id, c.ordinal, c.name, c.outcome, c.message
    FROM unnest($24::bigint[], $25::bigint[], $26::text[], $27::text[], $28::text[])
            AS c(n, ordinal, name, outcome, message)
        JOIN input i ON i.n = c.n
        JOIN recorded r ON r.run_id = i.run_id AND r.task_id = i.task_id AND r.model = i.model
            AND r.sample = i.sample AND r.repeat = i.repeat AND r.attempt = i.attempt
    RETURNING 1
),
closed AS (
    UPDATE queue_runs r SET open = r.open - c.n
    FROM (SELECT run_id, count(*) AS n FROM settled WHERE state <> 'pending' GROUP BY run_id) c
    WHERE r.run_id = c.run_id
      AND (SELECT count(*) FROM recorded) + (SELECT count(*) FROM cases) >= 0
    RETURNING r.run_id, r.open
),
finished AS (
    UPDATE runs SET finished_at_ms = $29 FROM closed
    WHERE runs.run_id = closed.run_id AND closed.open <= 0
)
SELECT id, attempt, state, delay_s FROM settled";

/// PostgreSQL text holds no NUL (SQLite keeps it); output may have one.
fn text(s: &str) -> String {
    s.replace('\0', "\u{FFFD}")
}

/// Record `batch` (claims this worker made, with their results) and settle their rows; one
/// completion per entry, in order.
pub(super) fn settle(
    session: &mut Session,
    worker: &str,
    batch: &[(Claimed, ExecutionRecord)],
) -> Result<Vec<Completion>, postgres::Error> {
    let settle = session.prepared(SETTLE)?;
    let col = |f: &dyn Fn(&Claimed, &ExecutionRecord) -> String| -> Vec<String> {
        batch.iter().map(|(c, r)| f(c, r)).collect()
    };
    let qid: Vec<i64> = batch.iter().map(|(c, _)| c.id).collect();
    let attempt: Vec<i64> = batch
        .iter()
        .map(|(c, _)| i64::from(c.execution.attempt))
        .collect();
    let run_id = col(&|_, r| r.run_id.clone());
    let task_id = col(&|_, r| r.task_id.clone());
    let model = col(&|_, r| r.model.clone());
    let sample: Vec<i64> = batch.iter().map(|(_, r)| i64::from(r.sample)).collect();
    let repeat: Vec<i64> = batch.iter().map(|(_, r)| i64::from(r.repeat)).collect();
    let key = col(&|_, r| r.key.clone());
    let verdict = col(&|_, r| r.verdict.as_str().to_string());
    let reason = col(&|_, r| r.reason.clone());
    let exit_code: Vec<Option<i64>> = batch.iter().map(|(_, r)| r.exit_code).collect();
    let signal: Vec<Option<i32>> = batch.iter().map(|(_, r)| r.signal).collect();
    let wall: Vec<i64> = batch.iter().map(|(_, r)| clamp(r.wall_ms)).collect();
    let cpu: Vec<Option<i64>> = batch.iter().map(|(_, r)| r.cpu_ms.map(clamp)).collect();
    let peak: Vec<Option<i64>> = batch
        .iter()
        .map(|(_, r)| r.peak_memory_bytes.map(clamp))
        .collect();
    let stdout = col(&|_, r| text(&r.stdout));
    let stderr = col(&|_, r| text(&r.stderr));
    let truncated: Vec<bool> = batch.iter().map(|(_, r)| r.output_truncated).collect();
    let image_id: Vec<Option<String>> = batch.iter().map(|(_, r)| r.image_id.clone()).collect();
    let payload: Vec<Option<String>> = batch
        .iter()
        .map(|(_, r)| r.payload_sha256.clone())
        .collect();
    let finished: Vec<i64> = batch.iter().map(|(_, r)| r.finished_at_ms).collect();
    let last_finished = finished.iter().copied().max().unwrap_or_default();
    let max_backoff = RetryPolicy::default().max_backoff.as_millis() as f64;
    let (mut case_n, mut ordinal) = (Vec::new(), Vec::new());
    let (mut name, mut outcome, mut message) = (Vec::new(), Vec::new(), Vec::new());
    for (n, (_, r)) in batch.iter().enumerate() {
        for (o, case) in r.tests.iter().enumerate() {
            // WITH ORDINALITY counts from 1.
            case_n.push(n as i64 + 1);
            ordinal.push(o as i64);
            name.push(text(&case.name));
            outcome.push(case.outcome.as_str());
            message.push(case.message.as_deref().map(text));
        }
    }
    let rows = session.client.query(
        &settle,
        &[
            &worker,
            &qid,
            &attempt,
            &run_id,
            &task_id,
            &model,
            &sample,
            &repeat,
            &key,
            &verdict,
            &reason,
            &exit_code,
            &signal,
            &wall,
            &cpu,
            &peak,
            &stdout,
            &stderr,
            &truncated,
            &image_id,
            &payload,
            &finished,
            &max_backoff,
            &case_n,
            &ordinal,
            &name,
            &outcome,
            &message,
            &last_finished,
        ],
    )?;
    let mut settled: HashMap<(i64, i64), Completion> = HashMap::new();
    for row in &rows {
        let (id, attempt, state): (i64, i64, String) = (row.get(0), row.get(1), row.get(2));
        let completion = if state == "pending" {
            Completion::Retry {
                delay: Duration::from_secs_f64(row.get::<_, f64>(3).max(0.0)),
            }
        } else {
            Completion::Final
        };
        settled.insert((id, attempt), completion);
    }
    Ok(qid
        .iter()
        .zip(&attempt)
        .map(|(id, a)| settled.remove(&(*id, *a)).unwrap_or(Completion::Late))
        .collect())
}

fn clamp(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
