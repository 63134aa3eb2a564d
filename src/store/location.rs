//! A `--store` value → a store: a SQLite file path (or `sqlite://PATH`), or a PostgreSQL URL
//! (`postgres://…`, `postgresql://…`).
use super::postgres::{PgStore, redact_password};
use super::sqlite::SqliteStore;
use super::store::{ResultStore, StoreError, StoreReader, StoreWriter};
use std::path::PathBuf;
use std::sync::Arc;

enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

/// Open a store with both roles on one connection.
pub fn open_store(location: &str) -> Result<Box<dyn ResultStore>, StoreError> {
    Ok(match parse(location)? {
        Location::Sqlite(path) => Box::new(SqliteStore::open(path)?),
        Location::Postgres(url) => Box::new(PgStore::open(&url)?),
    })
}

/// Open the single writer of a store.
pub fn open_writer(location: &str) -> Result<Box<dyn StoreWriter>, StoreError> {
    Ok(match parse(location)? {
        Location::Sqlite(path) => Box::new(SqliteStore::open(path)?),
        Location::Postgres(url) => Box::new(PgStore::open(&url)?),
    })
}

/// Open a reader on its own connection; it sees what writers have committed.
pub fn open_reader(location: &str) -> Result<Arc<dyn StoreReader>, StoreError> {
    Ok(match parse(location)? {
        Location::Sqlite(path) => Arc::new(SqliteStore::open_reader(path)?),
        Location::Postgres(url) => Arc::new(PgStore::open(&url)?),
    })
}

fn parse(location: &str) -> Result<Location, StoreError> {
    let trimmed = location.trim();
    let refuse = |message: String| StoreError::Open {
        location: redact_password(location),
        message,
    };
    if let Some(path) = trimmed.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err(refuse(
                "no path after sqlite:// (example: sqlite://results/crucible.db)".into(),
            ));
        }
        return Ok(Location::Sqlite(PathBuf::from(path)));
    }
    if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
        return Ok(Location::Postgres(trimmed.to_string()));
    }
    if let Some((scheme, _)) = trimmed.split_once("://") {
        return Err(refuse(format!(
            "unknown store scheme `{scheme}://`; give a file path, sqlite://<path> or postgres://…"
        )));
    }
    if trimmed.is_empty() {
        return Err(refuse(
            "empty store location; give a file path such as results/crucible.db".into(),
        ));
    }
    Ok(Location::Sqlite(PathBuf::from(trimmed)))
}
