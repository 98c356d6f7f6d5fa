//! Campaigns, membership and invites.

use super::channels::{insert_channel, table_key, ChannelKind};
use super::facts::GameFact;
use super::{journal, Game, GameEvent};
use crate::store::{now_ms, OrInternal};
use app::domain::campaign::{Role, SessionStatus};
use app::domain::ids::{CampaignId, ChannelId, CharacterId, SessionId, UserId};
use app::domain::views::{
    CampaignSummary, CampaignView, ChannelSummary, CharacterSummary, InvitePreview, MemberSummary, SessionSummary,
};
use app::domain::{validate, ErrorCode, Problem};
use rand::Rng;

/// How long an invite code works.
const INVITE_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// Invite codes avoid look-alike characters (0/o, 1/l/i) so they survive being read aloud at a table.
const INVITE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const INVITE_LEN: usize = 10;

impl Game {
    /// The user's role in a campaign, or `not_found` for non-members (the campaign's existence stays hidden).
    pub async fn role_of(&self, user: &UserId, campaign: &CampaignId) -> Result<Role, Problem> {
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM campaign_members WHERE campaign_id = $1 AND user_id = $2")
                .bind(campaign.as_str())
                .bind(user.as_str())
                .fetch_optional(&self.pool)
                .await
                .or_internal()?;
        role.and_then(|r| Role::parse(&r))
            .ok_or_else(|| Problem::not_found("campaign"))
    }

    /// `forbidden` unless the user is a GM of the campaign (`not_found` for non-members).
    pub async fn require_gm(&self, user: &UserId, campaign: &CampaignId) -> Result<(), Problem> {
        match self.role_of(user, campaign).await? {
            Role::Gm => Ok(()),
            _ => Err(Problem::forbidden("Only a game master of this campaign can do that.")),
        }
    }

