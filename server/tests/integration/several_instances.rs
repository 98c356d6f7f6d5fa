//! Several instances over one Postgres database and one Redis bus (issue 15): what one instance commits reaches
//! the clients of the others in order and only within its audience, a client resumes on another instance with
//! exactly what it missed, an instance hears only the channels it has subscribers for, a frame that never made
//! it onto the bus is read back from the database, and logging out or leaving a table counts on every instance.
//!
//! These need the Postgres pass with its Redis (`scripts/test.sh`); in the SQLite pass they say so and return.

use crate::support::{on_postgres, redis_url, Client, TestServer};
use app::domain::ids::ChannelId;
use app::domain::views::UserSummary;
use serde_json::{json, Value};
use std::time::Duration;

/// Whether this pass runs several instances; otherwise says why not.
pub(crate) fn several_instances() -> bool {
    let on = on_postgres() && redis_url().is_some();
    if !on {
        eprintln!("several instances need the Postgres pass with its Redis bus; this pass has neither");
    }
    on
}

/// Three instances over one database, a table of a GM and three players, each connected to a given instance.
pub(crate) struct Cluster {
    instances: Vec<TestServer>,
    pub(crate) users: Vec<(UserSummary, String)>,
    pub(crate) room: ChannelId,
    campaign: app::domain::ids::CampaignId,
}

pub(crate) async fn cluster() -> Cluster {
    let first = TestServer::start().await;
    let mut users = Vec::new();
    for name in ["gamemaster", "alice", "bob", "carol"] {
        users.push(first.user(name).await);
    }
    let players: Vec<&UserSummary> = users[1..].iter().map(|(user, _)| user).collect();
    let (campaign, _, room) = first.table(&users[0].0, &players, true).await;
    let second = first.beside().await;
    let third = first.beside().await;
    Cluster {
        instances: vec![first, second, third],
        users,
        room,
        campaign,
    }
}

impl Cluster {
    /// User `who` (0 the GM, 1 alice, 2 bob, 3 carol) connected to instance `at` and joined to the room.
    pub(crate) async fn seat(&self, who: usize, at: usize) -> Client {
        let mut client = self.instances[at].connect(&self.users[who].1).await;
        client.join(&self.room, None).await;
        client.next_of("chat.history").await;
        client
    }
}

