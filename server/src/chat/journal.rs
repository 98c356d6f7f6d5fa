//! The message journal's SQL: rows in, messages out. Visibility is not decided here; callers filter with
//! `can_see` so there is one rule.

use crate::store::{Backend, Connection};
use app::domain::actor::{Actor, ActorKind};
use app::domain::audience::{Audience, AudienceScope};
use app::domain::ids::{ChannelId, MessageId, UserId};
use app::domain::message::{Message, MessageKind};
use std::collections::HashMap;

/// The columns every read selects, in [`Row`] order.
macro_rules! columns {
    () => {
        "channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id, actor_label, sender_id, body, mentions,
         audience_scope, audience_targets, audience_gms, audience_blind, roll, client_message_id, change, inline_rolls, reply"
    };
}

/// One stored message row.
#[derive(sqlx::FromRow)]
pub struct Row {
    channel_id: String,
    sequence_id: i64,
    id: String,
    sent_at: i64,
    kind: String,
    actor_kind: String,
    actor_id: Option<String>,
    actor_label: String,
    sender_id: Option<String>,
    body: String,
    mentions: String,
    audience_scope: String,
    audience_targets: String,
    audience_gms: i64,
    audience_blind: i64,
    roll: Option<String>,
    client_message_id: Option<String>,
    change: Option<String>,
    inline_rolls: Option<String>,
    reply: Option<String>,
}

impl Row {
    /// The message, or `None` for a row this version cannot read (logged, skipped, never a panic).
    pub fn into_message(self) -> Option<Message> {
        let parsed = (|| {
            Some(Message {
                message_id: MessageId(self.id.clone()),
                channel_id: ChannelId(self.channel_id),
                sequence_id: self.sequence_id,
                sent_at: self.sent_at,
                kind: MessageKind::parse(&self.kind)?,
                actor: Actor {
                    kind: ActorKind::parse(&self.actor_kind)?,
                    id: self.actor_id,
                    label: self.actor_label,
                },
                sender_id: self.sender_id.map(UserId),
                body: self.body,
                mentions: serde_json::from_str(&self.mentions).ok()?,
                audience: Audience {
                    scope: AudienceScope::parse(&self.audience_scope)?,
                    targets: serde_json::from_str(&self.audience_targets).ok()?,
                    gms: self.audience_gms != 0,
                    blind: self.audience_blind != 0,
                },
                roll: match self.roll {
                    Some(raw) => Some(serde_json::from_str(&raw).ok()?),
                    None => None,
                },
                client_message_id: self.client_message_id,
                change: match self.change {
                    Some(raw) => Some(serde_json::from_str(&raw).ok()?),
                    None => None,
                },
                inline_rolls: match self.inline_rolls {
                    Some(raw) => serde_json::from_str(&raw).ok()?,
                    None => Vec::new(),
                },
                reply: match self.reply {
                    Some(raw) => Some(serde_json::from_str(&raw).ok()?),
                    None => None,
                },
            })
        })();
        if parsed.is_none() {
            tracing::error!(message_id = %self.id, "unreadable message row skipped");
        }
        parsed
    }
}

mod writes;
pub use writes::{advance_sequences, insert_many, latest_sequences, stored_keys, Key};

/// The message a sender (or, for `None`, the system) already stored under `client_message_id`, for
/// idempotent retries.
pub async fn find_by_client_id(
    conn: &mut Connection,
    channel: &ChannelId,
    sender: Option<&UserId>,
    client_message_id: &str,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    // Two statements rather than `sender_id IS ?`, so each one uses its own unique index.
    let query = match sender {
        Some(sender) => sqlx::query_as(
            "SELECT id, sequence_id FROM messages WHERE channel_id = $1 AND sender_id = $2 AND client_message_id = $3",
        )
        .bind(channel.as_str())
        .bind(sender.as_str()),
        None => sqlx::query_as(
            "SELECT id, sequence_id FROM messages
             WHERE channel_id = $1 AND sender_id IS NULL AND client_message_id = $2",
        )
        .bind(channel.as_str()),
    };
    query.bind(client_message_id).fetch_optional(conn).await
}

/// The id of the message at `sequence_id` in `channel`, if there is one.
pub async fn id_at(
    conn: &mut Connection,
    channel: &ChannelId,
    sequence_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM messages WHERE channel_id = $1 AND sequence_id = $2")
        .bind(channel.as_str())
        .bind(sequence_id)
        .fetch_optional(conn)
        .await
}

/// The highest sequence id of a channel (0 when empty).
pub async fn latest_sequence(conn: &mut Connection, channel: &ChannelId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(sequence_id), 0) FROM messages WHERE channel_id = $1")
        .bind(channel.as_str())
        .fetch_one(conn)
        .await
}

