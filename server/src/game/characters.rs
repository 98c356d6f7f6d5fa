//! Characters and who controls them.

use super::facts::GameFact;
use super::Game;
use crate::store::{internal, now_ms, OrInternal};
use app::domain::campaign::Role;
use app::domain::ids::{CampaignId, CharacterId, UserId};
use app::domain::{validate, Problem};

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
        let by_name = self.username(user).await?;
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        name_free(&mut tx, campaign, &name, None).await?;
        let inserted = sqlx::query(
            "INSERT INTO characters (id, campaign_id, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
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
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => return Err(name_taken(&name)),
            Err(error) => return Err(internal(error)),
        }
        sqlx::query("INSERT INTO character_controllers (character_id, user_id) VALUES ($1, $2)")
            .bind(id.as_str())
            .bind(user.as_str())
            .execute(&mut *tx)
            .await
            .or_internal()?;
        self.commit_table_change(
            tx,
            campaign,
            GameFact::CharacterCreated {
                character: id.clone(),
                name,
                by: user.clone(),
                by_name,
            },
        )
        .await?;
        Ok(id)
    }

    /// Renames a character (its controllers and the GMs may). History keeps the old name: messages store a
    /// label snapshot.
    pub async fn rename_character(&self, user: &UserId, character: &CharacterId, name: &str) -> Result<(), Problem> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT ch.campaign_id, ch.name,
                    CASE WHEN EXISTS (SELECT 1 FROM character_controllers cc
                                      WHERE cc.character_id = ch.id AND cc.user_id = $1) THEN 1 ELSE 0 END
             FROM characters ch WHERE ch.id = $2",
        )
        .bind(user.as_str())
        .bind(character.as_str())
        .fetch_optional(&self.pool)
        .await
        .or_internal()?;
        let (campaign, from, controls) = row.ok_or_else(|| Problem::not_found("character"))?;
        let controls = controls != 0;
        let campaign = CampaignId(campaign);
        let role = self.role_of(user, &campaign).await?;
        if !controls && role != Role::Gm {
            return Err(Problem::forbidden(
                "Only the character's players and the GMs can rename it.",
            ));
        }
        let name = validate::name("character", name)?;
        if name == from {
            return Ok(());
        }
        let by_name = self.username(user).await?;
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        name_free(&mut tx, &campaign, &name, Some(character)).await?;
        let renamed = sqlx::query("UPDATE characters SET name = $1 WHERE id = $2")
            .bind(&name)
            .bind(character.as_str())
            .execute(&mut *tx)
            .await;
        match renamed {
            Ok(_) => {}
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => return Err(name_taken(&name)),
            Err(error) => return Err(internal(error)),
        }
        self.commit_table_change(
            tx,
            &campaign,
            GameFact::CharacterRenamed {
                character: character.clone(),
                from,
                to: name,
                by: user.clone(),
                by_name,
            },
        )
        .await
    }
}

/// Refuses `name` when another character of the campaign has a name that looks the same (the same
/// [`validate::name_key`]: case, width, confusable letters and spacing aside). Read inside the write
/// transaction, so two racing creations cannot both pass.
async fn name_free(
    conn: &mut crate::store::Connection,
    campaign: &CampaignId,
    name: &str,
    except: Option<&CharacterId>,
) -> Result<(), Problem> {
    let names: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM characters WHERE campaign_id = $1")
        .bind(campaign.as_str())
        .fetch_all(conn)
        .await
        .or_internal()?;
    let key = validate::name_key(name);
    match names
        .iter()
        .find(|(id, other)| except.is_none_or(|c| c.as_str() != id) && validate::name_key(other) == key)
    {
        Some((_, other)) => Err(name_taken(other)),
        None => Ok(()),
    }
}

fn name_taken(name: &str) -> Problem {
    Problem::invalid(
        format!("This campaign already has a character named \"{name}\"."),
        "Pick another name, or add a surname.",
    )
}
