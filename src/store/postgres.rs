//! The PostgreSQL result store: the same records, schema and reports as SQLite, in a database
//! several machines (workers, servers, reports) can share.
//!
//! The `postgres` client drives its own small runtime and must not be called from inside a
//! tokio runtime, while crucible's readers are called from async code (a server's handlers).
//! So one thread owns the connection and every call is handed to it over a channel.
use super::record::{ExecutionRecord, RunRecord, TaskRecord};
use super::store::{FinalKey, StoreError, StoreReader, StoreWriter};
use crate::testreport::{TestCase, TestOutcome};
use crate::verdict::Verdict;
use postgres::{Client, NoTls, Row, Statement};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

/// `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`; only ever appended.
const MIGRATIONS: &[&str] = &[
    // 1: the SQLite schema's version 1, in PostgreSQL's types.
    "CREATE TABLE runs (
        run_id           TEXT PRIMARY KEY NOT NULL,
        config_json      TEXT NOT NULL,
        started_at_ms    BIGINT NOT NULL,
        finished_at_ms   BIGINT,
        crucible_version TEXT NOT NULL,
        host             TEXT NOT NULL,
        seq              BIGSERIAL NOT NULL
    );
    CREATE TABLE tasks (
        run_id      TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        task_id     TEXT NOT NULL,
        title       TEXT NOT NULL,
        language    TEXT NOT NULL,
        price_usd   DOUBLE PRECISION NOT NULL,
        test_cases  BIGINT NOT NULL,
        PRIMARY KEY (run_id, task_id)
    );
    CREATE TABLE executions (
        id                BIGSERIAL PRIMARY KEY,
        run_id            TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        task_id           TEXT NOT NULL,
        model             TEXT NOT NULL,
        sample            BIGINT NOT NULL,
        repeat            BIGINT NOT NULL,
        attempt           BIGINT NOT NULL,
        key               TEXT NOT NULL,
        verdict           TEXT NOT NULL,
        reason            TEXT NOT NULL,
        exit_code         BIGINT,
        signal            INTEGER,
        wall_ms           BIGINT NOT NULL,
        cpu_ms            BIGINT,
        peak_memory_bytes BIGINT,
        stdout            TEXT NOT NULL,
        stderr            TEXT NOT NULL,
        output_truncated  BOOLEAN NOT NULL,
        image_id          TEXT,
        payload_sha256    TEXT,
        finished_at_ms    BIGINT NOT NULL,
        UNIQUE (run_id, task_id, model, sample, repeat, attempt)
    );
    CREATE INDEX executions_by_key ON executions(run_id, key, model, sample, repeat);
    CREATE TABLE test_cases (
        execution_id BIGINT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
        ordinal      BIGINT NOT NULL,
        name         TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        message      TEXT,
        PRIMARY KEY (execution_id, ordinal)
    );",
    // 2: the work queue (PostgreSQL only): payload files stored once by content, one row per
    // planned execution with its spec and lease, and each queued run's cancel flag.
    "CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY NOT NULL,
        bytes  BYTEA NOT NULL
    );
    CREATE TABLE queue_runs (
        run_id    TEXT PRIMARY KEY NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        cancelled BOOLEAN NOT NULL DEFAULT FALSE,
        retries   BIGINT NOT NULL,
        backoff_ms BIGINT NOT NULL
    );
    CREATE TABLE queue (
        id             BIGSERIAL PRIMARY KEY,
        run_id         TEXT NOT NULL REFERENCES queue_runs(run_id) ON DELETE CASCADE,
        task_id        TEXT NOT NULL,
        model          TEXT NOT NULL,
        sample         BIGINT NOT NULL,
        repeat         BIGINT NOT NULL,
        key            TEXT NOT NULL,
        image          TEXT NOT NULL,
        runtime        TEXT,
        spec_json      TEXT NOT NULL,
        payload_json   TEXT NOT NULL,
        labels         TEXT[] NOT NULL DEFAULT '{}',
        state          TEXT NOT NULL DEFAULT 'pending',
        attempt        BIGINT NOT NULL DEFAULT 0,
        infra_failures BIGINT NOT NULL DEFAULT 0,
        not_before     TIMESTAMPTZ NOT NULL DEFAULT now(),
        lease_owner    TEXT,
        lease_expires  TIMESTAMPTZ,
        UNIQUE (run_id, task_id, model, sample, repeat)
    );
    CREATE INDEX queue_open ON queue (id) WHERE state IN ('pending', 'running');
    CREATE INDEX queue_by_run ON queue (run_id, state);",
    // 3: claims scan only what they can take (pending rows in order, expired leases by
    // expiry) instead of stepping over every row other workers hold; each run lists its
    // images, so a worker learns what the queue needs without reading every open row, and
    // counts its open rows, so the settle that closes the last one knows it without a scan.
    "ALTER TABLE queue_runs ADD COLUMN images TEXT[] NOT NULL DEFAULT '{}',
                           ADD COLUMN open BIGINT NOT NULL DEFAULT 0;
    UPDATE queue_runs r SET
        images = ARRAY(SELECT DISTINCT q.image FROM queue q WHERE q.run_id = r.run_id),
        open = (SELECT count(*) FROM queue q
                WHERE q.run_id = r.run_id AND q.state IN ('pending', 'running'));
    DROP INDEX queue_open;
    CREATE INDEX queue_pending ON queue (id) WHERE state = 'pending';
    CREATE INDEX queue_leases ON queue (lease_expires) WHERE state = 'running';
    ALTER TABLE queue SET (autovacuum_vacuum_scale_factor = 0.02,
                           autovacuum_analyze_scale_factor = 0.02);",
];

