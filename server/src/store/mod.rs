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

/// How often the background checkpointer copies committed WAL pages into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The size, in bytes, a WAL file is cut back to when it starts over.
const WAL_SIZE_AT_REST: u64 = 64 * 1024 * 1024;

/// Opens (creating if needed) the database at `url` and its folder, and starts its checkpointer.
///
/// Commits never checkpoint by themselves (SQLite's default lets the commit that crosses 1,000 WAL pages copy
/// them all into the database file and sync it, a stall of many milliseconds in the chat writer's path, felt
/// by every send of that batch). A background task checkpoints instead, passively: it never blocks a writer
/// or a reader, and the WAL starts over once everything in it is copied.
pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
    let pool = connect_with(url, SqliteSynchronous::Full, false).await?;
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

/// Opens the database as [`connect`] does but without its background checkpointer, for tests of what else
/// checkpoints.
#[cfg(test)]
pub(crate) async fn connect_without_checkpointer(url: &str) -> Result<Pool, sqlx::Error> {
    connect_with(url, SqliteSynchronous::Full, false).await
}

/// Opens the database for bulk seeding: commits are not synced one by one (WAL with `synchronous = NORMAL`
/// stays consistent after a crash but may lose the last commits, and a crashed seed is simply run again).
pub async fn connect_for_seeding(url: &str) -> Result<Pool, sqlx::Error> {
    connect_with(url, SqliteSynchronous::Normal, true).await
}

async fn connect_with(url: &str, synchronous: SqliteSynchronous, autocheckpoint: bool) -> Result<Pool, sqlx::Error> {
    let mut options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if !autocheckpoint {
        // The WAL file keeps its largest size when it starts over unless told otherwise; once a busy spell
        // is over it shrinks back to this.
        options = options
            .pragma("wal_autocheckpoint", "0")
            .pragma("journal_size_limit", WAL_SIZE_AT_REST.to_string());
    }
    if let Some(folder) = options.get_filename().parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder).map_err(sqlx::Error::Io)?;
        }
    }
    // An embedded database does not drop connections: pinging one before every use would only add a round
    // trip to the database thread to every query.
    SqlitePoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .connect_with(options)
        .await
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

/// The steps SQLite's planner chooses for `sql` (its parameters left unbound, which does not change the plan),
/// checked to read through `index`; returned for further checks. For tests that pin a query to an index.
#[cfg(test)]
pub(crate) async fn plan_using_index(pool: &Pool, sql: &str, index: &str) -> Vec<String> {
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
        .fetch_all(pool)
        .await
        .expect("query plan");
    let details: Vec<String> = plan.into_iter().map(|step| step.3).collect();
    let wanted = format!("USING INDEX {index}");
    assert!(
        details.iter().any(|detail| detail.contains(&wanted)),
        "query plan: {details:?}"
    );
    details
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

/// Logs a fault (a database error, a task that died) with the file and line where it happened, and turns it
/// into the opaque [`app::domain::Problem::internal`]: the cause stays in the log, the user gets the same
/// answer for every fault. `#[track_caller]`, so the place logged is the caller's, not this function's.
#[track_caller]
pub fn internal(error: impl std::fmt::Display) -> app::domain::Problem {
    let at = std::panic::Location::caller();
    tracing::error!(%error, file = at.file(), line = at.line(), "internal error");
    app::domain::Problem::internal()
}

/// `?` for faults: `result.or_internal()?` turns any error into [`internal`], logged at the line of the call.
/// (`.or_internal()` would log the standard library's line: the location does not pass through a function
/// handed to `map_err`.)
pub trait OrInternal<T> {
    /// The value, or the fault as `internal`, logged where this was called.
    fn or_internal(self) -> Result<T, app::domain::Problem>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    #[track_caller]
    fn or_internal(self) -> Result<T, app::domain::Problem> {
        match self {
            Ok(value) => Ok(value),
            Err(error) => Err(internal(error)),
        }
    }
}

/// Splits `items` into runs whose lengths are powers of two of at most `max` (itself a power of two), longest
/// first. A multi-row statement built for each run length is prepared once and then served from the
/// connection's statement cache, where a statement of any other length would be parsed afresh every time.
pub fn cached_runs<T>(items: &[T], max: usize) -> Vec<&[T]> {
    debug_assert!(max.is_power_of_two());
    let mut runs = Vec::new();
    let mut rest = items;
    while !rest.is_empty() {
        let len = if rest.len() >= max {
            max
        } else {
            1 << rest.len().ilog2()
        };
        let (run, tail) = rest.split_at(len);
        runs.push(run);
        rest = tail;
    }
    runs
}

/// The length a lookup of `len` keys is padded to (repeating a key changes no answer): the next power of two,
/// so lookups of any size share a few cached statements. `len` must be at least 1.
pub fn padded_len(len: usize) -> usize {
    len.next_power_of_two()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A log that tests can read back.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A fault is logged with the file and line of the `or_internal()` that met it, and the caller gets only
    /// the opaque problem.
    #[test]
    fn a_fault_is_logged_where_it_happened() {
        let log = Capture::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let line = line!() + 2;
        let problem =
            tracing::subscriber::with_default(subscriber, || Err::<(), _>("disk on fire").or_internal().unwrap_err());
        assert_eq!(problem, app::domain::Problem::internal());
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("disk on fire"), "{text}");
        assert!(text.contains("server/src/store/mod.rs"), "{text}");
        assert!(text.contains(&format!("line={line}")), "{text}");
    }

    #[test]
    fn runs_are_powers_of_two_that_cover_every_item_in_order() {
        for len in 0..300usize {
            let items: Vec<usize> = (0..len).collect();
            let runs = cached_runs(&items, 64);
            let joined: Vec<usize> = runs.iter().flat_map(|run| run.iter().copied()).collect();
            assert_eq!(joined, items);
            assert!(runs.iter().all(|run| run.len().is_power_of_two() && run.len() <= 64));
            assert!(runs.windows(2).all(|pair| pair[0].len() >= pair[1].len()));
        }
        assert_eq!(
            cached_runs(&[0; 7], 64).iter().map(|r| r.len()).collect::<Vec<_>>(),
            [4, 2, 1]
        );
        assert_eq!(
            cached_runs(&[0; 130], 64).iter().map(|r| r.len()).collect::<Vec<_>>(),
            [64, 64, 2]
        );
    }

    #[test]
    fn lookups_pad_to_the_next_power_of_two() {
        assert_eq!([1, 2, 3, 5, 64, 65].map(padded_len), [1, 2, 4, 8, 64, 128]);
    }
}
