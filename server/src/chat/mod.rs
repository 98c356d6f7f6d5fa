//! The chat service: joins, sends and history over the channels the game authority grants access to.
//!
//! - [`hub`]: in-memory subscriptions and fan-out (serialise once, bounded queues, `can_see` per recipient).
//! - `order`: each relayed channel's delivery order when several instances commit to it.
//! - `relaying`: which channels this instance hears from the others, and the holes it reads back.
//! - [`writer`]: one writer for every channel, group commit across channels, ack after commit.
//! - [`journal`]: the messages table.
//! - [`roster`]: the game authority's answers kept in memory until the next change.
//! - `notices`: system notices for the game's news, posted exactly once.
//! - `export`: a channel's log as Markdown, HTML or JSON, as one member may see it.
//! - [`backfill`]: bulk history for benchmarks.
//! - `changes`: edits, deletes, reactions and pins, and messages shown as they are now.
//! - `replies`: a reply's quote as each viewer may know it, and the pinned list.
//! - `commands`: sends, slash commands, previews and mention suggestions, decided by the shared domain.
//! - `typing`: who is writing, told to those who would see what they write.
//!
//! Chat asks the game authority questions through [`GameAuthority`] and never writes game tables.

pub mod backfill;
mod changes;
mod commands;
mod counters;
mod export;
mod export_markup;
pub mod hub;
mod journal;
mod notices;
mod order;
mod pacer;
mod relaying;
mod replies;
pub mod roster;
mod typing;
pub mod writer;

pub use changes::ChangeRequest;
pub use commands::{Committing, SendAnswer, SendRequest};
pub use export::{Export, ExportFormat};

use crate::game::{ChannelAccess, GameAuthority, GameEvent};
use crate::store::{OrInternal, Pool};
use app::domain::change::State;
use app::domain::frames::ServerFrame;
use app::domain::ids::{ChannelId, MessageId};
use app::domain::message::Message;
use app::domain::validate::{HISTORY_AROUND_CONTEXT, HISTORY_AROUND_MAX, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX};
use app::domain::views::UserSummary;
use app::domain::visibility::{can_see, Viewer};
use app::domain::Problem;
use hub::Hub;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Notify;
use writer::WriterHandle;

/// Rows read per query while paging through history or a replay.
const SCAN_PAGE: i64 = 500;

/// The chat service.
pub struct ChatService {
    pool: Pool,
    game: Arc<dyn GameAuthority>,
    hub: Arc<Hub>,
    writer: Arc<WriterHandle>,
    roster: roster::Roster,
    /// Held while a channel starts or stops being relayed, so two joins subscribe it once.
    relaying: tokio::sync::Mutex<()>,
    /// Whether other instances may write the same database (Postgres), so a send may have to be decided again.
    shared_database: bool,
}

