//! System notices: sessions, members and characters are told in the timeline with provenance `system`, to
//! exactly the audience the domain gives them, live and in history, exactly once.

use crate::support::{Client, TestServer};
use app::domain::campaign::SessionAction;
use serde_json::{json, Value};
use std::time::Duration;

fn bodies(frames: &[Value]) -> Vec<String> {
    frames
        .iter()
        .filter(|f| f["type"] == "chat.message")
        .map(|f| f["message"]["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn history(client: &mut Client, channel: &app::domain::ids::ChannelId) -> Vec<Value> {
    client
        .send(json!({"type": "chat.history.before", "channel_id": channel, "limit": 200}))
        .await;
    client.next_of("chat.history").await["messages"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn notices_arrive_with_system_provenance_and_their_audience_live_and_in_history() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gina").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, bob_token) = server.user("bob").await;
    let (campaign, session, room) = server.table(&gm, &[&alice, &bob], false).await;
    let game = &server.state.game;
    let general = game.campaign_view(&gm.id, &campaign).await.unwrap().table_channels[0]
        .id
        .clone();

    let mut sockets = Vec::new();
    for token in [&gm_token, &alice_token, &bob_token] {
        let mut socket = server.connect(token).await;
        socket.join(&general, Some(2)).await; // 1 and 2: alice and bob joined
        socket.join(&room, Some(0)).await;
        sockets.push(socket);
    }

    game.change_session(&gm.id, &session, SessionAction::Start)
        .await
        .unwrap();
    let wren = game.create_character(&bob.id, &campaign, "Wren").await.unwrap();
    game.rename_character(&bob.id, &wren, "Wren Ashdown").await.unwrap();
    server.settle_notices().await;
    let [gm_socket, alice_socket, bob_socket] = &mut sockets[..] else {
        unreachable!()
    };
    gm_socket.post(&general, "m1", "MARK").await;
    for socket in [&mut *alice_socket, &mut *bob_socket] {
        let frames = socket.until_message("MARK").await;
        let mut heard = bodies(&frames);
        heard.sort();
        assert_eq!(
            heard,
            [
                "MARK",
                "The session “Session” has started.",
                "The session “Session” has started; its room is open.",
                "bob created the character Wren.",
                "bob renamed the character Wren to Wren Ashdown.",
            ]
        );
        for frame in frames.iter().filter(|f| f["type"] == "chat.message") {
            let message = &frame["message"];
            if message["body"] == "MARK" {
                continue;
            }
            assert_eq!(message["actor"]["kind"], "system", "{message}");
            assert_eq!(message["actor"]["label"], "Tabletalk");
            assert!(message.get("sender_id").is_none_or(Value::is_null), "{message}");
            assert_eq!(message["audience"]["scope"], "all");
            let kind = if message["channel_id"] == json!(room) {
                "system"
            } else {
                "notification"
            };
            assert_eq!(message["kind"], kind, "{message}");
        }
    }
    gm_socket.until_message("MARK").await;

    // Bob leaves mid-session: everyone in #general hears it; in the room only the GM is told.
    game.leave_campaign(&bob.id, &campaign).await.unwrap();
    server.settle_notices().await;
    gm_socket.post(&room, "m2", "ROOM").await;
    let gm_frames = gm_socket.until_message("ROOM").await;
    let alice_frames = alice_socket.until_message("ROOM").await;
    let alert = "bob left the campaign. This happened mid-session; their characters have no player now.";
    assert!(bodies(&gm_frames).contains(&alert.to_owned()), "{gm_frames:?}");
    assert!(bodies(&gm_frames).contains(&"bob left the campaign.".to_owned()));
    assert!(
        !bodies(&alice_frames).contains(&alert.to_owned()),
        "a GM-only notice reached a player"
    );
    assert!(bodies(&alice_frames).contains(&"bob left the campaign.".to_owned()));
    let gm_alert = gm_frames.iter().find(|f| f["message"]["body"] == alert).unwrap();
    assert_eq!(gm_alert["message"]["audience"]["scope"], "gm_only");
    assert!(
        bob_socket
            .drain(Duration::from_millis(300))
            .await
            .iter()
            .all(|f| f["type"] != "chat.message"),
        "a member who left hears nothing more"
    );

    // Pause, resume and end are told in the room, even after it closed for posts.
    for action in [SessionAction::Pause, SessionAction::Start, SessionAction::End] {
        game.change_session(&gm.id, &session, action).await.unwrap();
    }
    server.settle_notices().await;
    let room_for = |messages: &[Value]| -> Vec<String> {
        messages
            .iter()
            .filter(|m| m["actor"]["kind"] == "system")
            .map(|m| m["body"].as_str().unwrap().to_owned())
            .collect()
    };
    let gm_room = room_for(&history(gm_socket, &room).await);
    let alice_room = room_for(&history(alice_socket, &room).await);
    assert_eq!(
        gm_room,
        [
            "The session “Session” has started.",
            alert,
            "The session “Session” is paused.",
            "The session “Session” goes on.",
            "The session “Session” has ended.",
        ]
    );
    let expected_for_player: Vec<String> = gm_room.iter().filter(|b| *b != alert).cloned().collect();
    assert_eq!(
        alice_room, expected_for_player,
        "history hides the GM-only notice from players"
    );

    // Notices are not game facts: the journal holds only what members said in the room.
    let facts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM game_events WHERE kind IN ('chat_message', 'roll')")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(facts, 1, "only ROOM");
}

#[tokio::test]
async fn notices_are_posted_exactly_once_even_when_the_news_is_read_again() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gina").await;
    let (alice, _) = server.user("alice").await;
    let (campaign, _, _) = server.table(&gm, &[&alice], true).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM messages WHERE sender_id IS NULL")
            .fetch_one(&server.pool)
            .await
            .unwrap()
    };
    let before = count().await;
    assert_eq!(before, 3, "alice joined; the session started (room and #general)");

    // As after a crash between posting and moving the cursor: everything is read again.
    sqlx::query("UPDATE chat_notice_cursor SET last_event_id = 0")
        .execute(&server.pool)
        .await
        .unwrap();
    server
        .state
        .game
        .create_character(&alice.id, &campaign, "Lyra")
        .await
        .unwrap();
    server.settle_notices().await;
    assert_eq!(count().await, before + 1, "only the new character's notice is new");
}
