//! Schema of the SQLite result store, versioned with `PRAGMA user_version`.
//!
//! `MIGRATIONS[i]` takes the schema from version `i` to version `i + 1`. Migrations are only ever
//! appended: a released one is never edited, because stores written by older crucible versions
//! must keep opening.
use super::store::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// Marks a SQLite file as a crucible result store (`PRAGMA application_id`), so that pointing
/// `--store` at some other application's database is refused instead of silently altered.
pub const APPLICATION_ID: i32 = 0x4352_5543; // "CRUC"

pub const MIGRATIONS: &[&str] = &[
    // 1: runs, the tasks each run saw, every attempt of every execution, and their test cases.
    "CREATE TABLE runs (
        run_id           TEXT PRIMARY KEY NOT NULL,
        config_json      TEXT NOT NULL,
        started_at_ms    INTEGER NOT NULL,
        finished_at_ms   INTEGER,
        crucible_version TEXT NOT NULL,
        host             TEXT NOT NULL
    );
    CREATE TABLE tasks (
        run_id      TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        task_id     TEXT NOT NULL,
        title       TEXT NOT NULL,
        language    TEXT NOT NULL,
        price_usd   REAL NOT NULL,
        test_cases  INTEGER NOT NULL,
        PRIMARY KEY (run_id, task_id)
    );
    CREATE TABLE executions (
        id                INTEGER PRIMARY KEY,
        run_id            TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        task_id           TEXT NOT NULL,
        model             TEXT NOT NULL,
        sample            INTEGER NOT NULL,
        repeat            INTEGER NOT NULL,
        attempt           INTEGER NOT NULL,
        key               TEXT NOT NULL,
        verdict           TEXT NOT NULL,
        reason            TEXT NOT NULL,
        exit_code         INTEGER,
        signal            INTEGER,
        wall_ms           INTEGER NOT NULL,
        cpu_ms            INTEGER,
        peak_memory_bytes INTEGER,
        stdout            TEXT NOT NULL,
        stderr            TEXT NOT NULL,
        output_truncated  INTEGER NOT NULL,
        image_id          TEXT,
        payload_sha256    TEXT,
        finished_at_ms    INTEGER NOT NULL,
        UNIQUE (run_id, task_id, model, sample, repeat, attempt)
    );
    CREATE INDEX executions_by_run ON executions(run_id);
    CREATE INDEX executions_by_key ON executions(run_id, key, model, sample, repeat);
    CREATE TABLE test_cases (
        execution_id INTEGER NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
        ordinal      INTEGER NOT NULL,
        name         TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        message      TEXT,
        PRIMARY KEY (execution_id, ordinal)
    ) WITHOUT ROWID;",
];

/// The schema version this build of crucible writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// Bring the schema up to `latest_version()`, one migration per transaction.
///
/// Each step takes the write lock first (`BEGIN IMMEDIATE`) and re-reads the version inside it,
/// so two crucible processes opening the same new store do not both run a migration.
pub fn migrate(conn: &mut Connection, location: &str) -> Result<(), StoreError> {
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| open_error(location, &e))?;
        let current: u32 = tx
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| open_error(location, &e))?;
        let app_id: i32 = tx
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .map_err(|e| open_error(location, &e))?;
        check_identity(location, current, app_id, &tx)?;
        if current >= latest_version() {
            if current > latest_version() {
                return Err(StoreError::Open {
                    location: location.to_string(),
                    message: format!(
                        "schema version {current} was written by a newer crucible (this one knows up to \
                         version {}); upgrade crucible or use another --store path",
                        latest_version()
                    ),
                });
            }
            return Ok(());
        }
        let next = current + 1;
        let fail = |e: rusqlite::Error| StoreError::Migrate {
            location: location.to_string(),
            version: next,
            message: e.to_string(),
        };
        tx.execute_batch(MIGRATIONS[current as usize])
            .map_err(fail)?;
        tx.execute_batch(&format!(
            "PRAGMA user_version = {next}; PRAGMA application_id = {APPLICATION_ID};"
        ))
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
}

/// Refuse files that belong to another application: a foreign application id, or a database
/// that already has tables but was never marked as a crucible store.
fn check_identity(
    location: &str,
    version: u32,
    app_id: i32,
    conn: &Connection,
) -> Result<(), StoreError> {
    let foreign = if app_id == APPLICATION_ID {
        false
    } else if app_id != 0 {
        true
    } else {
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |row| row.get(0),
            )
            .map_err(|e| open_error(location, &e))?;
        version != 0 || tables > 0
    };
    if foreign {
        return Err(StoreError::Open {
            location: location.to_string(),
            message: "this SQLite file is not a crucible result store (it belongs to another \
                      application); pass a different --store path"
                .to_string(),
        });
    }
    Ok(())
}

/// An error met while opening, with advice that fits the usual causes.
pub fn open_error(location: &str, e: &rusqlite::Error) -> StoreError {
    let advice = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            "the file is not a SQLite database or is damaged; move it aside (keep it if it holds \
             results you need) or pass a different --store path"
        }
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            "another process holds the store locked; wait for it to finish or use another --store path"
        }
        Some(rusqlite::ErrorCode::CannotOpen) | Some(rusqlite::ErrorCode::PermissionDenied) => {
            "check that the directory exists and is writable by this user"
        }
        Some(rusqlite::ErrorCode::ReadOnly) => {
            "the file or its directory is read-only; make it writable"
        }
        _ => "check the path given with --store",
    };
    StoreError::Open {
        location: location.to_string(),
        message: format!("{e}; {advice}"),
    }
}
