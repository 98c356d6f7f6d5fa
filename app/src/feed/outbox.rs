//! What the user wrote and the server has not taken yet: a draft per channel, and the sends in the outbox.

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
