//! The relay: reads the outbox in id order, publishes each event to JetStream, and deletes what the broker
//! acknowledged.
//!
//! Order per channel: a channel's events are published one after another, each only once the one before it
//! was acknowledged, and a failure stops that channel's run for the round (its later rows stay for the next
//! one), so a consumer never sees a channel's event before an earlier one. Channels go on concurrently.
//! At least once: a row is deleted after its acknowledgement, so a crash in between publishes it again; the
//! `Nats-Msg-Id` header (the event id) lets the broker drop that copy within its duplicate window, and
//! consumers drop any other by the event id.
//!
//! On Postgres several instances share one outbox: only the one holding an advisory lock relays, on a
//! connection of its own that it checks every round (a lost connection gives the lock up, and another instance
//! takes over).

use super::outbox::{self, Pending};
use super::EventStream;
use crate::store::{Backend, Pool};
use async_nats::jetstream::{self, message::PublishMessage, stream};
use futures::future::join_all;
use sqlx::pool::PoolConnection;
use sqlx::Any;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Rows read per round: one read and one delete a round, and on SQLite each delete waits for the one write lock
/// between the writer's batches (rounds of 512 with two deletes each relayed about 1,000-1,500 events/s beside a
/// busy writer, BENCHMARKS.md).
const BATCH: i64 = 4096;
/// How long an idle relay waits before looking again when no commit rang (a missed ring costs this much).
const IDLE: Duration = Duration::from_millis(500);
/// The wait after a failed round (broker or database unreachable) before the next.
const RETRY: Duration = Duration::from_millis(250);
/// How long the broker may take to acknowledge one event.
const ACK_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the broker remembers event ids to drop a copy published again.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);
/// The advisory lock the relaying instance holds on Postgres.
const RELAY_LOCK: i64 = 0x7474_6576_656e;

/// The JetStream stream of a deployment: `<PREFIX>_EVENTS`.
pub fn stream_name(prefix: &str) -> String {
    format!("{}_EVENTS", prefix.to_uppercase().replace(['.', ' ', '*', '>'], "_"))
}

/// The subject of a channel's events: `<prefix>.events.<channel>`.
pub fn subject_of(prefix: &str, channel: &str) -> String {
    format!("{prefix}.events.{channel}")
}

/// Relays for as long as the process runs, reconnecting to the broker and the database as needed.
pub(super) async fn run(pool: Pool, config: EventStream, written: Arc<Notify>) {
    let client = loop {
        let options = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(2))
            .max_reconnects(None);
        match options.connect(config.url.as_str()).await {
            Ok(client) => break client,
            Err(error) => {
                tracing::warn!(%error, "event broker: cannot connect; retrying");
                tokio::time::sleep(RETRY).await;
            }
        }
    };
    let mut context = jetstream::new(client);
    context.set_timeout(ACK_TIMEOUT);
    let mut leadership = Leadership::default();
    let mut stream_ready = false;
    loop {
        if !leadership.held(&pool).await {
            tokio::time::sleep(IDLE).await;
            continue;
        }
        if !stream_ready {
            match ensure_stream(&context, &config.prefix).await {
                Ok(()) => stream_ready = true,
                Err(error) => {
                    tracing::warn!(%error, "event broker: cannot create the stream; retrying");
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
            }
        }
        match round(&pool, &context, &config.prefix).await {
            Ok(Round::Idle) => {
                let _ = tokio::time::timeout(IDLE, written.notified()).await;
            }
            Ok(Round::Relayed) => {}
            Ok(Round::Stalled) => {
                // The broker refused or did not answer: it may have lost the stream (a restart without its
                // store), so make sure of it again before the next round.
                stream_ready = false;
                tokio::time::sleep(RETRY).await;
            }
            Err(error) => {
                tracing::warn!(%error, "event outbox: cannot read or delete rows; retrying");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// Creates the stream if it does not exist: file storage, one subject per channel.
async fn ensure_stream(context: &jetstream::Context, prefix: &str) -> Result<(), async_nats::Error> {
    context
        .get_or_create_stream(stream::Config {
            name: stream_name(prefix),
            subjects: vec![format!("{prefix}.events.>")],
            storage: stream::StorageType::File,
            duplicate_window: DUPLICATE_WINDOW,
            ..Default::default()
        })
        .await?;
    Ok(())
}

enum Round {
    /// Nothing was waiting.
    Idle,
    /// Every row read was relayed.
    Relayed,
    /// Some rows were not acknowledged; they wait for a later round.
    Stalled,
}

/// Relays one batch: each channel's rows in order, channels at once; deletes what was acknowledged.
async fn round(pool: &Pool, context: &jetstream::Context, prefix: &str) -> Result<Round, sqlx::Error> {
    let rows = outbox::oldest(pool, BATCH).await?;
    if rows.is_empty() {
        return Ok(Round::Idle);
    }
    let mut by_channel: BTreeMap<String, Vec<Pending>> = BTreeMap::new();
    for row in rows {
        by_channel.entry(row.channel_id.to_string()).or_default().push(row);
    }
    let runs = by_channel
        .into_iter()
        .map(|(channel, rows)| publish_in_order(context, subject_of(prefix, &channel), rows));
    let mut stalled = false;
    let mut acknowledged = Vec::new();
    for (ids, complete) in join_all(runs).await {
        acknowledged.extend(ids);
        stalled |= !complete;
    }
    outbox::delete(pool, &acknowledged).await?;
    metrics::counter!(crate::ops::names::EVENTS_RELAYED).increment(acknowledged.len() as u64);
    Ok(if stalled { Round::Stalled } else { Round::Relayed })
}

/// Publishes one channel's rows one after another; returns the acknowledged ids and whether all were.
async fn publish_in_order(context: &jetstream::Context, subject: String, rows: Vec<Pending>) -> (Vec<i64>, bool) {
    let mut acknowledged = Vec::with_capacity(rows.len());
    for row in rows {
        let publish = PublishMessage::build()
            .payload(row.envelope.into_bytes().into())
            .message_id(&row.event_id);
        let sent = match context.send_publish(subject.clone(), publish).await {
            Ok(ack) => ack.await.map(|_| ()).map_err(async_nats::Error::from),
            Err(error) => Err(error.into()),
        };
        if let Err(error) = sent {
            tracing::debug!(%error, %subject, "event broker did not take an event; it stays in the outbox");
            return (acknowledged, false);
        }
        acknowledged.push(row.id);
    }
    (acknowledged, true)
}

/// Whether this instance relays: always on SQLite (one instance); on Postgres while it holds [`RELAY_LOCK`] on
/// its own connection.
#[derive(Default)]
struct Leadership {
    connection: Option<PoolConnection<Any>>,
}

impl Leadership {
    async fn held(&mut self, pool: &Pool) -> bool {
        if Backend::of(pool) == Backend::Sqlite {
            return true;
        }
        if let Some(connection) = self.connection.as_mut() {
            if sqlx::query("SELECT 1").execute(&mut **connection).await.is_ok() {
                return true;
            }
            // The connection (and with it the lock) is gone; it must not go back to the pool.
            if let Some(connection) = self.connection.take() {
                connection.detach();
            }
        }
        let Ok(mut connection) = pool.acquire().await else {
            return false;
        };
        let taken: Result<bool, _> = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(RELAY_LOCK)
            .fetch_one(&mut *connection)
            .await;
        if matches!(taken, Ok(true)) {
            // Held for as long as the relay runs: never returned to the pool with the lock on it.
            self.connection = Some(connection);
            true
        } else {
            false
        }
    }
}
