//! The live feed of one channel: a WebSocket that joins the selected channel, keeps the timeline, resends the
//! outbox after a reconnect, and reconnects by itself with backoff and jitter.
//!
//! [`ChatFeed`] holds only signals, so the server can render a page with an empty, "connecting" feed; the socket
//! task exists only in the browser (`socket`, built with `hydrate`).

mod changes;
mod jumps;
mod outbox;
#[cfg(test)]
mod outbox_tests;
#[cfg(feature = "hydrate")]
mod socket;
mod typing;

use crate::domain::change::{Reader, State};
use crate::domain::frames::{ClientFrame, Notice, RoomState, ServerFrame};
pub use crate::domain::hints::SendHints;
use crate::domain::ids::{ChannelId, MessageId};
use crate::domain::message::Message;
use crate::domain::validate::HISTORY_PAGE_DEFAULT;
use crate::domain::{ErrorCode, Problem};
use leptos::prelude::*;
pub use outbox::{Drafts, PendingSend};
use std::collections::{BTreeMap, HashMap};

/// What the connection indicator shows (`data-state` of the `connection` test hook).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    /// Opening the socket or waiting for `chat.joined`.
    Connecting,
    /// Joined: messages flow both ways.
    Live,
    /// No connection; a retry is scheduled (or waits for the network to come back).
    Offline,
    /// The login session ended (logout in another tab, or expiry): the server closed the socket and a retry
    /// would be refused; the reader has to log in again.
    LoggedOut,
}

impl ConnectionState {
    /// The `data-state` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Live => "live",
            Self::Offline => "offline",
            Self::LoggedOut => "logged_out",
        }
    }
}

/// Commands from the page to the socket task (which exists in the browser build only).
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) enum Command {
    /// Send this frame now if connected (otherwise the outbox covers sends).
    Frame(ClientFrame),
    /// The selected channel changed: join it.
    Rejoin,
    /// The browser lost its network: close the socket and wait.
    NetworkDown,
    /// The browser's network is back: reconnect now.
    NetworkUp,
    /// The page is going away.
    Stop,
}

/// What the socket task must do after a frame was applied.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) enum FollowUp {
    /// Nothing.
    Nothing,
    /// A join completed: resend the outbox.
    Joined,
    /// The server asked to slow down: send this again after a pause (it stays in the outbox meanwhile).
    RetryLater(ClientFrame, Option<u64>),
    /// The send on the wire was answered: this one goes next.
    Send(ClientFrame),
}

/// The reactive state of the live feed. `Copy`, so components can take it by value.
#[derive(Clone, Copy)]
pub struct ChatFeed {
    /// Connection indicator.
    pub state: RwSignal<ConnectionState>,
    /// The channel being shown.
    pub channel: RwSignal<Option<ChannelId>>,
    /// Visible messages by sequence id, as they are now: replays and retries overwrite instead of duplicating.
    pub messages: RwSignal<BTreeMap<i64, Message>>,
    /// What changes made of the messages shown (edited, deleted, reactions, pinned), by message id.
    pub states: RwSignal<HashMap<MessageId, State>>,
    /// How this reader sees changes: a GM keeps deleted text and earlier versions. Set by the page.
    pub reader: RwSignal<Reader>,
    /// The highest sequence id of anything received in the channel (messages, changes, changed messages'
    /// revisions): where a resume continues.
    pub cursor: RwSignal<Option<i64>>,
    /// The message being edited in place, if any (the message menu or Up in an empty composer opens it).
    pub editing: RwSignal<Option<MessageId>>,
    /// The message the next send answers (chosen with "Reply" on a message; Escape clears it).
    pub replying: RwSignal<Option<MessageId>>,
    /// The message to bring into view and highlight (a clicked quote or pinned entry), once it is loaded.
    pub highlight: RwSignal<Option<i64>>,
    /// The sequence id a jump is loading older pages towards (`chat.history.around`), while it is.
    jumping: RwSignal<Option<i64>>,
    /// The pinned list, while its panel is open (`None`: closed or not loaded yet).
    pub pins: RwSignal<Option<Vec<Message>>>,
    /// Emoji this reader reacted with, most recent first, for the picker.
    pub recent_emoji: RwSignal<Vec<String>>,
    /// Keys of this reader's reactions not yet seen back: the emoji the server stored (a `:shortcode:` becomes
    /// Unicode) goes to `recent_emoji` when its change arrives.
    reacting: StoredValue<std::collections::HashSet<String>>,
    /// The outbox, oldest first.
    pub pending: RwSignal<Vec<PendingSend>>,
    /// The session room's state (posting open or closed), once joined.
    pub room: RwSignal<Option<RoomState>>,
    /// Whether older messages exist than the oldest shown.
    pub has_more: RwSignal<bool>,
    /// Whether an older page has been asked for and not yet arrived.
    pub loading_older: RwSignal<bool>,
    /// The last refusal, shown in `composer-error`.
    pub error: RwSignal<Option<Problem>>,
    /// Text of a refused send, handed back to the composer so nothing typed is lost.
    pub returned_draft: RwSignal<Option<String>>,
    /// Bumped when the server says the campaign's table changed; pages refetch what depends on it.
    pub table_version: RwSignal<u32>,
    /// Unsent text per channel, shared with every page of the app ([`Drafts`]): the composer, and the campaign
    /// page itself, are rebuilt when the channel changes, and each channel gets its own draft back.
    pub drafts: StoredValue<HashMap<ChannelId, String>>,
    /// Replies for this user alone (`/help`, `/session` done), newest last; never stored on the server.
    pub notices: RwSignal<Vec<(String, Notice)>>,
    /// Bodies this user sent, oldest first, for Up-arrow recall in an empty composer.
    pub sent_bodies: RwSignal<Vec<String>>,
    /// Who the server says is writing in the channel shown, in the order they started.
    pub typists: RwSignal<Vec<crate::domain::typing::Typist>>,
    /// When this reader last said they were typing (their clock), so the composer says it every few seconds.
    typed_at: StoredValue<Option<i64>>,
    commands: StoredValue<Option<futures::channel::mpsc::UnboundedSender<Command>>>,
}