/// Serialises migrations between processes opening the same new database at once.
const MIGRATION_LOCK: i64 = 0x4352_5543; // "CRUC"

type Job = Box<dyn FnOnce(&mut Session) + Send>;

/// A connection and the statements prepared on it. Preparing is a round trip of its own, so
/// statements run many times (the queue's) are prepared once per connection.
pub(crate) struct Session {
    pub client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Session {
    fn new(client: Client) -> Session {
        Session {
            client,
            statements: HashMap::new(),
        }
    }

    /// `sql` prepared on this connection, once.
    pub fn prepared(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }
}

/// A connection owned by its own thread; both roles (the writer is used by one thread, readers
/// may share it: calls are serialised on the connection's thread).
pub struct PgStore {
    jobs: Mutex<mpsc::Sender<Job>>,
    /// The URL without its password, for messages.
    location: String,
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl PgStore {
    /// Connect to `url` (`postgres://…`) and bring the schema up to date.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        PgStore::open_with(url, false)
    }

    /// Like `open`, for the work queue: its transactions commit without waiting for the disk
    /// (`synchronous_commit = off`). That is safe there by construction: a claim or a result
    /// lost in a server crash leaves the execution claimed under a lease nobody renews, so it
    /// is run again and recorded once; the database itself stays consistent.
    pub fn open_for_queue(url: &str) -> Result<PgStore, StoreError> {
        PgStore::open_with(url, true)
    }

