//! The writer task's smaller parts: its own connection, the count of table changes (read at start and in each
//! batch), the WAL bound, and what it reads off a batch's results.

use super::super::Written;
use crate::chat::journal;
use crate::game::GameAuthority;
use crate::store::{Backend, Pool};
use app::domain::message::{Message, NewMessage};
use app::domain::{ErrorCode, Problem};
use sqlx::pool::PoolConnection;
use sqlx::Any;
use std::time::{Duration, Instant};

/// A pooled connection for the writer. On SQLite it gets a page cache large enough for the hot ends of every
/// busy channel's B-trees, and temporary storage in memory: each multi-row insert inside the batch's
/// transaction keeps a statement journal (so a failing statement could be undone alone), which spilled past
/// 64 KiB into a temporary file that every batch wrote to (4% of the core in the durable-sends profile,
/// BENCHMARKS.md). A Postgres server keeps its caches itself: that connection is used as it comes.
pub(crate) async fn writer_connection(pool: &Pool) -> Result<PoolConnection<Any>, sqlx::Error> {
    let mut connection = pool.acquire().await?;
    if Backend::of(pool) == Backend::Postgres {
        sqlx::query("SET plan_cache_mode = force_custom_plan")
            .execute(&mut *connection)
            .await?;
        return Ok(connection);
    }
    sqlx::query("PRAGMA cache_size = -65536")
        .execute(&mut *connection)
        .await?;
    sqlx::query("PRAGMA temp_store = MEMORY")
        .execute(&mut *connection)
        .await?;
    Ok(connection)
}

/// Sends a batch of `rows` handled: all of them when it failed, else all but those left for the next batch,
/// which count there (for the pacer's commit rate and `db_batch_rows`).
pub(super) fn handled_count(stored: &Result<Vec<Result<Written, Problem>>, sqlx::Error>, rows: usize) -> usize {
    match stored {
        Ok(results) => results
            .iter()
            .filter(|r| !matches!(r, Ok(Written::Deferred(_))))
            .count(),
        Err(_) => rows,
    }
}

/// A duration in milliseconds, the unit of the latency histograms.
pub(super) fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// How many messages a batch stored.
pub(super) fn stored_count(results: &[Result<Written, Problem>]) -> u64 {
    stored(results).count() as u64
}

/// The messages a batch stored, in order.
pub(super) fn stored(results: &[Result<Written, Problem>]) -> impl Iterator<Item = &Message> {
    results
        .iter()
        .filter_map(|result| match result {
            Ok(Written::New(messages)) => Some(messages.iter()),
            _ => None,
        })
        .flatten()
}

/// A member's idempotency key (system notices have no sender and are keyed per channel instead).
pub(super) fn member_key(message: &NewMessage) -> Option<journal::Key> {
    Some((
        message.channel_id.clone(),
        message.sender_id.clone()?,
        message.client_message_id.clone()?,
    ))
}

pub(super) fn session_not_active(reason: Option<&str>) -> Problem {
    Problem::new(
        ErrorCode::SessionNotActive,
        reason.unwrap_or("The session is not active."),
        "Wait for the GM to start or resume the session.",
    )
}

/// The count of table changes, read under the shared table-change lock; the game authority hears of a count
/// newer than it knew (a change made on another instance), so sends are decided again on fresh answers.
pub(super) async fn read_changes(tx: &mut sqlx::AnyConnection, game: &dyn GameAuthority) -> Result<i64, sqlx::Error> {
    let now: i64 = sqlx::query_scalar("SELECT value FROM table_generation WHERE id = 1")
        .fetch_one(tx)
        .await?;
    game.noticed_changes(now);
    Ok(now)
}

impl super::Writer {
    /// Postgres: reads the count of table changes once, before the first batch, so the first batch does not
    /// find it "newer" than the zero this instance starts from. Otherwise that batch empties every cached
    /// answer and has every send decided before it decided again: with 10,000 members joined, each one's first
    /// send went to the database twice and the first seconds of the fan-out benchmark queued for 2-5 s
    /// (BENCHMARKS.md, session 15). A failure here is only logged: the first batch reads the count anyway.
    pub(super) async fn learn_changes(&mut self) {
        if self.backend != Backend::Postgres {
            return;
        }
        let read = async {
            let mut connection = self.pool.acquire().await?;
            read_changes(&mut connection, self.game.as_ref()).await
        };
        if let Err(error) = read.await {
            tracing::warn!(%error, "the writer could not read the count of table changes at start");
        }
    }

    /// Every `checkpoint_every` ([`CHECKPOINT_EVERY`] in service), between batches, copies what is left of
    /// the WAL into the database from the writer's own connection. The background checkpointer
    /// (`store::connect`) copies most of it without blocking anyone, but beside a writer that never rests it
    /// never finds the WAL fully copied, and SQLite starts a WAL over only when a write finds it so: through
    /// one 30-second durable run the WAL grew to 3 GB. From here the rest is what was written since the last
    /// background pass, and the next batch starts the WAL over. It costs the writer a pause (the copy and a
    /// sync of the database file: 45-70 ms after ten seconds of saturated writing on the benchmark machine,
    /// when the WAL had grown to 120,000 frames), so it is rare. A checkpoint that finds another one under
    /// way, or a reader still on old pages, leaves the WAL as it is until the next turn.
    pub(super) async fn bound_the_wal(&mut self) {
        if self.last_checkpoint.elapsed() < self.checkpoint_every {
            return;
        }
        self.last_checkpoint = Instant::now();
        let Some(connection) = self.connection.as_mut().filter(|_| self.backend == Backend::Sqlite) else {
            return;
        };
        let checkpoint: Result<(i64, i64, i64), _> = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&mut **connection)
            .await;
        match checkpoint {
            Ok((busy, frames, copied)) => tracing::debug!(
                busy,
                frames,
                copied,
                elapsed_ms = self.last_checkpoint.elapsed().as_millis() as u64,
                "writer checkpoint"
            ),
            Err(error) => tracing::debug!(%error, "writer checkpoint failed"),
        }
    }
}
