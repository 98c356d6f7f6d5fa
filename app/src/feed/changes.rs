//! The timeline as it is now: messages replace older copies of themselves, and live changes (edits, deletes,
//! reactions, pins) apply to the messages shown with the shared domain's projection (`domain::change`), so the
//! browser shows exactly what the server's pages and replays would.

use super::{ChatFeed, Command, ConnectionState};
use crate::domain::change::{self, ChangeKind, State};
use crate::domain::frames::{ChangeTarget, ClientFrame};
use crate::domain::ids::MessageId;
use crate::domain::message::Message;
use crate::domain::reply::{self, Reply};
use crate::domain::{ErrorCode, Problem};
use leptos::prelude::*;

impl ChatFeed {
    /// Moves the resume cursor up to `sequence_id`.
    pub(super) fn saw(&self, sequence_id: i64) {
        self.cursor
            .update(|cursor| *cursor = Some(cursor.map_or(sequence_id, |c| c.max(sequence_id))));
    }

    /// Shows a message as the server sent it (with its state when it changed since it was sent), unless what
    /// is shown is newer. A changed message from before the oldest one loaded is left for its page, so the
    /// timeline never shows an old line above a gap; one from history (`paged`) is that page.
    pub(super) fn take_message(&self, message: Message, state: Option<State>, paged: bool) {
        let state = state.unwrap_or_default();
        self.saw(message.sequence_id.max(state.revision));
        let id = message.message_id.clone();
        let known = self.states.with_untracked(|s| s.get(&id).map(|s| s.revision));
        let shown = self.messages.with_untracked(|m| m.contains_key(&message.sequence_id));
        if known.is_some_and(|revision| revision > state.revision) {
            return;
        }
        let oldest = self.messages.with_untracked(|m| m.keys().next().copied());
        let above_a_gap = oldest.is_some_and(|oldest| message.sequence_id < oldest) && self.has_more.get_untracked();
        if !paged && !shown && above_a_gap {
            return;
        }
        let reader = self.reader.get_untracked();
        self.messages.update(|all| {
            // A changed original (replayed or paged as it is now) brings the replies quoting it up to date.
            if !state.is_untouched() {
                reply::requote(all.values_mut(), &message, &state, reader);
            }
            all.insert(message.sequence_id, message);
        });
        self.states.update(|states| {
            states.insert(id, state);
        });
    }

    /// Applies a live change to the message it concerns, if that message is shown.
    pub(super) fn take_change(&self, change: &Message) {
        self.saw(change.sequence_id);
        let key = change.client_message_id.clone().unwrap_or_default();
        if self.reacting.try_update_value(|keys| keys.remove(&key)) == Some(true) {
            self.recent_emoji.update(|recent| {
                recent.retain(|e| *e != change.body);
                recent.insert(0, change.body.clone());
                recent.truncate(16);
            });
        }
        let Some(target) = change.change.as_ref().map(|c| c.target.clone()) else {
            return;
        };
        let reader = self.reader.get_untracked();
        if change
            .change
            .as_ref()
            .is_some_and(|c| matches!(c.kind, ChangeKind::Pin | ChangeKind::Unpin))
            && self.pins.with_untracked(Option::is_some)
        {
            self.open_pins();
        }
        let Some(sequence) = self
            .messages
            .with_untracked(|m| m.values().find(|m| m.message_id == target).map(|m| m.sequence_id))
        else {
            // The original is not loaded: replies below it that quote it follow the change on their own.
            self.messages.update(|all| {
                for message in all.values_mut() {
                    if let Some(Reply::Quote(quote)) = message.reply.as_mut() {
                        quote.follow(change, reader);
                    }
                }
            });
            return;
        };
        let mut state = self
            .states
            .with_untracked(|s| s.get(&target).cloned().unwrap_or_default());
        self.messages.update(|all| {
            let Some(message) = all.get_mut(&sequence) else {
                return;
            };
            change::apply(message, &mut state, change, reader);
            let original = message.clone();
            reply::requote(all.values_mut(), &original, &state, reader);
        });
        self.states.update(|states| {
            states.insert(target, state);
        });
    }

    /// Asks the server to change a message of the shown channel: `text` is an edit's new body or a reaction's
    /// emoji. What comes back is the change itself, live (or a refusal, shown under the composer). Offline,
    /// nothing is queued: the reader is told, since a reaction or a delete replayed much later would surprise.
    pub fn change(&self, message_id: MessageId, kind: ChangeKind, text: String) {
        let Some(channel_id) = self.channel.get_untracked() else {
            return;
        };
        if self.state.get_untracked() != ConnectionState::Live {
            self.error.set(Some(Problem::new(
                ErrorCode::Network,
                "Not connected, so nothing was changed.",
                "Try again once the connection is back.",
            )));
            return;
        }
        let on = ChangeTarget {
            channel_id,
            message_id,
            client_message_id: ulid::Ulid::generate().to_string(),
        };
        if kind == ChangeKind::React {
            let key = on.client_message_id.clone();
            self.reacting.update_value(|keys| {
                keys.insert(key);
            });
        }
        let frame = match kind {
            ChangeKind::Edit => ClientFrame::Edit { on, body: text },
            ChangeKind::Delete => ClientFrame::Delete { on },
            ChangeKind::React => ClientFrame::React { on, emoji: text },
            ChangeKind::Unreact => ClientFrame::Unreact { on, emoji: text },
            ChangeKind::Pin => ClientFrame::Pin { on },
            ChangeKind::Unpin => ClientFrame::Unpin { on },
        };
        self.error.set(None);
        self.command(Command::Frame(frame));
    }

    /// The reader's last message in the shown channel that they may still edit under the campaign's `rules`,
    /// for Up in an empty composer.
    pub fn last_editable(
        &self,
        reader: &crate::domain::ids::UserId,
        rules: change::MessageRules,
        now: i64,
    ) -> Option<MessageId> {
        let asker = change::Asker {
            user: reader,
            role: crate::domain::campaign::Role::Player,
            rules,
            now,
        };
        let last = self.messages.with_untracked(|all| {
            all.values()
                .rev()
                .find(|m| m.sender_id.as_ref() == Some(reader))
                .cloned()
        })?;
        let state = self
            .states
            .with_untracked(|s| s.get(&last.message_id).cloned().unwrap_or_default());
        change::permitted(ChangeKind::Edit, "", &asker, &last, &state)
            .ok()
            .map(|()| last.message_id)
    }
}
