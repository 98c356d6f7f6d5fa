//! Leaving a campaign, and GMs removing members.

use super::facts::GameFact;
use super::{journal, Game, GameEvent};
use crate::store::OrInternal;
use app::domain::campaign::Role;
use app::domain::ids::{CampaignId, UserId};
use app::domain::{ErrorCode, Problem};

impl Game {
    /// A user's name, for the snapshots journal entries keep.
    pub(super) async fn username(&self, user: &UserId) -> Result<String, Problem> {
        sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
            .bind(user.as_str())
            .fetch_optional(&self.pool)
            .await
            .or_internal()?
            .ok_or_else(|| Problem::not_found("user"))
    }

    /// The member leaves the campaign. The last GM cannot leave: a campaign always has someone to run it.
    pub async fn leave_campaign(&self, user: &UserId, campaign: &CampaignId) -> Result<(), Problem> {
        self.drop_member(campaign, user, None).await
    }

    /// A GM removes another member (not a GM) from the campaign.
    pub async fn remove_member(&self, gm: &UserId, campaign: &CampaignId, member: &UserId) -> Result<(), Problem> {
        self.require_gm(gm, campaign).await?;
        if gm == member {
            return self.leave_campaign(gm, campaign).await;
        }
        match self.role_of(member, campaign).await {
            Ok(Role::Gm) => Err(Problem::forbidden("Game masters cannot remove each other.")),
            Ok(_) => self.drop_member(campaign, member, Some(gm)).await,
            Err(_) => Err(Problem::not_found("member")),
        }
    }

    /// Removes the membership and the member's control of characters, journals `member_left` with the session
    /// active at that moment (so the GMs in its room can be told), and tells chat to stop delivering to them.
    async fn drop_member(&self, campaign: &CampaignId, member: &UserId, by: Option<&UserId>) -> Result<(), Problem> {
        let role = self.role_of(member, campaign).await?;
        let name = self.username(member).await?;
        let by_name = match by {
            Some(gm) => Some(self.username(gm).await?),
            None => None,
        };
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        if role == Role::Gm {
            let gms: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM campaign_members WHERE campaign_id = $1 AND role = 'gm'")
                    .bind(campaign.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .or_internal()?;
            if gms <= 1 {
                return Err(Problem::new(
                    ErrorCode::Forbidden,
                    "You are this campaign's only game master, so you cannot leave it.",
                    "A campaign keeps its game master: stay in it (you can remove other members from the member list).",
                ));
            }
        }
        sqlx::query(
            "DELETE FROM character_controllers WHERE user_id = $1
             AND character_id IN (SELECT id FROM characters WHERE campaign_id = $2)",
        )
        .bind(member.as_str())
        .bind(campaign.as_str())
        .execute(&mut *tx)
        .await
        .or_internal()?;
        sqlx::query("DELETE FROM campaign_members WHERE campaign_id = $1 AND user_id = $2")
            .bind(campaign.as_str())
            .bind(member.as_str())
            .execute(&mut *tx)
            .await
            .or_internal()?;
        let active: Option<String> = sqlx::query_scalar(
            "SELECT id FROM sessions WHERE campaign_id = $1 AND status = 'active' ORDER BY started_at DESC LIMIT 1",
        )
        .bind(campaign.as_str())
        .fetch_optional(&mut *tx)
        .await
        .or_internal()?;
        let fact = GameFact::MemberLeft {
            user: member.clone(),
            name,
            by: by.cloned(),
            by_name,
            session: active.map(app::domain::ids::SessionId),
        };
        journal::append(&mut tx, campaign, None, &fact).await.or_internal()?;
        let changes = super::count_change(&mut tx).await?;
        tx.commit().await.or_internal()?;
        self.publish(GameEvent::TableChanged {
            campaign_id: campaign.clone(),
        });
        self.publish(GameEvent::MemberLeft {
            campaign_id: campaign.clone(),
            user_id: member.clone(),
        });
        self.counted(changes);
        Ok(())
    }
}
