//! Off-game channels beyond `#general`: table channels the GMs add, and direct messages that only their people
//! can read (not the GMs, whatever the whisper setting), none of which enters the game journal.

use crate::support::TestServer;
use app::domain::ErrorCode;

#[tokio::test]
async fn gms_add_table_channels_with_canonical_unique_names() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gina").await;
    let (alice, alice_token) = server.user("alice").await;
    let (campaign, _, _) = server.table(&gm, &[&alice], false).await;
    let game = &server.state.game;

    let scheduling = game
        .create_table_channel(&gm.id, &campaign, " #Scheduling ")
        .await
        .unwrap();
    let again = game.create_table_channel(&gm.id, &campaign, "scheduling").await;
    assert_eq!(again.unwrap_err().code, ErrorCode::InvalidInput, "names are unique");
    let by_player = game.create_table_channel(&alice.id, &campaign, "loot").await;
    assert_eq!(by_player.unwrap_err().code, ErrorCode::Forbidden);
    let bad = game.create_table_channel(&gm.id, &campaign, "a/b").await;
    assert_eq!(bad.unwrap_err().code, ErrorCode::InvalidInput);

    let view = game.campaign_view(&alice.id, &campaign).await.unwrap();
    let names: Vec<&str> = view.table_channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["general", "scheduling"]);

    let mut gm_socket = server.connect(&gm_token).await;
    let mut alice_socket = server.connect(&alice_token).await;
    gm_socket.join(&scheduling, None).await;
    alice_socket.join(&scheduling, None).await;
    let ack = alice_socket.say(&scheduling, "s1", "Friday works for me").await;
    assert_eq!(ack["type"], "chat.ack", "{ack}");
    assert_eq!(
        gm_socket.next_of("chat.message").await["message"]["body"],
        "Friday works for me"
    );
}

#[tokio::test]
async fn direct_messages_reach_only_their_people() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gina").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, bob_token) = server.user("bob").await;
    let (stranger, _) = server.user("mallory").await;
    let (campaign, _, _) = server.table(&gm, &[&alice, &bob], true).await;
    let game = &server.state.game;
    // Even a GM who reads whispers does not read DMs: they are not part of the table.
    game.set_gm_sees_whispers(&gm.id, &campaign, true).await.unwrap();

    let dm = game
        .open_direct(&alice.id, &campaign, std::slice::from_ref(&bob.id))
        .await
        .unwrap();
    let same = game
        .open_direct(&bob.id, &campaign, &[alice.id.clone(), bob.id.clone()])
        .await
        .unwrap();
    assert_eq!(dm, same, "the same people always get the same channel");
    let group = game
        .open_direct(&alice.id, &campaign, &[bob.id.clone(), gm.id.clone()])
        .await
        .unwrap();
    assert_ne!(group, dm);

    let refused = game
        .open_direct(&alice.id, &campaign, std::slice::from_ref(&stranger.id))
        .await;
    assert_eq!(refused.unwrap_err().code, ErrorCode::UnknownTarget);
    let alone = game
        .open_direct(&alice.id, &campaign, std::slice::from_ref(&alice.id))
        .await;
    assert_eq!(alone.unwrap_err().code, ErrorCode::InvalidInput);
    let outsider = game
        .open_direct(&stranger.id, &campaign, std::slice::from_ref(&bob.id))
        .await;
    assert_eq!(outsider.unwrap_err().code, ErrorCode::NotFound);

    let alice_view = game.campaign_view(&alice.id, &campaign).await.unwrap();
    let names: Vec<&str> = alice_view.direct_channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"bob") && names.contains(&"bob, gina"), "{names:?}");
    let gm_view = game.campaign_view(&gm.id, &campaign).await.unwrap();
    assert_eq!(
        gm_view.direct_channels.len(),
        1,
        "the GM sees only the group DM they are in"
    );
    assert_eq!(gm_view.direct_channels[0].id, group);

    let mut alice_socket = server.connect(&alice_token).await;
    let mut bob_socket = server.connect(&bob_token).await;
    let mut gm_socket = server.connect(&gm_token).await;
    alice_socket.join(&dm, None).await;
    bob_socket.join(&dm, None).await;
    let ack = alice_socket.say(&dm, "d1", "Don't tell the GM").await;
    assert_eq!(ack["type"], "chat.ack");
    assert_eq!(
        bob_socket.next_of("chat.message").await["message"]["body"],
        "Don't tell the GM"
    );
    gm_socket
        .send(serde_json::json!({"type": "chat.join", "channel_id": dm}))
        .await;
    assert_eq!(gm_socket.next_of("chat.error").await["code"], "not_found");
    gm_socket
        .send(serde_json::json!({"type": "chat.send", "channel_id": dm, "client_message_id": "x", "body": "hi"}))
        .await;
    assert_eq!(gm_socket.next_of("chat.error").await["code"], "not_found");

    let facts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM game_events WHERE kind IN ('chat_message', 'roll')")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(facts, 0, "DMs never enter the game journal");

    // Someone who leaves the campaign loses its DMs too.
    game.leave_campaign(&bob.id, &campaign).await.unwrap();
    let mut bob_again = server.connect(&bob_token).await;
    bob_again
        .send(serde_json::json!({"type": "chat.join", "channel_id": dm}))
        .await;
    assert_eq!(bob_again.next_of("chat.error").await["code"], "not_found");
}

#[tokio::test]
async fn the_last_gm_cannot_leave_and_gms_cannot_remove_each_other() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gina").await;
    let (alice, _) = server.user("alice").await;
    let (campaign, _, _) = server.table(&gm, &[&alice], false).await;
    let game = &server.state.game;
    assert_eq!(
        game.leave_campaign(&gm.id, &campaign).await.unwrap_err().code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        game.remove_member(&alice.id, &campaign, &gm.id).await.unwrap_err().code,
        ErrorCode::Forbidden,
        "players cannot remove anyone"
    );
    game.remove_member(&gm.id, &campaign, &alice.id).await.unwrap();
    assert_eq!(
        game.campaign_view(&alice.id, &campaign).await.unwrap_err().code,
        ErrorCode::NotFound
    );
    server.settle_notices().await;
    let told: Vec<String> = sqlx::query_scalar("SELECT body FROM messages WHERE sender_id IS NULL ORDER BY sent_at")
        .fetch_all(&server.pool)
        .await
        .unwrap();
    assert!(
        told.contains(&"alice was removed from the campaign by gina.".to_owned()),
        "{told:?}"
    );
}
