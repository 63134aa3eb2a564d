//! The default result store: one SQLite file in WAL mode.
//!
//! WAL lets `crucible report` read while a run is writing; `synchronous=NORMAL` is durable across
//! process crashes (a power cut may lose the last batches, which `--resume` simply re-runs).
use super::migrations::{migrate, open_error};
use super::record::{ExecutionRecord, RunRecord, TaskRecord};
use super::store::{FinalKey, StoreError, StoreReader, StoreWriter};
use crate::testreport::{TestCase, TestOutcome};
use crate::verdict::Verdict;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How long a writer waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// One connection to a store file. As a writer it is used by one thread; as a reader it is
/// shared, so the connection sits behind a mutex (readers wanting parallelism open their own).
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The path as the user gave it, for error messages.
    location: String,
}

impl SqliteStore {
    /// Open (or create) the store at `path`, creating missing parent directories and bringing
    /// the schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let location = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                location: location.clone(),
                message: format!(
                    "cannot create directory {}: {e}; create it or choose another --store path",
                    parent.display()
                ),
            })?;
        }
        if path.is_dir() {
            return Err(StoreError::Open {
                location,
                message: "this is a directory; give a file path such as results/crucible.db".into(),
            });
        }
        let mut conn = Connection::open(path).map_err(|e| open_error(&location, &e))?;
        configure(&conn).map_err(|e| open_error(&location, &e))?;
        migrate(&mut conn, &location)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            location,
        })
    }

    /// Open a connection that only reads (a report or a server beside a running writer).
    pub fn open_reader(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let store = SqliteStore::open(path)?;
        store
            .conn()
            .execute_batch("PRAGMA query_only = ON;")
            .map_err(|e| open_error(&store.location, &e))?;
        Ok(store)
    }

    /// The connection for a read. A panic while it was held cannot leave it half-changed
    /// (writes run in transactions), so a poisoned lock is taken over.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The connection for a write: the writer owns the store, so no lock is taken.
    fn conn_mut(&mut self) -> &mut Connection {
        self.conn.get_mut().unwrap_or_else(|p| p.into_inner())
    }

    fn query_error(&self, operation: &'static str, e: impl std::fmt::Display) -> StoreError {
        StoreError::Query {
            location: self.location.clone(),
            operation,
            message: e.to_string(),
        }
    }

    fn run_exists(&self, run_id: &str) -> Result<bool, StoreError> {
        self.conn()
            .prepare_cached("SELECT 1 FROM runs WHERE run_id = ?1")
            .and_then(|mut s| s.exists([run_id]))
            .map_err(|e| self.query_error("look up run", e))
    }

    /// NoSuchRun when `rows` is empty because the run does not exist (not merely has no rows).
    fn require_run_if_empty<T>(&self, rows: Vec<T>, run_id: &str) -> Result<Vec<T>, StoreError> {
        if rows.is_empty() && !self.run_exists(run_id)? {
            return Err(self.no_such_run(run_id));
        }
        Ok(rows)
    }

    fn no_such_run(&self, run_id: &str) -> StoreError {
        StoreError::NoSuchRun {
            location: self.location.clone(),
            run_id: run_id.to_string(),
        }
    }

    /// A write that broke the foreign key to `runs` means the caller forgot `begin_run`.
    fn write_error(&self, operation: &'static str, run_id: &str, e: rusqlite::Error) -> StoreError {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
            && e.to_string().contains("FOREIGN KEY")
        {
            return self.query_error(
                operation,
                format!("run `{run_id}` does not exist; call begin_run before writing its results"),
            );
        }
        self.query_error(operation, e)
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // journal_mode answers with the mode in effect; this is also the first real read of the
    // file, so a corrupt or foreign file fails here.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(
            "result store: journal_mode is {mode}, not WAL (filesystem without shared memory?)"
        );
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
    // One cached statement per distinct query text; the store uses about a dozen.
    conn.set_prepared_statement_cache_capacity(32);
    Ok(())
}

