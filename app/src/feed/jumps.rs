//! Finding a message again: a reply's quote or a pinned entry jumps to its original, loading the history
//! between it and what is shown first (`chat.history.around`, answer after answer, so the timeline never has a
//! hole), then highlights it. And the pinned list of the shown channel, loaded when its panel opens and kept
//! fresh while it is open.

use super::{ChatFeed, Command};
use crate::domain::frames::ClientFrame;
use crate::domain::message::Message;
use leptos::prelude::*;

impl ChatFeed {
    /// Brings the message at `sequence_id` into view and highlights it, loading older history first when it is
    /// above the oldest message shown.
    pub fn jump_to(&self, sequence_id: i64) {
        if self.messages.with_untracked(|m| m.contains_key(&sequence_id)) {
            self.jumping.set(None);
            self.highlight.set(Some(sequence_id));
            return;
        }
        let Some(channel_id) = self.channel.get_untracked() else {
            return;
        };
        let oldest = self.messages.with_untracked(|m| m.keys().next().copied());
        if oldest.is_some_and(|oldest| oldest < sequence_id) {
            // Between two loaded messages and not shown: hidden from this reader or gone; nothing to load.
            return;
        }
        self.jumping.set(Some(sequence_id));
        self.loading_older.set(true);
        self.command(Command::Frame(ClientFrame::HistoryAround {
            channel_id,
            sequence_id,
            until_sequence_id: oldest,
        }));
    }

    /// After a page arrived: a jump under way either found its message or asks for the next answer.
    pub(super) fn continue_jump(&self) {
        let Some(target) = self.jumping.get_untracked() else {
            return;
        };
        let oldest = self.messages.with_untracked(|m| m.keys().next().copied());
        let reached = oldest.is_none_or(|oldest| oldest <= target) || !self.has_more.get_untracked();
        if reached {
            self.jumping.set(None);
            self.highlight.set(Some(target));
        } else {
            self.jump_to(target);
        }
    }

    /// Opens the pinned list (or refreshes it while it is open).
    pub fn open_pins(&self) {
        let Some(channel_id) = self.channel.get_untracked() else {
            return;
        };
        if self.pins.with_untracked(Option::is_none) {
            self.pins.set(Some(Vec::new()));
        }
        self.command(Command::Frame(ClientFrame::Pins { channel_id }));
    }

    /// Takes the pinned list the server sent, if its panel is still open.
    pub(super) fn take_pins(&self, pinned: Vec<Message>) {
        if self.pins.with_untracked(Option::is_some) {
            self.pins.set(Some(pinned));
        }
    }
}
