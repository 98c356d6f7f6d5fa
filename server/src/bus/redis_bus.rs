//! The bus on Redis pub/sub: one connection publishes (pipelined, in order), one subscribes and reads.
//!
//! A channel's Redis channel also carries `chat.typing` frames, delivered at once (they have no sequence id).
//!
//! Every payload starts with the publishing instance's id, so an instance skips what it published itself (its
//! own subscribers were served directly). The subscribing connection's loss is the bus's loss: every socket of
//! this instance is closed (clients resume from the database), caches are dropped, and the connection is
//! opened again until Redis answers.

use super::{Announce, BusError, News};
use crate::auth::sockets::Sockets;
use crate::chat::hub::{Frame, Hub, Relay};
use crate::game::Game;
use crate::store::one_line;
use app::domain::frames::ServerFrame;
use app::domain::ids::ChannelId;
use app::domain::Problem;
use async_trait::async_trait;
use futures::StreamExt;
use redis::aio::PubSubSink;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Length of an instance id (a ULID) at the start of every payload.
const ORIGIN_LEN: usize = 26;
/// Payloads waiting to be published; beyond this a frame is dropped (and read back from the database as a hole).
const OUTBOX_DEPTH: usize = 65_536;
/// Payloads published in one pipeline.
const PIPELINE: usize = 512;
/// How long start-up waits for Redis to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The wait between attempts to reach a lost Redis.
const RECONNECT_EVERY: Duration = Duration::from_millis(250);

/// One payload waiting to be published: the Redis channel and the bytes.
type Outgoing = (String, Vec<u8>);

/// What the bus hands news and frames from the other instances to.
pub struct Listeners {
    /// Delivers other instances' message frames.
    pub hub: Arc<Hub>,
    /// Hears other instances' table changes.
    pub game: Game,
    /// Closes sockets of login sessions ended elsewhere.
    pub sockets: Sockets,
}

/// A connection to the bus.
pub struct RedisBus {
    client: redis::Client,
    /// Prefix of the Redis channels of Tabletalk channels.
    channel_prefix: String,
    /// The Redis channel of news.
    news: String,
    origin: String,
    outbox: mpsc::Sender<Outgoing>,
    outbox_receiver: Mutex<Option<mpsc::Receiver<Outgoing>>>,
    sink: tokio::sync::Mutex<Option<PubSubSink>>,
    /// The subscribing connection's number; 0 while there is none.
    epoch: AtomicU64,
    epochs: AtomicU64,
}

impl RedisBus {
    /// Opens the bus at `url` under `namespace` (instances that serve one database share one), checking that
    /// Redis answers.
    pub async fn connect(url: &str, namespace: &str) -> Result<Arc<Self>, BusError> {
        let shown = crate::store::redacted(url);
        let client = redis::Client::open(url).map_err(|error| BusError::Url {
            url: shown.clone(),
            cause: one_line(&error),
        })?;
        let unreachable = |cause: String| BusError::Unreachable {
            url: shown.clone(),
            cause,
        };
        let mut connection = tokio::time::timeout(CONNECT_TIMEOUT, client.get_multiplexed_async_connection())
            .await
            .map_err(|_| unreachable(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())))?
            .map_err(|error| unreachable(one_line(&error)))?;
        let _: String = redis::cmd("PING")
            .query_async(&mut connection)
            .await
            .map_err(|error| unreachable(one_line(&error)))?;
        let (outbox, receiver) = mpsc::channel(OUTBOX_DEPTH);
        Ok(Arc::new(Self {
            client,
            channel_prefix: format!("{namespace}:c:"),
            news: format!("{namespace}:news"),
            origin: ulid::Ulid::generate().to_string(),
            outbox,
            outbox_receiver: Mutex::new(Some(receiver)),
            sink: tokio::sync::Mutex::new(None),
            epoch: AtomicU64::new(0),
            epochs: AtomicU64::new(0),
        }))
    }

    /// Starts publishing and reading (once); frames and news from the other instances go to `listeners`.
    pub fn start(self: &Arc<Self>, listeners: Listeners) {
        let receiver = self.outbox_receiver.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(receiver) = receiver {
            tokio::spawn(publish(self.client.clone(), receiver));
            tokio::spawn(self.clone().read(listeners));
        }
    }

    fn queue(&self, name: String, body: &[u8]) {
        let mut payload = Vec::with_capacity(ORIGIN_LEN + body.len());
        payload.extend_from_slice(self.origin.as_bytes());
        payload.extend_from_slice(body);
        if self.outbox.try_send((name, payload)).is_err() {
            tracing::warn!("the bus's outbox is full: a frame is left to be read back from the database");
        }
    }

    /// Holds the subscribing connection open, reopening it whenever it is lost.
    async fn read(self: Arc<Self>, listeners: Listeners) {
        let mut told = false;
        loop {
            match self.open(&listeners).await {
                Ok(()) => {
                    told = false;
                    tracing::warn!("the bus to the other instances was lost; every socket here is closed");
                }
                Err(error) if !told => {
                    told = true;
                    tracing::warn!(%error, "the bus to the other instances cannot be reached");
                }
                Err(_) => {}
            }
            tokio::time::sleep(RECONNECT_EVERY).await;
        }
    }

    /// One subscribing connection's life: returns when it is lost.
    async fn open(&self, listeners: &Listeners) -> redis::RedisResult<()> {
        let (mut sink, mut stream) = self.client.get_async_pubsub().await?.split();
        sink.subscribe(&self.news).await?;
        let epoch = self.epochs.fetch_add(1, Ordering::AcqRel) + 1;
        *self.sink.lock().await = Some(sink);
        self.epoch.store(epoch, Ordering::Release);
        // Changes made elsewhere while this connection was not open were never heard.
        listeners.game.forget();
        while let Some(message) = stream.next().await {
            self.dispatch(listeners, message.get_channel_name(), message.get_payload_bytes());
        }
        self.epoch.store(0, Ordering::Release);
        *self.sink.lock().await = None;
        // What happened while the bus was down is in the database: clients resume from it, caches reread it.
        listeners.hub.close_all();
        listeners.game.forget();
        Ok(())
    }

    fn dispatch(&self, listeners: &Listeners, name: &str, payload: &[u8]) {
        if payload.len() < ORIGIN_LEN || &payload[..ORIGIN_LEN] == self.origin.as_bytes() {
            return;
        }
        let body = &payload[ORIGIN_LEN..];
        if name == self.news {
            match serde_json::from_slice::<News>(body) {
                Ok(News::Game { event }) => listeners.game.hear(event),
                Ok(News::Revoked { session }) => listeners.sockets.revoke(&session),
                Err(error) => tracing::warn!(%error, "unreadable news on the bus"),
            }
            return;
        }
        if !name.starts_with(&self.channel_prefix) {
            return;
        }
        let Ok(text) = String::from_utf8(body.to_vec()) else {
            return;
        };
        match serde_json::from_str::<ServerFrame>(&text) {
            Ok(typing @ ServerFrame::Typing { .. }) => listeners.hub.deliver_typing(&typing, &Frame::from(text)),
            Ok(frame) => {
                if let Some(message) = frame.into_committed() {
                    listeners.hub.admit(message, Frame::from(text));
                }
            }
            Err(error) => tracing::warn!(%error, "unreadable frame on the bus"),
        }
    }
}

