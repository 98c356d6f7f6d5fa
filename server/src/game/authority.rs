//! The questions chat may ask the game authority, and the changes it announces.

use super::news::NewsPage;
use super::Game;
use crate::store::Connection;
use crate::store::{internal, OrFault};
use app::domain::campaign::{Role, SessionAction, SessionStatus};
use app::domain::dice::{roll, DiceExpr, DiceRng, RollResult};
use app::domain::frames::RoomState;
use app::domain::ids::{CampaignId, ChannelId, CharacterId, SessionId, UserId};
use app::domain::message::Message;
use app::domain::policy::{CharacterFact, Lane, MemberFact, TableFacts};
use app::domain::visibility::Viewer;
use app::domain::Problem;
use async_trait::async_trait;
use std::collections::HashMap;
use tokio::sync::broadcast;

/// What a user may do in a channel, as the game authority sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelAccess {
    /// The campaign the channel belongs to.
    pub campaign_id: CampaignId,
    /// The user as a viewer (id and role), for `can_see`.
    pub viewer: Viewer,
    /// For session channels: the session and its status.
    pub room: Option<RoomState>,
    /// Session channels are in-game; table channels and direct messages off-game.
    pub lane: Lane,
    /// The channel's name: a session's title, a table channel's name, a DM's people.
    pub name: String,
}

/// A session room as the game authority answered for one chat-writer transaction: its campaign and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRoom {
    /// The campaign the session belongs to.
    pub campaign_id: CampaignId,
    /// The session and its status.
    pub room: RoomState,
}

/// A change chat needs to hear about (on this instance, and through the bus on the others).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum GameEvent {
    /// A session's status changed; its room opens or closes for posting.
    SessionChanged {
        /// The session's channel.
        channel_id: ChannelId,
        /// The session and its new status.
        room: RoomState,
    },
    /// Who is at the table changed: a member joined, a character was created or shared, a setting changed, a
    /// channel was added. The journal may hold news for the table.
    TableChanged {
        /// The campaign.
        campaign_id: CampaignId,
    },
    /// A member left or was removed: chat stops delivering the campaign's channels to them at once.
    MemberLeft {
        /// The campaign.
        campaign_id: CampaignId,
        /// Who is gone.
        user_id: UserId,
    },
}

/// The game authority as chat sees it: questions only, no writes.
#[async_trait]
pub trait GameAuthority: Send + Sync + 'static {
    /// The user's access to a channel, or `not_found` when the channel does not exist or the user is not a
    /// member of its campaign (the two look the same).
    async fn channel_access(&self, user: &UserId, channel: &ChannelId) -> Result<ChannelAccess, Problem>;
    /// The rooms of those `channels` that are session rooms (others are absent), read inside the chat
    /// writer's transaction: with the write lock held, no session can open or close between this answer and
    /// the commit of the messages it admits.
    async fn room_states(
        &self,
        tx: &mut Connection,
        channels: &[&ChannelId],
    ) -> Result<HashMap<ChannelId, SessionRoom>, Problem>;
    /// Everything the speaking and hearing rules need to know about a campaign.
    async fn table_facts(&self, campaign: &CampaignId) -> Result<TableFacts, Problem>;
    /// Starts, pauses or ends the session for a `/session` command (GMs only; the authority checks again).
    async fn run_session_command(
        &self,
        user: &UserId,
        session: &SessionId,
        action: SessionAction,
    ) -> Result<SessionStatus, Problem>;

    /// Records committed messages of session rooms as in-game facts in the game journal, inside the chat
    /// writer's transaction, so a message and its fact commit together or not at all (exactly once). Chat hands
    /// the rows over (of any channels, a whole batch at once) with the `rooms` this authority answered in the
    /// same transaction, and never writes game tables itself; messages of other channels are not recorded.
    async fn record_in_game(
        &self,
        tx: &mut Connection,
        rooms: &HashMap<ChannelId, SessionRoom>,
        messages: &[&Message],
    ) -> Result<(), Problem>;

    /// Throws the dice of a roll command. Only the server rolls; the browser never sends a result.
    fn roll_dice(&self, dice: &DiceExpr) -> RollResult;

    /// Subscribes to game changes.
    fn subscribe(&self) -> broadcast::Receiver<GameEvent>;

    /// A number that moves with every committed change the authority announces (tables, sessions,
    /// memberships), before the changing call returns: answers read under an older number may be stale.
    fn generation(&self) -> u64;

    /// The newest count of table changes (`table_generation`) this instance knows: a send is decided under it
    /// (read before the roster is asked), and the chat writer has it decided again if the count it reads in its
    /// transaction is newer.
    fn known_changes(&self) -> i64;

    /// The chat writer read count `now` in its transaction: if it is newer than known (a change committed on
    /// another instance), every cached answer is dropped before the count is known.
    fn noticed_changes(&self, now: i64);

    /// Up to `limit` entries of the game journal after entry `after`, read as news for the table, so chat can
    /// post notices for them (at least once; chat makes it exactly once by keying each notice on its entry).
    async fn news_after(&self, after: i64, limit: i64) -> Result<NewsPage, Problem>;
}

