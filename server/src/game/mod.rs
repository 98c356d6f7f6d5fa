//! The game authority: campaigns, members and roles, characters, sessions and their rooms, and the game event
//! journal. It is the only writer of these tables and never imports `chat`; chat asks it questions through
//! [`GameAuthority`] and hears about changes through [`GameEvent`]s.

mod authority;
mod campaigns;
mod characters;
mod journal;
mod sessions;

pub use authority::{ChannelAccess, GameAuthority, GameEvent};

use crate::store::Pool;
use tokio::sync::broadcast;

/// The game authority over one database.
#[derive(Clone)]
pub struct Game {
    pool: Pool,
    events: broadcast::Sender<GameEvent>,
}

impl Game {
    /// The authority over `pool`.
    pub fn new(pool: Pool) -> Self {
        let (events, _) = broadcast::channel(1024);
        Self { pool, events }
    }

    /// Tells subscribers (the chat service) about a change; nobody listening is fine.
    fn publish(&self, event: GameEvent) {
        let _ = self.events.send(event);
    }
}