#[async_trait]
impl Relay for RedisBus {
    fn publish(&self, channel: &ChannelId, frame: &Frame) {
        self.queue(format!("{}{channel}", self.channel_prefix), frame.as_str().as_bytes());
    }

    async fn subscribe(&self, channel: &ChannelId) -> Result<u64, Problem> {
        let unavailable = || Problem::unavailable("the message bus between instances");
        let mut sink = self.sink.lock().await;
        let epoch = self.epoch.load(Ordering::Acquire);
        let Some(sink) = sink.as_mut().filter(|_| epoch != 0) else {
            return Err(unavailable());
        };
        sink.subscribe(format!("{}{channel}", self.channel_prefix))
            .await
            .map_err(|_| unavailable())?;
        Ok(epoch)
    }

    async fn unsubscribe(&self, channel: &ChannelId) {
        if let Some(sink) = self.sink.lock().await.as_mut() {
            let _ = sink.unsubscribe(format!("{}{channel}", self.channel_prefix)).await;
        }
    }

    fn epoch(&self) -> Option<u64> {
        Some(self.epoch.load(Ordering::Acquire)).filter(|epoch| *epoch != 0)
    }
}

impl Announce for RedisBus {
    fn announce(&self, news: News) {
        match serde_json::to_vec(&news) {
            Ok(body) => self.queue(self.news.clone(), &body),
            Err(error) => tracing::warn!(%error, "news could not be written"),
        }
    }
}

/// Publishes queued payloads in order, a pipeline at a time. A pipeline that fails (Redis lost or restarted) is
/// sent again, on a new connection every [`RECONNECT_EVERY`], until Redis takes it: a frame published late or
/// twice is dropped by the receivers' orders, while one never published would stay a hole until the next frame
/// of its channel (the last frame of a burst has none). Meanwhile the outbox fills; what finds it full is
/// dropped and read back from the database as a hole.
async fn publish(client: redis::Client, mut outbox: mpsc::Receiver<Outgoing>) {
    let mut connection: Option<redis::aio::MultiplexedConnection> = None;
    let mut batch = Vec::with_capacity(PIPELINE);
    while outbox.recv_many(&mut batch, PIPELINE).await > 0 {
        let mut pipe = redis::pipe();
        for (name, payload) in batch.drain(..) {
            pipe.cmd("PUBLISH").arg(name).arg(payload).ignore();
        }
        let mut told = false;
        loop {
            if connection.is_none() {
                connection = tokio::time::timeout(CONNECT_TIMEOUT, client.get_multiplexed_async_connection())
                    .await
                    .ok()
                    .and_then(Result::ok);
            }
            if let Some(open) = connection.as_mut() {
                match pipe.query_async::<()>(open).await {
                    Ok(()) => break,
                    Err(error) if !told => {
                        told = true;
                        tracing::warn!(%error, "publishing on the bus failed; trying again until Redis is back");
                    }
                    Err(_) => {}
                }
                connection = None;
                // A connection that broke under a restarted Redis is replaced at once; a Redis still down waits.
                continue;
            }
            tokio::time::sleep(RECONNECT_EVERY).await;
        }
    }
}