impl ChatFeed {
    /// Creates the feed; in the browser this also starts its socket task, stopped when the owner is cleaned up.
    pub fn new() -> Self {
        let feed = Self {
            state: RwSignal::new(ConnectionState::Connecting),
            channel: RwSignal::new(None),
            messages: RwSignal::new(BTreeMap::new()),
            states: RwSignal::new(HashMap::new()),
            reader: RwSignal::new(Reader::Member),
            cursor: RwSignal::new(None),
            editing: RwSignal::new(None),
            replying: RwSignal::new(None),
            highlight: RwSignal::new(None),
            jumping: RwSignal::new(None),
            pins: RwSignal::new(None),
            recent_emoji: RwSignal::new(Vec::new()),
            reacting: StoredValue::new(Default::default()),
            pending: RwSignal::new(Vec::new()),
            room: RwSignal::new(None),
            has_more: RwSignal::new(false),
            loading_older: RwSignal::new(false),
            error: RwSignal::new(None),
            returned_draft: RwSignal::new(None),
            table_version: RwSignal::new(0),
            drafts: use_context::<Drafts>().map_or_else(|| StoredValue::new(HashMap::new()), |drafts| drafts.0),
            notices: RwSignal::new(Vec::new()),
            sent_bodies: RwSignal::new(Vec::new()),
            typists: RwSignal::new(Vec::new()),
            typed_at: StoredValue::new(None),
            commands: StoredValue::new(None),
        };
        #[cfg(feature = "hydrate")]
        socket::start(feed);
        feed
    }

    /// Shows `channel`: clears the timeline and joins it (no-op when it is already shown).
    pub fn select(&self, channel: Option<ChannelId>) {
        if self.channel.get_untracked() == channel {
            return;
        }
        self.channel.set(channel);
        self.messages.set(BTreeMap::new());
        self.states.set(HashMap::new());
        self.cursor.set(None);
        self.editing.set(None);
        self.replying.set(None);
        self.highlight.set(None);
        self.jumping.set(None);
        self.pins.set(None);
        self.room.set(None);
        self.has_more.set(false);
        self.error.set(None);
        self.notices.set(Vec::new());
        self.typists.set(Vec::new());
        self.typed_at.set_value(None);
        self.command(Command::Rejoin);
    }

    /// Queues `body` for the selected channel with the chosen hints; it is sent now if connected, or after the
    /// next reconnect.
    pub fn send(&self, body: String, hints: SendHints) {
        let Some(channel_id) = self.channel.get_untracked() else {
            return;
        };
        let pending = PendingSend {
            client_message_id: ulid::Ulid::generate().to_string(),
            channel_id,
            body,
            hints,
            reply_to: self.replying.try_update(Option::take).flatten(),
            refusals: 0,
            on_wire: false,
        };
        self.error.set(None);
        self.typing_sent();
        self.sent_bodies.update(|sent| sent.push(pending.body.clone()));
        self.pending.update(|all| all.push(pending));
        if let Some(frame) = self.next_to_send() {
            self.command(Command::Frame(frame));
        }
    }

    /// Asks for the page before the oldest message shown.
    pub fn load_older(&self) {
        let Some(channel_id) = self.channel.get_untracked() else {
            return;
        };
        if self.loading_older.get_untracked() || !self.has_more.get_untracked() {
            return;
        }
        let before = self.messages.with_untracked(|m| m.keys().next().copied());
        self.loading_older.set(true);
        self.command(Command::Frame(ClientFrame::HistoryBefore {
            channel_id,
            before_sequence_id: before,
            limit: Some(HISTORY_PAGE_DEFAULT),
        }));
    }

