//! The delivery hub: who is subscribed to which channel, in memory, and fan-out to them.
//!
//! A message is serialised once into a [`Frame`] (reference-counted bytes) that every recipient's queue shares.
//! Recipients are chosen with `can_see` before anything is queued: nothing is sent to be hidden later. Queues
//! are bounded; a subscriber whose queue is full is dropped from the hub and told to close, and it resumes
//! later from its last sequence id.
//!
//! With several instances a [`Relay`] (the Redis bus) carries each committed frame to the others, and every
//! instance delivers a relayed channel through its [`Order`], so frames reach clients in sequence order
//! whichever instance committed them.

use app::domain::frames::{RoomState, ServerFrame};
use app::domain::ids::{CampaignId, ChannelId};
use app::domain::message::Message;
use app::domain::visibility::{can_see, sees, Viewer};
use app::domain::Problem;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;
use tokio::sync::{mpsc, Notify};

use super::order::Order;

/// A serialised server frame; cloning shares the bytes.
pub type Frame = axum::extract::ws::Utf8Bytes;

/// Identifies one WebSocket connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnectionId(u64);

impl ConnectionId {
    /// A process-unique id.
    pub fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// One connection's presence in a channel.
#[derive(Clone)]
pub struct Subscriber {
    /// Who is listening, for `can_see`.
    pub viewer: Viewer,
    /// The campaign of the channel, for table-change notices.
    pub campaign: CampaignId,
    /// The connection's bounded outgoing queue.
    pub queue: mpsc::Sender<Frame>,
    /// Notified when the queue overflowed and the connection must close.
    pub overflow: Arc<Notify>,
}

/// Serialises a frame once.
pub fn encode(frame: &ServerFrame) -> Frame {
    Frame::from(frame.to_json())
}

/// The way to the other instances: carries committed frames of the channels this instance relays.
#[async_trait]
pub trait Relay: Send + Sync + 'static {
    /// Hands a committed message's frame to the other instances (queued; never waits).
    fn publish(&self, channel: &ChannelId, frame: &Frame);
    /// Starts hearing a channel's frames from the other instances; returns the connection epoch it holds for.
    async fn subscribe(&self, channel: &ChannelId) -> Result<u64, Problem>;
    /// Stops hearing a channel.
    async fn unsubscribe(&self, channel: &ChannelId);
    /// The current connection epoch, or `None` while the bus is unreachable.
    fn epoch(&self) -> Option<u64>;
}

/// Subscribers by channel.
#[derive(Default)]
pub struct Hub {
    // A std mutex: every critical section is a few map operations and non-blocking `try_send`s, never an await.
    rooms: Mutex<HashMap<ChannelId, HashMap<ConnectionId, Subscriber>>>,
    /// Set when this instance is one of several.
    relay: OnceLock<Arc<dyn Relay>>,
    /// The delivery order of every relayed channel. Always locked before `rooms`, never the other way round.
    orders: Mutex<HashMap<ChannelId, Order>>,
}

