//! The off-game lane: every campaign has `#general`, which works with no session at all, refuses the in-game
//! voices, and never writes the game journal.

use crate::support::TestServer;

#[tokio::test]
async fn general_works_without_a_session_and_stays_out_of_the_game_journal() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let game = &server.state.game;
    let campaign = game.create_campaign(&gm.id, "Between Sessions").await.unwrap();
    let code = game.create_invite(&gm.id, &campaign).await.unwrap();
    game.accept_invite(&alice.id, &code).await.unwrap();
    let lyra = game.create_character(&alice.id, &campaign, "Lyra").await.unwrap();
    let view = game.campaign_view(&alice.id, &campaign).await.unwrap();
    assert!(view.sessions.is_empty(), "no session exists");
    assert_eq!(view.table_channels.len(), 1);
    assert_eq!(view.table_channels[0].name, "general");
    let general = view.table_channels[0].id.clone();
    // #general already tells of alice joining and creating Lyra (sequence ids 1 and 2).
    server.settle_notices().await;

    let mut gm_socket = server.connect(&gm_token).await;
    let mut alice_socket = server.connect(&alice_token).await;
    let joined = gm_socket.join(&general, Some(2)).await;
    assert!(joined.get("room").is_none(), "a table channel has no session room");
    alice_socket.join(&general, Some(2)).await;

    let ack = alice_socket.say(&general, "g1", "Same time next week?").await;
    assert_eq!(ack["type"], "chat.ack", "{ack}");
    let heard = gm_socket.next_of("chat.message").await;
    assert_eq!(heard["message"]["body"], "Same time next week?");
    let roll = alice_socket
        .say(&general, "g2", "/roll 1d20 for initiative order")
        .await;
    assert_eq!(roll["type"], "chat.ack");

    let in_character = alice_socket
        .say_with(
            &general,
            "g3",
            "In character?",
            serde_json::json!({"mode": "character", "character_id": lyra}),
        )
        .await;
    assert_eq!(in_character["code"], "mode_not_allowed");
    let narration = gm_socket.say(&general, "g4", "/desc The tavern empties.").await;
    assert_eq!(narration["code"], "not_permitted");
    let session_command = gm_socket.say(&general, "g5", "/session start").await;
    assert_eq!(session_command["code"], "not_permitted");

    let facts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM game_events WHERE kind IN ('chat_message', 'roll')")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(facts, 0, "off-game messages and rolls live only in the chat journal");
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND sender_id IS NOT NULL")
            .bind(general.as_str())
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!(stored, 2);

    // A stranger cannot read it.
    let (_, mallory_token) = server.user("mallory").await;
    let mut mallory = server.connect(&mallory_token).await;
    mallory
        .send(serde_json::json!({"type": "chat.join", "channel_id": general}))
        .await;
    assert_eq!(mallory.next_of("chat.error").await["code"], "not_found");
}
