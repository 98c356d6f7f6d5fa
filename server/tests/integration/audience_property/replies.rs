//! Replies in the audience property test: a reply to an original its sender may not see is refused as
//! `not_found`, and on every surface (live, replay, history) a reply carries its quote exactly to those who may
//! see the original, and `hidden` with nothing of it to everyone else.

use super::{Table, World};
use app::domain::campaign::Role;
use app::domain::ids::ChannelId;
use app::domain::message::Message;
use app::domain::reply::Reply;
use app::domain::views::UserSummary;
use app::domain::visibility::{can_see, Viewer};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use server::chat::{ChatService, SendRequest};
use std::collections::HashMap;

/// Every row of `channel` as stored, by message id.
pub async fn journal(chat: &ChatService, channel: &ChannelId) -> HashMap<String, Message> {
    let mut rows = HashMap::new();
    let mut cursor = 0;
    loop {
        let (read, next) = chat.read_after(channel, cursor).await.unwrap();
        rows.extend(read.into_iter().map(|m| (m.message_id.to_string(), m)));
        match next {
            Some(n) => cursor = n,
            None => return rows,
        }
    }
}

/// Whether `request` replies to a message its sender may not see (so it must be refused as `not_found`).
pub async fn unseen_original(
    world: &World,
    table: &Table,
    request: &SendRequest,
    sender: &UserSummary,
    role: Role,
) -> bool {
    let Some(original) = &request.reply_to else {
        return false;
    };
    let rows = journal(&world.state.chat, &table.channel).await;
    let viewer = Viewer {
        user_id: sender.id.clone(),
        role,
    };
    !rows
        .get(original.as_str())
        .is_some_and(|original| can_see(&viewer, original))
}

/// A received `message` carries its original's quote exactly when `viewer` may see the original.
pub fn quote_obeys(
    viewer: &Viewer,
    message: &Message,
    journal: &HashMap<String, Message>,
) -> Result<(), TestCaseError> {
    let original = journal
        .get(message.message_id.as_str())
        .and_then(Message::quote)
        .and_then(|quote| journal.get(quote.message_id.as_str()));
    match (&message.reply, original) {
        (None, None) => {}
        (Some(Reply::Quote(quote)), Some(original)) => {
            prop_assert!(
                can_see(viewer, original),
                "a quote reached a viewer who may not see its original"
            );
            prop_assert_eq!(&quote.message_id, &original.message_id);
        }
        (Some(Reply::Hidden), Some(original)) => {
            prop_assert!(
                !can_see(viewer, original),
                "a quote was hidden from a viewer who may see its original"
            );
        }
        (got, stored) => prop_assert!(false, "reply {got:?} for a stored original {stored:?}"),
    }
    Ok(())
}
