//! The WebSocket protocol: JSON text frames tagged by `type`. `docs/protocol.md` documents every frame with
//! examples; a change here must change that page too.

use super::audience::Audience;
use super::campaign::SessionStatus;
use super::change::{ChangeKind, State};
use super::error::{ErrorCode, Problem};
use super::hints::SendHints;
use super::ids::{CampaignId, ChannelId, MessageId, SessionId, UserId};
use super::mentions::Suggestion;
use super::message::Message;
use crate::tag_first::tag_first_enum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Frames a client sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ClientFrame {
    /// Subscribe to a channel. With `last_sequence_id`, every visible message after it is replayed as
    /// `chat.message` frames; without it, the latest page arrives as one `chat.history` frame.
    #[serde(rename = "chat.join")]
    Join {
        channel_id: ChannelId,
        #[serde(default)]
        last_sequence_id: Option<i64>,
    },
    /// Post a message. The hints (`mode`, `character_id`, `npc_name`, `audience`, flat beside the other fields)
    /// are what the sender asks for; the server may refuse them, never widen them.
    #[serde(rename = "chat.send")]
    Send {
        channel_id: ChannelId,
        client_message_id: String,
        body: String,
        #[serde(flatten)]
        hints: SendHints,
        /// The message this one answers (a reply quotes it); one the sender may not see is `not_found`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<MessageId>,
    },
    /// Ask for the page of visible messages before `before_sequence_id` (or the latest page).
    #[serde(rename = "chat.history.before")]
    HistoryBefore {
        channel_id: ChannelId,
        #[serde(default)]
        before_sequence_id: Option<i64>,
        #[serde(default)]
        limit: Option<u32>,
    },
    /// Ask for the visible messages from a little before `sequence_id` up to `until_sequence_id` (exclusive:
    /// the oldest the client holds; the newest when absent), to jump to a message far above the loaded page.
    /// Answered with `chat.history`, at most [`HISTORY_AROUND_MAX`](crate::validate::HISTORY_AROUND_MAX)
    /// messages a time, newest kept: when `sequence_id` is not reached yet, `has_more` is true and the client
    /// asks again from its new oldest message, so the timeline never has a hole.
    #[serde(rename = "chat.history.around")]
    HistoryAround {
        channel_id: ChannelId,
        sequence_id: i64,
        #[serde(default)]
        until_sequence_id: Option<i64>,
    },
    /// Ask for the channel's pinned messages: answered with `chat.pins`.
    #[serde(rename = "chat.pins")]
    Pins { channel_id: ChannelId },
    /// Names for an `@` mention being typed: answered with `chat.suggestions`. `mode` is the composer's voice
    /// (`participant`, `character`, `gm`, `narrator`): characters come first in the in-character voices.
    #[serde(rename = "chat.autocomplete")]
    Autocomplete {
        channel_id: ChannelId,
        prefix: String,
        #[serde(default)]
        mode: Option<String>,
    },
    /// What a body would do if sent with these hints: answered with `chat.preview`. Nothing is stored.
    #[serde(rename = "chat.command.preview")]
    CommandPreview {
        channel_id: ChannelId,
        body: String,
        #[serde(flatten)]
        hints: SendHints,
    },
    /// Replace the text of one's own message. Answered with `chat.ack` naming the change.
    #[serde(rename = "chat.edit")]
    Edit {
        #[serde(flatten)]
        on: ChangeTarget,
        body: String,
    },
    /// Delete one's own message (a GM: anyone's in the campaign). Answered with `chat.ack`.
    #[serde(rename = "chat.delete")]
    Delete {
        #[serde(flatten)]
        on: ChangeTarget,
    },
    /// React with an emoji (Unicode or `:shortcode:`). Answered with `chat.ack`.
    #[serde(rename = "chat.react")]
    React {
        #[serde(flatten)]
        on: ChangeTarget,
        emoji: String,
    },
    /// Take one's reaction back. Answered with `chat.ack`.
    #[serde(rename = "chat.unreact")]
    Unreact {
        #[serde(flatten)]
        on: ChangeTarget,
        emoji: String,
    },
    /// Pin a message to the channel's pinned list (GMs). Answered with `chat.ack`.
    #[serde(rename = "chat.pin")]
    Pin {
        #[serde(flatten)]
        on: ChangeTarget,
    },
    /// Take a message off the pinned list (GMs). Answered with `chat.ack`.
    #[serde(rename = "chat.unpin")]
    Unpin {
        #[serde(flatten)]
        on: ChangeTarget,
    },
    /// The sender is writing a message with these hints (the composer's voice and audience, narrowed by a
    /// command in the text): told as `chat.typing` to those who would see it, at most one per
    /// [`TYPING_GAP_MS`](crate::typing::TYPING_GAP_MS). Not answered unless refused.
    #[serde(rename = "chat.typing")]
    Typing {
        channel_id: ChannelId,
        #[serde(flatten)]
        hints: SendHints,
    },
    /// Stop receiving a channel's live messages.
    #[serde(rename = "chat.leave")]
    Leave { channel_id: ChannelId },
    /// Keep-alive; answered with `pong` carrying the same nonce.
    #[serde(rename = "ping")]
    Ping {
        #[serde(default)]
        nonce: Option<u64>,
    },
}