/// Where to put a store when the user names none: `results/crucible.db` under the current dir.
pub fn default_store_path() -> PathBuf {
    PathBuf::from("results").join("crucible.db")
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_u64(value: Option<i64>) -> Option<u64> {
    value.map(|v| u64::try_from(v).unwrap_or(0))
}

const RUN_COLUMNS: &str =
    "run_id, config_json, started_at_ms, finished_at_ms, crucible_version, host";

fn run_from_row(row: &Row) -> rusqlite::Result<RunRecord> {
    Ok(RunRecord {
        run_id: row.get(0)?,
        config_json: row.get(1)?,
        started_at_ms: row.get(2)?,
        finished_at_ms: row.get(3)?,
        crucible_version: row.get(4)?,
        host: row.get(5)?,
    })
}

/// Text columns decoded into enums; an unknown value means the file was edited by hand or
/// written by a newer crucible, and is reported rather than guessed at.
fn decode_error(column: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown {what} `{value}` in the store (written by a newer crucible?)").into(),
    )
}

impl StoreWriter for SqliteStore {
    fn begin_run(&mut self, run: &RunRecord) -> Result<(), StoreError> {
        // A resumed run keeps its original start and config; it is unfinished again until
        // finish_run is called.
        self.conn_mut()
            .prepare_cached(
                "INSERT INTO runs (run_id, config_json, started_at_ms, finished_at_ms, crucible_version, host)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(run_id) DO UPDATE SET finished_at_ms = NULL",
            )
            .and_then(|mut s| {
                s.execute(params![
                    run.run_id,
                    run.config_json,
                    run.started_at_ms,
                    run.finished_at_ms,
                    run.crucible_version,
                    run.host
                ])
            })
            .map_err(|e| self.query_error("begin run", e))?;
        Ok(())
    }

    fn finish_run(&mut self, run_id: &str, finished_at_ms: i64) -> Result<(), StoreError> {
        let changed = self
            .conn_mut()
            .prepare_cached("UPDATE runs SET finished_at_ms = ?2 WHERE run_id = ?1")
            .and_then(|mut s| s.execute(params![run_id, finished_at_ms]))
            .map_err(|e| self.query_error("finish run", e))?;
        if changed == 0 {
            return Err(self.no_such_run(run_id));
        }
        Ok(())
    }

