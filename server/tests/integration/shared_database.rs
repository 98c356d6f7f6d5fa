//! Several instances over one Postgres database, each with its own writer (issue 15): sequence ids stay
//! gap-free and strictly increasing per channel, and a key sent to two instances at once is stored once.
//!
//! These are properties of the shared database. On SQLite, one instance owns its file (`docs/deploy.md`): in
//! the SQLite pass of the suite these tests check only that they are on SQLite; the Postgres pass
//! (`scripts/test.sh`) runs them for real.

use crate::support::{on_postgres, TestServer};
use app::domain::frames::ServerFrame;
use app::domain::ids::ChannelId;
use app::domain::views::UserSummary;
use server::chat::SendRequest;
use std::collections::HashSet;

/// Instances writing at once in the tests below.
const INSTANCES: usize = 3;

/// The ids an ack names, and whether it was a duplicate.
fn ack(answer: Result<ServerFrame, app::domain::Problem>) -> (String, i64, bool) {
    match answer.expect("stored") {
        ServerFrame::Ack {
            message_id,
            sequence_id,
            duplicate,
            ..
        } => (message_id, sequence_id, duplicate),
        other => panic!("unexpected answer {other:?}"),
    }
}

/// Whether this pass can run the shared-database tests; on SQLite says why not.
fn shared_database() -> bool {
    if !on_postgres() {
        eprintln!("several instances share a Postgres database only; this pass is on SQLite");
    }
    on_postgres()
}

#[tokio::test]
async fn writers_of_several_instances_give_out_every_sequence_id_once_and_in_order() {
    if !shared_database() {
        return;
    }
    let first = TestServer::start().await;
    let (gm, _) = first.user("gamemaster").await;
    let mut players: Vec<UserSummary> = Vec::new();
    for index in 0..INSTANCES {
        players.push(first.user(&format!("player{index}")).await.0);
    }
    let player_refs: Vec<&UserSummary> = players.iter().collect();
    let (campaign, _, room) = first.table(&gm, &player_refs, true).await;
    let view = first.state.game.campaign_view(&gm.id, &campaign).await.unwrap();
    let general = view.table_channels[0].id.clone();
    let mut instances = vec![first];
    for _ in 1..INSTANCES {
        let next = instances[0].beside().await;
        instances.push(next);
    }
    // Every instance's player sends bursts to two channels at once; the writers' batches interleave.
    let per_sender = 60;
    let mut sends = Vec::new();
    for (index, instance) in instances.iter().enumerate() {
        let player = &players[index];
        for n in 0..per_sender {
            let channel = if n % 2 == 0 { &room } else { &general };
            let request = SendRequest::text(channel, &format!("{index}-{n}"), &format!("line {n} from {index}"));
            sends.push(instance.state.chat.send(player, request));
        }
    }
    let answers: Vec<(String, i64, bool)> = futures::future::join_all(sends).await.into_iter().map(ack).collect();
    assert!(answers.iter().all(|(_, _, duplicate)| !duplicate));
    let ids: HashSet<&String> = answers.iter().map(|(id, _, _)| id).collect();
    assert_eq!(ids.len(), answers.len(), "every send stored its own message");
    for channel in [&room, &general] {
        let sequences: Vec<i64> =
            sqlx::query_scalar("SELECT sequence_id FROM messages WHERE channel_id = $1 ORDER BY sequence_id")
                .bind(channel.as_str())
                .fetch_all(&instances[0].pool)
                .await
                .unwrap();
        let expected: Vec<i64> = (1..=sequences.len() as i64).collect();
        assert_eq!(sequences, expected, "gap-free from 1 in {channel}");
    }
    let members_said: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE sender_id IS NOT NULL")
        .fetch_one(&instances[0].pool)
        .await
        .unwrap();
    assert_eq!(
        members_said as usize,
        INSTANCES * per_sender,
        "exactly the acked sends were stored"
    );
}

#[tokio::test]
async fn one_key_sent_to_several_instances_at_once_is_stored_once() {
    if !shared_database() {
        return;
    }
    let first = TestServer::start().await;
    let (gm, _) = first.user("gamemaster").await;
    let (_, _, room) = first.table(&gm, &[], true).await;
    let mut instances = vec![first];
    for _ in 1..INSTANCES {
        let next = instances[0].beside().await;
        instances.push(next);
    }
    for round in 0..20 {
        let key = format!("retry-{round}");
        let sends = instances.iter().flat_map(|instance| {
            let request = SendRequest::text(&room, &key, "Said once, whichever instance hears it.");
            [
                instance.state.chat.send(&gm, request.clone()),
                instance.state.chat.send(&gm, request),
            ]
        });
        let answers: Vec<(String, i64, bool)> = futures::future::join_all(sends).await.into_iter().map(ack).collect();
        let named: HashSet<(&String, i64)> = answers.iter().map(|(id, sequence, _)| (id, *sequence)).collect();
        assert_eq!(named.len(), 1, "every instance answers with the original: {answers:?}");
        assert_eq!(answers.iter().filter(|(_, _, duplicate)| !duplicate).count(), 1);
        let stored: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND client_message_id = $2")
                .bind(room.as_str())
                .bind(&key)
                .fetch_one(&instances[0].pool)
                .await
                .unwrap();
        assert_eq!(stored, 1, "round {round}");
    }
}

