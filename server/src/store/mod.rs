//! The database: one pool, built once, with the migrations embedded in the binary, on SQLite or Postgres as
//! the URL says.
//!
//! SQLite is the embedded default (`./data/tabletalk.db`). It runs in WAL mode with `synchronous = FULL`, so a
//! committed transaction survives power loss: a `chat.ack` is only sent after such a commit. Postgres
//! (`postgres://...`) is the shared database of several instances (`docs/deploy.md`).
//!
//! Both run behind sqlx's `Any` driver, so every service holds one pool type and writes each statement once:
//! the SQL here is the common dialect of the two (`$1` placeholders, which SQLite reads as numbered parameters,
//! `ON CONFLICT`, `RETURNING`, partial indexes), and the few places where the engines differ ask
//! [`Backend::of`]. `docs/architecture.md` says why `Any` and not a pool enum.

use sqlx::Executor;

pub use sqlx::AnyConnection as Connection;

pub mod copy;
mod faults;
mod postgres;
mod sqlite;

/// The pool type every service shares.
pub type Pool = sqlx::AnyPool;

/// A transaction on the shared pool.
pub type Transaction = sqlx::Transaction<'static, sqlx::Any>;

/// The default database of a local install.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tabletalk.db";

/// Which engine a pool or connection talks to, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: one file, one writer at a time.
    Sqlite,
    /// A shared server: several instances write at once, so locks decide what SQLite's single writer did.
    Postgres,
}

impl Backend {
    /// The engine a database URL names, or a one-line reason naming `DATABASE_URL`.
    pub fn of_url(url: &str) -> Result<Self, StoreError> {
        match url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => Ok(Self::Sqlite),
            Some("postgres" | "postgresql") => Ok(Self::Postgres),
            _ => Err(StoreError::Url(format!(
                "DATABASE_URL must start with sqlite:// or postgres:// (got {:?})",
                redacted(url)
            ))),
        }
    }

    /// The engine behind `pool`.
    pub fn of(pool: &Pool) -> Self {
        Self::of_scheme(pool.connect_options().database_url.scheme())
    }

    /// The engine behind `connection`.
    pub fn of_connection(connection: &Connection) -> Self {
        if connection.backend_name().eq_ignore_ascii_case("sqlite") {
            Self::Sqlite
        } else {
            Self::Postgres
        }
    }

    fn of_scheme(scheme: &str) -> Self {
        if scheme == "sqlite" {
            Self::Sqlite
        } else {
            Self::Postgres
        }
    }
}

/// Why the database could not be opened at start: each says which setting to fix, in one line.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no engine Tabletalk runs on.
    #[error("{0}")]
    Url(String),
    /// The database did not answer or refused.
    #[error("DATABASE_URL {url}: the database could not be opened: {cause}")]
    Open { url: String, cause: String },
    /// A migration failed.
    #[error("DATABASE_URL {url}: migrations failed: {cause}")]
    Migrate { url: String, cause: String },
}

/// `url` without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Opens (creating if needed) the database at `url`. On SQLite this also makes its folder and starts its
/// checkpointer (see `sqlite::connect`); on Postgres the database must exist.
pub async fn connect(url: &str) -> Result<Pool, StoreError> {
    let opened = match Backend::of_url(url)? {
        Backend::Sqlite => sqlite::connect(url, sqlite::Durability::Full).await,
        Backend::Postgres => postgres::connect(url).await,
    };
    opened.map_err(|error| StoreError::Open {
        url: redacted(url),
        cause: one_line(&error),
    })
}

/// Opens the database as [`connect`] does but without SQLite's background checkpointer, for tests of what else
/// checkpoints.
#[cfg(test)]
pub(crate) async fn connect_without_checkpointer(url: &str) -> Result<Pool, sqlx::Error> {
    sqlite::open(url, sqlite::Durability::Full, false).await
}