#[async_trait]
impl GameAuthority for Game {
    async fn channel_access(&self, user: &UserId, channel: &ChannelId) -> Result<ChannelAccess, Problem> {
        let row: Option<(String, String, String, Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT c.campaign_id, c.kind, m.role, s.id, s.status, c.name
             FROM channels c
             JOIN campaign_members m ON m.campaign_id = c.campaign_id AND m.user_id = $1
             LEFT JOIN sessions s ON c.context_type = 'session' AND s.id = c.context_id
             WHERE c.id = $2 AND (c.kind != 'direct' OR EXISTS (
                 SELECT 1 FROM channel_members cm WHERE cm.channel_id = c.id AND cm.user_id = m.user_id))",
        )
        .bind(user.as_str())
        .bind(channel.as_str())
        .fetch_optional(&self.pool)
        .await
        .or_fault()?;
        let (campaign_id, kind, role, session_id, status, name) = row.ok_or_else(|| Problem::not_found("channel"))?;
        let role = Role::parse(&role).ok_or_else(|| internal(format!("bad role {role}")))?;
        Ok(ChannelAccess {
            campaign_id: CampaignId(campaign_id),
            viewer: Viewer {
                user_id: user.clone(),
                role,
            },
            room: room(session_id, status)?,
            lane: if kind == "session" { Lane::InGame } else { Lane::OffGame },
            name,
        })
    }

