//! The game event journal: append-only facts of the game authority, written in the same transaction as the
//! change they record.

use crate::store::now_ms;
use app::domain::ids::{CampaignId, SessionId};
use sqlx::SqliteConnection;

/// Appends one fact to the journal inside the caller's transaction.
/// One journal entry to append with [`append_many`].
pub struct Entry<'a> {
    pub campaign: &'a CampaignId,
    pub session: Option<&'a SessionId>,
    pub kind: &'static str,
    pub payload: serde_json::Value,
}

/// Rows per multi-row insert (five parameters each, far below SQLite's limit).
const APPEND_CHUNK: usize = 100;

/// Appends many entries with a few multi-row statements: the chat writer's batches record hundreds of
/// in-game facts per transaction, and a statement per fact would cost a round trip to the database thread each.
pub async fn append_many(conn: &mut SqliteConnection, entries: &[Entry<'_>]) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for chunk in entries.chunks(APPEND_CHUNK) {
        let rows = vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql =
            format!("INSERT INTO game_events (campaign_id, session_id, kind, payload, recorded_at) VALUES {rows}");
        // Only placeholders are interpolated; every value is bound. Full chunks share one cached statement.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(chunk.len() == APPEND_CHUNK);
        for entry in chunk {
            query = query
                .bind(entry.campaign.as_str())
                .bind(entry.session.map(SessionId::as_str))
                .bind(entry.kind)
                .bind(entry.payload.to_string())
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn append(
    conn: &mut SqliteConnection,
    campaign: &CampaignId,
    session: Option<&SessionId>,
    kind: &str,
    payload: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO game_events (campaign_id, session_id, kind, payload, recorded_at) VALUES (?, ?, ?, ?, ?)")
        .bind(campaign.as_str())
        .bind(session.map(SessionId::as_str))
        .bind(kind)
        .bind(payload.to_string())
        .bind(now_ms())
        .execute(conn)
        .await?;
    Ok(())
}
