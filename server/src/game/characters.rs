//! Characters and who controls them.

use super::Game;
use crate::store::{internal, now_ms};
use app::domain::ids::{CampaignId, CharacterId, UserId};
use app::domain::{validate, Problem};
use serde_json::json;

impl Game {
    /// Creates a character in the campaign, controlled by `user` (any member may).
    pub async fn create_character(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        name: &str,
    ) -> Result<CharacterId, Problem> {
        self.role_of(user, campaign).await?;
        let name = validate::name("character", name)?;
        let id = CharacterId::generate();
        let mut tx = crate::store::begin_write(&self.pool).await.map_err(internal)?;
        let inserted = sqlx::query(
            "INSERT INTO characters (id, campaign_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id.as_str())
        .bind(campaign.as_str())
        .bind(&name)
        .bind(user.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                return Err(Problem::invalid(
                    format!("This campaign already has a character named \"{name}\"."),
                    "Pick another name, or add a surname.",
                ))
            }
            Err(error) => return Err(internal(error)),
        }
        sqlx::query("INSERT INTO character_controllers (character_id, user_id) VALUES (?, ?)")
            .bind(id.as_str())
            .bind(user.as_str())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        self.commit_table_change(
            tx,
            campaign,
            "character_created",
            json!({ "character": id, "name": name, "by": user }),
        )
        .await?;
        Ok(id)
    }
}
