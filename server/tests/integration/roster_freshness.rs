//! The chat service keeps the game authority's answers in memory (access, members, characters, settings); a
//! change must count from the very next send, never after the cache happens to expire.

use crate::support::TestServer;
use serde_json::json;

#[tokio::test]
async fn changes_to_the_table_count_from_the_next_send() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, _) = server.user("bob").await;
    let (campaign, _, channel) = server.table(&gm, &[&alice, &bob], true).await;
    let game = &server.state.game;
    let mut gm_socket = server.connect(&gm_token).await;
    gm_socket.join(&channel, None).await;
    let mut socket = server.connect(&alice_token).await;
    socket.join(&channel, None).await;

    // Fill the cache: alice whispers to bob while the GM may not read whispers.
    let whisper = json!({"audience": {"scope": "targets", "targets": [{"kind": "user", "id": bob.id}]}});
    let ack = socket.say_with(&channel, "w1", "Psst, before.", whisper.clone()).await;
    assert_eq!(ack["type"], "chat.ack");

    // The GM turns whisper reading on: the very next whisper carries it.
    game.set_gm_sees_whispers(&gm.id, &campaign, true).await.unwrap();
    socket.say_with(&channel, "w2", "Psst, after.", whisper).await;
    let seen = gm_socket.until_message("Psst, after.").await;
    let whispers: Vec<_> = seen.iter().filter(|f| f["type"] == "chat.message").collect();
    assert_eq!(whispers.len(), 1, "the GM reads only the whisper sent after the change");
    assert_eq!(whispers[0]["message"]["audience"]["gms"], true);

    // A character created a moment ago can speak at once.
    let character = game.create_character(&alice.id, &campaign, "Lyra").await.unwrap();
    let in_character = json!({"mode": "character", "character_id": character});
    let ack = socket
        .say_with(&channel, "c1", "Lyra draws her bow.", in_character)
        .await;
    assert_eq!(ack["type"], "chat.ack", "{ack}");

    // A member removed a moment ago cannot post any more.
    game.remove_member(&gm.id, &campaign, &alice.id).await.unwrap();
    let refused = socket.say(&channel, "after-removal", "Still here?").await;
    assert_eq!(refused["type"], "chat.error");
    assert_eq!(refused["code"], "not_found");
}
