//! What a player's socket receives, byte for byte: none of the GM-only messages or whispers they are not part
//! of, live, in a replay after reconnecting, or in history.

use crate::support::TestServer;
use futures::{SinkExt, StreamExt};
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// Opens a socket as `token`, sends `frames`, and returns every text byte received until `until` appears.
async fn record(server: &TestServer, token: &str, frames: Vec<serde_json::Value>, until: &str) -> String {
    let mut request = format!("ws://{}/ws", server.addr).into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", format!("tt_session={token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    for frame in frames {
        socket.send(Message::text(frame.to_string())).await.unwrap();
    }
    let mut bytes = String::new();
    while !bytes.contains(until) {
        let next = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("frames keep coming");
        if let Some(Ok(Message::Text(text))) = next {
            bytes.push_str(text.as_str());
        }
    }
    bytes
}

#[tokio::test]
async fn a_players_socket_never_carries_what_the_player_may_not_see() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, bob_token) = server.user("bob").await;
    let (carol, _) = server.user("carol").await;
    let (campaign, _, channel) = server.table(&gm, &[&alice, &bob, &carol], true).await;
    let game = &server.state.game;
    let lyra = game.create_character(&carol.id, &campaign, "Lyra").await.unwrap();

    // Alice listens live while the others talk.
    let listening = {
        let token = alice_token.clone();
        let channel = channel.clone();
        let addr_server = &server;
        async move {
            record(
                addr_server,
                &token,
                vec![json!({"type": "chat.join", "channel_id": channel})],
                "PUBLIC-END",
            )
            .await
        }
    };
    let talking = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut gm_socket = server.connect(&gm_token).await;
        let mut bob_socket = server.connect(&bob_token).await;
        let sends = [
            (true, json!({"body": "SECRET-GM-ONLY-1", "audience": "gm_only"})),
            (
                true,
                json!({"body": "SECRET-GM-AS-GM", "mode": "gm", "audience": "gm_only"}),
            ),
            (
                true,
                json!({"body": "SECRET-NPC", "mode": "narrator", "npc_name": "Hollin",
                "audience": {"scope": "targets", "targets": [{"kind": "user", "id": bob.id}]}}),
            ),
            (
                false,
                json!({"body": "SECRET-BOB-TO-CAROL",
                "audience": {"scope": "targets", "targets": [{"kind": "user", "id": carol.id}]}}),
            ),
            (
                false,
                json!({"body": "SECRET-TO-LYRA",
                "audience": {"scope": "targets", "targets": [{"kind": "character", "id": lyra}]}}),
            ),
            (false, json!({"body": "SECRET-BOB-TO-GM", "audience": "gm_only"})),
        ];
        for (n, (from_gm, mut frame)) in sends.into_iter().enumerate() {
            let socket = if from_gm { &mut gm_socket } else { &mut bob_socket };
            frame["type"] = json!("chat.send");
            frame["channel_id"] = json!(channel);
            frame["client_message_id"] = json!(format!("s{n}"));
            socket.send(frame).await;
            assert_eq!(socket.next_of("chat.ack").await["client_message_id"], format!("s{n}"));
        }
        assert_eq!(gm_socket.say(&channel, "p1", "PUBLIC-END").await["type"], "chat.ack");
    };
    let (live, ()) = tokio::join!(listening, talking);

    // A reconnect replays from the start, and history pages back over everything.
    let replay = record(
        &server,
        &alice_token,
        vec![json!({"type": "chat.join", "channel_id": channel, "last_sequence_id": 0})],
        "PUBLIC-END",
    )
    .await;
    let history = record(
        &server,
        &alice_token,
        vec![json!({"type": "chat.history.before", "channel_id": channel, "limit": 200})],
        "PUBLIC-END",
    )
    .await;

    for (what, bytes) in [("live", &live), ("replay", &replay), ("history", &history)] {
        assert!(bytes.contains("PUBLIC-END"), "{what} carries public messages");
        assert!(!bytes.contains("SECRET"), "{what} leaked a private message: {bytes}");
    }
}
