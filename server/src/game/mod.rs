//! The game authority: campaigns, members and roles, characters, sessions and their rooms, and the game event
//! journal. It is the only writer of these tables and never imports `chat`; chat asks it questions through
//! [`GameAuthority`] and hears about changes through [`GameEvent`]s.

mod authority;
mod campaigns;
mod channels;
mod characters;
pub mod facts;
mod journal;
mod membership;
mod news;
mod sessions;
mod settings;

pub use authority::{ChannelAccess, GameAuthority, GameEvent, SessionRoom};
pub use channels::DIRECT_MAX_OTHERS;
pub use news::{GameNews, NewsPage};

use crate::bus::{Announce, News};
use crate::store::OrInternal;
use crate::store::Pool;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::broadcast;

/// Counts one change of who is at the table (members, roles, characters, settings, sessions, channels) in the
/// database, inside the change's own transaction: a chat writer of any instance reads the count in its
/// transaction and has sends decided before the change decided again (see `chat::writer`), so a change made
/// on one instance counts from the very next send on every other.
async fn count_change(conn: &mut crate::store::Connection) -> Result<i64, app::domain::Problem> {
    sqlx::query_scalar("UPDATE table_generation SET value = value + 1 WHERE id = 1 RETURNING value")
        .fetch_one(conn)
        .await
        .or_internal()
}

/// The game authority over one database.
#[derive(Clone)]
pub struct Game {
    pool: Pool,
    events: broadcast::Sender<GameEvent>,
    /// Moves with every announced change; see [`GameAuthority::generation`].
    generation: Arc<AtomicU64>,
    /// The other instances, told of every change when there are any.
    others: Arc<OnceLock<Arc<dyn Announce>>>,
    /// The newest count of table changes known here (`table_generation`): of changes made here, and those the
    /// chat writer read in its transactions.
    changes: Arc<std::sync::atomic::AtomicI64>,
}

impl Game {
    /// The authority over `pool`.
    pub fn new(pool: Pool) -> Self {
        let (events, _) = broadcast::channel(1024);
        Self {
            pool,
            events,
            generation: Arc::new(AtomicU64::new(0)),
            others: Arc::default(),
            changes: Arc::default(),
        }
    }

    /// Tells `others` of every change from now on (once, at start-up, when this is one of several instances).
    pub fn announce_through(&self, others: Arc<dyn Announce>) {
        let _ = self.others.set(others);
    }

    /// A change another instance committed: this instance's caches and rooms follow it as if it were local.
    pub fn hear(&self, event: GameEvent) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let _ = self.events.send(event);
    }

    /// Changes may have been missed (the bus was lost): every cached answer is read again.
    pub fn forget(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Journals a change of who is at the table (members, characters, settings), commits it, and tells chat so
    /// open pages refresh what they offer.
    async fn commit_table_change(
        &self,
        mut tx: crate::store::Transaction,
        campaign: &app::domain::ids::CampaignId,
        fact: facts::GameFact,
    ) -> Result<(), app::domain::Problem> {
        journal::append(&mut tx, campaign, None, &fact).await.or_internal()?;
        let changes = count_change(&mut tx).await?;
        tx.commit().await.or_internal()?;
        self.publish(GameEvent::TableChanged {
            campaign_id: campaign.clone(),
        });
        self.counted(changes);
        Ok(())
    }

    /// Notes the count of a change committed here once its events are published (so the roster is already
    /// emptied): sends decided from now on are decided under it.
    fn counted(&self, changes: i64) {
        self.changes.fetch_max(changes, Ordering::AcqRel);
    }

    /// Tells subscribers (the chat service) about a change; nobody listening is fine.
    fn publish(&self, event: GameEvent) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(others) = self.others.get() {
            others.announce(News::Game { event: event.clone() });
        }
        let _ = self.events.send(event);
    }
}
