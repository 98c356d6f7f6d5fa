//! Replies and the pinned list: the two reads that show one message from inside another place (a reply's
//! quote, the channel's pins), each under the audience rule of the message shown.
//!
//! A reply stores a quote of its original with the original's audience and sender ([`Quote`]); what a viewer
//! receives is decided by `Message::for_viewer` (live, in the hub) and here (pages, replays, exports), where the
//! quote is also brought up to date: an edit since shows its new text, a delete withholds it from members.

use super::changes::reader_of;
use super::{journal, ChatService};
use crate::store::OrInternal;
use app::domain::change::{self, ChangeKind, Reader, State};
use app::domain::frames::ServerFrame;
use app::domain::ids::{ChannelId, MessageId};
use app::domain::message::Message;
use app::domain::reply::{Quote, Reply};
use app::domain::views::UserSummary;
use app::domain::visibility::{can_see, Viewer};
use app::domain::{ErrorCode, Problem};
use std::collections::{BTreeMap, HashMap};

impl ChatService {
    /// The quote a new reply to `original` carries: `not_found` when the sender may not see it (worded as for
    /// a message that does not exist), `message_deleted` once it was deleted.
    pub(super) async fn quote_for_reply(
        &self,
        viewer: &Viewer,
        channel: &ChannelId,
        original: &MessageId,
    ) -> Result<Reply, Problem> {
        let (message, state) = self
            .current(viewer, channel, original)
            .await?
            .ok_or_else(|| Problem::not_found("message"))?;
        if state.deleted.is_some() {
            return Err(Problem::new(
                ErrorCode::MessageDeleted,
                "That message was deleted; there is nothing to reply to.",
                "Send your message without the reply.",
            ));
        }
        Ok(Reply::Quote(Box::new(Quote::of(&message, &state, Reader::Gm))))
    }

    /// Brings the quotes of `messages` (visible to `viewer`) to what `viewer` may know now: hidden when the
    /// viewer may not see the original, otherwise its text as it is now (or withheld once deleted).
    pub(super) async fn quotes_as_now(
        &self,
        viewer: &Viewer,
        channel: &ChannelId,
        messages: &mut [Message],
    ) -> Result<(), Problem> {
        let mut wanted: Vec<MessageId> = Vec::new();
        for message in messages.iter_mut() {
            let Some(quote) = message.quote() else {
                continue;
            };
            match quote.visible_to(viewer) {
                true => wanted.push(quote.message_id.clone()),
                false => message.reply = Some(Reply::Hidden),
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let ids: Vec<&MessageId> = wanted.iter().collect();
        let mut conn = self.pool.acquire().await.or_internal()?;
        let originals = journal::by_ids(&mut conn, channel, &ids).await.or_internal()?;
        let changes = journal::changes_of(&mut conn, channel, &ids).await.or_internal()?;
        drop(conn);
        let reader = reader_of(viewer);
        let now: HashMap<MessageId, Quote> = originals
            .into_iter()
            .filter(|original| can_see(viewer, original))
            .map(|original| {
                let (original, state) = change::project(original, &changes, reader);
                (original.message_id.clone(), Quote::of(&original, &state, reader))
            })
            .collect();
        for message in messages.iter_mut() {
            let Some(Reply::Quote(quote)) = message.reply.as_mut() else {
                continue;
            };
            match now.get(&quote.message_id) {
                Some(current) => **quote = current.clone(),
                None => message.reply = Some(Reply::Hidden),
            }
        }
        Ok(())
    }

    /// The `chat.pins` answer for `user` (`not_found` for a channel they may not read).
    pub async fn pins(&self, user: &UserSummary, channel: &ChannelId) -> Result<ServerFrame, Problem> {
        let access = self.access(user, channel).await?;
        self.pinned(&access.viewer, channel).await
    }

    /// The `chat.pins` answer: the messages of `channel` pinned now that `viewer` may see, most recently
    /// pinned first, as they are now. A deleted message leaves the list (its pin is no longer shown).
    async fn pinned(&self, viewer: &Viewer, channel: &ChannelId) -> Result<ServerFrame, Problem> {
        let mut conn = self.pool.acquire().await.or_internal()?;
        let pins = journal::pins(&mut conn, channel).await.or_internal()?;
        drop(conn);
        // The last pin or unpin of each message decides; a pin is visible exactly when its message is.
        let mut last: HashMap<&MessageId, (ChangeKind, i64)> = HashMap::new();
        for pin in pins.iter().filter(|pin| can_see(viewer, pin)) {
            if let Some(what) = &pin.change {
                last.insert(&what.target, (what.kind, pin.sequence_id));
            }
        }
        let mut pinned: Vec<(&MessageId, i64)> = last
            .into_iter()
            .filter(|(_, (kind, _))| *kind == ChangeKind::Pin)
            .map(|(id, (_, at))| (id, at))
            .collect();
        pinned.sort_by_key(|(_, at)| std::cmp::Reverse(*at));
        let ids: Vec<&MessageId> = pinned.iter().map(|(id, _)| *id).collect();
        let mut conn = self.pool.acquire().await.or_internal()?;
        let found = journal::by_ids(&mut conn, channel, &ids).await.or_internal()?;
        drop(conn);
        let mut by_id: HashMap<MessageId, Message> = found
            .into_iter()
            .filter(|m| !m.is_change() && can_see(viewer, m))
            .map(|m| (m.message_id.clone(), m))
            .collect();
        let ordered: Vec<Message> = ids.iter().filter_map(|id| by_id.remove(*id)).collect();
        let (messages, states) = self.as_now(viewer, channel, ordered).await?;
        let (messages, states) = still_pinned(messages, states);
        Ok(ServerFrame::Pins {
            channel_id: channel.clone(),
            messages,
            states,
        })
    }
}

/// The messages whose projection is still pinned (an unpin and a delete both take a message off the list).
fn still_pinned(
    messages: Vec<Message>,
    mut states: BTreeMap<MessageId, State>,
) -> (Vec<Message>, BTreeMap<MessageId, State>) {
    let kept: Vec<Message> = messages
        .into_iter()
        .filter(|m| {
            states
                .get(&m.message_id)
                .is_some_and(|s| s.pinned.is_some() && s.deleted.is_none())
        })
        .collect();
    states.retain(|id, _| kept.iter().any(|m| &m.message_id == id));
    (kept, states)
}
