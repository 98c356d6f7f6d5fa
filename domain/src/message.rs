//! The message fact, as stored and as sent on the wire.

use super::actor::Actor;
use super::audience::Audience;
use super::change::Change;
use super::dice::RollResult;
use super::ids::{ChannelId, MessageId, UserId};
use super::reply::Reply;
use serde::{Deserialize, Serialize};

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Something said.
    Text,
    /// An action (`/me`).
    Emote,
    /// A dice roll; the message carries its [`RollResult`].
    Roll,
    /// GM narration without a speaker (`/desc`).
    Narration,
    /// A notice addressed to people (a mention, a membership change).
    Notification,
    /// A notice from the server about the room (session started, ended).
    System,
    /// A change to an earlier message (an edit, delete, reaction or pin), described by its `change`.
    Change,
}

impl MessageKind {
    /// The kind as stored and used in the `data-kind` test hook.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Emote => "emote",
            Self::Roll => "roll",
            Self::Narration => "narration",
            Self::Notification => "notification",
            Self::System => "system",
            Self::Change => "change",
        }
    }

    /// Parses a stored kind.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "text" => Some(Self::Text),
            "emote" => Some(Self::Emote),
            "roll" => Some(Self::Roll),
            "narration" => Some(Self::Narration),
            "notification" => Some(Self::Notification),
            "system" => Some(Self::System),
            "change" => Some(Self::Change),
            _ => None,
        }
    }
}

/// A resolved mention: ids plus the label as it read when the message was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// `participant` or `character`.
    pub kind: String,
    /// The user or character id.
    pub id: String,
    /// The name as typed and resolved.
    pub label: String,
}

/// An immutable message fact. Edits, deletes, reactions and pins are later facts that refer to it (`change`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Server-generated ULID; the client de-duplicates its timeline by it.
    pub message_id: MessageId,
    /// The timeline it belongs to.
    pub channel_id: ChannelId,
    /// Position in the channel: monotonic, gap-free among committed messages, never reused.
    pub sequence_id: i64,
    /// When the server committed it, in milliseconds since the Unix epoch (UTC).
    pub sent_at: i64,
    /// What it is.
    pub kind: MessageKind,
    /// The effective speaker.
    pub actor: Actor,
    /// The user who sent it (`None` for system messages). The sender always sees their own message.
    pub sender_id: Option<UserId>,
    /// The text as typed.
    pub body: String,
    /// Resolved mentions.
    #[serde(default)]
    pub mentions: Vec<Mention>,
    /// The effective audience.
    pub audience: Audience,
    /// For rolls: every die and the total, rolled on the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roll: Option<RollResult>,
    /// The sender's idempotency key, so the sender's client can match the message to its pending send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_message_id: Option<String>,
    /// For a change: the message it changes and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    /// The `[[dice]]` inline rolls of the body, rolled by the server when it was sent, in the order they appear
    /// (`markup::inline_rolls`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_rolls: Vec<RollResult>,
    /// For a reply: the message it answers, as this receiver may see it (`reply`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Reply>,
}

impl Message {
    /// Whether this is a change to another message rather than something said.
    pub fn is_change(&self) -> bool {
        self.change.is_some()
    }
}

/// A message on its way to being stored: everything but its id, its sequence id and its time, which only the
/// chat writer assigns when it commits (so no other code makes up a stored [`Message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The timeline it goes to.
    pub channel_id: ChannelId,
    /// What it is.
    pub kind: MessageKind,
    /// The effective speaker.
    pub actor: Actor,
    /// The user who sends it (`None` for system messages).
    pub sender_id: Option<UserId>,
    /// The text as typed.
    pub body: String,
    /// Resolved mentions.
    pub mentions: Vec<Mention>,
    /// The effective audience.
    pub audience: Audience,
    /// For rolls: the roll, already thrown by the game authority.
    pub roll: Option<RollResult>,
    /// The sender's idempotency key (or a notice's own key).
    pub client_message_id: Option<String>,
    /// For a change: the message it changes and how.
    pub change: Option<Change>,
    /// The body's inline rolls, already thrown.
    pub inline_rolls: Vec<RollResult>,
    /// For a reply: the quote of the message it answers.
    pub reply: Option<Reply>,
}

impl NewMessage {
    /// The stored message, under the id, sequence id and commit time the writer gave it.
    pub fn stored(self, message_id: MessageId, sequence_id: i64, sent_at: i64) -> Message {
        Message {
            message_id,
            channel_id: self.channel_id,
            sequence_id,
            sent_at,
            kind: self.kind,
            actor: self.actor,
            sender_id: self.sender_id,
            body: self.body,
            mentions: self.mentions,
            audience: self.audience,
            roll: self.roll,
            client_message_id: self.client_message_id,
            change: self.change,
            inline_rolls: self.inline_rolls,
            reply: self.reply,
        }
    }
}
