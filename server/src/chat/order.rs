//! The order of one channel's messages when several instances commit them.
//!
//! With one instance the writer hands the hub each channel's messages in sequence order. With several, each
//! instance's writer publishes what it committed on the bus, and two instances' frames for one channel can
//! arrive in either order; an instance killed between its commit and its publish leaves a hole that no frame
//! will ever fill. So an instance that relays a channel delivers it through an [`Order`]: frames are let
//! through strictly by sequence id, a frame from the future waits for the ones before it, and a hole that stays
//! open longer than [`STALL`] is filled from the database (every sequence id below a committed one is committed:
//! each channel's writers take its sequence row in turn). A frame already delivered is dropped, so a client never
//! sees a message twice or out of order because of the bus.

use super::hub::Frame;
use app::domain::message::Message;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long a hole in a channel's sequence may stay open before it is read from the database. Frames of two
/// instances cross within a millisecond; a hole older than this is a frame that was never published.
pub const STALL: Duration = Duration::from_millis(150);

/// Frames waiting for their turn, at most; beyond it the oldest hole is filled at once.
const MAX_WAITING: usize = 4_096;

/// The delivery order of one relayed channel.
pub struct Order {
    /// The next sequence id to deliver.
    next: i64,
    /// The relay's connection epoch this order was started under: an order outlives no reconnect.
    pub epoch: u64,
    waiting: BTreeMap<i64, (Message, Frame)>,
    /// Since when the first waiting frame has waited for the hole before it.
    stalled_since: Option<Instant>,
}

impl Order {
    /// An order that delivers from `next` on.
    pub fn new(next: i64, epoch: u64) -> Self {
        Self {
            next,
            epoch,
            waiting: BTreeMap::new(),
            stalled_since: None,
        }
    }

    /// Takes one committed message and calls `deliver` for every message whose turn has come, in order.
    pub fn admit(&mut self, message: Message, frame: Frame, mut deliver: impl FnMut(&Message, &Frame)) {
        let sequence = message.sequence_id;
        if sequence < self.next || self.waiting.contains_key(&sequence) {
            return;
        }
        if sequence > self.next {
            self.waiting.insert(sequence, (message, frame));
            self.stalled_since.get_or_insert_with(Instant::now);
            return;
        }
        deliver(&message, &frame);
        self.next += 1;
        while let Some((message, frame)) = self.waiting.remove(&self.next) {
            deliver(&message, &frame);
            self.next += 1;
        }
        self.stalled_since = if self.waiting.is_empty() {
            None
        } else {
            Some(Instant::now())
        };
    }

    /// The hole to read from the database, as (after, up to and including), when one has been open too long.
    pub fn hole(&self, now: Instant) -> Option<(i64, i64)> {
        let first_waiting = *self.waiting.keys().next()?;
        let stalled = self
            .stalled_since
            .is_some_and(|since| now.duration_since(since) >= STALL);
        (stalled || self.waiting.len() >= MAX_WAITING).then_some((self.next - 1, first_waiting - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::actor::Actor;
    use app::domain::audience::Audience;
    use app::domain::ids::{ChannelId, MessageId};
    use app::domain::message::MessageKind;

    fn at(sequence: i64) -> (Message, Frame) {
        let message = Message {
            message_id: MessageId::generate(),
            channel_id: ChannelId::from("room"),
            sequence_id: sequence,
            sent_at: 0,
            kind: MessageKind::Text,
            actor: Actor::participant("u1", "alice"),
            sender_id: None,
            body: String::new(),
            mentions: Vec::new(),
            audience: Audience::all(),
            roll: None,
            client_message_id: None,
            change: None,
            inline_rolls: Vec::new(),
            reply: None,
        };
        (message, Frame::from(format!("{sequence}")))
    }

    fn admit_all(order: &mut Order, sequences: &[i64]) -> Vec<i64> {
        let mut delivered = Vec::new();
        for &sequence in sequences {
            let (message, frame) = at(sequence);
            order.admit(message, frame, |m, _| delivered.push(m.sequence_id));
        }
        delivered
    }

    #[test]
    fn frames_are_let_through_by_sequence_once_each() {
        let mut order = Order::new(5, 1);
        assert_eq!(admit_all(&mut order, &[4, 6, 7, 5, 5, 8, 6]), vec![5, 6, 7, 8]);
        assert!(order.hole(Instant::now() + STALL).is_none());
    }

    #[test]
    fn a_hole_that_stays_open_is_named_for_the_database() {
        let mut order = Order::new(1, 1);
        assert_eq!(admit_all(&mut order, &[1, 4, 5]), vec![1]);
        assert_eq!(order.hole(Instant::now()), None, "a frame may still be crossing");
        assert_eq!(order.hole(Instant::now() + STALL), Some((1, 3)));
        assert_eq!(admit_all(&mut order, &[2, 3]), vec![2, 3, 4, 5]);
        assert_eq!(order.hole(Instant::now() + STALL), None);
    }
}