/// One message of a channel and every change to it, in one cached statement (a change request reads them on
/// its path to the writer, so this is one round trip instead of two, and one prepared statement).
const WITH_CHANGES_SQL: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM messages WHERE id = $1 AND channel_id = $2 UNION ALL SELECT ",
    columns!(),
    " FROM messages WHERE channel_id = $2 AND target_id = $1"
);

/// The message `id` of `channel` (if there is one) and every change to it, in sequence order.
pub async fn with_changes(
    conn: &mut Connection,
    channel: &ChannelId,
    id: &MessageId,
) -> Result<(Option<Message>, Vec<Message>), sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(WITH_CHANGES_SQL)
        .bind(id.as_str())
        .bind(channel.as_str())
        .fetch_all(conn)
        .await?;
    let (mut found, mut changes) = (None, Vec::new());
    for message in rows.into_iter().filter_map(Row::into_message) {
        match message.message_id == *id {
            true => found = Some(message),
            false => changes.push(message),
        }
    }
    changes.sort_by_key(|change| change.sequence_id);
    Ok((found, changes))
}

/// The messages `ids` of `channel` that exist, in one read per few hundred ids.
pub async fn by_ids(
    conn: &mut Connection,
    channel: &ChannelId,
    ids: &[&MessageId],
) -> Result<Vec<Message>, sqlx::Error> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(TARGETS_CHUNK) {
        let backend = Backend::of_connection(conn);
        let sql = format!(
            "SELECT {} FROM messages WHERE channel_id = {} AND id IN ({})",
            columns!(),
            crate::store::placeholders(backend, 1, 1),
            crate::store::placeholders(backend, 2, chunk.len())
        );
        // Only placeholders are interpolated; every value is bound. Not cached: the length varies.
        let mut query = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).persistent(false);
        query = query.bind(channel.as_str());
        for id in chunk {
            query = query.bind(id.as_str());
        }
        found.extend(
            query
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .filter_map(Row::into_message),
        );
    }
    Ok(found)
}

/// Messages asked for per read of their changes.
const TARGETS_CHUNK: usize = 200;

/// Every change to any of `targets` (messages of `channel`), oldest first: what a page of messages needs to be
/// shown as it is now. Read through the changes' own index (migration 0012).
pub async fn changes_of(
    conn: &mut Connection,
    channel: &ChannelId,
    targets: &[&MessageId],
) -> Result<Vec<Message>, sqlx::Error> {
    let mut changes = Vec::new();
    for chunk in targets.chunks(TARGETS_CHUNK) {
        let backend = Backend::of_connection(conn);
        let sql = format!(
            "SELECT {} FROM messages WHERE channel_id = {} AND target_id IN ({}) ORDER BY sequence_id",
            columns!(),
            crate::store::placeholders(backend, 1, 1),
            crate::store::placeholders(backend, 2, chunk.len())
        );
        // Only placeholders are interpolated; every value is bound. Not cached: the length varies.
        let mut query = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).persistent(false);
        query = query.bind(channel.as_str());
        for target in chunk {
            query = query.bind(target.as_str());
        }
        changes.extend(
            query
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .filter_map(Row::into_message),
        );
    }
    changes.sort_by_key(|change| change.sequence_id);
    Ok(changes)
}

/// A page after a sequence id, oldest first: read through the channel's index on (channel, sequence id).
const AFTER_SQL: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM messages WHERE channel_id = $1 AND sequence_id > $2 ORDER BY sequence_id LIMIT $3"
);
/// A page before a sequence id, newest first: the same index, walked backwards.
const BEFORE_SQL: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM messages WHERE channel_id = $1 AND sequence_id < $2 ORDER BY sequence_id DESC LIMIT $3"
);

/// Every pin and unpin of a channel, oldest first: through the small index of those (migration 0014).
const PINS_SQL: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM messages WHERE channel_id = $1 AND change_kind IN ('pin', 'unpin') ORDER BY sequence_id"
);

/// Every pin and unpin of `channel`, oldest first: what its pinned list is folded from.
pub async fn pins(conn: &mut Connection, channel: &ChannelId) -> Result<Vec<Message>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(PINS_SQL).bind(channel.as_str()).fetch_all(conn).await?;
    Ok(rows.into_iter().filter_map(Row::into_message).collect())
}

/// Up to `limit` messages after `after`, oldest first.
pub async fn after(
    conn: &mut Connection,
    channel: &ChannelId,
    after: i64,
    limit: i64,
) -> Result<Vec<Message>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(AFTER_SQL)
        .bind(channel.as_str())
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(Row::into_message).collect())
}

/// Up to `limit` messages before `before` (or the newest when `None`), newest first.
pub async fn before(
    conn: &mut Connection,
    channel: &ChannelId,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(BEFORE_SQL)
        .bind(channel.as_str())
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(Row::into_message).collect())
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
