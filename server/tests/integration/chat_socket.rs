//! The session chat protocol driven over a real socket, as any client would speak it.

use crate::support::{said, TestServer};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

#[tokio::test]
async fn two_clients_exchange_messages_live() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (player, player_token) = server.user("player1").await;
    let (_, _, channel) = server.table(&gm, &[&player], true).await;

    let mut gm_socket = server.connect(&gm_token).await;
    let mut player_socket = server.connect(&player_token).await;
    let joined = gm_socket.join(&channel, None).await;
    assert_eq!(joined["room"]["status"], "active");
    player_socket.join(&channel, None).await;
    let history = player_socket.next_of("chat.history").await;
    assert!(said(&history).is_empty());
    assert_eq!(history["messages"][0]["body"], "The session “Session” has started.");

    let ack = gm_socket.say(&channel, "k1", "The bell tolls.").await;
    assert_eq!(ack["type"], "chat.ack");
    assert_eq!(ack["sequence_id"], 2, "after the session-started notice");
    let heard = player_socket.next_of("chat.message").await;
    assert_eq!(heard["message"]["body"], "The bell tolls.");
    assert_eq!(heard["message"]["actor"]["kind"], "participant");
    assert_eq!(heard["message"]["actor"]["label"], "gamemaster");
    assert_eq!(heard["message"]["audience"]["scope"], "all");
    assert_eq!(heard["message"]["message_id"], ack["message_id"]);

    let reply = player_socket.say(&channel, "p1", "I listen.").await;
    assert_eq!(reply["sequence_id"], 3);
    let heard = gm_socket.next_of("chat.message").await;
    assert!(heard["message"]["body"] == "The bell tolls." || heard["message"]["body"] == "I listen.");
}

#[tokio::test]
async fn a_retried_send_returns_the_original_ack_and_stores_once() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let mut socket = server.connect(&gm_token).await;

    let first = socket.say(&channel, "same-key", "Only once").await;
    let second = socket.say(&channel, "same-key", "Only once").await;
    assert_eq!(first["duplicate"], false);
    assert_eq!(second["duplicate"], true);
    assert_eq!(first["message_id"], second["message_id"]);
    assert_eq!(first["sequence_id"], second["sequence_id"]);

    socket
        .send(json!({"type": "chat.history.before", "channel_id": channel, "limit": 50}))
        .await;
    let history = socket.next_of("chat.history").await;
    assert_eq!(said(&history).len(), 1);
}

#[tokio::test]
async fn posting_is_refused_unless_the_session_is_active() {
    use app::domain::campaign::SessionAction;
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (_, session, channel) = server.table(&gm, &[], false).await;
    let mut socket = server.connect(&gm_token).await;
    let joined = socket.join(&channel, None).await;
    assert_eq!(joined["room"]["status"], "scheduled");

    let refused = socket.say(&channel, "k1", "Too early").await;
    assert_eq!(refused["type"], "chat.error");
    assert_eq!(refused["code"], "session_not_active");
    assert!(refused["message"].as_str().unwrap().contains("not started"));

    let game = &server.state.game;
    game.change_session(&gm.id, &session, SessionAction::Start)
        .await
        .unwrap();
    assert_eq!(socket.next_of("chat.room").await["room"]["status"], "active");
    assert_eq!(socket.say(&channel, "k2", "Now").await["type"], "chat.ack");

    game.change_session(&gm.id, &session, SessionAction::End).await.unwrap();
    assert_eq!(socket.next_of("chat.room").await["room"]["status"], "ended");
    let refused = socket.say(&channel, "k3", "Too late").await;
    assert_eq!(refused["code"], "session_not_active");
    assert!(refused["message"].as_str().unwrap().contains("ended"));

    socket
        .send(json!({"type": "chat.history.before", "channel_id": channel}))
        .await;
    let bodies: Vec<_> = said(&socket.next_of("chat.history").await)
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(bodies, ["Now"]);
}