    /// Creates a campaign with `user` as its GM.
    pub async fn create_campaign(&self, user: &UserId, name: &str) -> Result<CampaignId, Problem> {
        let name = validate::name("campaign", name)?;
        let id = CampaignId::generate();
        let now = now_ms();
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        sqlx::query("INSERT INTO campaigns (id, name, created_by, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id.as_str())
            .bind(&name)
            .bind(user.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await
            .or_internal()?;
        add_member(&mut tx, &id, user, Role::Gm).await.or_internal()?;
        // Every campaign has an off-game #general from the start, so the table can talk between sessions.
        let general = ChannelId::generate();
        insert_channel(
            &mut tx,
            &general,
            ChannelKind::Table,
            &id,
            &table_key(&id, "general"),
            "general",
        )
        .await
        .or_internal()?;
        journal::append(
            &mut tx,
            &id,
            None,
            &GameFact::CampaignCreated {
                name: name.clone(),
                by: user.clone(),
            },
        )
        .await
        .or_internal()?;
        tx.commit().await.or_internal()?;
        Ok(id)
    }

    /// The campaigns `user` belongs to, most recently created first.
    pub async fn campaigns(&self, user: &UserId) -> Result<Vec<CampaignSummary>, Problem> {
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT c.id, c.name, m.role,
                    (SELECT COUNT(*) FROM campaign_members x WHERE x.campaign_id = c.id),
                    CASE WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.campaign_id = c.id AND s.status = 'active')
                         THEN 1 ELSE 0 END
             FROM campaigns c JOIN campaign_members m ON m.campaign_id = c.id
             WHERE m.user_id = $1 ORDER BY c.created_at DESC",
        )
        .bind(user.as_str())
        .fetch_all(&self.pool)
        .await
        .or_internal()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, name, role, member_count, active)| {
                Some(CampaignSummary {
                    id: CampaignId(id),
                    name,
                    role: Role::parse(&role)?,
                    member_count,
                    has_active_session: active != 0,
                })
            })
            .collect())
    }

    /// Everything the campaign page shows, for a member.
    pub async fn campaign_view(&self, user: &UserId, campaign: &CampaignId) -> Result<CampaignView, Problem> {
        let role = self.role_of(user, campaign).await?;
        let name: String = sqlx::query_scalar("SELECT name FROM campaigns WHERE id = $1")
            .bind(campaign.as_str())
            .fetch_one(&self.pool)
            .await
            .or_internal()?;
        let sessions: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT s.id, s.title, s.status, c.id FROM sessions s
             JOIN channels c ON c.context_type = 'session' AND c.context_id = s.id
             WHERE s.campaign_id = $1 ORDER BY s.created_at DESC, s.id DESC",
        )
        .bind(campaign.as_str())
        .fetch_all(&self.pool)
        .await
        .or_internal()?;
        let members: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.username, m.role FROM campaign_members m JOIN users u ON u.id = m.user_id
             WHERE m.campaign_id = $1 ORDER BY m.role = 'gm' DESC, u.username",
        )
        .bind(campaign.as_str())
        .fetch_all(&self.pool)
        .await
        .or_internal()?;
        let characters: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT ch.id, ch.name, COALESCE(string_agg(u.username, ', '), ''),
                    MAX(CASE WHEN cc.user_id = $1 THEN 1 ELSE 0 END)
             FROM characters ch
             LEFT JOIN character_controllers cc ON cc.character_id = ch.id
             LEFT JOIN users u ON u.id = cc.user_id
             WHERE ch.campaign_id = $2 GROUP BY ch.id ORDER BY ch.name",
        )
        .bind(user.as_str())
        .bind(campaign.as_str())
        .fetch_all(&self.pool)
        .await
        .or_internal()?;
        let table_channels: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, name FROM channels WHERE campaign_id = $1 AND kind = 'table'
             ORDER BY name = 'general' DESC, name",
        )
        .bind(campaign.as_str())
        .fetch_all(&self.pool)
        .await
        .or_internal()?;
        let facts = super::GameAuthority::table_facts(self, campaign).await?;
        Ok(CampaignView {
            direct_channels: self.direct_channels(user, campaign).await?,
            table_channels: table_channels
                .into_iter()
                .map(|(id, name)| ChannelSummary {
                    id: ChannelId(id),
                    name,
                })
                .collect(),
            facts,
            id: campaign.clone(),
            name,
            role,
            viewer_id: user.clone(),
            sessions: sessions
                .into_iter()
                .filter_map(|(id, title, status, channel)| {
                    Some(SessionSummary {
                        id: SessionId(id),
                        title,
                        status: SessionStatus::parse(&status)?,
                        channel_id: ChannelId(channel),
                    })
                })
                .collect(),
            members: members
                .into_iter()
                .filter_map(|(id, username, role)| {
                    Some(MemberSummary {
                        user_id: UserId(id),
                        username,
                        role: Role::parse(&role)?,
                    })
                })
                .collect(),
            characters: characters
                .into_iter()
                .map(|(id, name, controllers, mine)| CharacterSummary {
                    id: CharacterId(id),
                    name,
                    controller_names: controllers
                        .split(", ")
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    controlled_by_viewer: mine == 1,
                })
                .collect(),
        })
    }

    /// Creates an invite code for the campaign (GMs only).
    pub async fn create_invite(&self, user: &UserId, campaign: &CampaignId) -> Result<String, Problem> {
        self.require_gm(user, campaign).await?;
        let code: String = {
            let mut rng = rand::rng();
            (0..INVITE_LEN)
                .map(|_| INVITE_ALPHABET[rng.random_range(0..INVITE_ALPHABET.len())] as char)
                .collect()
        };
        let now = now_ms();
        sqlx::query(
            "INSERT INTO invites (code, campaign_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&code)
        .bind(campaign.as_str())
        .bind(user.as_str())
        .bind(now)
        .bind(now + INVITE_TTL_MS)
        .execute(&self.pool)
        .await
        .or_internal()?;
        Ok(code)
    }

    /// What an invite code (or a pasted invite link) opens.
    pub async fn invite_preview(&self, user: &UserId, code: &str) -> Result<InvitePreview, Problem> {
        let code = invite_code(code);
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT c.id, c.name FROM invites i JOIN campaigns c ON c.id = i.campaign_id
             WHERE i.code = $1 AND i.expires_at > $2",
        )
        .bind(&code)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
        .or_internal()?;
        let (campaign_id, campaign_name) = row.ok_or_else(invalid_invite)?;
        let campaign_id = CampaignId(campaign_id);
        let already_member = self.role_of(user, &campaign_id).await.is_ok();
        Ok(InvitePreview {
            code,
            campaign_id,
            campaign_name,
            already_member,
        })
    }

    /// Joins the invite's campaign as a player. Joining a campaign one already belongs to keeps the old role.
    pub async fn accept_invite(&self, user: &UserId, code: &str) -> Result<CampaignId, Problem> {
        let preview = self.invite_preview(user, code).await?;
        if preview.already_member {
            return Ok(preview.campaign_id);
        }
        let name = self.username(user).await?;
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        add_member(&mut tx, &preview.campaign_id, user, Role::Player)
            .await
            .or_internal()?;
        self.commit_table_change(
            tx,
            &preview.campaign_id,
            GameFact::MemberJoined {
                user: user.clone(),
                name,
                role: Role::Player,
            },
        )
        .await?;
        Ok(preview.campaign_id)
    }

    /// Adds a member directly (seeding and tests).
    pub async fn add_member(&self, campaign: &CampaignId, user: &UserId, role: Role) -> Result<(), Problem> {
        let mut conn = self.pool.acquire().await.or_internal()?;
        add_member(&mut conn, campaign, user, role).await.or_internal()?;
        let changes = super::count_change(&mut conn).await?;
        self.publish(GameEvent::TableChanged {
            campaign_id: campaign.clone(),
        });
        self.counted(changes);
        Ok(())
    }
}

async fn add_member(
    conn: &mut crate::store::Connection,
    campaign: &CampaignId,
    user: &UserId,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO campaign_members (campaign_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (campaign_id, user_id) DO NOTHING",
    )
    .bind(campaign.as_str())
    .bind(user.as_str())
    .bind(role.as_str())
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// The code itself from a code or a pasted link (`https://host/invite/CODE`).
fn invite_code(raw: &str) -> String {
    raw.trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

fn invalid_invite() -> Problem {
    Problem::new(
        ErrorCode::InviteInvalid,
        "This invite is unknown or has expired.",
        "Ask your game master for a new invite link.",
    )
}

#[cfg(test)]
mod tests {
    use super::invite_code;

    #[test]
    fn invite_codes_are_taken_from_links_too() {
        assert_eq!(invite_code(" AbC123 "), "abc123");
        assert_eq!(invite_code("http://localhost:3000/invite/xyz789/"), "xyz789");
    }
}
