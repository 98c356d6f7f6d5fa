//! The `event_outbox` table: written by the chat writer inside its transaction, read and emptied by the relay.

use crate::store::{Backend, Connection, Pool};
use app::domain::events::{BodyPolicy, Envelope};
use app::domain::ids::ChannelId;
use app::domain::message::Message;
use app::domain::policy::Lane;
use sqlx::Row;

/// Rows per multi-row insert (3 parameters each).
const INSERT_CHUNK: usize = 64;

/// A row waiting to be relayed.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The outbox row, deleted once the broker has the event.
    pub id: i64,
    /// The channel, which keys the event.
    pub channel_id: ChannelId,
    /// Unique per event; the broker drops a second copy published within its duplicate window.
    pub event_id: String,
    /// The envelope, as JSON.
    pub envelope: String,
}

/// Writes one event per message, in `messages`' order. `in_game` says which channels are session rooms.
pub async fn insert(
    conn: &mut Connection,
    messages: &[&Message],
    in_game: impl Fn(&ChannelId) -> bool,
    bodies: BodyPolicy,
) -> Result<(), sqlx::Error> {
    let rows: Vec<(String, String, &ChannelId)> = messages
        .iter()
        .map(|message| {
            let lane = if in_game(&message.channel_id) {
                Lane::InGame
            } else {
                Lane::OffGame
            };
            let event_id = ulid::Ulid::generate().to_string();
            let envelope = Envelope::message_sent(event_id.clone(), message, lane, bodies);
            let json = serde_json::to_string(&envelope).unwrap_or_default();
            (event_id, json, &message.channel_id)
        })
        .collect();
    for chunk in crate::store::cached_runs(&rows, INSERT_CHUNK) {
        let sql = format!(
            "INSERT INTO event_outbox (channel_id, event_id, envelope) VALUES {}",
            crate::store::row_placeholders(Backend::of_connection(conn), chunk.len(), 3)
        );
        // Only placeholders are interpolated; every value is bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (event_id, envelope, channel) in chunk {
            query = query
                .bind(channel.as_str())
                .bind(event_id.as_str())
                .bind(envelope.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The oldest `limit` rows, in id order.
pub async fn oldest(pool: &Pool, limit: i64) -> Result<Vec<Pending>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, channel_id, event_id, envelope FROM event_outbox ORDER BY id LIMIT $1")
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Pending {
                id: row.try_get(0)?,
                channel_id: ChannelId::from(row.try_get::<String, _>(1)?),
                event_id: row.try_get(2)?,
                envelope: row.try_get(3)?,
            })
        })
        .collect()
}

/// Ids per delete: a relay round's in one statement (far below SQLite's 32,766 parameters and Postgres' 65,535).
const DELETE_CHUNK: usize = 4096;

/// Deletes relayed rows.
pub async fn delete(pool: &Pool, ids: &[i64]) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(DELETE_CHUNK) {
        let backend = Backend::of(pool);
        let sql = format!(
            "DELETE FROM event_outbox WHERE id IN ({})",
            crate::store::placeholders(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(pool).await?;
    }
    Ok(())
}

/// How many rows wait (for `/metrics` and tests).
pub async fn waiting(pool: &Pool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM event_outbox")
        .fetch_one(pool)
        .await
}
