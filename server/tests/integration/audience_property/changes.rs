//! The audience property for a message's life: random edits, deletes, reactions and pins by anyone, to any
//! member's message (or one that does not exist), after the sends. A change to a message its asker may not see
//! is refused exactly like a missing one; every live frame, replay, history page and export concerns only
//! messages the viewer may see; and what each viewer builds (live, after a resume, from a page, from an export)
//! equals the projection of the journal filtered by `can_see`.

use super::scenario::{Scenario, EMOJI};
use super::Table;
use app::domain::campaign::Role;
use app::domain::change::{self, ChangeKind, Reader, State};
use app::domain::frames::{ChangeTarget, ServerFrame};
use app::domain::ids::MessageId;
use app::domain::message::Message;
use app::domain::reply::{self, Reply};
use app::domain::visibility::{can_see, Viewer};
use app::domain::ErrorCode;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use server::chat::hub::Frame;
use server::chat::{ChangeRequest, ChatService, ExportFormat};
use std::collections::BTreeMap;
use tokio::sync::mpsc;

/// Messages by id with their state: what a viewer holds.
type Projection = BTreeMap<MessageId, (Message, State)>;

const KINDS: [ChangeKind; 6] = [
    ChangeKind::Edit,
    ChangeKind::Delete,
    ChangeKind::React,
    ChangeKind::Unreact,
    ChangeKind::Pin,
    ChangeKind::Unpin,
];

/// The whole journal of the table's channel, as stored.
async fn journal(chat: &ChatService, table: &Table) -> Vec<Message> {
    let mut rows = Vec::new();
    let mut cursor = 0;
    loop {
        let (page, next) = chat.read_after(&table.channel, cursor).await.unwrap();
        rows.extend(page);
        match next {
            Some(next) => cursor = next,
            None => return rows,
        }
    }
}

fn reader(viewer: &Viewer) -> Reader {
    if viewer.role == Role::Gm {
        Reader::Gm
    } else {
        Reader::Member
    }
}

/// Members' messages `viewer` may see, as they are after the journal's rows up to `upto`.
fn expected(rows: &[Message], viewer: &Viewer, upto: i64) -> Projection {
    let rows: Vec<&Message> = rows
        .iter()
        .filter(|m| m.sequence_id <= upto && can_see(viewer, m))
        .collect();
    let mut projection: Projection = rows
        .iter()
        .filter(|m| !m.is_change() && m.sender_id.is_some())
        .map(|m| {
            let changes = rows.iter().copied().filter(|c| c.is_change());
            let (message, state) = change::project((*m).clone(), changes, reader(viewer));
            (message.message_id.clone(), (message, state))
        })
        .collect();
    // A reply quotes its original as it is now, or is hidden from a viewer who may not see the original.
    let originals: Vec<(Message, State)> = projection.values().cloned().collect();
    for (original, state) in &originals {
        reply::requote(projection.values_mut().map(|(m, _)| m), original, state, reader(viewer));
    }
    for (message, _) in projection.values_mut() {
        if message.quote().is_some_and(|quote| !quote.visible_to(viewer)) {
            message.reply = Some(Reply::Hidden);
        }
    }
    projection
}

/// Takes a message as the server sent it, unless what is held is newer (the feed's rule).
fn take(held: &mut Projection, message: Message, state: State, reader: Reader) {
    if message.sender_id.is_none() {
        return;
    }
    let newer = held
        .get(&message.message_id)
        .is_some_and(|(_, s)| s.revision > state.revision);
    if !newer {
        reply::requote(held.values_mut().map(|(m, _)| m), &message, &state, reader);
        held.insert(message.message_id.clone(), (message, state));
    }
}

