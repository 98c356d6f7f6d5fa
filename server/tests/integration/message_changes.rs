//! A message's life over a real socket: edits, deletes, reactions and pins as facts with their own sequence
//! ids, seen exactly by those who see the message, refused with typed errors, applied once when retried, and
//! found after a resume as the message is now, with no earlier text on a member's wire.

use crate::support::{Client, TestServer};
use app::domain::ids::{CampaignId, ChannelId};
use app::domain::views::UserSummary;
use serde_json::{json, Value};

/// A whisper from the sender to `to` (a user id).
fn whisper_to(to: &str) -> Value {
    json!({"audience": {"scope": "targets", "targets": [{"kind": "user", "id": to}]}})
}

/// The frames' text, for checks on what crossed the wire at all.
pub(crate) fn wire_text(frames: &[Value]) -> String {
    frames.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")
}

/// Every frame until the answer to a ping sent now: a connection answers its frames in order, so everything
/// its earlier requests caused (a join's replay, a page) has arrived by then.
pub(crate) async fn until_pong(client: &mut Client) -> Vec<Value> {
    client.send(json!({"type": "ping", "nonce": 4242})).await;
    let mut frames = Vec::new();
    loop {
        let frame = client.next().await;
        if frame["type"] == "pong" && frame["nonce"] == 4242 {
            return frames;
        }
        frames.push(frame);
    }
}

/// The latest page of `channel` as the server sends it now (earlier pages still queued are skipped).
pub(crate) async fn page(client: &mut Client, channel: &ChannelId) -> Value {
    client
        .send(json!({"type": "chat.history.before", "channel_id": channel, "limit": 50}))
        .await;
    let frames = until_pong(client).await;
    frames
        .into_iter()
        .rfind(|f| f["type"] == "chat.history")
        .expect("a page")
}

pub(crate) fn entry<'a>(history: &'a Value, id: &Value) -> (&'a Value, &'a Value) {
    let message = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message_id"] == *id)
        .expect("the message is on the page");
    (message, &history["states"][id.as_str().unwrap()])
}

/// A GM and two players (alice, bob) at a started session, each with an open socket.
pub(crate) struct Table {
    pub(crate) server: TestServer,
    pub(crate) gm: UserSummary,
    pub(crate) bob: UserSummary,
    pub(crate) alice: UserSummary,
    pub(crate) channel: ChannelId,
    pub(crate) campaign: CampaignId,
    pub(crate) gm_socket: Client,
    pub(crate) alice_socket: Client,
    pub(crate) bob_socket: Client,
}

pub(crate) async fn table() -> Table {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, bob_token) = server.user("bob").await;
    let (campaign, _, channel) = server.table(&gm, &[&alice, &bob], true).await;
    let gm_socket = server.connect(&gm_token).await;
    let alice_socket = server.connect(&alice_token).await;
    let bob_socket = server.connect(&bob_token).await;
    Table {
        server,
        gm,
        bob,
        alice,
        channel,
        campaign,
        gm_socket,
        alice_socket,
        bob_socket,
    }
}

