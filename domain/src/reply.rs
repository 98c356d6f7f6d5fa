//! Replies: a message that answers an earlier one carries a [`Quote`] of it, shown above its text and clicked
//! to jump to the original.
//!
//! The quote is a fact about the original, so it obeys the original's audience: a reply (public, say) to a
//! whisper reaches people who may not see the whisper, and they get [`Reply::Hidden`] ("a message you cannot
//! see") with no id, no speaker and no text of it. The stored quote keeps the original's audience and sender
//! so every side decides with [`can_see`](crate::visibility::sees) and no lookup; [`Message::for_viewer`] is
//! the one place that hides it.

use super::audience::Audience;
use super::change::{ChangeKind, Reader, State};
use super::ids::{MessageId, UserId};
use super::message::Message;
use super::visibility::{sees, Viewer};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The most characters of the original's text a quote carries: a line's worth, enough to recognise it.
pub const EXCERPT_CHARS: usize = 140;

/// What a reply shows of the message it answers, for a viewer who may see that message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The original.
    pub message_id: MessageId,
    /// Where it stands in the channel, to jump to it (`chat.history.around`).
    pub sequence_id: i64,
    /// Who said it, as its speaker label read.
    pub speaker: String,
    /// The start of its text as it is now; empty once deleted for a reader who does not keep deleted text.
    pub excerpt: String,
    /// Whether the original has been deleted since.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// The original's sender and audience, so the quote is visible exactly to those who see the original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<UserId>,
    /// See `sender_id`.
    pub audience: Audience,
}

/// What a reply carries about its original, as one viewer receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// The original, for a viewer who may see it.
    Quote(Box<Quote>),
    /// The original exists but this viewer may not see it: nothing else is said about it.
    Hidden,
}

impl Quote {
    /// The quote of `original` as it is now (`state`, projected for `reader`).
    pub fn of(original: &Message, state: &State, reader: Reader) -> Self {
        let deleted = state.deleted.is_some();
        let text = match &original.roll {
            Some(roll) => format!("{} = {}", roll.label.as_deref().unwrap_or(&roll.notation), roll.total),
            None => original.body.clone(),
        };
        let withheld = deleted && reader == Reader::Member;
        Self {
            message_id: original.message_id.clone(),
            sequence_id: original.sequence_id,
            speaker: original.actor.label.clone(),
            excerpt: if withheld { String::new() } else { excerpt(&text) },
            deleted,
            sender_id: original.sender_id.clone(),
            audience: original.audience.clone(),
        }
    }

    /// Whether `viewer` may see the quoted message.
    pub fn visible_to(&self, viewer: &Viewer) -> bool {
        sees(viewer, self.sender_id.as_ref(), &self.audience)
    }

    /// Follows a later change to an original the reader does not hold (live, in the browser): an edit by its
    /// sender changes the excerpt, a delete marks it (and withholds its text from a member). Where the original
    /// is held, [`requote`] from its projection instead.
    pub fn follow(&mut self, change: &Message, reader: Reader) {
        let Some(what) = change.change.as_ref().filter(|c| c.target == self.message_id) else {
            return;
        };
        match what.kind {
            ChangeKind::Edit if !self.deleted && change.sender_id == self.sender_id => {
                self.excerpt = excerpt(&change.body)
            }
            ChangeKind::Delete => {
                self.deleted = true;
                if reader == Reader::Member {
                    self.excerpt.clear();
                }
            }
            _ => {}
        }
    }
}

/// Brings every quote of `original` among `held` to the original as it is now (`state`, projected for
/// `reader`): what a reader does when a changed original arrives (live or in a replay), so a reply far below
/// shows the edit or the delete too.
pub fn requote<'a>(held: impl IntoIterator<Item = &'a mut Message>, original: &Message, state: &State, reader: Reader) {
    for message in held {
        if let Some(Reply::Quote(quote)) = message.reply.as_mut() {
            if quote.message_id == original.message_id {
                **quote = Quote::of(original, state, reader);
            }
        }
    }
}

/// The first [`EXCERPT_CHARS`] characters of `text` on one line, with an ellipsis when cut.
pub fn excerpt(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

impl Message {
    /// The quote this reply carries, when it carries one.
    pub fn quote(&self) -> Option<&Quote> {
        match &self.reply {
            Some(Reply::Quote(quote)) => Some(quote),
            _ => None,
        }
    }

    /// The message as `viewer` may receive it (the caller has checked `can_see` of the message itself): a
    /// reply whose original the viewer may not see carries [`Reply::Hidden`] instead of the quote.
    pub fn for_viewer(&self, viewer: &Viewer) -> Cow<'_, Message> {
        match self.quote() {
            Some(quote) if !quote.visible_to(viewer) => {
                let mut hidden = self.clone();
                hidden.reply = Some(Reply::Hidden);
                Cow::Owned(hidden)
            }
            _ => Cow::Borrowed(self),
        }
    }
}

#[cfg(test)]
#[path = "reply_tests.rs"]
mod tests;
