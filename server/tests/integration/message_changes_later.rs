//! A message's life over a real socket, after the fact: a member who was away resumes into the final state with
//! no earlier text on the wire, exports and pages follow the timeline's rule for each viewer, and a flood of
//! reactions is refused without holding anyone else up.

use crate::message_changes::{entry, page, table, until_pong, wire_text, Table};
use crate::support::TestServer;
use serde_json::{json, Value};

#[tokio::test]
async fn a_member_who_was_away_resumes_into_the_final_state_with_no_earlier_text() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, bob_token) = server.user("bob").await;
    let (_, _, channel) = server.table(&gm, &[&alice, &bob], true).await;
    let mut gm_socket = server.connect(&gm_token).await;
    let mut alice_socket = server.connect(&alice_token).await;
    let kept = alice_socket.say(&channel, "m1", "first draft").await;
    let gone = alice_socket
        .say(&channel, "m2", "a spoiler typed in the wrong room")
        .await;
    let cursor = gone["sequence_id"].as_i64();
    let (kept, gone) = (kept["message_id"].clone(), gone["message_id"].clone());
    // Bob is away while the messages change.
    let edit = |body: &str| json!({"body": body});
    alice_socket
        .change("edit", &channel, &kept, "e1", edit("second draft"))
        .await;
    alice_socket
        .change("edit", &channel, &kept, "e2", edit("final text"))
        .await;
    gm_socket
        .change("react", &channel, &kept, "r1", json!({"emoji": "👍"}))
        .await;
    gm_socket.change("pin", &channel, &kept, "p1", json!({})).await;
    alice_socket
        .change("edit", &channel, &gone, "e3", edit("still a spoiler"))
        .await;
    let deleted = gm_socket.change("delete", &channel, &gone, "d1", json!({})).await;
    let last = deleted["sequence_id"].as_i64().unwrap();

    let mut bob_socket = server.connect(&bob_token).await;
    bob_socket.join(&channel, cursor).await;
    let frames = until_pong(&mut bob_socket).await;
    let text = wire_text(&frames);
    for earlier in ["first draft", "second draft", "spoiler"] {
        assert!(!text.contains(earlier), "{earlier:?} reached bob: {text}");
    }
    assert!(
        !frames.iter().any(|f| f["type"] == "chat.change"),
        "replays send messages as they are now"
    );
    let state_of = |id: &Value| {
        frames
            .iter()
            .find(|f| f["type"] == "chat.message" && f["message"]["message_id"] == *id)
            .map(|f| (f["message"].clone(), f["state"].clone()))
            .expect("the changed message is replayed")
    };
    let (message, state) = state_of(&kept);
    assert_eq!(message["body"], "final text");
    assert_eq!(state["reactions"][0]["emoji"], "👍");
    assert!(state["pinned"].is_object());
    let (message, state) = state_of(&gone);
    assert_eq!(message["body"], "");
    assert!(state["deleted"]["at"].is_i64());
    assert_eq!(state["revision"], last, "the revision is where a next resume continues");

    // The GM resuming from the same place keeps what was said.
    let mut gm_again = server.connect(&gm_token).await;
    gm_again.join(&channel, cursor).await;
    let frames = until_pong(&mut gm_again).await;
    assert!(wire_text(&frames).contains("still a spoiler"));
    assert!(wire_text(&frames).contains("first draft"));
}

#[tokio::test]
async fn exports_and_history_follow_the_timeline_rule_for_each_viewer() {
    use server::chat::ExportFormat;
    let Table {
        campaign: _,
        bob: _,
        server,
        gm,
        alice,
        channel,
        mut gm_socket,
        mut alice_socket,
        bob_socket: _,
    } = table().await;
    let id = alice_socket.say(&channel, "m1", "OOPS WRONG ROOM").await["message_id"].clone();
    let edited = alice_socket.say(&channel, "m2", "typo hre").await["message_id"].clone();
    alice_socket
        .change("edit", &channel, &edited, "e1", json!({"body": "typo here"}))
        .await;
    gm_socket.change("delete", &channel, &id, "d1", json!({})).await;
    let chat = &server.state.chat;
    for format in [ExportFormat::Markdown, ExportFormat::Html, ExportFormat::Json] {
        let players = chat.export(&alice, &channel, format).await.unwrap().body;
        assert!(
            !players.contains("OOPS WRONG ROOM") && !players.contains("typo hre"),
            "{format:?}: {players}"
        );
        assert!(players.contains("typo here"));
        let gms = chat.export(&gm, &channel, format).await.unwrap().body;
        assert!(
            gms.contains("OOPS WRONG ROOM") && gms.contains("typo hre"),
            "{format:?}: {gms}"
        );
    }
    let markdown = chat
        .export(&alice, &channel, ExportFormat::Markdown)
        .await
        .unwrap()
        .body;
    assert!(markdown.contains("(message deleted)") && markdown.contains("edited"));
    let history = page(&mut alice_socket, &channel).await;
    let (message, state) = entry(&history, &id);
    assert_eq!(message["body"], "");
    assert!(state["deleted"].is_object());
}

#[tokio::test]
async fn a_reaction_flood_is_refused_and_others_are_not_held_up() {
    let Table {
        campaign: _,
        bob: _,
        channel,
        mut gm_socket,
        mut alice_socket,
        server: _server,
        ..
    } = table().await;
    let id = gm_socket.say(&channel, "m1", "React to me").await["message_id"].clone();
    for n in 0..150 {
        let emoji = if n % 2 == 0 { "👍" } else { "👎" };
        let kind = if n % 4 < 2 { "react" } else { "unreact" };
        alice_socket
            .send(
                json!({"type": format!("chat.{kind}"), "channel_id": channel, "message_id": id,
                "client_message_id": format!("flood{n}"), "emoji": emoji}),
            )
            .await;
    }
    // Refusals are answered at once, acks after their commit: gather the 150 answers in any order.
    let mut answers = std::collections::HashMap::new();
    while answers.len() < 150 {
        let frame = alice_socket.next().await;
        if let Some(key) = frame["client_message_id"].as_str().filter(|k| k.starts_with("flood")) {
            answers.insert(key.to_owned(), frame["code"].as_str().unwrap_or("acked").to_owned());
        }
    }
    let limited = answers.values().filter(|code| *code == "rate_limited").count();
    assert!(limited >= 50, "only {limited} of 150 were refused");
    assert_eq!(gm_socket.say(&channel, "m2", "Still here.").await["type"], "chat.ack");
}