    fn open_with(url: &str, queue: bool) -> Result<PgStore, StoreError> {
        let location = redact_password(url);
        let open_error = |message: String| StoreError::Open {
            location: location.clone(),
            message,
        };
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e| open_error(format!("not a PostgreSQL URL: {e}")))?;
        // A cut network must fail calls in seconds, not after TCP's quarter of an hour, so
        // that workers retry and leases expire as designed. The URL's own settings win.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_tcp_user_timeout().is_none() {
            config.tcp_user_timeout(Duration::from_secs(20));
        }
        config
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(10))
            .keepalives_interval(Duration::from_secs(5))
            .keepalives_retries(3);
        if queue {
            // Every queue statement reaches its rows through an index by design. The claim
            // filters pending rows on labels (`<@`) and images, which the planner cannot
            // estimate: it then guesses a few matching rows and sorts the whole table instead
            // of walking the pending index in order and stopping at `n` (550 ms against under
            // 10 ms per claim at 12,000 pending, measured). So scans are off on these
            // connections.
            let options = config.get_options().unwrap_or_default().to_string();
            config.options(
                format!(
                    "{options} -c synchronous_commit=off -c enable_seqscan=off \
                     -c enable_bitmapscan=off"
                )
                .trim(),
            );
        }
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (ready, connected) = mpsc::channel();
        std::thread::Builder::new()
            .name("crucible-postgres".into())
            .spawn(move || {
                let mut session = match config.connect(NoTls) {
                    Ok(c) => Session::new(c),
                    Err(e) => {
                        let _ = ready.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = ready.send(migrate(&mut session.client));
                // Runs until every handle to the store is dropped. A connection the server
                // closed (a restart, a network cut) is made again before the next call; if
                // that fails the call fails on the closed one and its caller may retry.
                // A new connection starts with no prepared statements.
                for job in inbox {
                    if session.client.is_closed()
                        && let Ok(fresh) = config.connect(NoTls)
                    {
                        session = Session::new(fresh);
                    }
                    job(&mut session);
                }
            })
            .map_err(|e| open_error(format!("cannot start its connection thread: {e}")))?;
        match connected.recv() {
            Ok(Ok(())) => Ok(PgStore {
                jobs: Mutex::new(jobs),
                location,
            }),
            Ok(Err(message)) => Err(open_error(format!(
                "{message}; check the URL, that the server is up and that the role may log in \
                 (scripts/ensure-postgres starts one here)"
            ))),
            Err(_) => Err(open_error("its connection thread stopped".into())),
        }
    }

    /// Run `f` on the connection's thread and wait for its answer.
    pub(crate) fn call<T: Send + 'static>(
        &self,
        operation: &'static str,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.call_session(operation, move |s| f(&mut s.client))
    }

    /// Like `call`, with the connection's prepared statements at hand.
    pub(crate) fn call_session<T: Send + 'static>(
        &self,
        operation: &'static str,
        f: impl FnOnce(&mut Session) -> Result<T, postgres::Error> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = mpsc::channel();
        let job: Job = Box::new(move |session| {
            let _ = answer.send(f(session).map_err(|e| describe(&e)));
        });
        let sent = self
            .jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job);
        let reply = match sent {
            Ok(()) => answered
                .recv()
                .unwrap_or_else(|_| Err("the connection's thread stopped".into())),
            Err(_) => Err("the connection's thread stopped".into()),
        };
        reply.map_err(|message| StoreError::Query {
            location: self.location.clone(),
            operation,
            message,
        })
    }

    fn no_such_run(&self, run_id: &str) -> StoreError {
        StoreError::NoSuchRun {
            location: self.location.clone(),
            run_id: run_id.to_string(),
        }
    }

    fn require_run_if_empty<T>(&self, rows: Vec<T>, run_id: &str) -> Result<Vec<T>, StoreError> {
        if rows.is_empty() {
            let id = run_id.to_string();
            let exists = self.call("look up run", move |c| {
                Ok(c.query_opt("SELECT 1 FROM runs WHERE run_id = $1", &[&id])?
                    .is_some())
            })?;
            if !exists {
                return Err(self.no_such_run(run_id));
            }
        }
        Ok(rows)
    }
}

/// The server's own words (`db error` alone says nothing), and the usual fix for a missing run.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) if db.code() == &postgres::error::SqlState::FOREIGN_KEY_VIOLATION => format!(
            "{}; the run does not exist: call begin_run before writing its results",
            db.message()
        ),
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

