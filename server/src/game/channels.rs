//! Off-game channels: the table channels GMs add beside `#general`, and direct messages between members.
//!
//! The game authority writes these rows because it answers who may read a channel; their messages live only in
//! the chat journal and never enter the game journal.

use super::facts::GameFact;
use super::{Game, GameEvent};
use crate::store::Connection;
use crate::store::{internal, now_ms, OrInternal};
use app::domain::ids::{CampaignId, ChannelId, UserId};
use app::domain::views::ChannelSummary;
use app::domain::{validate, ErrorCode, Problem};

/// Most people in a group DM besides the one opening it.
pub const DIRECT_MAX_OTHERS: usize = 9;

/// What a channel row is; each kind is unique within its own context (`UNIQUE(context_type, context_id)`).
#[derive(Debug, Clone, Copy)]
pub(super) enum ChannelKind {
    /// A session's room; its context is the session id.
    Session,
    /// A table channel; its context is [`table_key`].
    Table,
    /// A direct message; its context is the campaign and the sorted member ids.
    Direct,
}

/// The context of a table channel: its name within the campaign.
pub(super) fn table_key(campaign: &CampaignId, name: &str) -> String {
    format!("{}:{name}", campaign.as_str())
}

/// Inserts a channel row inside the caller's transaction.
pub(super) async fn insert_channel(
    conn: &mut Connection,
    id: &ChannelId,
    kind: ChannelKind,
    campaign: &CampaignId,
    context_id: &str,
    name: &str,
) -> Result<(), sqlx::Error> {
    let (kind, context_type) = match kind {
        ChannelKind::Session => ("session", "session"),
        ChannelKind::Table => ("table", "campaign_table"),
        ChannelKind::Direct => ("direct", "direct"),
    };
    sqlx::query(
        "INSERT INTO channels (id, kind, campaign_id, context_type, context_id, name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.as_str())
    .bind(kind)
    .bind(campaign.as_str())
    .bind(context_type)
    .bind(context_id)
    .bind(name)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

impl Game {
    /// Adds a table channel such as `#scheduling` (GMs only). Names are canonical (`Game Night` becomes
    /// `game-night`) and unique in the campaign.
    pub async fn create_table_channel(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        name: &str,
    ) -> Result<ChannelId, Problem> {
        self.require_gm(user, campaign).await?;
        let name = validate::channel_name(name)?;
        let id = ChannelId::generate();
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        let inserted = insert_channel(
            &mut tx,
            &id,
            ChannelKind::Table,
            campaign,
            &table_key(campaign, &name),
            &name,
        )
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                return Err(Problem::invalid(
                    format!("This campaign already has a #{name} channel."),
                    "Open it from the sidebar, or pick another name.",
                ))
            }
            Err(error) => return Err(internal(error)),
        }
        let fact = GameFact::TableChannelCreated {
            channel: id.clone(),
            name,
            by: user.clone(),
        };
        self.commit_table_change(tx, campaign, fact).await?;
        Ok(id)
    }

    /// Opens the direct-message channel between `user` and `others` (members of the same campaign), creating
    /// it the first time. The same people always get the same channel, whoever opens it.
    pub async fn open_direct(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        others: &[UserId],
    ) -> Result<ChannelId, Problem> {
        self.role_of(user, campaign).await?;
        let mut people: Vec<UserId> = others.iter().filter(|o| *o != user).cloned().collect();
        people.sort();
        people.dedup();
        if people.is_empty() {
            return Err(Problem::invalid(
                "A direct message needs someone besides you.",
                "Pick one or more members.",
            ));
        }
        if people.len() > DIRECT_MAX_OTHERS {
            return Err(Problem::invalid(
                format!("A group direct message has at most {} people.", DIRECT_MAX_OTHERS + 1),
                "Use a table channel for bigger groups.",
            ));
        }
        let mut names = vec![self.username(user).await?];
        for other in &people {
            if self.role_of(other, campaign).await.is_err() {
                return Err(Problem::new(
                    ErrorCode::UnknownTarget,
                    "Someone you picked is not a member of this campaign.",
                    "Pick people from the member list.",
                ));
            }
            names.push(self.username(other).await?);
        }
        people.push(user.clone());
        people.sort();
        names.sort();
        let key = format!(
            "{}:{}",
            campaign.as_str(),
            people.iter().map(UserId::as_str).collect::<Vec<_>>().join(",")
        );
        if let Some(existing) = self.direct_by_key(&key).await? {
            return Ok(existing);
        }
        let id = ChannelId::generate();
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        let inserted = insert_channel(&mut tx, &id, ChannelKind::Direct, campaign, &key, &names.join(", ")).await;
        match inserted {
            Ok(_) => {}
            // Two people opened the same DM at once: both get the one that won.
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                drop(tx);
                return self
                    .direct_by_key(&key)
                    .await?
                    .ok_or_else(|| internal("direct channel vanished"));
            }
            Err(error) => return Err(internal(error)),
        }
        for person in &people {
            sqlx::query("INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)")
                .bind(id.as_str())
                .bind(person.as_str())
                .execute(&mut *tx)
                .await
                .or_internal()?;
        }
        let changes = super::count_change(&mut tx).await?;
        tx.commit().await.or_internal()?;
        // The others' sidebars list the new conversation.
        self.publish(GameEvent::TableChanged {
            campaign_id: campaign.clone(),
        });
        self.counted(changes);
        Ok(id)
    }

    /// The user's direct-message channels in a campaign, newest first, each named after the other people in it.
    pub(super) async fn direct_channels(
        &self,
        user: &UserId,
        campaign: &CampaignId,
    ) -> Result<Vec<ChannelSummary>, Problem> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT c.id, u.username FROM channels c
             JOIN channel_members me ON me.channel_id = c.id AND me.user_id = $1
             JOIN channel_members o ON o.channel_id = c.id AND o.user_id != me.user_id
             JOIN users u ON u.id = o.user_id
             WHERE c.campaign_id = $2 AND c.kind = 'direct'
             ORDER BY c.created_at DESC, c.id, u.username",
        )
        .bind(user.as_str())
        .bind(campaign.as_str())
        .fetch_all(&self.pool)
        .await
        .or_internal()?;
        let mut channels: Vec<ChannelSummary> = Vec::new();
        for (id, name) in rows {
            match channels.last_mut() {
                Some(last) if last.id.as_str() == id => {
                    last.name.push_str(", ");
                    last.name.push_str(&name);
                }
                _ => channels.push(ChannelSummary {
                    id: ChannelId(id),
                    name,
                }),
            }
        }
        Ok(channels)
    }

    async fn direct_by_key(&self, key: &str) -> Result<Option<ChannelId>, Problem> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM channels WHERE context_type = 'direct' AND context_id = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await
                .or_internal()?;
        Ok(id.map(ChannelId))
    }
}
