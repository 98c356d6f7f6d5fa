//! Changes to earlier messages (edits, deletes, reactions, pins) and showing messages as they are now.
//!
//! A change is stored like a send: through the writer, with its own sequence id and idempotency key, as a row
//! that names the message it changes (`domain::change`). It carries that message's audience and sender, so the
//! hub, replay and exports filter it with `can_see` exactly as they filter the message, and a viewer who may not
//! see a message learns nothing of its changes: asking to change it is answered `not_found`, like a message
//! that does not exist. Pages and replays send each message as it is now (its projection), so a client that was
//! away finds edits, deletes and reactions with the one cursor it already keeps.

use super::commands::{Again, Committing};
use super::{journal, ChatService};
use crate::store::OrInternal;
use app::domain::actor::Actor;
use app::domain::campaign::Role;
use app::domain::change::{self, Asker, Change, ChangeKind, Reader, State};
use app::domain::frames::{ChangeTarget, ServerFrame};
use app::domain::ids::{ChannelId, MessageId};
use app::domain::markup;
use app::domain::mentions;
use app::domain::message::{Message, MessageKind, NewMessage};
use app::domain::validate;
use app::domain::views::UserSummary;
use app::domain::visibility::{can_see, Viewer};
use app::domain::{ErrorCode, Problem};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a change frame asks for.
#[derive(Debug, Clone)]
pub struct ChangeRequest {
    /// The message, its channel and the change's idempotency key.
    pub on: ChangeTarget,
    /// What to do.
    pub kind: ChangeKind,
    /// The new text of an edit, or the emoji of a reaction; empty otherwise.
    pub text: String,
}

/// How a viewer reads projections: GMs keep deleted text and earlier versions.
pub fn reader_of(viewer: &Viewer) -> Reader {
    match viewer.role {
        Role::Gm => Reader::Gm,
        _ => Reader::Member,
    }
}

impl ChatService {
    /// Validates and authorises a change against the message as it is now, and hands it to the writer: the ack
    /// follows the commit, like a send's. A message the user may not see is `not_found`, as a missing one is.
    #[tracing::instrument(name = "chat.change", level = "debug", skip_all, fields(channel_id = %request.on.channel_id))]
    pub async fn begin_change(&self, user: &UserSummary, request: ChangeRequest) -> Result<Committing, Problem> {
        let (key, decided_under) = self.admit(&request.on.client_message_id)?;
        let channel = &request.on.channel_id;
        let access = self.access(user, channel).await?;
        let (target, state) = self
            .current(&access.viewer, channel, &request.on.message_id)
            .await?
            .ok_or_else(|| Problem::not_found("message"))?;
        let text = match request.kind {
            ChangeKind::React | ChangeKind::Unreact => change::emoji(&request.text)?,
            ChangeKind::Edit => {
                validate::body(&request.text)?;
                if !markup::same_inline_rolls(&target.body, &request.text) {
                    return Err(Problem::new(
                        ErrorCode::NotEditable,
                        "An edit cannot add, change or remove inline rolls: a roll is a fact of the game.",
                        "Keep the [[dice]] as they were, or send a new message to roll again.",
                    ));
                }
                request.text.trim_end().to_owned()
            }
            _ => String::new(),
        };
        let facts = self.roster.facts(self.game.as_ref(), &access.campaign_id).await?;
        let asker = Asker {
            user: &user.id,
            role: access.viewer.role,
            rules: facts.message_rules,
            now: crate::store::now_ms(),
        };
        change::permitted(request.kind, &text, &asker, &target, &state)?;
        let mentions = match request.kind {
            ChangeKind::Edit => mentions::resolve(&text, &facts)?,
            _ => Vec::new(),
        };
        let name = facts
            .member(&user.id)
            .map_or(user.username.as_str(), |m| m.name.as_str());
        let message = NewMessage {
            channel_id: channel.clone(),
            kind: MessageKind::Change,
            actor: Actor::participant(user.id.as_str(), name),
            sender_id: Some(user.id.clone()),
            body: text,
            mentions,
            audience: target.audience.clone(),
            roll: None,
            client_message_id: Some(key.clone()),
            change: Some(Change {
                kind: request.kind,
                target: target.message_id.clone(),
                target_sender: target.sender_id.clone(),
            }),
            inline_rolls: Vec::new(),
            reply: None,
        };
        let again = self
            .shared_database
            .then(|| Box::new(Again::Change(user.clone(), request.clone())));
        Ok(Committing {
            taken: self.writer.take(message, Vec::new(), decided_under)?,
            channel_id: channel.clone(),
            key,
            again,
        })
    }

