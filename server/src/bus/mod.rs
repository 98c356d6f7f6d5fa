//! The bus between instances: with `REDIS_URL` set, several Tabletalk processes over one Postgres database
//! serve the same campaigns. Without it nothing here runs: one process, its in-memory hub.
//!
//! Redis pub/sub carries two kinds of frame:
//! - committed message frames, one Redis channel per Tabletalk channel (`<namespace>:c:<channel id>`), so an
//!   instance hears only channels it has subscribers for; every instance filters each recipient with
//!   `can_see` itself, and nothing is queued for a recipient who may not see it;
//! - news (`<namespace>:news`): table, session and membership changes, so each instance's caches and rooms
//!   follow changes made on the others, and ended login sessions, so logging out closes sockets everywhere.
//!
//! The bus is never the record: a frame lost on it is read back from the database (a hole in a channel's
//! sequence, see `chat::order`), and while Redis is unreachable sends and joins are refused with `unavailable`
//! and every socket is closed, so clients resume from the database once it is back.

mod redis_bus;

pub use redis_bus::{Listeners, RedisBus};

use crate::game::GameEvent;
use serde::{Deserialize, Serialize};

/// What one instance tells the others besides message frames.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum News {
    /// A change the game authority committed.
    Game {
        /// The change.
        event: GameEvent,
    },
    /// A login session ended (its token hash): its sockets close on every instance.
    Revoked {
        /// The session's token hash.
        session: String,
    },
}

/// Tells the other instances some news; the in-process services hold one when the bus is on.
pub trait Announce: Send + Sync + 'static {
    /// Queues the news for the other instances (never waits).
    fn announce(&self, news: News);
}

/// Why the bus could not be opened at start: each names `REDIS_URL`, in one line.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The URL is not a Redis URL.
    #[error("REDIS_URL is not a Redis URL ({url}): {cause}")]
    Url {
        /// The URL, its password hidden.
        url: String,
        /// What is wrong with it.
        cause: String,
    },
    /// Redis did not answer.
    #[error("REDIS_URL {url} cannot be reached: {cause}")]
    Unreachable {
        /// The URL, its password hidden.
        url: String,
        /// The driver's reason, in one line.
        cause: String,
    },
}
