//! Replies, jumps and the pinned list over a real socket: a reply quotes its original only for those who may
//! see it (the others get "hidden" and nothing of it on their wire), a jump reads the history around a
//! message far above in answers that never leave a hole, and the pinned list holds what each reader may see.

use crate::message_changes::{entry, page, table, until_pong, wire_text, Table};
use app::domain::frames::ServerFrame;
use serde_json::{json, Value};
use server::chat::{ExportFormat, SendRequest};

fn whisper_to(to: &str) -> Value {
    json!({"audience": {"scope": "targets", "targets": [{"kind": "user", "id": to}]}})
}

#[tokio::test]
async fn a_reply_quotes_a_whisper_only_for_the_whisper_s_audience() {
    let Table {
        campaign: _,
        bob,
        alice,
        channel,
        mut gm_socket,
        mut alice_socket,
        mut bob_socket,
        server,
        gm,
    } = table().await;
    for socket in [&mut gm_socket, &mut alice_socket, &mut bob_socket] {
        socket.join(&channel, None).await;
    }
    let secret = gm_socket
        .say_with(&channel, "w1", "The butler did it.", whisper_to(alice.id.as_str()))
        .await["message_id"]
        .clone();
    let ack = alice_socket
        .say_with(&channel, "r1", "I knew it!", json!({"reply_to": secret}))
        .await;
    assert_eq!(ack["type"], "chat.ack", "{ack}");

    let to_gm = gm_socket.next_of("chat.message").await;
    let to_gm = if to_gm["message"]["body"] == "I knew it!" {
        to_gm
    } else {
        gm_socket.next_of("chat.message").await
    };
    assert_eq!(to_gm["message"]["reply"]["quote"]["message_id"], secret);
    assert_eq!(to_gm["message"]["reply"]["quote"]["excerpt"], "The butler did it.");
    let bobs = until_pong(&mut bob_socket).await;
    let reply = bobs
        .iter()
        .find(|f| f["message"]["body"] == "I knew it!")
        .expect("bob sees the public reply");
    assert_eq!(reply["message"]["reply"], "hidden");
    let wire = wire_text(&bobs);
    assert!(
        !wire.contains(secret.as_str().unwrap()) && !wire.contains("butler"),
        "{wire}"
    );

    // Pages say the same: hidden for bob, quoted for the GM.
    let reply_id = ack["message_id"].clone();
    let bobs = page(&mut bob_socket, &channel).await;
    assert_eq!(entry(&bobs, &reply_id).0["reply"], "hidden");
    assert!(!bobs.to_string().contains("butler"));
    let gms = page(&mut gm_socket, &channel).await;
    assert_eq!(
        entry(&gms, &reply_id).0["reply"]["quote"]["speaker"],
        to_gm["message"]["reply"]["quote"]["speaker"]
    );

    // Exports follow the same rule.
    let export = |user| {
        let (chat, channel) = (server.state.chat.clone(), channel.clone());
        async move {
            let markdown = chat.export(&user, &channel, ExportFormat::Markdown).await.unwrap().body;
            let html = chat.export(&user, &channel, ExportFormat::Html).await.unwrap().body;
            format!("{markdown}\n{html}")
        }
    };
    let bobs = export(bob.clone()).await;
    assert!(
        bobs.contains("replying to a message you cannot see") && !bobs.contains("butler"),
        "{bobs}"
    );
    let gms = export(gm.clone()).await;
    assert!(gms.contains(": The butler did it."), "{gms}");

    // Replying to what one may not see is answered as replying to nothing at all.
    let hidden = bob_socket
        .say_with(&channel, "b1", "what?", json!({"reply_to": secret}))
        .await;
    let missing = bob_socket
        .say_with(
            &channel,
            "b2",
            "what?",
            json!({"reply_to": "01NOSUCHMESSAGE000000000000"}),
        )
        .await;
    assert_eq!(hidden["code"], "not_found");
    assert_eq!(
        (&hidden["message"], &hidden["hint"]),
        (&missing["message"], &missing["hint"])
    );
}

#[tokio::test]
async fn a_quote_shows_its_original_as_it_is_now_and_a_deleted_one_cannot_be_answered() {
    let Table {
        campaign: _,
        bob: _,
        channel,
        mut gm_socket,
        mut alice_socket,
        mut bob_socket,
        ..
    } = table().await;
    let original = alice_socket.say(&channel, "m1", "Lets go wset.").await["message_id"].clone();
    let reply = bob_socket
        .say_with(&channel, "r1", "Agreed.", json!({"reply_to": original}))
        .await["message_id"]
        .clone();
    let edit = json!({"body": "Let's go west."});
    alice_socket.change("edit", &channel, &original, "e1", edit).await;
    let bobs = page(&mut bob_socket, &channel).await;
    assert_eq!(entry(&bobs, &reply).0["reply"]["quote"]["excerpt"], "Let's go west.");

    gm_socket.change("delete", &channel, &original, "d1", json!({})).await;
    let bobs = page(&mut bob_socket, &channel).await;
    let quote = &entry(&bobs, &reply).0["reply"]["quote"];
    assert_eq!(
        (quote["deleted"].as_bool(), quote["excerpt"].as_str()),
        (Some(true), Some(""))
    );
    assert!(
        !bobs.to_string().contains("west"),
        "a deleted original's text is withheld from members"
    );
    let gms = page(&mut gm_socket, &channel).await;
    assert_eq!(entry(&gms, &reply).0["reply"]["quote"]["excerpt"], "Let's go west.");

    let late = bob_socket
        .say_with(&channel, "r2", "Still agreed.", json!({"reply_to": original}))
        .await;
    assert_eq!(late["code"], "message_deleted", "{late}");
}

