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

use crate::store::OrInternal;
use crate::store::Pool;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::broadcast;

/// The game authority over one database.
#[derive(Clone)]
pub struct Game {
    pool: Pool,
    events: broadcast::Sender<GameEvent>,
    /// Moves with every announced change; see [`GameAuthority::generation`].
    generation: Arc<AtomicU64>,
}

impl Game {
    /// The authority over `pool`.
    pub fn new(pool: Pool) -> Self {
        let (events, _) = broadcast::channel(1024);
        Self {
            pool,
            events,
            generation: Arc::new(AtomicU64::new(0)),
        }
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
        tx.commit().await.or_internal()?;
        self.publish(GameEvent::TableChanged {
            campaign_id: campaign.clone(),
        });
        Ok(())
    }

    /// Tells subscribers (the chat service) about a change; nobody listening is fine.
    fn publish(&self, event: GameEvent) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let _ = self.events.send(event);
    }
}
