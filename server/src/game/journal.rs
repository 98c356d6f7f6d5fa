//! The game event journal: append-only facts of the game authority, written in the same transaction as the
//! change they record.

use super::facts::GameFact;
use crate::store::now_ms;
use crate::store::Connection;
use app::domain::ids::{CampaignId, SessionId};

/// One journal entry to append with [`append_many`].
pub struct Entry<'a> {
    /// The campaign the fact belongs to.
    pub campaign: &'a CampaignId,
    /// The session, for facts of a session.
    pub session: Option<&'a SessionId>,
    /// What kind of fact ([`super::facts::CHAT_MESSAGE`] or [`super::facts::ROLL`]).
    pub kind: &'static str,
    /// The fact as JSON text.
    pub payload: String,
}

/// Rows per multi-row insert (five parameters each, far below SQLite's limit).
const APPEND_CHUNK: usize = 128;

/// Appends many entries with a few multi-row statements: the chat writer's batches record hundreds of
/// in-game facts per transaction, and a statement per fact would cost a round trip to the database thread each.
pub async fn append_many(conn: &mut Connection, entries: &[Entry<'_>]) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for chunk in crate::store::cached_runs(entries, APPEND_CHUNK) {
        let rows = crate::store::row_placeholders(crate::store::Backend::of_connection(conn), chunk.len(), 5);
        let sql =
            format!("INSERT INTO game_events (campaign_id, session_id, kind, payload, recorded_at) VALUES {rows}");
        // Only placeholders are interpolated; every value is bound. Runs have a few lengths, each one cached.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for entry in chunk {
            query = query
                .bind(entry.campaign.as_str())
                .bind(entry.session.map(SessionId::as_str))
                .bind(entry.kind)
                .bind(entry.payload.as_str())
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Appends one fact to the journal inside the caller's transaction.
pub async fn append(
    conn: &mut Connection,
    campaign: &CampaignId,
    session: Option<&SessionId>,
    fact: &GameFact,
) -> Result<(), sqlx::Error> {
    let (kind, payload) = fact.to_row();
    sqlx::query(
        "INSERT INTO game_events (campaign_id, session_id, kind, payload, recorded_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(campaign.as_str())
    .bind(session.map(SessionId::as_str))
    .bind(kind)
    .bind(payload)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
