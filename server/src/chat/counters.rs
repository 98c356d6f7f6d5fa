//! Postgres: the per-channel sequence counters of several writers (one per instance) on one database.
//!
//! A batch locks the counters of its channels until it commits. Members of one room sit on different
//! instances behind the balancer, so batches of different instances share channels. Waiting for each lock in
//! turn made a convoy: a batch waiting for one channel held every channel before it, and the next batch waited
//! for those; three instances on one database queued sends for 30-300 ms (526 lock waits over 5 ms in a
//! 10-second fan-out run, BENCHMARKS.md, session 15). So a batch takes the counters that are free at once
//! (`SKIP LOCKED`) and leaves the sends of the others for its next batch, where they go first. A send left
//! behind for [`PATIENCE`] is taken by a batch that waits for its locks, in channel order as before, so no send
//! waits forever. Waiting batches lock in one order and skipping ones never wait: no cycle, no deadlock.

use crate::store::Connection;
use app::domain::ids::ChannelId;
use std::collections::{HashMap, HashSet};

/// How long a send may be left behind before its batch waits for the locks: a few of another instance's
/// batches.
pub(super) const PATIENCE: std::time::Duration = std::time::Duration::from_millis(50);

/// How long the writer waits for new sends before it tries a batch of only left-behind ones again, so it does
/// not spin on a lock another instance holds.
pub(super) const RETRY_AFTER: std::time::Duration = std::time::Duration::from_millis(1);

/// Channels per statement (one parameter each).
const CHUNK: usize = 256;

/// Creates the counters of those of `channels` that have none yet, each started at the channel's last stored
/// message (a database copied from SQLite has messages and no counters), and commits at once: outside the
/// batch's transaction, so locking them later never waits on another instance's uncommitted insert.
/// `known` remembers the channels whose counters exist, so a channel is checked once per process.
pub(super) async fn ensure(
    conn: &mut Connection,
    known: &mut HashSet<ChannelId>,
    channels: &[&ChannelId],
) -> Result<(), sqlx::Error> {
    let missing: Vec<&ChannelId> = channels.iter().copied().filter(|c| !known.contains(*c)).collect();
    for chunk in missing.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO channel_sequences (channel_id, last_sequence_id)
             SELECT k.c, COALESCE((SELECT MAX(m.sequence_id) FROM messages m WHERE m.channel_id = k.c), 0)
             FROM (VALUES {}) AS k(c) JOIN channels ch ON ch.id = k.c ORDER BY k.c
             ON CONFLICT (channel_id) DO NOTHING",
            crate::store::row_placeholders(crate::store::Backend::Postgres, chunk.len(), 1)
        );
        // Only placeholders are interpolated; every value is bound. Rare (a channel's first send): not cached.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for channel in chunk {
            query = query.bind(channel.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    known.extend(missing.into_iter().cloned());
    Ok(())
}

/// Locks the counters of `channels` (sorted) until the transaction ends and answers the next sequence id of
/// each channel it locked. With `wait` false, counters another transaction holds are skipped (absent from the
/// answer); with `wait` true every counter is locked, waiting in channel order.
pub(super) async fn lock(
    conn: &mut Connection,
    channels: &[&ChannelId],
    wait: bool,
) -> Result<HashMap<ChannelId, i64>, sqlx::Error> {
    let mut next = HashMap::with_capacity(channels.len());
    for chunk in channels.chunks(CHUNK) {
        let sql = format!(
            "SELECT channel_id, last_sequence_id FROM channel_sequences WHERE channel_id IN ({})
             ORDER BY channel_id FOR UPDATE{}",
            crate::store::placeholders(crate::store::Backend::Postgres, 1, chunk.len()),
            if wait { "" } else { " SKIP LOCKED" }
        );
        // Only placeholders are interpolated; every value is bound.
        let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
        for channel in chunk {
            query = query.bind(channel.as_str());
        }
        for (channel, last) in query.fetch_all(&mut *conn).await? {
            next.insert(ChannelId(channel), last + 1);
        }
    }
    Ok(next)
}

/// Which of `channels` no longer exist (a counter missing after a waiting lock means its channel was deleted,
/// or the counter was removed and [`ensure`] makes it again): their sends are answered, never left forever.
pub(super) async fn gone(
    conn: &mut Connection,
    channels: &HashSet<ChannelId>,
) -> Result<HashSet<ChannelId>, sqlx::Error> {
    let asked: Vec<&ChannelId> = channels.iter().collect();
    let mut found = HashSet::new();
    for chunk in asked.chunks(CHUNK) {
        let sql = format!(
            "SELECT id FROM channels WHERE id IN ({})",
            crate::store::placeholders(crate::store::Backend::Postgres, 1, chunk.len())
        );
        // Only placeholders are interpolated; every value is bound. Rare: not cached.
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).persistent(false);
        for channel in chunk {
            query = query.bind(channel.as_str());
        }
        found.extend(query.fetch_all(&mut *conn).await?.into_iter().map(ChannelId));
    }
    Ok(channels.iter().filter(|c| !found.contains(*c)).cloned().collect())
}
