//! Typing under the audience rule: each scenario's send is also typed (with the same hints), and every member
//! hears exactly the writers whose message they would have been allowed to read, never themselves, and nothing
//! else. In the Postgres pass the members listen on another instance, so every typing frame crossed the bus.

use super::scenario::Scenario;
use super::wire::{intended_readers, wire};
use super::Table;
use app::domain::frames::ServerFrame;
use app::domain::ids::UserId;
use app::domain::visibility::{sees, Viewer};
use proptest::prelude::*;
use server::chat::hub::Frame;
use server::chat::ChatService;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Types every send of the scenario, then checks each member's typing frames.
pub async fn check(
    chat: &Arc<ChatService>,
    table: &Table,
    scenario: &Scenario,
    stranger: &UserId,
    inboxes: &mut [mpsc::Receiver<Frame>],
) -> Result<(), TestCaseError> {
    for inbox in inboxes.iter_mut() {
        while inbox.try_recv().is_ok() {}
    }
    // The writer of each typing the server took, and who may read what they write (`None`: everyone).
    let mut taken = Vec::new();
    for send in scenario.sends.iter().filter(|send| !send.blind) {
        let (writer, _) = &table.members[send.sender % table.members.len()];
        let request = wire(table, send, stranger, &[]);
        if chat.typing(writer, &table.channel, request.hints).await.is_ok() {
            taken.push((
                writer.id.clone(),
                intended_readers(table, send, scenario.gm_sees_whispers),
            ));
        }
    }
    for ((user, role), inbox) in table.members.iter().zip(inboxes.iter_mut()) {
        let viewer = Viewer {
            user_id: user.id.clone(),
            role: *role,
        };
        let mut expected: Vec<&UserId> = taken
            .iter()
            .filter(|(writer, readers)| writer != &user.id && readers.as_ref().is_none_or(|r| r.contains(&user.id)))
            .map(|(writer, _)| writer)
            .collect();
        expected.sort();
        let mut heard = Vec::new();
        // Frames from another instance come a little later: wait for the expected count (a while at most).
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while heard.len() < expected.len() {
            match tokio::time::timeout_at(deadline, inbox.recv()).await {
                Ok(Some(frame)) => heard.push(frame),
                _ => break,
            }
        }
        while let Ok(frame) = inbox.try_recv() {
            heard.push(frame);
        }
        let mut writers = Vec::new();
        for frame in &heard {
            match serde_json::from_str::<ServerFrame>(frame.as_str()) {
                Ok(ServerFrame::Typing { user_id, audience, .. }) => {
                    prop_assert!(user_id != user.id, "a writer heard their own typing");
                    prop_assert!(
                        sees(&viewer, Some(&user_id), &audience),
                        "typing reached a viewer outside it"
                    );
                    writers.push(user_id);
                }
                other => prop_assert!(false, "only typing was expected here, got {:?}", other),
            }
        }
        writers.sort();
        let expected: Vec<UserId> = expected.into_iter().cloned().collect();
        prop_assert_eq!(
            writers,
            expected,
            "{:?} heard other writers than those it may read",
            role
        );
    }
    Ok(())
}
