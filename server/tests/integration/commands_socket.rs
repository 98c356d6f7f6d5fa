//! Slash commands, dice and mentions through a real server: who receives what, what is stored, and that the
//! server's preview says what the shared domain says.

use crate::support::{Client, TestServer};
use app::domain::compose::prepare;
use app::domain::describe;
use app::domain::policy::{AudienceHint, Lane, ModeHint};
use serde_json::{json, Value};
use server::game::GameAuthority;
use std::time::Duration;

/// Frames of type `chat.message` among `frames`.
fn messages(frames: &[Value]) -> Vec<&Value> {
    frames.iter().filter(|f| f["type"] == "chat.message").collect()
}

/// Sends every `(key, body)` without waiting, then a public `END`, and returns all frames up to that `END` and
/// the answers to every send (a send's ack may come after later messages: the socket reads on while it commits).
async fn fire(client: &mut Client, channel: &app::domain::ids::ChannelId, sends: &[(&str, &str)]) -> Vec<Value> {
    for (key, body) in sends.iter().chain([&("end", "END")]) {
        client.post(channel, key, body).await;
    }
    let mut frames = client.until_message("END").await;
    let answered = |frames: &[Value], key: &str| {
        frames
            .iter()
            .any(|f| f["client_message_id"] == key && f["type"] != "chat.message")
    };
    while !sends.iter().all(|(key, _)| answered(&frames, key)) {
        frames.push(client.next().await);
    }
    frames
}

/// The answer (ack, notice or error) to the send `key` among `frames`.
fn answer<'a>(frames: &'a [Value], key: &str) -> &'a Value {
    frames
        .iter()
        .find(|f| f["client_message_id"] == key && f["type"] != "chat.message")
        .unwrap_or_else(|| panic!("no answer to {key}"))
}

#[tokio::test]
async fn rolls_reach_exactly_their_audience_and_blind_rolls_hide_the_result_from_the_roller() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, bob_token) = server.user("bob").await;
    let (_, _, channel) = server.table(&gm, &[&alice, &bob], true).await;
    let mut gm_socket = server.connect(&gm_token).await;
    let mut alice_socket = server.connect(&alice_token).await;
    let mut bob_socket = server.connect(&bob_token).await;
    for socket in [&mut gm_socket, &mut alice_socket, &mut bob_socket] {
        socket.join(&channel, Some(1)).await; // 1 is the session-started notice
    }
    let rolls = [
        ("r1", "/roll 4d6kh3+2 Strength"),
        ("r2", "/gmroll 1d20 Insight"),
        ("r3", "/br 1d20+3 Stealth"),
        ("r4", "/selfroll d% Luck"),
    ];
    let alice_frames = fire(&mut alice_socket, &channel, &rolls).await;
    for (key, body) in rolls {
        assert_eq!(answer(&alice_frames, key)["type"], "chat.ack", "{body}");
    }

    let seen = |frames: &[Value]| -> Vec<String> {
        messages(frames)
            .iter()
            .map(|m| m["message"]["body"].as_str().unwrap().to_owned())
            .collect()
    };
    let gm_frames = gm_socket.until_message("END").await;
    let bob_frames = bob_socket.until_message("END").await;
    assert_eq!(
        seen(&gm_frames),
        ["4d6kh3+2 Strength", "1d20 Insight", "1d20+3 Stealth", "END"],
        "the GM sees every roll but the self roll"
    );
    assert_eq!(
        seen(&alice_frames),
        [
            "4d6kh3+2 Strength",
            "1d20 Insight",
            "You rolled 1d20+3 Stealth blind; only the GMs see the result.",
            "1d100 Luck",
            "END"
        ]
    );
    assert_eq!(seen(&bob_frames), ["4d6kh3+2 Strength", "END"]);

    // The roll card: every die and a total in bounds; kept dice add up.
    let public = &messages(&gm_frames)[0]["message"];
    assert_eq!(public["kind"], "roll");
    let roll = &public["roll"];
    let dice = roll["terms"][0]["dice"].as_array().unwrap();
    assert_eq!(dice.len(), 4);
    let kept: i64 = dice
        .iter()
        .filter(|d| d["kept"] == true)
        .map(|d| d["value"].as_i64().unwrap())
        .sum();
    assert_eq!(dice.iter().filter(|d| d["kept"] == true).count(), 3);
    assert_eq!(roll["total"].as_i64().unwrap(), kept + 2);
    assert_eq!(roll["label"], "Strength");
    let blind = &messages(&gm_frames)[2]["message"];
    assert!(blind["roll"]["total"].is_i64(), "the GM sees the blind result");
    assert_eq!(blind["audience"]["blind"], true);
    let alice_text: String = alice_frames.iter().map(Value::to_string).collect();
    assert!(
        !alice_text.contains("\"blind\":true"),
        "the roller's socket never carries the blind roll"
    );

    // History says the same as the live feed.
    alice_socket
        .send(json!({"type": "chat.history.before", "channel_id": channel}))
        .await;
    let history = alice_socket.next_of("chat.history").await;
    let bodies: Vec<&str> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies.len(),
        6,
        "the session notice, three rolls, the blind roll's notice and END: {bodies:?}"
    );
    assert!(!history.to_string().contains("\"blind\":true"));
}