/// The sequence ids of the `chat.message` frames among `frames`.
fn sequences(frames: &[Value]) -> Vec<i64> {
    frames
        .iter()
        .filter(|f| f["type"] == "chat.message")
        .map(|f| f["message"]["sequence_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn frames_cross_instances_in_order_and_only_to_their_audience() {
    if !several_instances() {
        return;
    }
    let table = cluster().await;
    let mut gm = table.seat(0, 0).await;
    let mut alice = table.seat(1, 1).await;
    let mut bob = table.seat(2, 2).await;
    let mut carol = table.seat(3, 2).await;

    let ack = alice.say(&table.room, "hello", "Hello, table.").await;
    assert_eq!(ack["type"], "chat.ack", "{ack}");
    for client in [&mut gm, &mut bob, &mut carol] {
        client.until_message("Hello, table.").await;
    }

    // A whisper from alice (instance 2) to bob (instance 3): carol, on bob's instance, receives nothing of it.
    let bob_id = &table.users[2].0.id;
    let whisper = json!({"audience": {"scope": "targets", "targets": [{"kind": "user", "id": bob_id}]}});
    let ack = alice
        .say_with(&table.room, "psst", "The key is under the mat.", whisper)
        .await;
    let whisper_id = ack["message_id"].as_str().unwrap().to_owned();
    bob.until_message("The key is under the mat.").await;
    alice.say(&table.room, "after", "Anyway.").await;
    let carol_saw = carol.until_message("Anyway.").await;
    let gm_saw = gm.until_message("Anyway.").await;
    for (who, frames) in [("carol", &carol_saw), ("the GM", &gm_saw)] {
        let raw = serde_json::to_string(frames).unwrap();
        assert!(
            !raw.contains("under the mat"),
            "{who} received the whisper's text: {raw}"
        );
        assert!(!raw.contains(&whisper_id), "{who} received the whisper's id: {raw}");
    }

    // Everyone sends at once from three instances: every client sees the room in sequence order, no gaps among
    // what everyone may see, nothing twice.
    let mut senders = [gm, alice, bob];
    for round in 0..20 {
        for (index, client) in senders.iter_mut().enumerate() {
            client
                .post(
                    &table.room,
                    &format!("burst-{index}-{round}"),
                    &format!("burst {index} {round}"),
                )
                .await;
        }
    }
    for client in senders.iter_mut() {
        let mut acks = 0;
        while acks < 20 {
            let frame = client.next().await;
            // A send refused for a moment (the database or the writer busy) is sent again with its key, as the
            // browser does; any other refusal fails the test.
            if frame["type"] == "chat.error"
                && ["unavailable", "overloaded"].contains(&frame["code"].as_str().unwrap_or(""))
            {
                let key = frame["client_message_id"].as_str().unwrap().to_owned();
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                client.post(&table.room, &key, &key.replace('-', " ")).await;
                continue;
            }
            assert_ne!(frame["type"], "chat.error", "{frame}");
            acks += usize::from(frame["type"] == "chat.ack");
        }
    }
    senders[0].post(&table.room, "last", "The end.").await;
    let seen = sequences(&carol.until_message("The end.").await);
    assert_eq!(seen.len(), 61, "carol saw every message of the burst once: {seen:?}");
    assert!(
        seen.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "in order, no gaps: {seen:?}"
    );
}

#[tokio::test]
async fn a_client_resumes_on_another_instance_with_exactly_what_it_missed() {
    if !several_instances() {
        return;
    }
    let table = cluster().await;
    let mut alice = table.seat(1, 0).await;
    let mut bob = table.seat(2, 2).await;
    let ack = alice.say(&table.room, "before", "Before bob left.").await;
    let last_seen = bob.until_message("Before bob left.").await;
    let last = *sequences(&last_seen).last().unwrap();
    assert_eq!(ack["sequence_id"].as_i64().unwrap(), last);
    bob.close().await;

    for n in 0..5 {
        alice
            .say(&table.room, &format!("missed-{n}"), &format!("Missed {n}."))
            .await;
    }
    let mut back = table.instances[1].connect(&table.users[2].1).await;
    back.join(&table.room, Some(last)).await;
    let replay = back.until_message("Missed 4.").await;
    assert_eq!(sequences(&replay), ((last + 1)..=(last + 5)).collect::<Vec<_>>());
    alice.say(&table.room, "live", "And now live.").await;
    let live = back.until_message("And now live.").await;
    assert_eq!(
        sequences(&live),
        vec![last + 6],
        "live frames follow the replay on the new instance"
    );
}

#[tokio::test]
async fn an_instance_hears_only_the_channels_it_has_subscribers_for() {
    if !several_instances() {
        return;
    }
    let table = cluster().await;
    let namespace = table.instances[0].namespace.clone().unwrap();
    let subscribed = || async {
        let client = redis::Client::open(redis_url().unwrap()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let counts: Vec<(String, i64)> = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(format!("{namespace}:c:{}", table.room))
            .query_async(&mut connection)
            .await
            .unwrap();
        counts[0].1
    };
    assert_eq!(subscribed().await, 0, "nobody listens yet");
    let _alice = table.seat(1, 0).await;
    let _bob = table.seat(2, 0).await;
    assert_eq!(subscribed().await, 1, "one instance holds both sockets");
    let _carol = table.seat(3, 2).await;
    assert_eq!(
        subscribed().await,
        2,
        "the middle instance has no subscriber and hears nothing"
    );
}

#[tokio::test]
async fn a_frame_that_never_reached_the_bus_is_read_back_from_the_database() {
    if !several_instances() {
        return;
    }
    let table = cluster().await;
    let mut alice = table.seat(1, 0).await;
    let mut carol = table.seat(3, 2).await;
    // Rows committed without a publish, as by an instance killed between its commit and its publish.
    let gm = &table.users[0].0;
    server::chat::backfill::backfill(&table.instances[1].pool, &table.room, gm, 3)
        .await
        .unwrap();
    alice.say(&table.room, "next", "After the hole.").await;
    let seen = carol.until_message("After the hole.").await;
    let said: Vec<i64> = sequences(&seen);
    assert_eq!(said.len(), 4, "the three lost rows, then the new message: {seen:?}");
    assert!(said.windows(2).all(|pair| pair[1] == pair[0] + 1), "{said:?}");
}

#[tokio::test]
async fn logging_out_on_one_instance_closes_that_session_everywhere() {
    if !several_instances() {
        return;
    }
    let table = cluster().await;
    let alice = &table.users[1].0;
    let (_, other_token) = table.instances[0]
        .state
        .auth
        .login(&alice.username, "correct horse battery")
        .await
        .unwrap();
    let mut on_second = table.instances[1].connect(&table.users[1].1).await;
    let mut on_third = table.instances[2].connect(&table.users[1].1).await;
    let mut other_session = table.instances[2].connect(&other_token).await;
    table.instances[0].state.auth.logout(&table.users[1].1).await.unwrap();
    let within = Duration::from_secs(2);
    assert!(
        on_second.closed_within(within).await.is_some(),
        "closed on the second instance"
    );
    assert!(
        on_third.closed_within(within).await.is_some(),
        "closed on the third instance"
    );
    assert_eq!(other_session.closed_within(Duration::from_millis(300)).await, None);
}

#[tokio::test]
async fn table_changes_on_one_instance_count_on_the_others() {
    if !several_instances() {
        return;
    }
    let table = cluster().await;
    let (gm, alice, bob) = (&table.users[0].0, &table.users[1].0, &table.users[2].0);
    let mut gm_socket = table.seat(0, 0).await;
    let mut alice_socket = table.seat(1, 1).await;
    let game = &table.instances[2].state.game;

    // The GM turns whisper reading on at the third instance: the next whisper on the second carries it.
    let whisper = json!({"audience": {"scope": "targets", "targets": [{"kind": "user", "id": bob.id}]}});
    alice_socket
        .say_with(&table.room, "w1", "Psst, before.", whisper.clone())
        .await;
    game.set_gm_sees_whispers(&gm.id, &table.campaign, true).await.unwrap();
    alice_socket.say_with(&table.room, "w2", "Psst, after.", whisper).await;
    let seen = gm_socket.until_message("Psst, after.").await;
    let whispers: Vec<_> = seen.iter().filter(|f| f["type"] == "chat.message").collect();
    assert_eq!(
        whispers.len(),
        1,
        "the GM reads only the whisper sent after the change: {seen:?}"
    );

    // Alice is removed at the third instance: her next send on the second is refused.
    game.remove_member(&gm.id, &table.campaign, &alice.id).await.unwrap();
    let refused = alice_socket.say(&table.room, "after-removal", "Still here?").await;
    assert_eq!(refused["code"], "not_found", "{refused}");
}