#[tokio::test]
async fn a_reconnecting_client_resumes_without_gaps() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (player, player_token) = server.user("player1").await;
    let (_, _, channel) = server.table(&gm, &[&player], true).await;
    let mut gm_socket = server.connect(&gm_token).await;
    gm_socket.join(&channel, None).await;

    let mut player_socket = server.connect(&player_token).await;
    player_socket.join(&channel, None).await;
    for n in 1..=2 {
        gm_socket.say(&channel, &format!("a{n}"), &format!("before {n}")).await;
        player_socket.next_of("chat.message").await;
    }
    player_socket.close().await;

    for n in 1..=5 {
        gm_socket
            .say(&channel, &format!("b{n}"), &format!("while away {n}"))
            .await;
    }
    let mut player_socket = server.connect(&player_token).await;
    // Sequence 1 is the session-started notice; the player saw up to 3.
    let joined = player_socket.join(&channel, Some(3)).await;
    assert_eq!(joined["latest_sequence_id"], 8);
    let mut replayed = Vec::new();
    for _ in 0..5 {
        let frame = player_socket.next_of("chat.message").await;
        replayed.push(frame["message"]["sequence_id"].as_i64().unwrap());
    }
    assert_eq!(replayed, [4, 5, 6, 7, 8]);
    gm_socket.say(&channel, "c1", "live again").await;
    let live = player_socket.next_of("chat.message").await;
    assert_eq!(live["message"]["sequence_id"], 9);
    assert!(player_socket
        .drain(Duration::from_millis(300))
        .await
        .iter()
        .all(|f| f["type"] != "chat.message"));
}

#[tokio::test]
async fn bad_frames_get_typed_errors_and_the_socket_stays_usable() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let mut socket = server.connect(&gm_token).await;

    socket.send_raw("this is not json".into()).await;
    assert_eq!(socket.next().await["code"], "malformed_frame");
    socket.send(json!({"type": "chat.teleport"})).await;
    assert_eq!(socket.next().await["code"], "malformed_frame");
    socket.send(json!({"type": "chat.send", "channel_id": channel})).await;
    assert_eq!(socket.next().await["code"], "malformed_frame");
    socket.send_raw("x".repeat(70 * 1024)).await;
    assert_eq!(socket.next().await["code"], "frame_too_large");
    let empty = socket.say(&channel, "blank", "   ").await;
    assert_eq!(empty["code"], "invalid_body");
    let long = socket.say(&channel, "long", &"é".repeat(4001)).await;
    assert_eq!(long["code"], "invalid_body");
    let stranger = {
        socket
            .send(
                json!({"type": "chat.send", "channel_id": channel, "client_message_id": "w1", "body": "psst",
                "audience": {"scope": "targets", "targets": [{"kind": "user", "id": "01NOTAMEMBER"}]}}),
            )
            .await;
        socket.next_of("chat.error").await
    };
    let unknown_mode = socket
        .say_with(&channel, "m1", "hello", json!({"mode": "wizard"}))
        .await;
    assert_eq!(unknown_mode["code"], "invalid_input");
    assert_eq!(stranger["code"], "unknown_target");
    assert_eq!(stranger["client_message_id"], "w1");

    socket.send(json!({"type": "ping", "nonce": 42})).await;
    assert_eq!(socket.next_of("pong").await["nonce"], 42);
    assert_eq!(socket.say(&channel, "ok", "still here").await["type"], "chat.ack");
}

