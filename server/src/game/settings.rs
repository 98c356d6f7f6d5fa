//! Campaign settings and shared control of characters.

use super::facts::GameFact;
use super::Game;
use crate::store::OrInternal;
use app::domain::change::MessageRules;
use app::domain::ids::{CampaignId, CharacterId, UserId};
use app::domain::Problem;

impl Game {
    /// Turns the campaign's `gm_sees_whispers` setting on or off (GMs only). Whispers already sent keep the
    /// answer they were sent with.
    pub async fn set_gm_sees_whispers(&self, user: &UserId, campaign: &CampaignId, on: bool) -> Result<(), Problem> {
        self.require_gm(user, campaign).await?;
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        sqlx::query("UPDATE campaigns SET gm_sees_whispers = $1 WHERE id = $2")
            .bind(i64::from(on))
            .bind(campaign.as_str())
            .execute(&mut *tx)
            .await
            .or_internal()?;
        self.commit_table_change(
            tx,
            campaign,
            GameFact::SettingChanged {
                gm_sees_whispers: on,
                by: user.clone(),
            },
        )
        .await?;
        Ok(())
    }

    /// Sets how the campaign's messages may change (GMs only): the edit window and whether players pin. The
    /// next change anywhere in the campaign is decided under them (the roster is told, on every instance).
    pub async fn set_message_rules(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        rules: MessageRules,
    ) -> Result<(), Problem> {
        rules.validate()?;
        self.require_gm(user, campaign).await?;
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        sqlx::query("UPDATE campaigns SET edit_window_minutes = $1, players_may_pin = $2 WHERE id = $3")
            .bind(rules.edit_window_minutes.map(i64::from))
            .bind(i64::from(rules.players_may_pin))
            .bind(campaign.as_str())
            .execute(&mut *tx)
            .await
            .or_internal()?;
        let fact = GameFact::MessageRulesChanged {
            rules,
            by: user.clone(),
        };
        self.commit_table_change(tx, campaign, fact).await?;
        Ok(())
    }

    /// Gives `user` control of a character too (shared control), GMs only.
    pub async fn share_character(
        &self,
        gm: &UserId,
        campaign: &CampaignId,
        character: &CharacterId,
        user: &UserId,
    ) -> Result<(), Problem> {
        self.require_gm(gm, campaign).await?;
        self.role_of(user, campaign).await?;
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        let inserted = sqlx::query(
            "INSERT INTO character_controllers (character_id, user_id)
             SELECT id, $1 FROM characters WHERE id = $2 AND campaign_id = $3
             ON CONFLICT DO NOTHING",
        )
        .bind(user.as_str())
        .bind(character.as_str())
        .bind(campaign.as_str())
        .execute(&mut *tx)
        .await
        .or_internal()?;
        if inserted.rows_affected() == 0 {
            return tx.commit().await.or_internal();
        }
        let fact = GameFact::CharacterShared {
            character: character.clone(),
            with: user.clone(),
            by: gm.clone(),
        };
        self.commit_table_change(tx, campaign, fact).await?;
        Ok(())
    }
}