    fn put_tasks(&mut self, tasks: &[TaskRecord]) -> Result<(), StoreError> {
        let Some(first) = tasks.first() else {
            return Ok(());
        };
        let run_id = first.run_id.clone();
        let result = (|| {
            let tx = self.conn_mut().transaction()?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO tasks (run_id, task_id, title, language, price_usd, test_cases)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(run_id, task_id) DO UPDATE SET title = excluded.title,
                        language = excluded.language, price_usd = excluded.price_usd,
                        test_cases = excluded.test_cases",
                )?;
                for t in tasks {
                    insert.execute(params![
                        t.run_id,
                        t.task_id,
                        t.title,
                        t.language,
                        t.price_usd,
                        t.test_cases
                    ])?;
                }
            }
            tx.commit()
        })();
        result.map_err(|e| self.write_error("write tasks", &run_id, e))
    }

    fn put_executions(&mut self, executions: &[ExecutionRecord]) -> Result<(), StoreError> {
        let Some(first) = executions.first() else {
            return Ok(());
        };
        let run_id = first.run_id.clone();
        let result = (|| {
            let tx = self.conn_mut().transaction()?;
            {
                // Writing the same attempt again (a retried batch) replaces it, test cases too.
                let mut upsert = tx.prepare_cached(
                    "INSERT INTO executions (run_id, task_id, model, sample, repeat, attempt, key,
                        verdict, reason, exit_code, signal, wall_ms, cpu_ms, peak_memory_bytes,
                        stdout, stderr, output_truncated, image_id, payload_sha256, finished_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                        ?17, ?18, ?19, ?20)
                     ON CONFLICT(run_id, task_id, model, sample, repeat, attempt) DO UPDATE SET
                        key = excluded.key, verdict = excluded.verdict, reason = excluded.reason,
                        exit_code = excluded.exit_code, signal = excluded.signal,
                        wall_ms = excluded.wall_ms, cpu_ms = excluded.cpu_ms,
                        peak_memory_bytes = excluded.peak_memory_bytes, stdout = excluded.stdout,
                        stderr = excluded.stderr, output_truncated = excluded.output_truncated,
                        image_id = excluded.image_id, payload_sha256 = excluded.payload_sha256,
                        finished_at_ms = excluded.finished_at_ms
                     RETURNING id",
                )?;
                let mut clear_cases =
                    tx.prepare_cached("DELETE FROM test_cases WHERE execution_id = ?1")?;
                let mut insert_case = tx.prepare_cached(
                    "INSERT INTO test_cases (execution_id, ordinal, name, outcome, message)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for e in executions {
                    let id: i64 = upsert.query_row(
                        params![
                            e.run_id,
                            e.task_id,
                            e.model,
                            e.sample,
                            e.repeat,
                            e.attempt,
                            e.key,
                            e.verdict.as_str(),
                            e.reason,
                            e.exit_code,
                            e.signal,
                            to_i64(e.wall_ms),
                            e.cpu_ms.map(to_i64),
                            e.peak_memory_bytes.map(to_i64),
                            e.stdout,
                            e.stderr,
                            e.output_truncated,
                            e.image_id,
                            e.payload_sha256,
                            e.finished_at_ms
                        ],
                        |row| row.get(0),
                    )?;
                    clear_cases.execute([id])?;
                    for (ordinal, case) in e.tests.iter().enumerate() {
                        insert_case.execute(params![
                            id,
                            ordinal as i64,
                            case.name,
                            case.outcome.as_str(),
                            case.message
                        ])?;
                    }
                }
            }
            tx.commit()
        })();
        result.map_err(|e| self.write_error("write executions", &run_id, e))
    }
}

impl StoreReader for SqliteStore {
    fn final_keys(&self, run_id: &str) -> Result<HashSet<FinalKey>, StoreError> {
        let result = (|| {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(
                "SELECT DISTINCT key, model, sample, repeat FROM executions
                 WHERE run_id = ?1 AND verdict NOT IN ('infra_error', 'interrupted')",
            )?;
            let rows = stmt.query_map([run_id], |row| {
                Ok(FinalKey {
                    key: row.get(0)?,
                    model: row.get(1)?,
                    sample: row.get(2)?,
                    repeat: row.get(3)?,
                })
            })?;
            rows.collect::<rusqlite::Result<HashSet<_>>>()
        })();
        result.map_err(|e| self.query_error("read final keys", e))
    }

    fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        let result = (|| {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {RUN_COLUMNS} FROM runs ORDER BY started_at_ms, run_id"
            ))?;
            let rows = stmt.query_map([], run_from_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })();
        result.map_err(|e| self.query_error("list runs", e))
    }

    fn latest_run(&self) -> Result<Option<RunRecord>, StoreError> {
        self.conn()
            .prepare_cached(&format!(
                "SELECT {RUN_COLUMNS} FROM runs ORDER BY started_at_ms DESC, rowid DESC LIMIT 1"
            ))
            .and_then(|mut s| s.query_row([], run_from_row).optional())
            .map_err(|e| self.query_error("find latest run", e))
    }

    fn tasks(&self, run_id: &str) -> Result<Vec<TaskRecord>, StoreError> {
        let result = (|| {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(
                "SELECT run_id, task_id, title, language, price_usd, test_cases FROM tasks
                 WHERE run_id = ?1 ORDER BY task_id",
            )?;
            let rows = stmt.query_map([run_id], |row| {
                Ok(TaskRecord {
                    run_id: row.get(0)?,
                    task_id: row.get(1)?,
                    title: row.get(2)?,
                    language: row.get(3)?,
                    price_usd: row.get(4)?,
                    test_cases: row.get(5)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })();
        let rows = result.map_err(|e| self.query_error("read tasks", e))?;
        self.require_run_if_empty(rows, run_id)
    }

    fn executions(&self, run_id: &str) -> Result<Vec<ExecutionRecord>, StoreError> {
        let result = (|| {
            let conn = self.conn();
            let mut cases: HashMap<i64, Vec<TestCase>> = HashMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT c.execution_id, c.name, c.outcome, c.message
                 FROM test_cases c JOIN executions e ON e.id = c.execution_id
                 WHERE e.run_id = ?1 ORDER BY c.execution_id, c.ordinal",
            )?;
            let mut rows = stmt.query([run_id])?;
            while let Some(row) = rows.next()? {
                let outcome: String = row.get(2)?;
                let case = TestCase {
                    name: row.get(1)?,
                    outcome: TestOutcome::parse(&outcome)
                        .ok_or_else(|| decode_error(2, "test outcome", &outcome))?,
                    message: row.get(3)?,
                };
                cases.entry(row.get(0)?).or_default().push(case);
            }

            let mut stmt = conn.prepare_cached(
                "SELECT id, run_id, task_id, model, sample, repeat, attempt, key, verdict, reason,
                    exit_code, signal, wall_ms, cpu_ms, peak_memory_bytes, stdout, stderr,
                    output_truncated, image_id, payload_sha256, finished_at_ms
                 FROM executions WHERE run_id = ?1
                 ORDER BY task_id, model, sample, repeat, attempt",
            )?;
            let rows = stmt.query_map([run_id], |row| {
                let id: i64 = row.get(0)?;
                let verdict: String = row.get(8)?;
                Ok(ExecutionRecord {
                    run_id: row.get(1)?,
                    task_id: row.get(2)?,
                    model: row.get(3)?,
                    sample: row.get(4)?,
                    repeat: row.get(5)?,
                    attempt: row.get(6)?,
                    key: row.get(7)?,
                    verdict: Verdict::parse(&verdict)
                        .ok_or_else(|| decode_error(8, "verdict", &verdict))?,
                    reason: row.get(9)?,
                    exit_code: row.get(10)?,
                    signal: row.get(11)?,
                    wall_ms: to_u64(row.get(12)?).unwrap_or(0),
                    cpu_ms: to_u64(row.get(13)?),
                    peak_memory_bytes: to_u64(row.get(14)?),
                    stdout: row.get(15)?,
                    stderr: row.get(16)?,
                    output_truncated: row.get(17)?,
                    image_id: row.get(18)?,
                    payload_sha256: row.get(19)?,
                    finished_at_ms: row.get(20)?,
                    tests: cases.remove(&id).unwrap_or_default(),
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })();
        let rows = result.map_err(|e| self.query_error("read executions", e))?;
        self.require_run_if_empty(rows, run_id)
    }

    fn final_verdict_counts(&self, run_id: &str) -> Result<Vec<(Verdict, u64)>, StoreError> {
        let result = (|| {
            let conn = self.conn();
            // The final attempt of each slot, found through the UNIQUE index on the slot.
            let mut stmt = conn.prepare_cached(
                "SELECT verdict, COUNT(*) FROM executions e
                 WHERE run_id = ?1 AND attempt = (
                    SELECT MAX(attempt) FROM executions x
                    WHERE x.run_id = e.run_id AND x.task_id = e.task_id AND x.model = e.model
                      AND x.sample = e.sample AND x.repeat = e.repeat)
                 GROUP BY verdict ORDER BY verdict",
            )?;
            let rows = stmt.query_map([run_id], |row| {
                let verdict: String = row.get(0)?;
                let n: i64 = row.get(1)?;
                Ok((
                    Verdict::parse(&verdict).ok_or_else(|| decode_error(0, "verdict", &verdict))?,
                    n.max(0) as u64,
                ))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })();
        result.map_err(|e| self.query_error("count verdicts", e))
    }
}
