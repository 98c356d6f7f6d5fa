//! The game event journal: append-only facts of the game authority, written in the same transaction as the
//! change they record.

use crate::store::now_ms;
use app::domain::ids::{CampaignId, SessionId};
use sqlx::SqliteConnection;

/// Appends one fact to the journal inside the caller's transaction.
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
