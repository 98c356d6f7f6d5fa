//! Sessions: creation (with their one channel) and the lifecycle, journaled and announced to chat.

use super::channels::{insert_channel, ChannelKind};
use super::facts::{GameFact, SessionChange};
use super::{journal, Game, GameEvent};
use crate::store::{internal, now_ms, OrInternal};
use app::domain::campaign::{SessionAction, SessionStatus};
use app::domain::frames::RoomState;
use app::domain::ids::{CampaignId, ChannelId, SessionId, UserId};
use app::domain::{validate, Problem};

impl Game {
    /// Creates a scheduled session and its channel (GMs only).
    pub async fn create_session(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        title: &str,
    ) -> Result<SessionId, Problem> {
        self.require_gm(user, campaign).await?;
        let title = validate::name("session", title)?;
        let id = SessionId::generate();
        let channel = ChannelId::generate();
        let now = now_ms();
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        sqlx::query(
            "INSERT INTO sessions (id, campaign_id, title, status, created_at) VALUES ($1, $2, $3, 'scheduled', $4)",
        )
        .bind(id.as_str())
        .bind(campaign.as_str())
        .bind(&title)
        .bind(now)
        .execute(&mut *tx)
        .await
        .or_internal()?;
        insert_channel(&mut tx, &channel, ChannelKind::Session, campaign, id.as_str(), &title)
            .await
            .or_internal()?;
        journal::append(
            &mut tx,
            campaign,
            Some(&id),
            &GameFact::SessionCreated {
                title: title.clone(),
                by: user.clone(),
            },
        )
        .await
        .or_internal()?;
        let changes = super::count_change(&mut tx).await?;
        tx.commit().await.or_internal()?;
        // Open pages list the new session in their sidebar.
        self.publish(GameEvent::TableChanged {
            campaign_id: campaign.clone(),
        });
        self.counted(changes);
        Ok(id)
    }

    /// Starts, pauses or ends a session (GMs only) and announces the new room state.
    pub async fn change_session(
        &self,
        user: &UserId,
        session: &SessionId,
        action: SessionAction,
    ) -> Result<SessionStatus, Problem> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT s.campaign_id, s.status, c.id, s.title FROM sessions s
             JOIN channels c ON c.context_type = 'session' AND c.context_id = s.id WHERE s.id = $1",
        )
        .bind(session.as_str())
        .fetch_optional(&self.pool)
        .await
        .or_internal()?;
        let (campaign, status, channel, title) = row.ok_or_else(|| Problem::not_found("session"))?;
        let campaign = CampaignId(campaign);
        self.require_gm(user, &campaign).await?;
        let from = SessionStatus::parse(&status).ok_or_else(|| internal(format!("bad status {status}")))?;
        let to = from.apply(action)?;
        let now = now_ms();
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        // The status guard makes a concurrent change lose cleanly instead of skipping a state.
        let changed = sqlx::query(
            "UPDATE sessions SET status = $1,
                started_at = CASE WHEN $2 = 'active' AND started_at IS NULL THEN $3 ELSE started_at END,
                ended_at = CASE WHEN $4 = 'ended' THEN $5 ELSE ended_at END
             WHERE id = $6 AND status = $7",
        )
        .bind(to.as_str())
        .bind(to.as_str())
        .bind(now)
        .bind(to.as_str())
        .bind(now)
        .bind(session.as_str())
        .bind(from.as_str())
        .execute(&mut *tx)
        .await
        .or_internal()?;
        if changed.rows_affected() == 0 {
            return Err(Problem::new(
                app::domain::ErrorCode::InvalidTransition,
                "The session changed while you were looking at it.",
                "Refresh the page and try again.",
            ));
        }
        let fact = GameFact::session_changed(SessionChange {
            from,
            to,
            by: user.clone(),
            title,
        });
        journal::append(&mut tx, &campaign, Some(session), &fact)
            .await
            .or_internal()?;
        let changes = super::count_change(&mut tx).await?;
        tx.commit().await.or_internal()?;
        self.publish(GameEvent::SessionChanged {
            channel_id: ChannelId(channel),
            room: RoomState {
                session_id: session.clone(),
                status: to,
            },
        });
        // Pages open on another channel of the campaign (#general, a DM) list the session with its status.
        self.publish(GameEvent::TableChanged { campaign_id: campaign });
        self.counted(changes);
        Ok(to)
    }
}