#[tokio::test]
async fn an_edit_is_live_for_everyone_who_sees_it_and_only_gms_keep_the_earlier_text() {
    let Table {
        campaign: _,
        bob: _,
        alice: _,
        channel,
        mut gm_socket,
        mut alice_socket,
        mut bob_socket,
        server: _server,
        gm: _,
    } = table().await;
    for socket in [&mut gm_socket, &mut alice_socket, &mut bob_socket] {
        socket.join(&channel, None).await;
    }
    let sent = alice_socket.say(&channel, "m1", "The door is lokced.").await;
    let id = sent["message_id"].clone();
    let edit = json!({"body": "The door is locked."});
    let ack = alice_socket.change("edit", &channel, &id, "e1", edit).await;
    assert_eq!(ack["type"], "chat.ack", "{ack}");
    assert!(
        ack["sequence_id"].as_i64() > sent["sequence_id"].as_i64(),
        "a change has its own place"
    );
    let live = bob_socket.next_of("chat.change").await;
    assert_eq!(live["change"]["change"]["kind"], "edit");
    assert_eq!(live["change"]["change"]["target"], id);
    assert_eq!(live["change"]["body"], "The door is locked.");
    assert_eq!(live["change"]["sequence_id"], ack["sequence_id"]);

    let bobs = page(&mut bob_socket, &channel).await;
    let (message, state) = entry(&bobs, &id);
    assert_eq!(message["body"], "The door is locked.");
    assert!(state["edited_at"].as_i64().is_some());
    assert!(state.get("versions").is_none(), "members see the text as it is now");
    assert!(!bobs.to_string().contains("lokced"));
    let gms = page(&mut gm_socket, &channel).await;
    let (_, state) = entry(&gms, &id);
    assert_eq!(state["versions"][0]["body"], "The door is lokced.");
    assert!(
        !gms["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "change"),
        "pages hold messages; their changes are in their states"
    );
}

#[tokio::test]
async fn every_change_that_is_not_allowed_is_refused_with_its_own_code() {
    let Table {
        campaign: _,
        bob: _,
        alice,
        channel,
        mut gm_socket,
        mut alice_socket,
        mut bob_socket,
        server: _server,
        gm: _,
    } = table().await;
    let alices = alice_socket.say(&channel, "m1", "mine").await["message_id"].clone();
    let roll = alice_socket.say(&channel, "m2", "/roll 1d20").await["message_id"].clone();
    let secret = gm_socket
        .say_with(&channel, "m3", "psst", whisper_to(alice.id.as_str()))
        .await["message_id"]
        .clone();
    let code = |answer: Value| answer["code"].as_str().unwrap_or("acked").to_owned();
    let edit = |body: &str| json!({"body": body});

    assert_eq!(
        code(bob_socket.change("edit", &channel, &alices, "b1", edit("yours")).await),
        "not_permitted"
    );
    assert_eq!(
        code(gm_socket.change("edit", &channel, &alices, "g1", edit("GM's")).await),
        "not_permitted"
    );
    assert_eq!(
        code(alice_socket.change("edit", &channel, &roll, "a1", edit("nat 20")).await),
        "not_editable"
    );
    assert_eq!(
        code(bob_socket.change("delete", &channel, &alices, "b2", json!({})).await),
        "not_permitted"
    );
    assert_eq!(
        code(bob_socket.change("pin", &channel, &alices, "b3", json!({})).await),
        "not_permitted"
    );
    let unknown = bob_socket
        .change("react", &channel, &alices, "b4", json!({"emoji": "<img src=x>"}))
        .await;
    assert_eq!(code(unknown), "unknown_emoji");
    assert_eq!(
        code(alice_socket.change("edit", &channel, &alices, "a2", edit("  ")).await),
        "invalid_body"
    );

    // A message the user may not see is answered exactly like one that does not exist.
    let hidden = bob_socket
        .change("react", &channel, &secret, "b5", json!({"emoji": "👍"}))
        .await;
    let missing = bob_socket
        .change(
            "react",
            &channel,
            &json!("01NOSUCHMESSAGE000000000000"),
            "b6",
            json!({"emoji": "👍"}),
        )
        .await;
    assert_eq!(hidden["code"], "not_found");
    assert_eq!(
        (&hidden["message"], &hidden["hint"]),
        (&missing["message"], &missing["hint"])
    );
    assert_eq!(
        code(
            alice_socket
                .change("react", &channel, &secret, "a3", json!({"emoji": ":eyes:"}))
                .await
        ),
        "acked"
    );

    // At most so many different reactions on one message.
    let many: Vec<&str> = [
        "😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰", "😗", "😙", "🥲",
        "😚", "🙂", "🤗",
    ]
    .to_vec();
    for (n, emoji) in many.iter().enumerate().take(app::domain::change::REACTIONS_MAX) {
        let answer = gm_socket
            .change("react", &channel, &alices, &format!("r{n}"), json!({"emoji": emoji}))
            .await;
        assert_eq!(code(answer), "acked");
    }
    let one_more = gm_socket
        .change("react", &channel, &alices, "r-last", json!({"emoji": many[20]}))
        .await;
    assert_eq!(code(one_more), "too_many_reactions");
    let again = bob_socket
        .change("react", &channel, &alices, "b7", json!({"emoji": many[0]}))
        .await;
    assert_eq!(code(again), "acked", "an emoji already there can still be added to");

    // A deleted message takes no more changes; deleting it was the GM's right.
    assert_eq!(
        code(gm_socket.change("delete", &channel, &alices, "g2", json!({})).await),
        "acked"
    );
    assert_eq!(
        code(alice_socket.change("edit", &channel, &alices, "a4", edit("back")).await),
        "message_deleted"
    );
    assert_eq!(
        code(
            bob_socket
                .change("react", &channel, &alices, "b8", json!({"emoji": "👍"}))
                .await
        ),
        "message_deleted"
    );
}

#[tokio::test]
async fn a_retried_change_applies_once() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let mut socket = server.connect(&gm_token).await;
    let id = socket.say(&channel, "m1", "Pin me").await["message_id"].clone();
    let first = socket
        .change("react", &channel, &id, "same", json!({"emoji": "📌"}))
        .await;
    let second = socket
        .change("react", &channel, &id, "same", json!({"emoji": "📌"}))
        .await;
    assert_eq!(first["duplicate"], false);
    assert_eq!(second["duplicate"], true);
    assert_eq!(first["message_id"], second["message_id"]);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND kind = 'change'")
        .bind(channel.as_str())
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn a_reaction_to_a_whisper_never_reaches_anyone_outside_it() {
    let Table {
        campaign: _,
        bob: _,
        alice,
        channel,
        mut gm_socket,
        mut alice_socket,
        mut bob_socket,
        server: _server,
        gm: _,
    } = table().await;
    bob_socket.join(&channel, None).await;
    alice_socket.join(&channel, None).await;
    let secret = gm_socket
        .say_with(&channel, "w1", "The idol is fake.", whisper_to(alice.id.as_str()))
        .await;
    let id = secret["message_id"].clone();
    let reacted = alice_socket
        .change("react", &channel, &id, "a1", json!({"emoji": "😱"}))
        .await;
    assert_eq!(reacted["type"], "chat.ack");
    assert_eq!(
        gm_socket.change("pin", &channel, &id, "g1", json!({})).await["type"],
        "chat.ack"
    );
    let edit = json!({"body": "The idol is fake!"});
    assert_eq!(
        gm_socket.change("edit", &channel, &id, "g2", edit).await["type"],
        "chat.ack"
    );
    gm_socket.say(&channel, "m2", "And now, everyone.").await;
    let bobs = bob_socket.until_message("And now, everyone.").await;
    let text = wire_text(&bobs);
    assert!(!text.contains(id.as_str().unwrap()), "bob's wire: {text}");
    assert!(!text.contains("chat.change") && !text.contains("😱") && !text.contains("idol"));
    let history = page(&mut bob_socket, &channel).await.to_string();
    assert!(!history.contains(id.as_str().unwrap()) && !history.contains("😱"));
    // Her own reaction's frame came before its ack; the pin and the edit follow.
    let alices = alice_socket.until_message("And now, everyone.").await;
    let kinds: Vec<&Value> = alices
        .iter()
        .filter(|f| f["type"] == "chat.change")
        .map(|f| &f["change"]["change"]["kind"])
        .collect();
    assert_eq!(kinds, [&json!("pin"), &json!("edit")]);
}
