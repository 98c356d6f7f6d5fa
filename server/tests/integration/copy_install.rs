//! `tabletalk migrate --from --to`: an embedded install copied into another database (Postgres in the
//! suite's Postgres pass, a second SQLite file in its SQLite pass) holds every row of every table, and the
//! table goes on where it stopped.

use crate::support::{fresh_database_url, TestServer};
use app::domain::campaign::SessionAction;
use clap::Parser;
use serde_json::json;
use server::chat::SendRequest;
use server::store::copy::{read_rows, TABLES};
use server::store::Backend;

/// The tables a database holds, but the migrations' own and the engine's bookkeeping.
async fn table_names(pool: &server::store::Pool) -> Vec<String> {
    let sql = match Backend::of(pool) {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT IN ('_sqlx_migrations', 'sqlite_sequence', 'table_generation') ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'
             AND table_name NOT IN ('_sqlx_migrations', 'channel_sequences', 'table_generation') ORDER BY table_name"
        }
    };
    sqlx::query_scalar(sql).fetch_all(pool).await.unwrap()
}

#[tokio::test]
async fn a_copied_install_holds_every_row_and_goes_on_where_it_stopped() {
    // An embedded install with a bit of everything: accounts, a campaign with characters and a DM, a
    // session with whispers, rolls and notices, and events waiting for a broker that is not there.
    let nowhere = server::events::EventStream {
        url: format!("nats://127.0.0.1:{}", crate::support::cluster::free_port()),
        prefix: "copy".into(),
        bodies: Default::default(),
    };
    let source = TestServer::start_sqlite_with(Some(nowhere)).await;
    let (gm, gm_token) = source.user("gamemaster").await;
    let (alice, alice_token) = source.user("alice").await;
    let (campaign, session, room) = source.table(&gm, &[&alice], true).await;
    source
        .state
        .game
        .create_character(&alice.id, &campaign, "Sir Brynn")
        .await
        .unwrap();
    let direct = source
        .state
        .game
        .open_direct(&gm.id, &campaign, std::slice::from_ref(&alice.id))
        .await
        .unwrap();
    let mut gm_socket = source.connect(&gm_token).await;
    let mut alice_socket = source.connect(&alice_token).await;
    alice_socket.join(&room, None).await;
    alice_socket.say(&room, "a1", "I open the door.").await;
    alice_socket.say(&room, "a2", "/roll 1d20+3 Perception").await;
    gm_socket.join(&room, None).await;
    gm_socket
        .say_with(
            &room,
            "g1",
            "You hear water below.",
            json!({"audience": {"scope": "targets", "targets": [alice.id]}}),
        )
        .await;
    gm_socket.say(&room, "g2", "/gmroll 2d6").await;
    gm_socket.say(&direct, "d1", "A word in private.").await;
    source.settle_notices().await;
    let last_in_room: i64 = sqlx::query_scalar("SELECT MAX(sequence_id) FROM messages WHERE channel_id = $1")
        .bind(room.as_str())
        .fetch_one(&source.pool)
        .await
        .unwrap();

    // The copy, through the command line as an operator runs it.
    let target_dir = std::env::temp_dir().join(format!("tabletalk-copy-{}", ulid::Ulid::generate()));
    std::fs::create_dir_all(&target_dir).unwrap();
    let target_url = fresh_database_url(&target_dir).await;
    let from = source.database_url();
    let cli = server::cli::Cli::parse_from(["tabletalk", "migrate", "--from", &from, "--to", &target_url]);
    server::cli::execute(cli).await.unwrap();

    // Every table, row by row.
    let target_pool = server::store::connect(&target_url).await.unwrap();
    let copied: Vec<&str> = TABLES.iter().map(|table| table.name).collect();
    let mut sorted = copied.clone();
    sorted.sort_unstable();
    assert_eq!(
        table_names(&source.pool).await,
        sorted,
        "the copy knows every table of the source"
    );
    assert_eq!(
        table_names(&target_pool).await,
        sorted,
        "the target has the same tables"
    );
    for table in TABLES {
        let before = read_rows(&source.pool, table, 0, i64::MAX).await.unwrap();
        let after = read_rows(&target_pool, table, 0, i64::MAX).await.unwrap();
        assert!(!before.is_empty(), "{} has rows to copy", table.name);
        assert_eq!(before, after, "{} is copied exactly", table.name);
    }

    // A second copy into the filled target is refused and changes nothing.
    let again = server::cli::Cli::parse_from(["tabletalk", "migrate", "--from", &from, "--to", &target_url]);
    let refused = server::cli::execute(again).await.unwrap_err().to_string();
    assert!(refused.contains("already holds"), "{refused}");

    // The table goes on there: the next line follows the last one, and the next game fact is news (told once,
    // after everything the source told).
    drop(gm_socket);
    drop(alice_socket);
    let moved = {
        let pool = server::store::connect(&target_url).await.unwrap();
        TestServer::over_existing(pool, target_dir).await
    };
    let answer = moved
        .state
        .chat
        .send(&alice, SendRequest::text(&room, "a3", "Down the stairs, then."))
        .await
        .unwrap();
    let answer = serde_json::to_value(answer).unwrap();
    assert_eq!(answer["sequence_id"], last_in_room + 1, "{answer}");
    moved
        .state
        .game
        .change_session(&gm.id, &session, SessionAction::Pause)
        .await
        .unwrap();
    moved.settle_notices().await;
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT body FROM messages WHERE channel_id = $1 AND sender_id IS NULL ORDER BY sequence_id",
    )
    .bind(room.as_str())
    .fetch_all(&moved.pool)
    .await
    .unwrap();
    assert_eq!(
        told.iter().filter(|body| body.contains("started")).count(),
        1,
        "{told:?}"
    );
    assert!(told.last().unwrap().contains("paused"), "{told:?}");
}