#[tokio::test]
async fn concurrent_senders_get_distinct_gap_free_sequence_ids() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let mut players = Vec::new();
    for n in 0..3 {
        players.push(server.user(&format!("player{n}")).await);
    }
    let refs: Vec<_> = players.iter().map(|(user, _)| user).collect();
    let (_, _, channel) = server.table(&gm, &refs, true).await;
    let mut tasks = Vec::new();
    for (index, token) in players.iter().map(|(_, t)| t.clone()).chain([gm_token]).enumerate() {
        let mut socket = server.connect(&token).await;
        let channel = channel.clone();
        tasks.push(tokio::spawn(async move {
            let mut sequences = Vec::new();
            for n in 0..15 {
                let ack = socket
                    .say(&channel, &format!("{index}-{n}"), &format!("message {n}"))
                    .await;
                sequences.push(ack["sequence_id"].as_i64().expect("acked"));
            }
            sequences
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        let sequences = task.await.unwrap();
        assert!(
            sequences.windows(2).all(|w| w[0] < w[1]),
            "one sender's messages stay in order"
        );
        all.extend(sequences);
    }
    let distinct: HashSet<_> = all.iter().copied().collect();
    assert_eq!(
        distinct,
        (2..=61).collect::<HashSet<i64>>(),
        "1 is the session-started notice"
    );
}

#[tokio::test]
async fn history_pages_backwards_from_the_latest() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let mut socket = server.connect(&gm_token).await;
    for n in 1..=120 {
        socket.say(&channel, &format!("k{n}"), &format!("line {n}")).await;
        if n % 25 == 0 {
            tokio::time::sleep(Duration::from_millis(2600)).await; // stay under the send rate limit
        }
    }
    let mut reader = server.connect(&gm_token).await;
    reader.join(&channel, None).await;
    let latest = reader.next_of("chat.history").await;
    let seqs = |page: &serde_json::Value| -> Vec<i64> {
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["sequence_id"].as_i64().unwrap())
            .collect()
    };
    // Sequence 1 is the session-started notice, so line n is sequence n + 1.
    assert_eq!(seqs(&latest), (72..=121).collect::<Vec<_>>());
    assert_eq!(latest["has_more"], true);
    reader
        .send(json!({"type": "chat.history.before", "channel_id": channel, "before_sequence_id": 72}))
        .await;
    let older = reader.next_of("chat.history").await;
    assert_eq!(seqs(&older), (22..=71).collect::<Vec<_>>());
    reader
        .send(json!({"type": "chat.history.before", "channel_id": channel, "before_sequence_id": 22}))
        .await;
    let oldest = reader.next_of("chat.history").await;
    assert_eq!(seqs(&oldest), (1..=21).collect::<Vec<_>>());
    assert_eq!(oldest["has_more"], false);
}

#[tokio::test]
async fn concurrent_writes_in_several_channels_and_the_game_all_succeed() {
    use app::domain::campaign::SessionAction;
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (campaign, _, first) = server.table(&gm, &[], true).await;
    let game = server.state.game.clone();
    let mut channels = vec![first];
    for n in 0..2 {
        let session = game
            .create_session(&gm.id, &campaign, &format!("Side {n}"))
            .await
            .unwrap();
        game.change_session(&gm.id, &session, SessionAction::Start)
            .await
            .unwrap();
    }
    let view = game.campaign_view(&gm.id, &campaign).await.unwrap();
    channels = view
        .sessions
        .iter()
        .map(|s| s.channel_id.clone())
        .chain(channels)
        .collect();
    channels.dedup();

    let mut tasks = Vec::new();
    for (index, channel) in channels.into_iter().enumerate() {
        let mut socket = server.connect(&gm_token).await;
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for n in 0..20 {
                let answer = socket.say(&channel, &format!("{index}-{n}"), "busy table").await;
                answers.push(answer.to_string());
            }
            answers
        }));
    }
    let gm_id = gm.id.clone();
    let characters = tokio::spawn(async move {
        for n in 0..20 {
            game.create_character(&gm_id, &campaign, &format!("NPC {n}"))
                .await
                .unwrap();
        }
    });
    for task in tasks {
        let answers = task.await.unwrap();
        let refused: Vec<&String> = answers.iter().filter(|a| !a.contains("\"chat.ack\"")).collect();
        assert!(refused.is_empty(), "every send committed: {refused:?}");
    }
    characters.await.unwrap();
}

#[tokio::test]
async fn members_in_a_room_hear_when_the_table_changes() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (newcomer, _) = server.user("newcomer").await;
    let (campaign, _, channel) = server.table(&gm, &[], true).await;
    let mut socket = server.connect(&gm_token).await;
    socket.join(&channel, None).await;

    let game = &server.state.game;
    let code = game.create_invite(&gm.id, &campaign).await.unwrap();
    game.accept_invite(&newcomer.id, &code).await.unwrap();
    assert_eq!(socket.next_of("chat.table").await["campaign_id"], campaign.to_string());
    game.create_character(&newcomer.id, &campaign, "Brom").await.unwrap();
    assert_eq!(socket.next_of("chat.table").await["campaign_id"], campaign.to_string());
    game.set_gm_sees_whispers(&gm.id, &campaign, true).await.unwrap();
    assert_eq!(socket.next_of("chat.table").await["campaign_id"], campaign.to_string());
    game.create_session(&gm.id, &campaign, "Session Two").await.unwrap();
    assert_eq!(socket.next_of("chat.table").await["campaign_id"], campaign.to_string());
}
