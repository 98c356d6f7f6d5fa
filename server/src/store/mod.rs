//! The database: one pool, built once, with the migrations embedded in the binary.
//!
//! SQLite is the embedded default (`./data/tabletalk.db`). It runs in WAL mode with `synchronous = FULL`, so a
//! committed transaction survives power loss: a `chat.ack` is only sent after such a commit.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

/// The pool type every service shares.
pub type Pool = SqlitePool;

/// The default database of a local install.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tabletalk.db";

/// Opens (creating if needed) the database at `url` and its folder.
pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
    connect_with(url, SqliteSynchronous::Full).await
}

/// Opens the database for bulk seeding: commits are not synced one by one (WAL with `synchronous = NORMAL`
/// stays consistent after a crash but may lose the last commits, and a crashed seed is simply run again).
pub async fn connect_for_seeding(url: &str) -> Result<Pool, sqlx::Error> {
    connect_with(url, SqliteSynchronous::Normal).await
}

async fn connect_with(url: &str, synchronous: SqliteSynchronous) -> Result<Pool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(folder) = options.get_filename().parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder).map_err(sqlx::Error::Io)?;
        }
    }
    SqlitePoolOptions::new().max_connections(8).connect_with(options).await
}

/// An in-memory database for tests: one shared connection, so every query sees the same data.
pub async fn connect_in_memory() -> Result<Pool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await
}

/// Applies the embedded migrations that have not run yet.
pub async fn migrate(pool: &Pool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}

/// Begins a transaction that will write. `BEGIN IMMEDIATE` takes the write lock up front, waiting up to the busy
/// timeout; a deferred transaction that reads first and writes later fails at once with "database is locked"
/// when another connection committed in between (SQLite cannot upgrade its stale read snapshot).
pub async fn begin_write(pool: &Pool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Milliseconds since the Unix epoch, the unit of every timestamp column.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Logs an internal database error and turns it into the opaque [`app::domain::Problem::internal`].
pub fn internal(error: impl std::fmt::Display) -> app::domain::Problem {
    tracing::error!(%error, "internal error");
    app::domain::Problem::internal()
}