impl ChatService {
    /// Starts the service and its listener for game changes (session rooms opening and closing).
    /// With an `outbox`, each committed message's event is written in its own transaction (`crate::events`).
    pub fn start(pool: Pool, game: Arc<dyn GameAuthority>, outbox: Option<crate::events::Outbox>) -> Arc<Self> {
        let hub = Arc::new(Hub::default());
        let writer = Arc::new(WriterHandle::new(pool.clone(), hub.clone(), game.clone(), outbox));
        let wake = Arc::new(Notify::new());
        notices::spawn(pool.clone(), game.clone(), writer.clone(), wake.clone());
        let mut events = game.subscribe();
        let listener = hub.clone();
        tokio::spawn(async move {
            loop {
                let event = events.recv().await;
                if !matches!(event, Err(tokio::sync::broadcast::error::RecvError::Closed)) {
                    // Every change may have left news in the game journal.
                    wake.notify_one();
                }
                match event {
                    Ok(GameEvent::SessionChanged { channel_id, room }) => listener.publish_room(&channel_id, room),
                    Ok(GameEvent::TableChanged { campaign_id }) => listener.publish_table_changed(&campaign_id),
                    Ok(GameEvent::MemberLeft { campaign_id, user_id }) => listener.evict(&campaign_id, &user_id),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "chat fell behind game events");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        let shared_database = crate::store::Backend::of(&pool) == crate::store::Backend::Postgres;
        Arc::new(Self {
            pool,
            game,
            hub,
            writer,
            roster: roster::Roster::default(),
            relaying: tokio::sync::Mutex::new(()),
            shared_database,
        })
    }

    /// The delivery hub, for connections to subscribe to.
    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Checks that `user` may read `channel`; `not_found` otherwise.
    pub async fn access(&self, user: &UserSummary, channel: &ChannelId) -> Result<ChannelAccess, Problem> {
        self.roster.access(self.game.as_ref(), &user.id, channel).await
    }

    /// The `chat.joined` frame for a channel the user may read.
    pub async fn joined_frame(&self, access: &ChannelAccess, channel: &ChannelId) -> Result<ServerFrame, Problem> {
        let mut conn = self.pool.acquire().await.or_internal()?;
        let latest = journal::latest_sequence(&mut conn, channel).await.or_internal()?;
        Ok(ServerFrame::Joined {
            channel_id: channel.clone(),
            latest_sequence_id: latest,
            room: access.room.clone(),
        })
    }

    /// The replay of what `viewer` may see after `after` (up to a read's worth, oldest first: messages as they
    /// are now, see `changes`), and the cursor to continue from (`None` when the channel has nothing more).
    pub async fn replay_after(
        &self,
        viewer: &Viewer,
        channel: &ChannelId,
        after: i64,
    ) -> Result<(Vec<ServerFrame>, Option<i64>), Problem> {
        let (rows, cursor) = self.read_after(channel, after).await?;
        Ok((self.replay_frames(viewer, channel, rows).await?, cursor))
    }

    /// One read of every row after `after` (a read's worth, oldest first, messages and changes, unfiltered) and
    /// the cursor to continue from: the journal as stored, for audits and the audience property test.
    pub async fn read_after(&self, channel: &ChannelId, after: i64) -> Result<(Vec<Message>, Option<i64>), Problem> {
        let mut conn = self.pool.acquire().await.or_internal()?;
        let rows = journal::after(&mut conn, channel, after, SCAN_PAGE)
            .await
            .or_internal()?;
        let cursor = (rows.len() as i64 == SCAN_PAGE)
            .then(|| rows.last().map(|m| m.sequence_id))
            .flatten();
        Ok((rows, cursor))
    }

    /// Up to a read's worth of the messages `viewer` may see after `after`, oldest first, as they are now and
    /// without the changes themselves, and the cursor to continue from (`None` when the channel has nothing
    /// more): what an export lists.
    pub async fn visible_after(
        &self,
        viewer: &Viewer,
        channel: &ChannelId,
        after: i64,
    ) -> Result<(Vec<Message>, BTreeMap<MessageId, State>, Option<i64>), Problem> {
        let (rows, cursor) = self.read_after(channel, after).await?;
        let said: Vec<Message> = rows
            .into_iter()
            .filter(|m| !m.is_change() && can_see(viewer, m))
            .collect();
        let (said, states) = self.as_now(viewer, channel, said).await?;
        Ok((said, states, cursor))
    }

    /// The page of messages `user` may see before `before` (newest page when `None`), oldest first.
    pub async fn history(
        &self,
        user: &UserSummary,
        channel: &ChannelId,
        before: Option<i64>,
        limit: Option<u32>,
    ) -> Result<ServerFrame, Problem> {
        let access = self.access(user, channel).await?;
        let limit = limit.unwrap_or(HISTORY_PAGE_DEFAULT).clamp(1, HISTORY_PAGE_MAX) as usize;
        self.page(&access.viewer, channel, before, limit, None).await
    }

    /// The messages `user` may see from [`HISTORY_AROUND_CONTEXT`] before `target` up to `until` (the newest
    /// when `None`), at most [`HISTORY_AROUND_MAX`], newest kept: a jump to a message far above the page.
    pub async fn history_around(
        &self,
        user: &UserSummary,
        channel: &ChannelId,
        target: i64,
        until: Option<i64>,
    ) -> Result<ServerFrame, Problem> {
        let access = self.access(user, channel).await?;
        let limit = HISTORY_AROUND_MAX as usize;
        self.page(&access.viewer, channel, until, limit, Some(target)).await
    }

    /// Up to `limit` messages `viewer` may see before `before`, oldest first; with `reach`, no further back
    /// than a few visible messages before that sequence id.
    async fn page(
        &self,
        viewer: &Viewer,
        channel: &ChannelId,
        before: Option<i64>,
        limit: usize,
        reach: Option<i64>,
    ) -> Result<ServerFrame, Problem> {
        let mut conn = self.pool.acquire().await.or_internal()?;
        let mut page = Vec::with_capacity(limit);
        let mut cursor = before;
        let mut exhausted = false;
        let mut below_reach = 0;
        // The first read asks for a little more than a page (most messages are visible to most viewers); each
        // further read, needed only where much is hidden from this viewer, asks for twice as many.
        let mut scan = (limit as i64 + limit as i64 / 4 + 1).min(SCAN_PAGE);
        'reading: while page.len() < limit {
            let rows = journal::before(&mut conn, channel, cursor, scan).await.or_internal()?;
            exhausted = (rows.len() as i64) < scan;
            scan = (scan * 2).min(SCAN_PAGE);
            cursor = rows.last().map(|m| m.sequence_id);
            for message in rows.into_iter().filter(|m| !m.is_change() && can_see(viewer, m)) {
                if page.len() == limit || below_reach == HISTORY_AROUND_CONTEXT {
                    exhausted = false;
                    break 'reading;
                }
                if reach.is_some_and(|target| message.sequence_id < target) {
                    below_reach += 1;
                }
                page.push(message);
            }
            if exhausted || cursor.is_none() {
                break;
            }
        }
        drop(conn);
        page.reverse();
        let (messages, states) = self.as_now(viewer, channel, page).await?;
        Ok(ServerFrame::History {
            channel_id: channel.clone(),
            messages,
            has_more: !exhausted,
            states,
        })
    }
}