    /// Hands a command to the socket task; a no-op once the page is gone.
    fn command(&self, command: Command) {
        self.commands.try_with_value(|sender| {
            if let Some(sender) = sender {
                let _ = sender.unbounded_send(command);
            }
        });
    }

    /// Applies one server frame to the feed's state. Frames for another channel (late answers after a switch)
    /// are ignored. Says what the socket must do next.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(crate) fn apply(&self, frame: ServerFrame) -> FollowUp {
        let current = self.channel.get_untracked();
        let is_current = |channel: &ChannelId| current.as_ref() == Some(channel);
        match frame {
            ServerFrame::Joined { channel_id, room, .. } if is_current(&channel_id) => {
                self.room.set(room);
                self.state.set(ConnectionState::Live);
                return FollowUp::Joined;
            }
            ServerFrame::History {
                channel_id,
                messages,
                has_more,
                mut states,
            } if is_current(&channel_id) => {
                for message in messages {
                    let state = states.remove(&message.message_id);
                    self.take_message(message, state, true);
                }
                self.has_more.set(has_more);
                self.loading_older.set(false);
                self.continue_jump();
            }
            ServerFrame::Pins {
                channel_id, messages, ..
            } if is_current(&channel_id) => self.take_pins(messages),
            ServerFrame::Message { message, state } if is_current(&message.channel_id) => {
                self.stopped_typing(message.sender_id.as_ref());
                let answered = message.client_message_id.clone();
                self.take_message(*message, state.map(|s| *s), false);
                if let Some(key) = answered {
                    if self.answered(&key) {
                        return self.after_answer();
                    }
                }
            }
            ServerFrame::Change { change } if is_current(&change.channel_id) => self.take_change(&change),
            ServerFrame::Ack { client_message_id, .. } if self.answered(&client_message_id) => {
                return self.after_answer();
            }
            ServerFrame::Error {
                code: ErrorCode::RateLimited | ErrorCode::Overloaded,
                client_message_id: Some(key),
                retry_after_ms,
                ..
            } => {
                // Too fast, or the server is pushing back: the send stays in the outbox and goes again after the
                // server's wait, doubled with every refusal of the same send; nothing typed is lost.
                // It stays on the wire (first in line) until it is taken.
                let mut retry = None;
                self.pending.update(|p| {
                    if let Some(send) = p.iter_mut().find(|s| s.client_message_id == key) {
                        send.refusals += 1;
                        send.on_wire = true;
                        retry = Some((send.frame(), send.refusals));
                    }
                });
                if let Some((frame, refusals)) = retry {
                    let base = retry_after_ms.unwrap_or(1_200);
                    let wait = base.saturating_mul(1 << (refusals - 1).min(5)).min(30_000);
                    return FollowUp::RetryLater(frame, Some(wait));
                }
            }
            // Only a typing frame is refused for its pace without naming a send: nothing to show, the composer
            // says it again on its own schedule.
            ServerFrame::Error {
                code: ErrorCode::RateLimited,
                client_message_id: None,
                ..
            } => {}
            ServerFrame::Error {
                code,
                message,
                hint,
                client_message_id,
                retry_after_ms,
                ..
            } => {
                let mut refused = None;
                if let Some(key) = client_message_id {
                    self.pending.update(|p| {
                        if let Some(index) = p.iter().position(|s| s.client_message_id == key) {
                            let send = p.remove(index);
                            refused = Some(send.body);
                            // A refused reply goes back to being a reply, with its text.
                            if send.reply_to.is_some() && self.replying.get_untracked().is_none() {
                                self.replying.set(send.reply_to);
                            }
                        }
                    });
                }
                self.loading_older.set(false);
                self.error.set(Some(Problem {
                    code,
                    message,
                    hint,
                    retry_after_ms,
                }));
                if refused.is_some() {
                    self.returned_draft.set(refused);
                    return self.after_answer();
                }
            }
            ServerFrame::Notice {
                channel_id,
                client_message_id,
                notice,
            } => {
                let answered = client_message_id.as_ref().is_some_and(|key| self.answered(key));
                if is_current(&channel_id) {
                    let key = client_message_id.unwrap_or_else(|| ulid::Ulid::generate().to_string());
                    self.notices.update(|all| all.push((key, notice)));
                }
                if answered {
                    return self.after_answer();
                }
            }
            ServerFrame::Room { channel_id, room } if is_current(&channel_id) => self.room.set(Some(room)),
            ServerFrame::Table { .. } => self.table_version.update(|v| *v += 1),
            ServerFrame::Typing {
                channel_id,
                user_id,
                label,
                ..
            } if is_current(&channel_id) => self.take_typing(user_id, label),
            _ => {}
        }
        FollowUp::Nothing
    }
}

impl Default for ChatFeed {
    fn default() -> Self {
        Self::new()
    }
}