#[tokio::test]
async fn whispers_speech_commands_help_and_session_through_the_socket() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, bob_token) = server.user("bob").await;
    let (carol, carol_token) = server.user("carol").await;
    let (campaign, _, channel) = server.table(&gm, &[&alice, &bob, &carol], true).await;
    let game = &server.state.game;
    let brynn = game.create_character(&bob.id, &campaign, "Sir Brynn").await.unwrap();
    game.share_character(&gm.id, &campaign, &brynn, &carol.id)
        .await
        .unwrap();
    let mut sockets = Vec::new();
    for token in [&gm_token, &alice_token, &bob_token, &carol_token] {
        let mut socket = server.connect(token).await;
        socket.join(&channel, Some(1)).await; // 1 is the session-started notice
        sockets.push(socket);
    }
    let [gm_socket, alice_socket, bob_socket, carol_socket] = &mut sockets[..] else {
        unreachable!()
    };

    let desc = gm_socket.say(&channel, "d2", "/desc Fog rolls in.").await;
    assert_eq!(desc["type"], "chat.ack");
    let frames = fire(
        alice_socket,
        &channel,
        &[
            ("w1", "/w \"Sir Brynn\" meet @gamemaster at dawn"),
            ("w2", "/w Sir Brynn hi"),
            ("d1", "/desc The walls bleed."),
            ("m1", "hi @zed"),
            ("t1", "/rol 1d20"),
            ("h1", "/help"),
            ("s0", "/session pause"),
        ],
    )
    .await;
    assert_eq!(answer(&frames, "w1")["type"], "chat.ack");
    let unknown = answer(&frames, "w2");
    assert_eq!(unknown["code"], "unknown_target");
    assert!(unknown["hint"].as_str().unwrap().contains("\"Sir Brynn\""));
    assert_eq!(answer(&frames, "d1")["code"], "not_permitted");
    assert_eq!(answer(&frames, "m1")["code"], "unknown_mention");
    let typo = answer(&frames, "t1");
    assert_eq!(typo["code"], "unknown_command");
    assert!(typo["hint"].as_str().unwrap().contains("/roll"));
    let help = answer(&frames, "h1");
    assert_eq!(help["type"], "chat.notice");
    assert_eq!(help["notice"]["kind"], "help");
    let lines = help["notice"]["lines"].to_string();
    assert!(lines.contains("/roll") && !lines.contains("/desc"), "{lines}");
    assert_eq!(answer(&frames, "s0")["code"], "not_permitted");
    let alice_bodies: Vec<&str> = messages(&frames)
        .iter()
        .map(|m| m["message"]["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        alice_bodies,
        ["Fog rolls in.", "meet @gamemaster at dawn", "END"],
        "refusals store nothing"
    );
    let stored = &messages(&frames)[1]["message"];
    assert_eq!(stored["mentions"][0]["label"], "gamemaster");
    assert_eq!(stored["mentions"][0]["id"], gm.id.as_str());
    let narration = &messages(&frames)[0]["message"];
    assert_eq!(
        (&narration["kind"], &narration["actor"]["kind"]),
        (&json!("narration"), &json!("narrator"))
    );

    for (socket, hears_whisper) in [
        (&mut *bob_socket, true),
        (&mut *carol_socket, true),
        (&mut *gm_socket, false),
    ] {
        let frames = socket.until_message("END").await;
        let bodies: Vec<&str> = messages(&frames)
            .iter()
            .map(|m| m["message"]["body"].as_str().unwrap())
            .collect();
        assert_eq!(
            bodies.contains(&"meet @gamemaster at dawn"),
            hears_whisper,
            "{bodies:?}"
        );
        assert!(
            !frames.iter().any(|f| f["type"] == "chat.notice"),
            "help went to the asker only"
        );
    }

    // A GM's /session pause changes the room for everyone and is answered to the GM alone.
    let paused = gm_socket.say(&channel, "s1", "/session pause").await;
    assert_eq!(paused["notice"]["title"], "The session is paused.");
    let room = bob_socket.next_of("chat.room").await;
    assert_eq!(room["room"]["status"], "paused");
    let again = gm_socket.say(&channel, "s2", "/session pause").await;
    assert_eq!(
        again["type"], "chat.notice",
        "repeating the state the session is in is not an error"
    );
    let closed = alice_socket.say(&channel, "late", "/roll 1d20").await;
    assert_eq!(closed["code"], "session_not_active");
    let resumed = gm_socket.say(&channel, "s3", "/session start").await;
    assert_eq!(resumed["notice"]["title"], "The session is active.");
}

