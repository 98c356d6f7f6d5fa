//! The writer task's smaller parts: its own connection, the count of table changes, and what it reads off a
//! batch's results.

use super::super::Written;
use crate::chat::journal;
use crate::game::GameAuthority;
use crate::store::{Backend, Pool};
use app::domain::message::{Message, NewMessage};
use app::domain::{ErrorCode, Problem};
use sqlx::pool::PoolConnection;
use sqlx::Any;
use std::time::Duration;

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
