//! What the user wrote and the server has not taken yet: a draft per channel, and the sends in the outbox.

use super::{ChatFeed, FollowUp};
use crate::domain::frames::ClientFrame;
use crate::domain::hints::SendHints;
use crate::domain::ids::{ChannelId, MessageId};
use leptos::prelude::*;
use std::collections::HashMap;

/// Unsent text per channel for the whole app, provided by [`crate::App`] above the router: moving between a
/// session room and a table channel rebuilds the campaign page, and a draft must outlive that.
#[derive(Clone, Copy)]
pub struct Drafts(pub StoredValue<HashMap<ChannelId, String>>);

impl Default for Drafts {
    fn default() -> Self {
        Self(StoredValue::new(HashMap::new()))
    }
}

/// A message the user sent that the server has not acknowledged yet.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSend {
    /// The idempotency key; resending with it never creates a second message.
    pub client_message_id: String,
    /// The channel it goes to.
    pub channel_id: ChannelId,
    /// The text.
    pub body: String,
    /// What the sender asked for; a resend asks for the same.
    pub hints: SendHints,
    /// The message it answers, when it is a reply.
    pub reply_to: Option<MessageId>,
    /// How often the server pushed this send back so far: each retry waits twice as long as the last.
    pub refusals: u32,
    /// Sent and not answered yet (or refused and waiting to go again): while one is, later sends wait behind
    /// it, so the server takes them in the order they were written and a refusal never lets a later one pass.
    pub on_wire: bool,
}

impl PendingSend {
    /// The `chat.send` frame for this send (the first time and every retry alike).
    pub fn frame(&self) -> ClientFrame {
        ClientFrame::Send {
            channel_id: self.channel_id.clone(),
            client_message_id: self.client_message_id.clone(),
            body: self.body.clone(),
            hints: self.hints.clone(),
            reply_to: self.reply_to.clone(),
        }
    }
}

/// The outbox goes one message at a time, each after the last one's answer.
impl ChatFeed {
    /// The oldest unsent message of the shown channel, marked as on the wire, when nothing is on the wire now:
    /// the outbox goes one message at a time, each after the last one's answer.
    pub(crate) fn next_to_send(&self) -> Option<ClientFrame> {
        let channel = self.channel.get_untracked()?;
        let mut frame = None;
        self.pending.update(|pending| {
            if pending.iter().any(|send| send.on_wire) {
                return;
            }
            if let Some(send) = pending.iter_mut().find(|send| send.channel_id == channel) {
                send.on_wire = true;
                frame = Some(send.frame());
            }
        });
        frame
    }

    /// After a reconnect nothing is on the wire any more: the outbox starts again from its oldest message.
    #[cfg_attr(not(any(feature = "hydrate", test)), allow(dead_code))]
    pub(crate) fn resend_outbox(&self) -> Option<ClientFrame> {
        self.pending
            .update(|pending| pending.iter_mut().for_each(|send| send.on_wire = false));
        self.next_to_send()
    }

    /// What to do once a send was answered and left the outbox: send the next one, if any.
    pub(super) fn after_answer(&self) -> FollowUp {
        self.next_to_send().map_or(FollowUp::Nothing, FollowUp::Send)
    }

    /// Takes the send keyed `key` out of the outbox; whether it was there.
    pub(super) fn answered(&self, key: &str) -> bool {
        let mut found = false;
        self.pending.update(|pending| {
            let before = pending.len();
            pending.retain(|send| send.client_message_id != key);
            found = pending.len() != before;
        });
        found
    }
}