#[tokio::test]
async fn previews_and_suggestions_match_the_shared_domain() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (campaign, _, channel) = server.table(&gm, &[&alice], true).await;
    let game = &server.state.game;
    let lyra = game.create_character(&alice.id, &campaign, "Lyra Vance").await.unwrap();
    let facts = GameAuthority::table_facts(game, &campaign).await.unwrap();
    let mut socket = server.connect(&alice_token).await;
    socket.join(&channel, Some(1)).await; // 1 is the session-started notice
    let mode = json!({"mode": "character", "character_id": lyra});
    for body in [
        "/gmroll adv+2 Perception",
        "/w gamemaster psst",
        "/me waves at @gamemaster",
        "hello",
    ] {
        let mut frame = json!({"type": "chat.command.preview", "channel_id": channel, "body": body});
        frame.as_object_mut().unwrap().extend(mode.as_object().unwrap().clone());
        socket.send(frame).await;
        let answer = socket.next_of("chat.preview").await;
        let intent = prepare(
            &alice.id,
            Lane::InGame,
            &facts,
            &ModeHint::Character {
                character_id: lyra.clone(),
            },
            &AudienceHint::All,
            body,
        )
        .unwrap();
        assert_eq!(
            answer["summary"],
            describe::intent(&intent, &alice.id, Some(&facts)),
            "{body}"
        );
    }
    socket
        .send(json!({"type": "chat.command.preview", "channel_id": channel, "body": "/desc no"}))
        .await;
    let refused = socket.next_of("chat.preview").await;
    assert_eq!(refused["problem"]["code"], "not_permitted");
    assert!(refused.get("summary").is_none());

    for (mode, first) in [("character", "Lyra Vance"), ("participant", "alice")] {
        socket
            .send(json!({"type": "chat.autocomplete", "channel_id": channel, "prefix": "", "mode": mode}))
            .await;
        let answer = socket.next_of("chat.suggestions").await;
        assert_eq!(answer["items"][0]["label"], first, "{mode}");
    }
    socket
        .send(json!({"type": "chat.autocomplete", "channel_id": channel, "prefix": "va"}))
        .await;
    let answer = socket.next_of("chat.suggestions").await;
    assert_eq!(answer["items"].as_array().unwrap().len(), 1);
    assert_eq!(answer["items"][0]["kind"], "character");
    let quiet = socket.drain(Duration::from_millis(200)).await;
    assert!(
        quiet.iter().all(|f| f["type"] != "chat.message"),
        "previews store nothing"
    );
}

#[tokio::test]
async fn a_blind_roll_is_acked_with_the_rollers_own_notice_never_the_hidden_roll() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (_, _, channel) = server.table(&gm, &[&alice], true).await;
    let mut gm_socket = server.connect(&gm_token).await;
    let mut alice_socket = server.connect(&alice_token).await;
    gm_socket.join(&channel, Some(1)).await;
    alice_socket.join(&channel, Some(1)).await;

    let ack = alice_socket.say(&channel, "blind-1", "/blindroll 1d20 Stealth").await;
    assert_eq!(ack["type"], "chat.ack");
    let hidden = gm_socket.next_of("chat.message").await["message"].clone();
    assert_eq!(hidden["audience"]["blind"], true);
    assert_ne!(
        ack["message_id"], hidden["message_id"],
        "the ack never names the hidden roll"
    );
    assert_ne!(ack["sequence_id"], hidden["sequence_id"]);
    // The roller received exactly the message the ack names.
    let mut history = alice_socket.drain(std::time::Duration::from_millis(200)).await;
    alice_socket
        .send(json!({"type": "chat.history.before", "channel_id": channel}))
        .await;
    history.push(alice_socket.next_of("chat.history").await);
    let text: String = history.iter().map(Value::to_string).collect();
    assert!(
        !text.contains(hidden["message_id"].as_str().unwrap()),
        "the hidden roll's id never reaches the roller"
    );
    let page = history.last().unwrap();
    let own = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message_id"] == ack["message_id"])
        .expect("the acked message is one the roller can read");
    assert_eq!(own["kind"], "notification");
    assert_eq!(own["sequence_id"], ack["sequence_id"]);

    // A resend with the same key answers with the same notice.
    let again = alice_socket.say(&channel, "blind-1", "/blindroll 1d20 Stealth").await;
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["message_id"], ack["message_id"]);
    assert_eq!(again["sequence_id"], ack["sequence_id"]);
}
