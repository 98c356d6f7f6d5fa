//! Typing, both ways: this reader's composer says it is writing (at most every
//! [`TYPING_EVERY_MS`](crate::domain::typing::TYPING_EVERY_MS)), and the writers the server told this reader of
//! are shown until their time is up or their message arrives.

use super::{ChatFeed, Command};
use crate::components::times::now_ms;
use crate::domain::frames::ClientFrame;
use crate::domain::hints::SendHints;
use crate::domain::ids::UserId;
use crate::domain::typing::{after_send, due, renew, Typist, TYPING_SHOWN_MS};
use leptos::prelude::*;

impl ChatFeed {
    /// Tells the server that this reader is writing in the channel shown, when it is due again ([`due`]), with
    /// the hints of what they would send; `hints` is worked out only then, and `None` says nothing.
    pub fn typing(&self, hints: impl FnOnce() -> Option<SendHints>) {
        let Some(channel_id) = self.channel.get_untracked() else {
            return;
        };
        let now = now_ms();
        if !self.typed_at.with_value(|last| due(*last, now)) {
            return;
        }
        if let Some(hints) = hints() {
            self.typed_at.set_value(Some(now));
            self.command(Command::Frame(ClientFrame::Typing { channel_id, hints }));
        }
    }

    /// A writer the server told of: shown (or kept) until [`TYPING_SHOWN_MS`] from now.
    pub(crate) fn take_typing(&self, user_id: UserId, label: String) {
        let now = now_ms();
        let typist = Typist {
            user_id,
            label,
            until_ms: now + TYPING_SHOWN_MS as i64,
        };
        self.typists.update(|all| renew(all, typist, now));
        #[cfg(feature = "hydrate")]
        {
            let typists = self.typists;
            set_timeout(
                move || {
                    let now = now_ms();
                    typists.try_update(|all| all.retain(|t| t.until_ms > now));
                },
                std::time::Duration::from_millis(TYPING_SHOWN_MS + 50),
            );
        }
    }

    /// This reader sent what they typed: the next word says "typing" again as soon as the server takes it.
    pub(crate) fn typing_sent(&self) {
        self.typed_at.update_value(|last| *last = after_send(*last));
    }

    /// A writer's message arrived: they are no longer shown as typing.
    pub(crate) fn stopped_typing(&self, user_id: Option<&UserId>) {
        if let Some(user_id) = user_id {
            if self
                .typists
                .with_untracked(|all| all.iter().any(|t| &t.user_id == user_id))
            {
                self.typists.update(|all| all.retain(|t| &t.user_id != user_id));
            }
        }
    }
}