/// Carries out the scenario's changes, then checks every viewer.
pub async fn check(
    chat: &ChatService,
    table: &Table,
    scenario: &Scenario,
    inboxes: &mut [mpsc::Receiver<Frame>],
) -> Result<(), TestCaseError> {
    let (ops, resume_at) = (&scenario.changes, scenario.resume_at);
    let (editing_off, players_pin) = scenario.rules;
    let before = journal(chat, table).await;
    let targets: Vec<&Message> = before.iter().filter(|m| m.sender_id.is_some()).collect();
    for (n, op) in ops.iter().enumerate() {
        let (user, role) = &table.members[op.actor % table.members.len()];
        let target = op.target.and_then(|i| targets.get(i % targets.len().max(1)).copied());
        let kind = KINDS[op.kind % KINDS.len()];
        let request = ChangeRequest {
            on: ChangeTarget {
                channel_id: table.channel.clone(),
                message_id: target.map_or_else(|| MessageId::from("01NOSUCHMESSAGE"), |m| m.message_id.clone()),
                client_message_id: format!("change-{n}"),
            },
            kind,
            text: match kind {
                ChangeKind::Edit => format!("edited {n}"),
                _ => EMOJI[op.emoji].to_owned(),
            },
        };
        let answer = match chat.begin_change(user, request).await {
            Ok(committing) => committing.answer(chat).await,
            Err(problem) => Err(problem),
        };
        let viewer = Viewer {
            user_id: user.id.clone(),
            role: *role,
        };
        let sees = target.is_some_and(|m| can_see(&viewer, m));
        match answer {
            Ok(ServerFrame::Ack { .. }) => {
                prop_assert!(sees, "a change to a message its asker may not see was stored");
                prop_assert!(
                    !(editing_off && kind == ChangeKind::Edit),
                    "an edit with editing off was stored"
                );
                let pins = matches!(kind, ChangeKind::Pin | ChangeKind::Unpin);
                let may_pin = *role == Role::Gm || (*role == Role::Player && players_pin);
                prop_assert!(!pins || may_pin, "{:?} pinned under {:?}", role, scenario.rules);
            }
            Ok(other) => prop_assert!(false, "unexpected answer {other:?}"),
            Err(problem) if !sees => prop_assert_eq!(problem.code, ErrorCode::NotFound, "{:?}", problem),
            Err(problem) => {
                let allowed = [
                    ErrorCode::NotPermitted,
                    ErrorCode::NotEditable,
                    ErrorCode::MessageDeleted,
                    ErrorCode::UnknownEmoji,
                    ErrorCode::TooManyReactions,
                    ErrorCode::EditWindowClosed,
                ];
                prop_assert!(allowed.contains(&problem.code), "{:?} {:?}: {:?}", kind, role, problem);
            }
        }
    }
    let rows = journal(chat, table).await;
    let now = rows.last().map_or(0, |m| m.sequence_id);
    let cursor = rows.get(resume_at % rows.len().max(1)).map_or(0, |m| m.sequence_id);
    for ((user, role), inbox) in table.members.iter().zip(inboxes.iter_mut()) {
        let viewer = Viewer {
            user_id: user.id.clone(),
            role: *role,
        };
        let wanted = expected(&rows, &viewer, now);
        // Live: what the viewer held after the sends, and every change frame since, in order.
        let mut live = expected(&before, &viewer, i64::MAX);
        let changes_seen = rows.iter().filter(|m| m.is_change() && can_see(&viewer, m)).count();
        let mut applied = 0;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while applied < changes_seen {
            let Ok(Some(frame)) = tokio::time::timeout_at(deadline, inbox.recv()).await else {
                break;
            };
            match serde_json::from_str::<ServerFrame>(frame.as_str()) {
                Ok(ServerFrame::Change { change }) => {
                    prop_assert!(
                        can_see(&viewer, &change),
                        "a change the viewer may not see was delivered"
                    );
                    let target = change.change.as_ref().map(|c| &c.target);
                    let original = rows.iter().find(|m| Some(&m.message_id) == target);
                    prop_assert!(
                        original.is_some_and(|m| can_see(&viewer, m)),
                        "a change to a hidden message"
                    );
                    applied += 1;
                    if let Some((message, state)) = target.and_then(|t| live.get_mut(t)) {
                        change::apply(message, state, &change, reader(&viewer));
                        let (original, state) = (message.clone(), state.clone());
                        reply::requote(live.values_mut().map(|(m, _)| m), &original, &state, reader(&viewer));
                    }
                }
                Ok(ServerFrame::Message { message, .. }) => {
                    prop_assert!(
                        can_see(&viewer, &message),
                        "a message the viewer may not see was delivered"
                    );
                }
                _ => {}
            }
        }
        prop_assert_eq!(applied, changes_seen, "every change the viewer may see arrived live");
        prop_assert_eq!(&live, &wanted, "live projection of {:?}", role);

        // Resume from a cursor: what the viewer held then, and the replay.
        let mut resumed = expected(&rows, &viewer, cursor);
        let mut after = cursor;
        loop {
            let (frames, next) = chat.replay_after(&viewer, &table.channel, after).await.unwrap();
            for frame in frames {
                let ServerFrame::Message { message, state } = frame else {
                    return Err(TestCaseError::fail(format!("a replay sent {frame:?}")));
                };
                prop_assert!(can_see(&viewer, &message) && !message.is_change());
                if let Some((current, _)) = wanted.get(&message.message_id) {
                    prop_assert_eq!(
                        &message.body,
                        &current.body,
                        "a replay carried a text that is not current"
                    );
                }
                take(
                    &mut resumed,
                    *message,
                    state.map(|s| *s).unwrap_or_default(),
                    reader(&viewer),
                );
            }
            match next {
                Some(next) => after = next,
                None => break,
            }
        }
        prop_assert_eq!(&resumed, &wanted, "resumed projection of {:?} from {}", role, cursor);

        // A page and an export, as the viewer gets them.
        let ServerFrame::History {
            messages, mut states, ..
        } = chat.history(user, &table.channel, None, Some(200)).await.unwrap()
        else {
            return Err(TestCaseError::fail("no history page"));
        };
        let mut paged = Projection::new();
        for message in messages {
            prop_assert!(can_see(&viewer, &message) && !message.is_change());
            let state = states.remove(&message.message_id).unwrap_or_default();
            take(&mut paged, message, state, reader(&viewer));
        }
        prop_assert_eq!(&paged, &wanted, "history of {:?}", role);
        let export = chat
            .export(user, &table.channel, ExportFormat::Json)
            .await
            .unwrap()
            .body;
        let export: serde_json::Value = serde_json::from_str(&export).unwrap();
        let messages: Vec<Message> = serde_json::from_value(export["messages"].clone()).unwrap();
        let mut states: BTreeMap<MessageId, State> =
            serde_json::from_value(export.get("states").cloned().unwrap_or_default()).unwrap_or_default();
        let mut exported = Projection::new();
        for message in messages {
            prop_assert!(can_see(&viewer, &message) && !message.is_change());
            let state = states.remove(&message.message_id).unwrap_or_default();
            take(&mut exported, message, state, reader(&viewer));
        }
        prop_assert_eq!(&exported, &wanted, "export of {:?}", role);

        // The pinned list: exactly the viewer's messages pinned and not deleted, as they are now.
        let ServerFrame::Pins { messages, .. } = chat.pins(user, &table.channel).await.unwrap() else {
            return Err(TestCaseError::fail("no pinned list"));
        };
        let listed: BTreeMap<MessageId, Message> = messages.into_iter().map(|m| (m.message_id.clone(), m)).collect();
        let pinned: BTreeMap<MessageId, Message> = wanted
            .iter()
            .filter(|(_, (_, state))| state.pinned.is_some() && state.deleted.is_none())
            .map(|(id, (message, _))| (id.clone(), message.clone()))
            .collect();
        prop_assert_eq!(&listed, &pinned, "pinned list of {:?}", role);
    }
    Ok(())
}
