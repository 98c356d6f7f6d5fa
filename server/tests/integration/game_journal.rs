//! The boundary between chat and game: in-game messages and rolls become game facts exactly once, in the same
//! transaction as the message; chat's code writes no game table and game's code never imports chat.

use crate::support::TestServer;
use serde_json::Value;
use std::path::Path;

#[tokio::test]
async fn an_in_game_message_and_a_roll_are_game_facts_exactly_once() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (_, session, channel) = server.table(&gm, &[&alice], true).await;
    let mut alice_socket = server.connect(&alice_token).await;
    let mut gm_socket = server.connect(&gm_token).await;
    let first = alice_socket.say(&channel, "k1", "I light the lantern.").await;
    let retry = alice_socket.say(&channel, "k1", "I light the lantern.").await;
    assert_eq!(retry["duplicate"], true);
    let roll = gm_socket.say(&channel, "k2", "/gmroll 2d6 Morale").await;
    assert_eq!(roll["type"], "chat.ack");
    alice_socket.say(&channel, "k3", "/help").await;

    let facts: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT kind, session_id, payload FROM game_events WHERE kind IN ('chat_message', 'roll') ORDER BY id",
    )
    .fetch_all(&server.pool)
    .await
    .unwrap();
    let payloads: Vec<Value> = facts.iter().map(|f| serde_json::from_str(&f.2).unwrap()).collect();
    assert_eq!(
        facts.len(),
        2,
        "one fact per stored message; the retry and /help add none: {facts:?}"
    );
    assert_eq!(facts[0].0, "chat_message");
    assert_eq!(payloads[0]["message_id"], first["message_id"]);
    assert_eq!(payloads[0]["body"], "I light the lantern.");
    assert_eq!(facts[0].1.as_deref(), Some(session.as_str()));
    assert_eq!(facts[1].0, "roll");
    assert_eq!(payloads[1]["message_id"], roll["message_id"]);
    let dice = payloads[1]["roll"]["terms"][0]["dice"].as_array().unwrap();
    assert_eq!(dice.len(), 2, "the fact carries every die");
}

/// Every `INSERT INTO`, `UPDATE` and `DELETE FROM` target in the Rust files under `dir`.
fn written_tables(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(written_tables(&path));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // SQL in this code base is written in capitals.
        for verb in ["INSERT INTO ", "UPDATE ", "DELETE FROM ", "REPLACE INTO "] {
            for (at, _) in text.match_indices(verb) {
                let table: String = text[at + verb.len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                // `ON CONFLICT ... DO UPDATE SET` updates the table its INSERT named, already counted.
                if table != "SET" {
                    found.push((path.display().to_string(), table));
                }
            }
        }
    }
    found
}

#[test]
fn chat_writes_only_its_own_journal_and_game_never_imports_chat() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let chat_writes = written_tables(&src.join("chat"));
    assert!(!chat_writes.is_empty(), "the scan sees chat's inserts");
    // Chat's own tables: its message journal, the writers' sequence counters (Postgres) and its cursor over
    // the game's news.
    const CHAT_TABLES: [&str; 3] = ["messages", "channel_sequences", "chat_notice_cursor"];
    for (file, table) in &chat_writes {
        assert!(
            CHAT_TABLES.contains(&table.as_str()),
            "{file} writes {table}: chat may write only its own tables"
        );
    }
    let game_writes = written_tables(&src.join("game"));
    assert!(
        game_writes.iter().any(|(_, t)| t == "game_events"),
        "the scan sees game's journal"
    );
    for (file, table) in &game_writes {
        assert!(!CHAT_TABLES.contains(&table.as_str()), "{file} writes chat's {table}");
    }
    for entry in std::fs::read_dir(src.join("game")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("crate::chat"), "{} imports chat", path.display());
    }
}
