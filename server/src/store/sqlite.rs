//! Opening the embedded SQLite database through the `Any` driver: its settings are pragmas run on every new
//! connection, since `Any` takes only a URL.

use super::Pool;
use sqlx::any::AnyPoolOptions;
use sqlx::Executor;
use std::time::Duration;

/// How often the background checkpointer copies committed WAL pages into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The size, in bytes, a WAL file is cut back to when it starts over.
const WAL_SIZE_AT_REST: u64 = 64 * 1024 * 1024;

/// How a connection syncs its commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Durability {
    /// `synchronous = FULL`: a commit is on disk before it returns (every acked send survives power loss).
    Full,
    /// `synchronous = NORMAL`: bulk seeding, run again after a crash.
    Seeding,
}

/// Opens the database at `url` and starts its checkpointer.
///
/// Commits never checkpoint by themselves (SQLite's default lets the commit that crosses 1,000 WAL pages copy
/// them all into the database file and sync it, a stall of many milliseconds in the chat writer's path, felt
/// by every send of that batch). A background task checkpoints instead, passively: it never blocks a writer
/// or a reader, and the WAL starts over once everything in it is copied.
pub(super) async fn connect(url: &str, durability: Durability) -> Result<Pool, sqlx::Error> {
    let pool = open(url, durability, false).await?;
    let checkpointer = pool.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !checkpointer.is_closed() {
            tick.tick().await;
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&checkpointer)
                .await
            {
                if checkpointer.is_closed() {
                    break;
                }
                tracing::warn!(%error, "WAL checkpoint failed");
            }
        }
    });
    Ok(pool)
}

/// Opens the database at `url` (creating it and its folder if needed) in WAL mode, with SQLite's own
/// autocheckpoint on or off.
pub(super) async fn open(url: &str, durability: Durability, autocheckpoint: bool) -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let (path, query) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split_once('?').unwrap_or((rest, "")))
        .ok_or_else(|| sqlx::Error::Configuration(format!("not a SQLite URL: {url}").into()))?;
    if let Some(folder) = std::path::Path::new(path).parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder).map_err(sqlx::Error::Io)?;
        }
    }
    let url = if query.contains("mode=") {
        url.to_owned()
    } else if query.is_empty() {
        format!("sqlite://{path}?mode=rwc")
    } else {
        format!("sqlite://{path}?{query}&mode=rwc")
    };
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Seeding => "NORMAL",
    };
    // An embedded database does not drop connections: pinging one before every use would only add a round
    // trip to the database thread to every query.
    AnyPoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .after_connect(move |connection, _| {
            Box::pin(async move {
                connection.execute("PRAGMA journal_mode = WAL").await?;
                connection
                    .execute(sqlx::AssertSqlSafe(format!("PRAGMA synchronous = {synchronous}")))
                    .await?;
                connection.execute("PRAGMA foreign_keys = ON").await?;
                connection.execute("PRAGMA busy_timeout = 5000").await?;
                if !autocheckpoint {
                    // The WAL file keeps its largest size when it starts over unless told otherwise; once a
                    // busy spell is over it shrinks back to this.
                    connection.execute("PRAGMA wal_autocheckpoint = 0").await?;
                    connection
                        .execute(sqlx::AssertSqlSafe(format!(
                            "PRAGMA journal_size_limit = {WAL_SIZE_AT_REST}"
                        )))
                        .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
}

/// An in-memory database for tests: one shared connection, so every query sees the same data.
pub(super) async fn in_memory() -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    AnyPoolOptions::new()
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .after_connect(|connection, _| {
            Box::pin(async move {
                connection.execute("PRAGMA foreign_keys = ON").await?;
                Ok(())
            })
        })
        .connect("sqlite::memory:")
        .await
}