#[tokio::test]
async fn a_jump_far_up_reads_around_the_message_without_a_hole() {
    let Table {
        campaign: _,
        bob: _,
        server,
        alice,
        channel,
        mut bob_socket,
        ..
    } = table().await;
    // Straight through the service: a person typing 620 lines would be slowed down by the send budget.
    let mut sequence_ids = Vec::new();
    for n in 0..620 {
        let request = SendRequest::text(&channel, &format!("m{n}"), &format!("line {n}"));
        match server.state.chat.send(&alice, request).await.unwrap() {
            ServerFrame::Ack { sequence_id, .. } => sequence_ids.push(sequence_id),
            other => panic!("{other:?}"),
        }
    }
    let (first, last) = (sequence_ids[0], sequence_ids[619]);
    let target = first + 5;
    let mut until = Some(last + 1);
    let mut held: Vec<i64> = Vec::new();
    let mut answers = 0;
    while until.is_some_and(|oldest| oldest > target - 10) {
        bob_socket
            .send(
                json!({"type": "chat.history.around", "channel_id": channel, "sequence_id": target,
                "until_sequence_id": until}),
            )
            .await;
        let page = bob_socket.next_of("chat.history").await;
        let seqs: Vec<i64> = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["sequence_id"].as_i64().unwrap())
            .collect();
        assert!(seqs.len() <= 500, "at most 500 a time");
        assert_eq!(
            seqs.last().copied(),
            until.map(|u| u - 1),
            "each answer ends where the last began"
        );
        held.splice(0..0, seqs.iter().copied());
        answers += 1;
        if seqs.first().is_none_or(|first| *first <= target) {
            break;
        }
        until = seqs.first().copied();
    }
    assert_eq!(answers, 2, "620 messages are two answers");
    assert_eq!(
        held.first().copied(),
        Some(first - 1),
        "the session notice and five lines above the target: all there is"
    );
    assert!(held.windows(2).all(|w| w[1] == w[0] + 1), "no hole");
}

#[tokio::test]
async fn the_pinned_list_holds_what_each_reader_may_see_until_unpinned_or_deleted() {
    let Table {
        campaign: _,
        bob: _,
        alice,
        channel,
        mut gm_socket,
        mut alice_socket,
        mut bob_socket,
        ..
    } = table().await;
    let map = alice_socket.say(&channel, "m1", "The map is in the crypt.").await["message_id"].clone();
    let secret = gm_socket
        .say_with(&channel, "m2", "Alice's secret door", whisper_to(alice.id.as_str()))
        .await["message_id"]
        .clone();
    let gone = alice_socket.say(&channel, "m3", "A rumour").await["message_id"].clone();
    let later = alice_socket.say(&channel, "m4", "Later news").await["message_id"].clone();
    for (key, id) in [("p1", &map), ("p2", &secret), ("p3", &gone), ("p4", &later)] {
        assert_eq!(
            gm_socket.change("pin", &channel, id, key, json!({})).await["type"],
            "chat.ack"
        );
    }
    gm_socket.change("unpin", &channel, &later, "u1", json!({})).await;
    gm_socket.change("delete", &channel, &gone, "d1", json!({})).await;

    let (alices, _) = pinned(&mut alice_socket, &channel).await;
    assert_eq!(alices, vec![secret.clone(), map.clone()], "most recently pinned first");
    let (bobs, answer) = pinned(&mut bob_socket, &channel).await;
    assert_eq!(bobs, vec![map.clone()]);
    assert!(!answer.to_string().contains(secret.as_str().unwrap()));
    assert!(answer["states"][map.as_str().unwrap()]["pinned"]["by"].is_string());
}

/// The ids on `socket`'s pinned list of `channel`, and the whole answer.
async fn pinned(socket: &mut crate::support::Client, channel: &app::domain::ids::ChannelId) -> (Vec<Value>, Value) {
    socket.send(json!({"type": "chat.pins", "channel_id": channel})).await;
    let answer = socket.next_of("chat.pins").await;
    let ids = answer["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message_id"].clone())
        .collect();
    (ids, answer)
}