impl Hub {
    /// Adds (or replaces) a connection's subscription to a channel.
    pub fn subscribe(&self, channel: &ChannelId, connection: ConnectionId, subscriber: Subscriber) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms.entry(channel.clone()).or_default().insert(connection, subscriber);
    }

    /// Removes a connection from a channel.
    pub fn unsubscribe(&self, channel: &ChannelId, connection: ConnectionId) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(room) = rooms.get_mut(channel) {
            room.remove(&connection);
            if room.is_empty() {
                rooms.remove(channel);
            }
        }
    }

    /// Delivers a message this instance committed to every subscriber of its channel who may see it, and
    /// hands it to the other instances when there are any.
    pub fn publish_message(&self, message: &Message) {
        let frame = encode(&ServerFrame::of(message));
        match self.relay.get() {
            None => self.deliver_message(message, &frame),
            Some(relay) => {
                relay.publish(&message.channel_id, &frame);
                self.admit(message.clone(), frame);
            }
        }
    }

    /// Delivers a committed message of a relayed channel (from another instance, from this one's writer, or
    /// read from the database to fill a hole) in its channel's order; dropped when the channel is not relayed.
    pub fn admit(&self, message: Message, frame: Frame) {
        let mut orders = self.orders.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(order) = orders.get_mut(&message.channel_id) {
            order.admit(message, frame, |message, frame| self.deliver_message(message, frame));
        }
    }

    /// Makes this hub one of several instances' (once, at start-up).
    pub fn attach(&self, relay: Arc<dyn Relay>) {
        let _ = self.relay.set(relay);
    }

    /// The relay to the other instances, when there are any.
    pub fn relay(&self) -> Option<&Arc<dyn Relay>> {
        self.relay.get()
    }

    /// Whether `channel` is relayed under the relay's current connection.
    pub fn relays(&self, channel: &ChannelId) -> bool {
        let Some(epoch) = self.relay.get().and_then(|relay| relay.epoch()) else {
            return false;
        };
        let orders = self.orders.lock().unwrap_or_else(|e| e.into_inner());
        orders.get(channel).is_some_and(|order| order.epoch == epoch)
    }

    /// Starts relaying `channel`, delivering from sequence id `next` on.
    pub fn start_order(&self, channel: &ChannelId, next: i64, epoch: u64) {
        let mut orders = self.orders.lock().unwrap_or_else(|e| e.into_inner());
        orders.insert(channel.clone(), Order::new(next, epoch));
    }

    /// Relayed channels that have no subscriber here any more (to stop hearing), and stops their orders.
    pub fn idle_orders(&self) -> Vec<ChannelId> {
        let mut orders = self.orders.lock().unwrap_or_else(|e| e.into_inner());
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        let idle: Vec<ChannelId> = orders.keys().filter(|c| !rooms.contains_key(*c)).cloned().collect();
        for channel in &idle {
            orders.remove(channel);
        }
        idle
    }

    /// The holes that have stayed open too long, as (channel, after, up to and including).
    pub fn holes(&self) -> Vec<(ChannelId, i64, i64)> {
        let now = Instant::now();
        let orders = self.orders.lock().unwrap_or_else(|e| e.into_inner());
        orders
            .iter()
            .filter_map(|(channel, order)| order.hole(now).map(|(after, upto)| (channel.clone(), after, upto)))
            .collect()
    }

    /// The bus was lost: every subscriber is told to close (each resumes from its last sequence id once the
    /// bus is back), and no channel is relayed any more.
    pub fn close_all(&self) {
        let mut orders = self.orders.lock().unwrap_or_else(|e| e.into_inner());
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        for subscriber in rooms.values().flat_map(HashMap::values) {
            subscriber.overflow.notify_one();
        }
        rooms.clear();
        orders.clear();
    }

    /// A reply whose original a recipient may not see goes to that recipient as a second frame without the
    /// quote (`Message::for_viewer`), serialised once when the first such recipient is met.
    fn deliver_message(&self, message: &Message, frame: &Frame) {
        let without_quote: OnceLock<Frame> = OnceLock::new();
        self.deliver_each(&message.channel_id, |viewer| {
            if !can_see(viewer, message) {
                return None;
            }
            match message.quote().is_some_and(|quote| !quote.visible_to(viewer)) {
                false => Some(frame.clone()),
                true => Some(
                    without_quote
                        .get_or_init(|| encode(&ServerFrame::of(&message.for_viewer(viewer))))
                        .clone(),
                ),
            }
        });
    }

    /// Tells the subscribers of a typing frame's channel who may see its audience (never the writer) that
    /// someone is writing, and hands it to the other instances when there are any.
    pub fn publish_typing(&self, typing: &ServerFrame) {
        let ServerFrame::Typing { channel_id, .. } = typing else {
            return;
        };
        let frame = encode(typing);
        if let Some(relay) = self.relay.get() {
            relay.publish(channel_id, &frame);
        }
        self.deliver_typing(typing, &frame);
    }

    /// Delivers a typing frame (this instance's or another's) to the subscribers who may see its audience. A
    /// full queue skips it: typing is worth less than closing a slow reader's socket.
    pub fn deliver_typing(&self, typing: &ServerFrame, frame: &Frame) {
        let ServerFrame::Typing {
            channel_id,
            user_id,
            audience,
            ..
        } = typing
        else {
            return;
        };
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        for subscriber in rooms.get(channel_id).into_iter().flat_map(HashMap::values) {
            let viewer = &subscriber.viewer;
            if &viewer.user_id != user_id && sees(viewer, Some(user_id), audience) {
                let _ = subscriber.queue.try_send(frame.clone());
            }
        }
    }

    /// Tells every subscriber of a session channel that its room changed.
    pub fn publish_room(&self, channel: &ChannelId, room: RoomState) {
        let frame = encode(&ServerFrame::Room {
            channel_id: channel.clone(),
            room,
        });
        self.deliver(channel, &frame, |_| true);
    }

    /// Tells every subscriber in a campaign's channels that its table changed (members, characters, settings),
    /// so pages refresh what they show and what the composer offers.
    pub fn publish_table_changed(&self, campaign: &CampaignId) {
        let frame = encode(&ServerFrame::Table {
            campaign_id: campaign.clone(),
        });
        let channels: Vec<ChannelId> = {
            let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
            rooms
                .iter()
                .filter(|(_, room)| room.values().any(|s| &s.campaign == campaign))
                .map(|(channel, _)| channel.clone())
                .collect()
        };
        for channel in channels {
            self.deliver(&channel, &frame, |_| true);
        }
    }

    /// Stops delivering a campaign's channels to a user who left it; their open pages learn it from the
    /// table-change notice sent just before, and any later join or send is refused by the game authority.
    pub fn evict(&self, campaign: &CampaignId, user: &app::domain::ids::UserId) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms.retain(|_, room| {
            room.retain(|_, s| !(&s.campaign == campaign && &s.viewer.user_id == user));
            !room.is_empty()
        });
    }

    /// How many connections are subscribed to a channel.
    pub fn subscriber_count(&self, channel: &ChannelId) -> usize {
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms.get(channel).map_or(0, HashMap::len)
    }

    fn deliver(&self, channel: &ChannelId, frame: &Frame, admits: impl Fn(&Viewer) -> bool) {
        self.deliver_each(channel, |viewer| admits(viewer).then(|| frame.clone()));
    }

    /// Queues for every subscriber of `channel` the frame `frame_for` chooses for it (`None`: nothing).
    fn deliver_each(&self, channel: &ChannelId, frame_for: impl Fn(&Viewer) -> Option<Frame>) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        let Some(room) = rooms.get_mut(channel) else {
            return;
        };
        room.retain(|_, subscriber| {
            let Some(frame) = frame_for(&subscriber.viewer) else {
                return true;
            };
            match subscriber.queue.try_send(frame) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    subscriber.overflow.notify_one();
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
        if room.is_empty() {
            rooms.remove(channel);
        }
    }
}