/// The message a change frame concerns, and the change's own idempotency key (a retried change applies once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeTarget {
    /// The channel of the message.
    pub channel_id: ChannelId,
    /// The message to change.
    pub message_id: MessageId,
    /// A fresh key per change, reused only to retry it (keys share one space with sends).
    pub client_message_id: String,
}

impl ClientFrame {
    /// A change frame as what it asks for: the target, the kind and its text (the new body or the emoji);
    /// `None` for every other frame.
    pub fn into_change(self) -> Option<(ChangeTarget, ChangeKind, String)> {
        match self {
            Self::Edit { on, body } => Some((on, ChangeKind::Edit, body)),
            Self::Delete { on } => Some((on, ChangeKind::Delete, String::new())),
            Self::React { on, emoji } => Some((on, ChangeKind::React, emoji)),
            Self::Unreact { on, emoji } => Some((on, ChangeKind::Unreact, emoji)),
            Self::Pin { on } => Some((on, ChangeKind::Pin, String::new())),
            Self::Unpin { on } => Some((on, ChangeKind::Unpin, String::new())),
            _ => None,
        }
    }
}

/// The state of a session room as the composer needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomState {
    /// The session the room belongs to.
    pub session_id: SessionId,
    /// Its current status; posting is open only while `active`.
    pub status: SessionStatus,
}

/// What a `chat.notice` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// `/help`.
    Help,
    /// `/session ...` was carried out.
    Session,
}

/// A reply meant for the requester alone and never stored (help, a command's confirmation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// What it answers.
    pub kind: NoticeKind,
    /// One line.
    pub title: String,
    /// Details, one per line.
    #[serde(default)]
    pub lines: Vec<String>,
}