    /// A message `viewer` may see, with its state as a GM reads it (every change applied, nothing withheld),
    /// for deciding a change; `None` when it does not exist, is a change, or is hidden from the viewer.
    pub(super) async fn current(
        &self,
        viewer: &Viewer,
        channel: &ChannelId,
        id: &MessageId,
    ) -> Result<Option<(Message, State)>, Problem> {
        let mut conn = self.pool.acquire().await.or_internal()?;
        let (found, changes) = journal::with_changes(&mut conn, channel, id).await.or_internal()?;
        let Some(target) = found.filter(|m| !m.is_change() && can_see(viewer, m)) else {
            return Ok(None);
        };
        let (_, state) = change::project(target.clone(), &changes, Reader::Gm);
        Ok(Some((target, state)))
    }

    /// `messages` (visible to `viewer`, none a change) as they are now for the viewer: each with every change
    /// to it applied and its reply's quote as the viewer may know it, and the states of those that changed, by
    /// message id.
    pub(super) async fn as_now(
        &self,
        viewer: &Viewer,
        channel: &ChannelId,
        messages: Vec<Message>,
    ) -> Result<(Vec<Message>, BTreeMap<MessageId, State>), Problem> {
        let mut conn = self.pool.acquire().await.or_internal()?;
        let ids: Vec<&MessageId> = messages.iter().map(|m| &m.message_id).collect();
        let changes = journal::changes_of(&mut conn, channel, &ids).await.or_internal()?;
        let mut by_target: HashMap<&MessageId, Vec<&Message>> = HashMap::new();
        for change in &changes {
            if let Some(what) = &change.change {
                by_target.entry(&what.target).or_default().push(change);
            }
        }
        drop(conn);
        let reader = reader_of(viewer);
        let mut states = BTreeMap::new();
        let mut now = Vec::with_capacity(messages.len());
        for message in messages {
            let Some(changes) = by_target.get(&message.message_id) else {
                now.push(message);
                continue;
            };
            let (message, state) = change::project(message, changes.iter().copied(), reader);
            if !state.is_untouched() {
                states.insert(message.message_id.clone(), state);
            }
            now.push(message);
        }
        self.quotes_as_now(viewer, channel, &mut now).await?;
        Ok((now, states))
    }

    /// The frames that replay `rows` (one read of a channel after a cursor, oldest first) to `viewer`: each
    /// message it may see as it is now, and for changes to messages before the read, the changed message as it
    /// is now, once, where its last change stands. Changes themselves are not replayed: an edit's earlier text
    /// or a deleted message's text never reaches a member who was away.
    pub(super) async fn replay_frames(
        &self,
        viewer: &Viewer,
        channel: &ChannelId,
        rows: Vec<Message>,
    ) -> Result<Vec<ServerFrame>, Problem> {
        let visible: Vec<Message> = rows.into_iter().filter(|m| can_see(viewer, m)).collect();
        let (said, changes): (Vec<Message>, Vec<Message>) = visible.into_iter().partition(|m| !m.is_change());
        // Changed messages outside this read, each at its last change here, read in one query.
        let here: HashSet<&MessageId> = said.iter().map(|m| &m.message_id).collect();
        let mut earlier: HashMap<MessageId, i64> = HashMap::new();
        for change in &changes {
            if let Some(what) = change.change.as_ref().filter(|what| !here.contains(&what.target)) {
                earlier.insert(what.target.clone(), change.sequence_id);
            }
        }
        let ids: Vec<&MessageId> = earlier.keys().collect();
        let mut conn = self.pool.acquire().await.or_internal()?;
        let targets = journal::by_ids(&mut conn, channel, &ids).await.or_internal()?;
        drop(conn);
        let mut positioned: Vec<(i64, Message)> = said.into_iter().map(|m| (m.sequence_id, m)).collect();
        // A change is visible exactly when its message is; the message is checked again all the same.
        positioned.extend(
            targets
                .into_iter()
                .filter(|m| can_see(viewer, m))
                .filter_map(|m| Some((*earlier.get(&m.message_id)?, m))),
        );
        positioned.sort_by_key(|(at, _)| *at);
        let messages: Vec<Message> = positioned.into_iter().map(|(_, message)| message).collect();
        let (messages, mut states) = self.as_now(viewer, channel, messages).await?;
        Ok(messages
            .into_iter()
            .map(|message| {
                let state = states.remove(&message.message_id).map(Box::new);
                ServerFrame::Message {
                    message: Box::new(message),
                    state,
                }
            })
            .collect())
    }
}
