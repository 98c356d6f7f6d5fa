//! Which channels this instance hears from the others, and the holes it reads back from the database.
//!
//! A channel is relayed from its first subscriber here until a sweep finds it without one: a join waits for the
//! bus to confirm the subscription before it reads what the client missed, so nothing committed in between is
//! lost, and only then starts the channel's [`super::order::Order`] after the newest committed sequence id.

use super::hub::{encode, Hub, Relay};
use super::{journal, ChatService};
use crate::store::{OrInternal, Pool};
use app::domain::frames::ServerFrame;
use app::domain::ids::ChannelId;
use app::domain::Problem;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often holes are looked for.
const HOLE_CHECK_EVERY: Duration = Duration::from_millis(50);
/// How often channels nobody here listens to any more stop being relayed.
const IDLE_SWEEP_EVERY: Duration = Duration::from_secs(5);

impl ChatService {
    /// Makes this instance one of several over `relay` (once, at start-up): committed frames travel both ways,
    /// and a background task fills holes and stops relaying idle channels.
    pub fn attach(self: &Arc<Self>, relay: Arc<dyn Relay>) {
        self.hub.attach(relay);
        tokio::spawn(maintain(Arc::downgrade(self)));
    }

    /// Starts relaying `channel` unless it already is; refused with `unavailable` while the bus is down.
    pub async fn watch(&self, channel: &ChannelId) -> Result<(), Problem> {
        let Some(relay) = self.hub.relay() else {
            return Ok(());
        };
        if self.hub.relays(channel) {
            return Ok(());
        }
        let _held = self.relaying.lock().await;
        if self.hub.relays(channel) {
            return Ok(());
        }
        let epoch = relay.subscribe(channel).await?;
        let mut conn = self.pool.acquire().await.or_internal()?;
        let latest = journal::latest_sequence(&mut conn, channel).await.or_internal()?;
        self.hub.start_order(channel, latest + 1, epoch);
        Ok(())
    }

    /// Whether the bus, when there is one, is reachable: sends are refused while it is not, since their
    /// frames could reach nobody on the other instances.
    pub fn bus_reachable(&self) -> bool {
        self.hub.relay().is_none_or(|relay| relay.epoch().is_some())
    }
}

async fn maintain(chat: Weak<ChatService>) {
    let mut holes = tokio::time::interval(HOLE_CHECK_EVERY);
    let mut idle = tokio::time::interval(IDLE_SWEEP_EVERY);
    loop {
        tokio::select! {
            _ = holes.tick() => {
                let Some(chat) = chat.upgrade() else { return };
                for (channel, after, upto) in chat.hub.holes() {
                    if let Err(error) = fill(&chat.pool, &chat.hub, &channel, after, upto).await {
                        tracing::warn!(%error, %channel, "could not read a hole in a relayed channel");
                    }
                }
            }
            _ = idle.tick() => {
                let Some(chat) = chat.upgrade() else { return };
                let Some(relay) = chat.hub.relay().cloned() else { return };
                let _held = chat.relaying.lock().await;
                for channel in chat.hub.idle_orders() {
                    relay.unsubscribe(&channel).await;
                }
            }
        }
    }
}

/// Reads the messages after `after` up to `upto` from the database and admits them in order.
async fn fill(pool: &Pool, hub: &Hub, channel: &ChannelId, after: i64, upto: i64) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let messages = journal::after(&mut conn, channel, after, upto - after).await?;
    for message in messages {
        let frame = encode(&ServerFrame::of(&message));
        hub.admit(message, frame);
    }
    Ok(())
}