tag_first_enum! {
tag = "type", remote = "ServerFrame", wire = ServerFrameWire;
/// Frames the server sends. Read with the tag first ([`crate::tag_first`]): one pass and one copy of every
/// message type's reader in the browser.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerFrame {
    /// The join succeeded. `latest_sequence_id` is the channel's newest sequence id at join time.
    #[serde(rename = "chat.joined")]
    Joined {
        channel_id: ChannelId,
        latest_sequence_id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        room: Option<RoomState>,
    },
    /// A message the receiver may see, live or replayed. A replayed message that has changed since it was sent
    /// comes as it is now: `state` says how (edited, deleted, reactions, pinned; absent when untouched), and
    /// replaces what the receiver held when its `revision` is newer.
    #[serde(rename = "chat.message")]
    Message {
        message: Box<Message>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<Box<State>>,
    },
    /// A change to a message the receiver may see (an edit, delete, reaction or pin), live: apply it with
    /// `change::apply`. Replays send the changed message's state instead (`chat.message`).
    #[serde(rename = "chat.change")]
    Change { change: Box<Message> },
    /// The sender's message is durably committed (or was already: `duplicate` is true).
    #[serde(rename = "chat.ack")]
    Ack {
        channel_id: ChannelId,
        client_message_id: String,
        message_id: String,
        sequence_id: i64,
        #[serde(default)]
        duplicate: bool,
    },
    /// A request failed; nothing was stored. `client_message_id` names the failed send, if it was one.
    #[serde(rename = "chat.error")]
    Error {
        code: ErrorCode,
        message: String,
        hint: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_message_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel_id: Option<ChannelId>,
        /// For `rate_limited` and `overloaded`: when the same frame will be admitted again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
    /// A page of visible messages, oldest first, as they are now (changed ones have their state in `states`,
    /// by message id). `has_more` says whether older ones exist.
    #[serde(rename = "chat.history")]
    History {
        channel_id: ChannelId,
        messages: Vec<Message>,
        has_more: bool,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        states: BTreeMap<MessageId, State>,
    },
    /// Answer to `chat.pins`: the pinned messages the receiver may see, most recently pinned first, as they
    /// are now (their states, with who pinned them and when, in `states`).
    #[serde(rename = "chat.pins")]
    Pins {
        channel_id: ChannelId,
        messages: Vec<Message>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        states: BTreeMap<MessageId, State>,
    },
    /// A session room's status changed (the GM started, paused or ended it).
    #[serde(rename = "chat.room")]
    Room { channel_id: ChannelId, room: RoomState },
    /// The campaign's table changed (a member joined, a character was created or shared, a setting changed):
    /// refresh members, characters and what the composer offers.
    #[serde(rename = "chat.table")]
    Table { campaign_id: CampaignId },
    /// Answer to `chat.autocomplete`: members and characters matching `prefix`, best first.
    #[serde(rename = "chat.suggestions")]
    Suggestions {
        channel_id: ChannelId,
        prefix: String,
        items: Vec<Suggestion>,
    },
    /// Answer to `chat.command.preview`: `summary` (what would happen) or `problem` (why it would be refused).
    #[serde(rename = "chat.preview")]
    Preview {
        channel_id: ChannelId,
        body: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        summary: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        problem: Option<Problem>,
    },
    /// A reply to the requester only, never stored: `/help`, or a `/session` command carried out. When it
    /// answers a `chat.send`, `client_message_id` names it (the send is complete; there is no `chat.ack`).
    #[serde(rename = "chat.notice")]
    Notice {
        channel_id: ChannelId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_message_id: Option<String>,
        notice: Notice,
    },
    /// Someone the receiver may hear is writing in the channel, as `label`, to `audience` (the receiver is in
    /// it); show it until [`TYPING_SHOWN_MS`](crate::typing::TYPING_SHOWN_MS) later or their next message.
    #[serde(rename = "chat.typing")]
    Typing {
        channel_id: ChannelId,
        user_id: UserId,
        label: String,
        audience: Audience,
    },
    /// Answer to `ping`.
    #[serde(rename = "pong")]
    Pong {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<u64>,
    },
}
}

impl ServerFrame {
    /// An error frame from a [`Problem`], optionally naming the send and channel it answers.
    pub fn error(problem: Problem, client_message_id: Option<String>, channel_id: Option<ChannelId>) -> Self {
        Self::Error {
            code: problem.code,
            message: problem.message,
            hint: problem.hint,
            client_message_id,
            channel_id,
            retry_after_ms: problem.retry_after_ms,
        }
    }

    /// A message's frame: `chat.change` for a change, `chat.message` otherwise (as sent, with no state).
    pub fn of(message: &Message) -> Self {
        match message.is_change() {
            true => Self::Change {
                change: Box::new(message.clone()),
            },
            false => Self::Message {
                message: Box::new(message.clone()),
                state: None,
            },
        }
    }

    /// The committed message a live frame carries (`chat.message` or `chat.change`), for the bus between
    /// instances.
    pub fn into_committed(self) -> Option<Message> {
        match self {
            Self::Message { message, .. } | Self::Change { change: message } => Some(*message),
            _ => None,
        }
    }

    /// The frame as JSON text. Serialising these types cannot fail (string keys, no maps of non-strings).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"type":"chat.error","code":"internal","message":"Could not encode a frame.","hint":"Reconnect."}"#
                .to_owned()
        })
    }
}

#[cfg(test)]
#[path = "frames_tests.rs"]
mod tests;
