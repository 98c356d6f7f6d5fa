//! Exports: a member downloads a channel's log as Markdown, HTML or JSON, holding exactly what that member may
//! see. The GM's and a player's exports of the same session differ exactly by what each may see.

use crate::support::TestServer;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The markers of the messages in a JSON export: the upper-case word of each member's body; a notice's whole
/// body.
fn markers(export: &str) -> BTreeSet<String> {
    let parsed: Value = serde_json::from_str(export).unwrap();
    parsed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let body = m["body"].as_str().unwrap();
            if m["actor"]["kind"] == "system" {
                return body.to_owned();
            }
            body.split_whitespace()
                .find(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '-') && w.len() > 3)
                .unwrap_or(body)
                .to_owned()
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn gm_and_player_exports_differ_exactly_by_what_each_may_see() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gina").await;
    let (alice, alice_token) = server.user("alice").await;
    let (bob, bob_token) = server.user("bob").await;
    let (_, _, room) = server.table(&gm, &[&alice, &bob], true).await;
    let mut sockets = [
        server.connect(&gm_token).await,
        server.connect(&alice_token).await,
        server.connect(&bob_token).await,
    ];
    let (gm_said, alice_said, bob_said) = (0, 1, 2);
    let gm_only = json!({"audience": "gm_only"});
    let sends = [
        (alice_said, "PUBLIC-ALICE hello", json!({})),
        (gm_said, "GMONLY-GM notes", gm_only.clone()),
        (alice_said, "GMONLY-ALICE question", gm_only),
        (alice_said, "/w bob WHISPER-AB psst", json!({})),
        (bob_said, "/w alice WHISPER-BA psst", json!({})),
        (alice_said, "/br 1d20 BLIND-ALICE", json!({})),
        (bob_said, "/gmroll 2d6 GMROLL-BOB", json!({})),
        (alice_said, "/sr 1d4 SELF-ALICE", json!({})),
        (gm_said, "/roll 4d6kh3 PUBLIC-ROLL", json!({})),
        (bob_said, "SCRIPT-BOB <script>alert(1)</script>", json!({})),
    ];
    for (n, (who, body, extra)) in sends.into_iter().enumerate() {
        let answer = sockets[who].say_with(&room, &format!("k{n}"), body, extra).await;
        assert_eq!(answer["type"], "chat.ack", "{body}: {answer}");
    }

    let export = |user, format| {
        let chat = server.state.chat.clone();
        let room = room.clone();
        async move { chat.export(user, &room, format).await.unwrap().body }
    };
    use server::chat::ExportFormat::{Html, Json, Markdown};
    let gm_json = markers(&export(&gm, Json).await);
    let alice_json = markers(&export(&alice, Json).await);
    let bob_json = markers(&export(&bob, Json).await);
    let notice = "The session “Session” has started.";
    let blind_notice = "You rolled 1d20 BLIND-ALICE blind; only the GMs see the result.";

    let shared = set(&["PUBLIC-ALICE", "PUBLIC-ROLL", "SCRIPT-BOB", "GMONLY-ALICE", notice]);
    assert_eq!(
        gm_json.difference(&alice_json).cloned().collect::<BTreeSet<_>>(),
        set(&["GMONLY-GM", "BLIND-ALICE", "GMROLL-BOB"]),
        "what only the GM may see"
    );
    assert_eq!(
        alice_json.difference(&gm_json).cloned().collect::<BTreeSet<_>>(),
        set(&["WHISPER-AB", "WHISPER-BA", "SELF-ALICE", blind_notice]),
        "what only alice may see (the GM does not read whispers here)"
    );
    assert_eq!(
        gm_json.intersection(&alice_json).cloned().collect::<BTreeSet<_>>(),
        shared
    );
    assert!(!bob_json.contains("GMONLY-ALICE") && bob_json.contains("GMROLL-BOB"));
    // Nothing is lost: every stored message is in someone's export.
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel_id = $1")
        .bind(room.as_str())
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let everyone: BTreeSet<_> = gm_json.iter().chain(&alice_json).chain(&bob_json).collect();
    assert_eq!(everyone.len() as i64, stored);

    // Markdown and HTML hold the same messages, with roll cards and escaped text.
    let markdown = export(&alice, Markdown).await;
    assert!(markdown.starts_with("# Session\n"));
    assert!(markdown.contains("Exported for alice"));
    assert!(markdown.contains("WHISPER-AB") && markdown.contains("_Whisper to bob_"));
    assert!(!markdown.contains("GMONLY-GM") && !markdown.contains("GMROLL-BOB"));
    assert!(
        markdown.contains("🎲 4d6kh3 PUBLIC-ROLL: [") && markdown.contains("~~"),
        "{markdown}"
    );
    let html = export(&gm, Html).await;
    assert!(html.contains("GMROLL-BOB") && !html.contains("WHISPER-AB"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>"));
    assert!(
        html.contains("data-kept=\"false\""),
        "the dropped die of 4d6kh3 is shown"
    );
    assert!(html.contains("<span class=\"visibility\">GM only</span>"));

    // Over HTTP, with the session cookie.
    let path = format!("/api/channels/{room}/export?format=json");
    let (status, headers, body) = server.get(&path, Some(&alice_token)).await;
    assert_eq!(status, 200);
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    assert_eq!(
        header("content-disposition").as_deref(),
        Some("attachment; filename=\"Session.json\"")
    );
    assert_eq!(markers(&body), alice_json);
    let (_, stranger_token) = server.user("mallory").await;
    assert_eq!(server.get(&path, Some(&stranger_token)).await.0, 404);
    assert_eq!(server.get(&path, None).await.0, 401);
    let (status, _, body) = server
        .get(&format!("/api/channels/{room}/export?format=pdf"), Some(&alice_token))
        .await;
    assert_eq!(status, 400);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["code"], "invalid_input");
}
