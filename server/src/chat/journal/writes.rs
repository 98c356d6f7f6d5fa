//! The journal's write side: the multi-row insert the writer commits a batch with, the idempotency keys it
//! checks first, and each channel's next sequence id.

use super::*;

/// The columns an insert writes, in [`bind_row`] order.
const INSERT_COLUMNS: &str = "channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id, actor_label, sender_id,
    body, mentions, audience_scope, audience_targets, audience_gms, audience_blind, roll, client_message_id,
    target_id, change, inline_rolls, reply, change_kind";
/// Parameters of one inserted row.
const ROW_WIDTH: usize = 22;
/// Rows per multi-row insert (22 parameters each, far below SQLite's limit of 32,766).
const INSERT_CHUNK: usize = 64;

type Insert<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind_row<'q>(query: Insert<'q>, message: &'q Message) -> Insert<'q> {
    query
        .bind(message.channel_id.as_str())
        .bind(message.sequence_id)
        .bind(message.message_id.as_str())
        .bind(message.sent_at)
        .bind(message.kind.as_str())
        .bind(message.actor.kind.as_str())
        .bind(message.actor.id.as_deref())
        .bind(&message.actor.label)
        .bind(message.sender_id.as_ref().map(UserId::as_str))
        .bind(&message.body)
        .bind(serde_json::to_string(&message.mentions).unwrap_or_else(|_| "[]".into()))
        .bind(message.audience.scope.as_str())
        .bind(serde_json::to_string(&message.audience.targets).unwrap_or_else(|_| "[]".into()))
        .bind(i64::from(message.audience.gms))
        .bind(i64::from(message.audience.blind))
        .bind(message.roll.as_ref().and_then(|roll| serde_json::to_string(roll).ok()))
        .bind(message.client_message_id.as_deref())
        .bind(message.change.as_ref().map(|change| change.target.as_str()))
        .bind(
            message
                .change
                .as_ref()
                .and_then(|change| serde_json::to_string(change).ok()),
        )
        .bind(
            (!message.inline_rolls.is_empty())
                .then(|| serde_json::to_string(&message.inline_rolls).ok())
                .flatten(),
        )
        .bind(
            message
                .reply
                .as_ref()
                .and_then(|reply| serde_json::to_string(reply).ok()),
        )
        .bind(message.change.as_ref().map(|change| change.kind.as_str()))
}

/// Inserts many messages with a few multi-row statements (the writer checked their keys first, under the
/// write lock, so none can collide): a statement per message would cost a round trip to the database
/// thread each, and the writer's transaction would last as long as all of them.
pub async fn insert_many(conn: &mut Connection, messages: &[&Message]) -> Result<(), sqlx::Error> {
    for chunk in crate::store::cached_runs(messages, INSERT_CHUNK) {
        let sql = format!(
            "INSERT INTO messages ({INSERT_COLUMNS}) VALUES {}",
            crate::store::row_placeholders(Backend::of_connection(conn), chunk.len(), ROW_WIDTH)
        );
        // Only placeholders are interpolated; every value is bound. Runs have a few lengths, each one cached.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for message in chunk {
            query = bind_row(query, message);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Keys per idempotency lookup (three parameters each).
const LOOKUP_CHUNK: usize = 256;

/// A member's idempotency key: channel, sender, `client_message_id`.
pub type Key = (ChannelId, UserId, String);

/// Which of `keys` are already stored, with the original message's id and sequence id; one query per few
/// hundred keys.
pub async fn stored_keys(conn: &mut Connection, keys: &[Key]) -> Result<HashMap<Key, (String, i64)>, sqlx::Error> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(LOOKUP_CHUNK) {
        let padded = crate::store::padded_len(chunk.len());
        let sql = stored_keys_sql(Backend::of_connection(conn), padded);
        // Only placeholders are interpolated; every value is bound. Padded lengths are few, each one cached.
        let mut query = sqlx::query_as::<_, (String, String, String, String, i64)>(sqlx::AssertSqlSafe(sql));
        let last = &chunk[chunk.len() - 1];
        for (channel, sender, key) in chunk.iter().chain(std::iter::repeat_n(last, padded - chunk.len())) {
            query = query.bind(channel.as_str()).bind(sender.as_str()).bind(key.as_str());
        }
        for (channel, sender, key, id, sequence) in query.fetch_all(&mut *conn).await? {
            found.insert((ChannelId(channel), UserId(sender), key), (id, sequence));
        }
    }
    Ok(found)
}

/// The lookup of `stored_keys` for `count` keys: each key is found through the idempotency index, whose leaves
/// the keys of one batch share (migration 0008).
pub(super) fn stored_keys_sql(backend: Backend, count: usize) -> String {
    format!(
        "WITH k(c, s, m) AS (VALUES {}) SELECT m.channel_id, m.sender_id, m.client_message_id, m.id, m.sequence_id
         FROM k JOIN messages m ON m.channel_id = k.c AND m.sender_id = k.s AND m.client_message_id = k.m",
        crate::store::row_placeholders(backend, count, 3)
    )
}

/// Postgres: moves each counter locked by `chat::counters::lock` to the last sequence id the batch gave out
/// (`next` holds the one after it).
pub async fn advance_sequences(conn: &mut Connection, next: &HashMap<ChannelId, i64>) -> Result<(), sqlx::Error> {
    let counters: Vec<(&ChannelId, i64)> = next.iter().map(|(channel, next)| (channel, next - 1)).collect();
    for chunk in counters.chunks(LOOKUP_CHUNK) {
        let sql = format!(
            "UPDATE channel_sequences s SET last_sequence_id = v.last
             FROM (VALUES {}) AS v(c, last) WHERE s.channel_id = v.c AND s.last_sequence_id < v.last",
            crate::store::row_placeholders(Backend::Postgres, chunk.len(), 2)
        );
        // Only placeholders are interpolated; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (channel, last) in chunk {
            query = query.bind(channel.as_str()).bind(*last);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The highest sequence id of each of `channels` (absent when the channel is empty).
pub async fn latest_sequences(
    conn: &mut Connection,
    channels: &[&ChannelId],
) -> Result<HashMap<ChannelId, i64>, sqlx::Error> {
    let mut latest = HashMap::new();
    for chunk in channels.chunks(500) {
        let sql = format!(
            "SELECT channel_id, MAX(sequence_id) FROM messages WHERE channel_id IN ({}) GROUP BY channel_id",
            crate::store::placeholders(Backend::of_connection(conn), 1, chunk.len())
        );
        // Only placeholders are interpolated; every value is bound. Not cached: the length varies.
        let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).persistent(false);
        for channel in chunk {
            query = query.bind(channel.as_str());
        }
        for (channel, sequence) in query.fetch_all(&mut *conn).await? {
            latest.insert(ChannelId(channel), sequence);
        }
    }
    Ok(latest)
}