/// Apply the missing migrations, each in a transaction holding the migration lock.
fn migrate(client: &mut Client) -> Result<(), String> {
    let fail = |e: postgres::Error| describe(&e);
    loop {
        let mut tx = client.transaction().map_err(fail)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(fail)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS crucible_schema (version INTEGER NOT NULL);")
            .map_err(fail)?;
        let current: i32 = match tx
            .query_opt("SELECT version FROM crucible_schema", &[])
            .map_err(fail)?
        {
            Some(row) => row.get(0),
            None => {
                let foreign: bool = tx
                    .query_one("SELECT to_regclass('runs') IS NOT NULL", &[])
                    .map_err(fail)?
                    .get(0);
                if foreign {
                    return Err(
                        "the database has a `runs` table that crucible did not make; \
                                use a database (or schema) of crucible's own"
                            .into(),
                    );
                }
                tx.execute("INSERT INTO crucible_schema (version) VALUES (0)", &[])
                    .map_err(fail)?;
                0
            }
        };
        let latest = MIGRATIONS.len() as i32;
        if current > latest {
            return Err(format!(
                "schema version {current} was written by a newer crucible (this one knows up to \
                 {latest}); upgrade crucible"
            ));
        }
        if current == latest {
            return tx.commit().map_err(fail);
        }
        tx.batch_execute(MIGRATIONS[current as usize])
            .map_err(|e| format!("migration to version {}: {}", current + 1, describe(&e)))?;
        tx.execute("UPDATE crucible_schema SET version = $1", &[&(current + 1)])
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_u64(value: Option<i64>) -> Option<u64> {
    value.map(|v| u64::try_from(v).unwrap_or(0))
}

fn to_u32(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

const RUN_COLUMNS: &str =
    "run_id, config_json, started_at_ms, finished_at_ms, crucible_version, host";

fn run_from_row(row: &Row) -> RunRecord {
    RunRecord {
        run_id: row.get(0),
        config_json: row.get(1),
        started_at_ms: row.get(2),
        finished_at_ms: row.get(3),
        crucible_version: row.get(4),
        host: row.get(5),
    }
}

impl StoreWriter for PgStore {
    fn begin_run(&mut self, run: &RunRecord) -> Result<(), StoreError> {
        let run = run.clone();
        self.call("begin run", move |c| {
            c.execute(
                "INSERT INTO runs (run_id, config_json, started_at_ms, finished_at_ms, crucible_version, host)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (run_id) DO UPDATE SET finished_at_ms = NULL",
                &[
                    &run.run_id,
                    &run.config_json,
                    &run.started_at_ms,
                    &run.finished_at_ms,
                    &run.crucible_version,
                    &run.host,
                ],
            )
            .map(|_| ())
        })
    }

    fn finish_run(&mut self, run_id: &str, finished_at_ms: i64) -> Result<(), StoreError> {
        let id = run_id.to_string();
        let changed = self.call("finish run", move |c| {
            c.execute(
                "UPDATE runs SET finished_at_ms = $2 WHERE run_id = $1",
                &[&id, &finished_at_ms],
            )
        })?;
        if changed == 0 {
            return Err(self.no_such_run(run_id));
        }
        Ok(())
    }

    fn put_tasks(&mut self, tasks: &[TaskRecord]) -> Result<(), StoreError> {
        let tasks = tasks.to_vec();
        self.call("write tasks", move |c| {
            let mut tx = c.transaction()?;
            let insert = tx.prepare(
                "INSERT INTO tasks (run_id, task_id, title, language, price_usd, test_cases)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (run_id, task_id) DO UPDATE SET title = excluded.title,
                    language = excluded.language, price_usd = excluded.price_usd,
                    test_cases = excluded.test_cases",
            )?;
            for t in &tasks {
                tx.execute(
                    &insert,
                    &[
                        &t.run_id,
                        &t.task_id,
                        &t.title,
                        &t.language,
                        &t.price_usd,
                        &i64::from(t.test_cases),
                    ],
                )?;
            }
            tx.commit()
        })
    }

    fn put_executions(&mut self, executions: &[ExecutionRecord]) -> Result<(), StoreError> {
        let executions = executions.to_vec();
        self.call("write executions", move |c| {
            let mut tx = c.transaction()?;
            insert_executions(&mut tx, &executions)?;
            tx.commit()
        })
    }
}

/// Write attempts and their test cases inside `tx`. Writing the same attempt again (a retried
/// batch) replaces it, test cases too.
fn insert_executions(
    tx: &mut postgres::Transaction<'_>,
    executions: &[ExecutionRecord],
) -> Result<(), postgres::Error> {
    let upsert = tx.prepare(
        "INSERT INTO executions (run_id, task_id, model, sample, repeat, attempt, key,
            verdict, reason, exit_code, signal, wall_ms, cpu_ms, peak_memory_bytes,
            stdout, stderr, output_truncated, image_id, payload_sha256, finished_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
            $17, $18, $19, $20)
         ON CONFLICT (run_id, task_id, model, sample, repeat, attempt) DO UPDATE SET
            key = excluded.key, verdict = excluded.verdict, reason = excluded.reason,
            exit_code = excluded.exit_code, signal = excluded.signal,
            wall_ms = excluded.wall_ms, cpu_ms = excluded.cpu_ms,
            peak_memory_bytes = excluded.peak_memory_bytes, stdout = excluded.stdout,
            stderr = excluded.stderr, output_truncated = excluded.output_truncated,
            image_id = excluded.image_id, payload_sha256 = excluded.payload_sha256,
            finished_at_ms = excluded.finished_at_ms
         RETURNING id, (xmax = 0) AS inserted",
    )?;
    // Prepared on first need: there are usually no cases to clear, and every statement
    // prepared is a round trip.
    let mut clear_cases = None;
    let mut insert_case = None;
    for e in executions {
        let row = tx.query_one(
            &upsert,
            &[
                &e.run_id,
                &e.task_id,
                &e.model,
                &i64::from(e.sample),
                &i64::from(e.repeat),
                &i64::from(e.attempt),
                &e.key,
                &e.verdict.as_str(),
                &e.reason,
                &e.exit_code,
                &e.signal,
                &to_i64(e.wall_ms),
                &e.cpu_ms.map(to_i64),
                &e.peak_memory_bytes.map(to_i64),
                // PostgreSQL text holds no NUL; SQLite keeps it. Output may have one.
                &e.stdout.replace('\0', "\u{FFFD}"),
                &e.stderr.replace('\0', "\u{FFFD}"),
                &e.output_truncated,
                &e.image_id,
                &e.payload_sha256,
                &e.finished_at_ms,
            ],
        )?;
        let (id, inserted): (i64, bool) = (row.get(0), row.get(1));
        if !inserted {
            if clear_cases.is_none() {
                clear_cases = Some(tx.prepare("DELETE FROM test_cases WHERE execution_id = $1")?);
            }
            tx.execute(clear_cases.as_ref().expect("prepared"), &[&id])?;
        }
        if !e.tests.is_empty() && insert_case.is_none() {
            insert_case = Some(tx.prepare(
                "INSERT INTO test_cases (execution_id, ordinal, name, outcome, message)
                 VALUES ($1, $2, $3, $4, $5)",
            )?);
        }
        for (ordinal, case) in e.tests.iter().enumerate() {
            tx.execute(
                insert_case.as_ref().expect("prepared"),
                &[
                    &id,
                    &(ordinal as i64),
                    &case.name.replace('\0', "\u{FFFD}"),
                    &case.outcome.as_str(),
                    &case.message.as_ref().map(|m| m.replace('\0', "\u{FFFD}")),
                ],
            )?;
        }
    }
    Ok(())
}

impl StoreReader for PgStore {
    fn final_keys(&self, run_id: &str) -> Result<HashSet<FinalKey>, StoreError> {
        let id = run_id.to_string();
        self.call("read final keys", move |c| {
            let rows = c.query(
                "SELECT DISTINCT key, model, sample, repeat FROM executions
                 WHERE run_id = $1 AND verdict NOT IN ('infra_error', 'interrupted')",
                &[&id],
            )?;
            Ok(rows
                .iter()
                .map(|row| FinalKey {
                    key: row.get(0),
                    model: row.get(1),
                    sample: to_u32(row.get(2)),
                    repeat: to_u32(row.get(3)),
                })
                .collect())
        })
    }

    fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.call("list runs", |c| {
            let sql = format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY started_at_ms, run_id");
            Ok(c.query(&sql, &[])?.iter().map(run_from_row).collect())
        })
    }

    fn latest_run(&self) -> Result<Option<RunRecord>, StoreError> {
        self.call("find latest run", |c| {
            let sql = format!(
                "SELECT {RUN_COLUMNS} FROM runs ORDER BY started_at_ms DESC, seq DESC LIMIT 1"
            );
            Ok(c.query_opt(&sql, &[])?.as_ref().map(run_from_row))
        })
    }

    fn tasks(&self, run_id: &str) -> Result<Vec<TaskRecord>, StoreError> {
        let id = run_id.to_string();
        let rows = self.call("read tasks", move |c| {
            let rows = c.query(
                "SELECT run_id, task_id, title, language, price_usd, test_cases FROM tasks
                 WHERE run_id = $1 ORDER BY task_id",
                &[&id],
            )?;
            Ok(rows
                .iter()
                .map(|row| TaskRecord {
                    run_id: row.get(0),
                    task_id: row.get(1),
                    title: row.get(2),
                    language: row.get(3),
                    price_usd: row.get(4),
                    test_cases: to_u32(row.get(5)),
                })
                .collect())
        })?;
        self.require_run_if_empty(rows, run_id)
    }

    fn executions(&self, run_id: &str) -> Result<Vec<ExecutionRecord>, StoreError> {
        let id = run_id.to_string();
        let location = self.location.clone();
        let rows = self.call("read executions", move |c| {
            let mut cases: HashMap<i64, Vec<TestCase>> = HashMap::new();
            let mut unknown = None;
            for row in c.query(
                "SELECT c.execution_id, c.name, c.outcome, c.message
                 FROM test_cases c JOIN executions e ON e.id = c.execution_id
                 WHERE e.run_id = $1 ORDER BY c.execution_id, c.ordinal",
                &[&id],
            )? {
                let outcome: String = row.get(2);
                let Some(outcome) = TestOutcome::parse(&outcome) else {
                    unknown = Some(format!("test outcome `{outcome}`"));
                    continue;
                };
                cases.entry(row.get(0)).or_default().push(TestCase {
                    name: row.get(1),
                    outcome,
                    message: row.get(3),
                });
            }
            let mut out = Vec::new();
            for row in c.query(
                "SELECT id, run_id, task_id, model, sample, repeat, attempt, key, verdict, reason,
                    exit_code, signal, wall_ms, cpu_ms, peak_memory_bytes, stdout, stderr,
                    output_truncated, image_id, payload_sha256, finished_at_ms
                 FROM executions WHERE run_id = $1
                 ORDER BY task_id, model, sample, repeat, attempt",
                &[&id],
            )? {
                let verdict: String = row.get(8);
                let Some(parsed) = Verdict::parse(&verdict) else {
                    unknown = Some(format!("verdict `{verdict}`"));
                    continue;
                };
                let execution_id: i64 = row.get(0);
                out.push(ExecutionRecord {
                    run_id: row.get(1),
                    task_id: row.get(2),
                    model: row.get(3),
                    sample: to_u32(row.get(4)),
                    repeat: to_u32(row.get(5)),
                    attempt: to_u32(row.get(6)),
                    key: row.get(7),
                    verdict: parsed,
                    reason: row.get(9),
                    exit_code: row.get(10),
                    signal: row.get(11),
                    wall_ms: to_u64(row.get(12)).unwrap_or(0),
                    cpu_ms: to_u64(row.get(13)),
                    peak_memory_bytes: to_u64(row.get(14)),
                    stdout: row.get(15),
                    stderr: row.get(16),
                    output_truncated: row.get(17),
                    image_id: row.get(18),
                    payload_sha256: row.get(19),
                    finished_at_ms: row.get(20),
                    tests: cases.remove(&execution_id).unwrap_or_default(),
                });
            }
            Ok((out, unknown))
        })?;
        // An unknown value was written by hand or by a newer crucible: reported, not guessed at.
        if let (_, Some(what)) = &rows {
            return Err(StoreError::Query {
                location,
                operation: "read executions",
                message: format!("unknown {what} in the store (written by a newer crucible?)"),
            });
        }
        self.require_run_if_empty(rows.0, run_id)
    }
}