    async fn table_facts(&self, campaign: &CampaignId) -> Result<TableFacts, Problem> {
        let members: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.username, m.role FROM campaign_members m JOIN users u ON u.id = m.user_id
             WHERE m.campaign_id = $1",
        )
        .bind(campaign.as_str())
        .fetch_all(&self.pool)
        .await
        .or_fault()?;
        let controls: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT ch.id, ch.name, cc.user_id FROM characters ch
             LEFT JOIN character_controllers cc ON cc.character_id = ch.id
             WHERE ch.campaign_id = $1 ORDER BY ch.id",
        )
        .bind(campaign.as_str())
        .fetch_all(&self.pool)
        .await
        .or_fault()?;
        let settings: Option<(i64, Option<i64>, i64)> = sqlx::query_as(
            "SELECT gm_sees_whispers, edit_window_minutes, players_may_pin FROM campaigns WHERE id = $1",
        )
        .bind(campaign.as_str())
        .fetch_optional(&self.pool)
        .await
        .or_fault()?;
        let (gm_sees_whispers, edit_window, players_may_pin) = settings.unwrap_or((0, None, 0));
        let gm_sees_whispers = gm_sees_whispers != 0;
        let message_rules = app::domain::change::MessageRules {
            edit_window_minutes: edit_window.and_then(|minutes| u32::try_from(minutes).ok()),
            players_may_pin: players_may_pin != 0,
        };
        let mut characters: Vec<CharacterFact> = Vec::new();
        for (id, name, controller) in controls {
            if characters.last().is_none_or(|c| c.id.as_str() != id) {
                characters.push(CharacterFact {
                    id: CharacterId(id),
                    name,
                    controllers: Vec::new(),
                });
            }
            if let (Some(character), Some(user)) = (characters.last_mut(), controller) {
                character.controllers.push(UserId(user));
            }
        }
        Ok(TableFacts {
            members: members
                .into_iter()
                .filter_map(|(id, name, role)| {
                    Some(MemberFact {
                        user_id: UserId(id),
                        name,
                        role: Role::parse(&role)?,
                    })
                })
                .collect(),
            characters,
            gm_sees_whispers,
            message_rules,
        })
    }

    async fn room_states(
        &self,
        tx: &mut Connection,
        channels: &[&ChannelId],
    ) -> Result<HashMap<ChannelId, SessionRoom>, Problem> {
        let mut rooms = HashMap::new();
        for chunk in channels.chunks(256) {
            let padded = crate::store::padded_len(chunk.len());
            let marks = crate::store::placeholders(crate::store::Backend::of_connection(tx), 1, padded);
            let sql = format!(
                "SELECT c.id, c.campaign_id, s.id, s.status FROM channels c JOIN sessions s ON s.id = c.context_id
                 WHERE c.context_type = 'session' AND c.id IN ({marks})"
            );
            // Only placeholders are interpolated; every value is bound. Padded lengths are few, each one cached.
            let mut query = sqlx::query_as::<_, (String, String, String, String)>(sqlx::AssertSqlSafe(sql));
            let last = chunk[chunk.len() - 1];
            for channel in chunk.iter().chain(std::iter::repeat_n(&last, padded - chunk.len())) {
                query = query.bind(channel.as_str());
            }
            for (channel, campaign, id, status) in query.fetch_all(&mut *tx).await.or_fault()? {
                if let Some(room) = room(Some(id), Some(status))? {
                    let campaign_id = CampaignId(campaign);
                    rooms.insert(ChannelId(channel), SessionRoom { campaign_id, room });
                }
            }
        }
        Ok(rooms)
    }

    async fn run_session_command(
        &self,
        user: &UserId,
        session: &SessionId,
        action: SessionAction,
    ) -> Result<SessionStatus, Problem> {
        self.change_session(user, session, action).await
    }

    async fn record_in_game(
        &self,
        tx: &mut Connection,
        rooms: &HashMap<ChannelId, SessionRoom>,
        messages: &[&Message],
    ) -> Result<(), Problem> {
        // Notices are told from facts the journal already holds; only what members said and rolled is new.
        let entries: Vec<super::journal::Entry> = messages
            .iter()
            .filter(|message| message.sender_id.is_some() && !message.is_change())
            .filter_map(|message| {
                let session = rooms.get(&message.channel_id)?;
                Some(super::journal::Entry {
                    campaign: &session.campaign_id,
                    session: Some(&session.room.session_id),
                    kind: if message.roll.is_some() {
                        super::facts::ROLL
                    } else {
                        super::facts::CHAT_MESSAGE
                    },
                    payload: serde_json::to_string(&InGameFact::of(message)).ok()?,
                })
            })
            .collect();
        super::journal::append_many(&mut *tx, &entries).await.or_fault()
    }

    fn roll_dice(&self, dice: &DiceExpr) -> RollResult {
        roll(dice, &mut ThreadDice)
    }

    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    fn known_changes(&self) -> i64 {
        self.changes.load(std::sync::atomic::Ordering::Acquire)
    }

    fn noticed_changes(&self, now: i64) {
        if now > self.known_changes() {
            self.forget();
            self.changes.fetch_max(now, std::sync::atomic::Ordering::AcqRel);
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<GameEvent> {
        self.events.subscribe()
    }

    async fn news_after(&self, after: i64, limit: i64) -> Result<NewsPage, Problem> {
        self.read_news(after, limit).await
    }
}

/// What the game journal keeps of a message said in a session room, serialised straight from the message's
/// fields (no intermediate JSON tree).
#[derive(serde::Serialize)]
struct InGameFact<'a> {
    message_id: &'a app::domain::ids::MessageId,
    channel_id: &'a ChannelId,
    sequence_id: i64,
    kind: &'a app::domain::message::MessageKind,
    actor: &'a app::domain::actor::Actor,
    sender_id: &'a Option<UserId>,
    audience: &'a app::domain::audience::Audience,
    body: &'a str,
    roll: &'a Option<RollResult>,
}

impl<'a> InGameFact<'a> {
    fn of(message: &'a Message) -> Self {
        Self {
            message_id: &message.message_id,
            channel_id: &message.channel_id,
            sequence_id: message.sequence_id,
            kind: &message.kind,
            actor: &message.actor,
            sender_id: &message.sender_id,
            audience: &message.audience,
            body: &message.body,
            roll: &message.roll,
        }
    }
}

fn room(session_id: Option<String>, status: Option<String>) -> Result<Option<RoomState>, Problem> {
    match (session_id, status) {
        (Some(id), Some(status)) => {
            let status = SessionStatus::parse(&status).ok_or_else(|| internal(format!("bad status {status}")))?;
            Ok(Some(RoomState {
                session_id: SessionId(id),
                status,
            }))
        }
        _ => Ok(None),
    }
}

/// Die faces from the thread's cryptographically seeded generator, so no one can predict a roll.
struct ThreadDice;

impl DiceRng for ThreadDice {
    fn face(&mut self, sides: u32) -> u32 {
        use rand::Rng;
        rand::rng().random_range(1..=sides.max(1))
    }
}
