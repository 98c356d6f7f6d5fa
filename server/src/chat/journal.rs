//! The message journal's SQL: rows in, messages out. Visibility is not decided here; callers filter with
//! `can_see` so there is one rule.

use app::domain::actor::{Actor, ActorKind};
use app::domain::audience::{Audience, AudienceScope};
use app::domain::ids::{ChannelId, MessageId, UserId};
use app::domain::message::{Message, MessageKind};
use sqlx::SqliteConnection;

/// The columns every read selects, in [`Row`] order.
macro_rules! columns {
    () => {
        "channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id, actor_label, sender_id, body, mentions,
         audience_scope, audience_targets, audience_gms, audience_blind, roll, client_message_id"
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
    audience_gms: bool,
    audience_blind: bool,
    roll: Option<String>,
    client_message_id: Option<String>,
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
                    gms: self.audience_gms,
                    blind: self.audience_blind,
                },
                roll: match self.roll {
                    Some(raw) => Some(serde_json::from_str(&raw).ok()?),
                    None => None,
                },
                client_message_id: self.client_message_id,
            })
        })();
        if parsed.is_none() {
            tracing::error!(message_id = %self.id, "unreadable message row skipped");
        }
        parsed
    }
}

/// Inserts `message` inside the caller's transaction.
pub async fn insert(conn: &mut SqliteConnection, message: &Message) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO messages (channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id, actor_label,
            sender_id, body, mentions, audience_scope, audience_targets, audience_gms, audience_blind, roll,
            client_message_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
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
    .bind(message.audience.gms)
    .bind(message.audience.blind)
    .bind(message.roll.as_ref().and_then(|roll| serde_json::to_string(roll).ok()))
    .bind(message.client_message_id.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// The message a sender (or, for `None`, the system) already stored under `client_message_id`, for
/// idempotent retries.
pub async fn find_by_client_id(
    conn: &mut SqliteConnection,
    channel: &ChannelId,
    sender: Option<&UserId>,
    client_message_id: &str,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    // Two statements rather than `sender_id IS ?`, so each one uses its own unique index.
    let query = match sender {
        Some(sender) => sqlx::query_as(
            "SELECT id, sequence_id FROM messages WHERE channel_id = ? AND sender_id = ? AND client_message_id = ?",
        )
        .bind(channel.as_str())
        .bind(sender.as_str()),
        None => sqlx::query_as(
            "SELECT id, sequence_id FROM messages
             WHERE channel_id = ? AND sender_id IS NULL AND client_message_id = ?",
        )
        .bind(channel.as_str()),
    };
    query.bind(client_message_id).fetch_optional(conn).await
}

/// The highest sequence id of a channel (0 when empty).
pub async fn latest_sequence(conn: &mut SqliteConnection, channel: &ChannelId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(sequence_id), 0) FROM messages WHERE channel_id = ?")
        .bind(channel.as_str())
        .fetch_one(conn)
        .await
}

/// Up to `limit` messages after `after`, oldest first.
pub async fn after(
    conn: &mut SqliteConnection,
    channel: &ChannelId,
    after: i64,
    limit: i64,
) -> Result<Vec<Message>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM messages WHERE channel_id = ? AND sequence_id > ? ORDER BY sequence_id LIMIT ?"
    ))
    .bind(channel.as_str())
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().filter_map(Row::into_message).collect())
}

/// Up to `limit` messages before `before` (or the newest when `None`), newest first.
pub async fn before(
    conn: &mut SqliteConnection,
    channel: &ChannelId,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM messages WHERE channel_id = ? AND sequence_id < ? ORDER BY sequence_id DESC LIMIT ?"
    ))
    .bind(channel.as_str())
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().filter_map(Row::into_message).collect())
}
