//! `chat.typing` over real sockets: told only to those who would see the message being written (a whisper's
//! targets and, when the campaign lets them, its GMs; GM-only lines to GMs), never to the writer, refused when
//! it floods or names a channel the writer may not read, and carried between instances by the bus.

use crate::message_changes::{table, until_pong, wire_text, Table};
use crate::several_instances::{cluster, several_instances};
use serde_json::{json, Value};

fn typing(channel: &app::domain::ids::ChannelId, audience: Value) -> Value {
    json!({"type": "chat.typing", "channel_id": channel, "audience": audience})
}

fn typings(frames: &[Value]) -> Vec<&Value> {
    frames.iter().filter(|f| f["type"] == "chat.typing").collect()
}

#[tokio::test]
async fn typing_reaches_exactly_those_who_would_see_the_message() {
    let mut t = table().await;
    let (channel, gm, alice, bob) = (t.channel.clone(), t.gm.clone(), t.alice.clone(), t.bob.clone());
    let (gm_socket, alice_socket, bob_socket) = (&mut t.gm_socket, &mut t.alice_socket, &mut t.bob_socket);
    for socket in [&mut *gm_socket, &mut *alice_socket, &mut *bob_socket] {
        socket.join(&channel, None).await;
        until_pong(socket).await;
    }

    // Alice whispers to Bob: Bob learns it; the GM does not (GMs do not read whispers in this campaign), nor
    // does Alice's own wire.
    let to_bob = json!({"scope": "targets", "targets": [{"kind": "user", "id": bob.id}]});
    alice_socket.send(typing(&channel, to_bob.clone())).await;
    // A socket answers its frames in order: after Alice's pong her typing has been handed to every queue.
    assert!(typings(&until_pong(alice_socket).await).is_empty());
    let bobs = until_pong(bob_socket).await;
    let told = typings(&bobs);
    assert_eq!(told.len(), 1, "{bobs:?}");
    assert_eq!(told[0]["user_id"], alice.id.as_str());
    assert_eq!(told[0]["label"], "alice");
    assert_eq!(told[0]["audience"]["targets"], json!([bob.id]));
    assert!(typings(&until_pong(gm_socket).await).is_empty());

    // Once GMs read whispers, the GM learns of the next one too.
    t.server
        .state
        .game
        .set_gm_sees_whispers(&gm.id, &t.campaign, true)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    alice_socket.send(typing(&channel, to_bob)).await;
    until_pong(alice_socket).await;
    assert_eq!(typings(&until_pong(gm_socket).await).len(), 1);
    assert_eq!(typings(&until_pong(bob_socket).await).len(), 1);

    // Bob writes to the GMs only: Alice never learns that anything is being written.
    bob_socket.send(typing(&channel, json!("gm_only"))).await;
    until_pong(bob_socket).await;
    assert_eq!(typings(&until_pong(gm_socket).await).len(), 1);
    let alices = until_pong(alice_socket).await;
    assert!(!wire_text(&alices).contains("chat.typing"), "{alices:?}");

    // The GM speaks to everyone: both players hear it, under the GM's voice.
    gm_socket
        .send(json!({"type": "chat.typing", "channel_id": channel, "mode": "gm"}))
        .await;
    until_pong(gm_socket).await;
    for socket in [&mut *alice_socket, &mut *bob_socket] {
        let frames = until_pong(socket).await;
        let told = typings(&frames);
        assert_eq!(told.len(), 1, "{frames:?}");
        assert_eq!(told[0]["user_id"], gm.id.as_str());
    }
}

#[tokio::test]
async fn a_typing_flood_and_a_foreign_channel_are_refused_for_the_writer_alone() {
    let Table {
        channel,
        mut gm_socket,
        mut alice_socket,
        server: _server,
        ..
    } = table().await;
    for socket in [&mut gm_socket, &mut alice_socket] {
        socket.join(&channel, None).await;
        until_pong(socket).await;
    }
    alice_socket.send(typing(&channel, json!("all"))).await;
    alice_socket.send(typing(&channel, json!("all"))).await;
    let alices = until_pong(&mut alice_socket).await;
    let refusal = alices
        .iter()
        .find(|f| f["type"] == "chat.error")
        .expect("the second is refused");
    assert_eq!(refusal["code"], "rate_limited");
    assert!(refusal["retry_after_ms"].as_u64().unwrap() <= 1_000, "{refusal}");
    assert_eq!(
        typings(&until_pong(&mut gm_socket).await).len(),
        1,
        "only the first reaches the GM"
    );

    // The GM's own typing is unaffected by Alice's flood.
    gm_socket.send(typing(&channel, json!("all"))).await;
    until_pong(&mut gm_socket).await;
    assert_eq!(typings(&until_pong(&mut alice_socket).await).len(), 1);

    // A channel Alice may not read answers as if it did not exist; a voice she may not use is refused.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    alice_socket
        .send(typing(&"01NOSUCHCHANNEL0000000000".into(), json!("all")))
        .await;
    let answer = until_pong(&mut alice_socket).await;
    assert_eq!(answer[0]["code"], "not_found", "{answer:?}");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    alice_socket
        .send(json!({"type": "chat.typing", "channel_id": channel, "mode": "gm"}))
        .await;
    let answer = until_pong(&mut alice_socket).await;
    assert_eq!(answer[0]["code"], "mode_not_allowed", "{answer:?}");
    assert!(typings(&until_pong(&mut gm_socket).await).is_empty());
}

#[tokio::test]
async fn typing_crosses_instances_within_its_audience() {
    if !several_instances() {
        return;
    }
    let cluster = cluster().await;
    let mut alice = cluster.seat(1, 0).await;
    let mut bob = cluster.seat(2, 1).await;
    let mut carol = cluster.seat(3, 2).await;
    let bob_id = cluster.users[2].0.id.clone();
    let to_bob = json!({"scope": "targets", "targets": [{"kind": "user", "id": bob_id}]});
    alice.send(typing(&cluster.room, to_bob)).await;
    let told = bob.next_of("chat.typing").await;
    assert_eq!(told["user_id"], cluster.users[1].0.id.as_str());
    // Carol's instance heard the frame too (it has a subscriber in the room) and kept it from her.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(typings(&until_pong(&mut carol).await).is_empty());
}