/// One instance with a GM, a player and an active session: the server, the player, the session room and
/// `#general`.
async fn one_table() -> (TestServer, UserSummary, ChannelId, ChannelId) {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gamemaster").await;
    let (player, _) = server.user("player").await;
    let (campaign, _, room) = server.table(&gm, &[&player], true).await;
    let view = server.state.game.campaign_view(&gm.id, &campaign).await.unwrap();
    let general = view.table_channels[0].id.clone();
    (server, player, room, general)
}

/// The sequence id a send is acked with, which must come within `seconds`.
async fn acked_within(
    seconds: u64,
    send: impl std::future::Future<Output = Result<ServerFrame, app::domain::Problem>>,
    why: &str,
) -> i64 {
    let answer = tokio::time::timeout(std::time::Duration::from_secs(seconds), send).await;
    ack(answer.expect(why)).1
}

/// A batch does not wait for a channel whose counter another instance holds: sends of other channels are
/// stored meanwhile, and the held channel's send is stored once the holder commits (chat::counters). Before
/// the writer skipped held counters, the whole batch waited, and every send behind it.
#[tokio::test]
async fn a_channel_held_by_another_instance_does_not_hold_up_other_channels() {
    if !shared_database() {
        return;
    }
    let (server, player, room, general) = one_table().await;
    let mut last = Vec::new();
    for channel in [&room, &general] {
        let request = SendRequest::text(channel, &format!("first-{channel}"), "hello");
        last.push(ack(server.state.chat.send(&player, request).await).1);
    }
    // Another instance's batch, as far as this writer can tell: the room's counter locked, uncommitted.
    let mut holder = server.pool.begin().await.unwrap();
    sqlx::query("SELECT last_sequence_id FROM channel_sequences WHERE channel_id = $1 FOR UPDATE")
        .bind(room.as_str())
        .execute(&mut *holder)
        .await
        .unwrap();
    let held = tokio::spawn({
        let chat = server.state.chat.clone();
        let (player, room) = (player.clone(), room.clone());
        async move {
            chat.send(&player, SendRequest::text(&room, "held", "in the held room"))
                .await
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let other = server
        .state
        .chat
        .send(&player, SendRequest::text(&general, "free", "in general"));
    let sequence = acked_within(
        2,
        other,
        "a send of another channel is stored while the room's counter is held",
    )
    .await;
    assert_eq!(sequence, last[1] + 1);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!held.is_finished(), "the held room's send waits for the holder");
    holder.rollback().await.unwrap();
    let (_, sequence, _) = ack(tokio::time::timeout(std::time::Duration::from_secs(5), held)
        .await
        .expect("stored once the holder is gone")
        .unwrap());
    assert_eq!(sequence, last[0] + 1, "the room's sequence goes on without a gap");
    let (_, _, page) = server.get("/metrics", None).await;
    let deferred = crate::operations::sample(&page, "chat_sends_deferred_total").unwrap_or(0.0);
    assert!(deferred >= 1.0, "the send left for a later batch is counted");
}

/// A counter missing under the writer (removed behind its back: the cascade of a deleted channel does the
/// same) never leaves a send waiting forever: for a channel that still exists the counter is made again from
/// the stored messages and the send is stored with the next sequence id.
#[tokio::test]
async fn a_removed_counter_is_made_again_from_the_stored_messages() {
    if !shared_database() {
        return;
    }
    let (server, player, room, _) = one_table().await;
    let first = ack(server
        .state
        .chat
        .send(&player, SendRequest::text(&room, "before", "before"))
        .await)
    .1;
    sqlx::query("DELETE FROM channel_sequences WHERE channel_id = $1")
        .bind(room.as_str())
        .execute(&server.pool)
        .await
        .unwrap();
    let after = server
        .state
        .chat
        .send(&player, SendRequest::text(&room, "after", "after"));
    let sequence = acked_within(5, after, "answered, not left waiting").await;
    assert_eq!(sequence, first + 1);
}