/// Opens the database for bulk seeding: on SQLite, commits are not synced one by one (WAL with
/// `synchronous = NORMAL` stays consistent after a crash but may lose the last commits, and a crashed seed is
/// simply run again).
pub async fn connect_for_seeding(url: &str) -> Result<Pool, StoreError> {
    let opened = match Backend::of_url(url)? {
        Backend::Sqlite => sqlite::open(url, sqlite::Durability::Seeding, true).await,
        Backend::Postgres => postgres::connect(url).await,
    };
    opened.map_err(|error| StoreError::Open {
        url: redacted(url),
        cause: one_line(&error),
    })
}

/// An in-memory SQLite database for tests: one shared connection, so every query sees the same data.
pub async fn connect_in_memory() -> Result<Pool, sqlx::Error> {
    sqlite::in_memory().await
}

/// Applies the embedded migrations of the pool's engine that have not run yet.
pub async fn migrate(pool: &Pool) -> Result<(), StoreError> {
    let applied = match Backend::of(pool) {
        Backend::Sqlite => sqlx::migrate!("./migrations").run(pool).await,
        Backend::Postgres => sqlx::migrate!("./migrations_postgres").run(pool).await,
    };
    applied.map_err(|error| StoreError::Migrate {
        url: redacted(pool.connect_options().database_url.as_ref()),
        cause: one_line(&error),
    })
}

/// An error's text on one line (a driver's message may span several), for start-up errors that name a setting.
pub(crate) fn one_line(error: &dyn std::fmt::Display) -> String {
    error.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
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

/// The advisory lock that orders the game authority's changes against each other and against the chat
/// writer's batches on Postgres, as SQLite's one write lock does (a session cannot end between the writer's
/// check that its room is open and the commit of what it admitted). Changes hold it alone, writer batches
/// share it.
pub const TABLE_CHANGE_LOCK: i64 = 0x7461_626c_6574;

/// Begins a transaction that will write and may read first. On SQLite `BEGIN IMMEDIATE` takes the write lock
/// up front, waiting up to the busy timeout (a deferred transaction that reads first and writes later fails at
/// once with "database is locked" when another connection committed in between). On Postgres it takes
/// [`TABLE_CHANGE_LOCK`] alone, so read-then-write changes (the last GM leaving, a session changing state)
/// see each other's commits, as on SQLite.
pub async fn begin_write(pool: &Pool) -> Result<Transaction, sqlx::Error> {
    match Backend::of(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            tx.execute(sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(TABLE_CHANGE_LOCK))
                .await?;
            Ok(tx)
        }
    }
}

/// `count` placeholders for a list built at run time, the statement's only parameters, starting at `start`:
/// `$start, $start+1, ...` on Postgres, `?, ?, ...` on SQLite. SQLite finds the name of a named parameter by
/// walking the statement's list of names, and sqlx asks for the name of each one it binds, so binding a
/// thousand `$N` costs half a million steps: 30% of the writer's core in the durable-sends profile (session 12)
/// before the multi-row statements went back to anonymous `?`, which SQLite numbers by position.
pub fn placeholders(backend: Backend, start: usize, count: usize) -> String {
    (start..start + count)
        .map(|n| match backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${n}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `rows` parenthesised groups of `width` placeholders (see [`placeholders`]), for a multi-row `VALUES`.
pub fn row_placeholders(backend: Backend, rows: usize, width: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(backend, 1 + row * width, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Milliseconds since the Unix epoch, the unit of every timestamp column.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub use faults::{fault, internal, is_unreachable, OrFault, OrInternal};

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
    fn placeholders_are_numbered_across_rows() {
        assert_eq!(placeholders(Backend::Postgres, 3, 2), "$3, $4");
        assert_eq!(row_placeholders(Backend::Postgres, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(row_placeholders(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
    }

    #[test]
    fn the_url_names_the_engine_or_the_variable_to_fix() {
        assert_eq!(Backend::of_url("sqlite://data/t.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("postgres://u@h/db").unwrap(), Backend::Postgres);
        let wrong = Backend::of_url("mysql://u:secret@h/db").unwrap_err().to_string();
        assert!(wrong.contains("DATABASE_URL") && !wrong.contains("secret"), "{wrong}");
    }

    #[test]
    fn lookups_pad_to_the_next_power_of_two() {
        assert_eq!([1, 2, 3, 5, 64, 65].map(padded_len), [1, 2, 4, 8, 64, 128]);
    }
}
