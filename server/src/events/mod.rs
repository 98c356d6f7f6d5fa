//! The event stream for other services: every committed message becomes a `chat.message.sent.v1` envelope
//! (`app::domain::events`), written to the `event_outbox` table in the message's own transaction and relayed
//! at least once to NATS JetStream, one subject per channel, so each channel's events keep their order.
//!
//! Why an outbox: the message and its event commit together, so a crash between the two loses or invents
//! nothing, and a broker that is down holds up no send: the rows wait and the relay catches up when it returns.
//! Why JetStream and not Kafka: `docs/architecture.md`, "The event stream".
//!
//! Off unless `TABLETALK_EVENTS_URL` is set: without a broker nothing is written to the outbox.

pub mod outbox;
mod relay;

use app::domain::events::BodyPolicy;
use std::sync::Arc;
use tokio::sync::Notify;

pub use relay::{stream_name, subject_of};

/// Where and how events are published.
#[derive(Debug, Clone)]
pub struct EventStream {
    /// The broker (`nats://host:4222`).
    pub url: String,
    /// Names the JetStream stream (`<PREFIX>_EVENTS`, upper-cased) and its subjects (`<prefix>.events.<channel>`),
    /// so several deployments can share one broker.
    pub prefix: String,
    /// Which lanes' non-public messages travel with their bodies.
    pub bodies: BodyPolicy,
}

/// What the chat writer needs to fill the outbox: the body policy, and a bell to ring after each commit so the
/// relay need not poll.
#[derive(Clone)]
pub struct Outbox {
    /// Which lanes' non-public messages travel with their bodies.
    pub bodies: BodyPolicy,
    /// Rung after a commit wrote rows.
    pub written: Arc<Notify>,
}

impl Outbox {
    /// An outbox with the given body policy.
    pub fn new(bodies: BodyPolicy) -> Self {
        Self {
            bodies,
            written: Arc::new(Notify::new()),
        }
    }
}

/// Starts relaying `outbox`'s rows to `stream` in the background, for as long as the process runs.
pub fn start(pool: crate::store::Pool, stream: EventStream, outbox: &Outbox) {
    tokio::spawn(relay::run(pool, stream, outbox.written.clone()));
}
