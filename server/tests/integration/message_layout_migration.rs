//! Migration 0009 moves messages into commit order: a database written before it keeps every message, with
//! every column, and pages of history read the same afterwards.

use server::store;
use std::borrow::Cow;

/// One stored message's columns, as a tuple that compares whole rows.
type Stored = (
    String,
    i64,
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
);

/// The columns one stored message keeps beside [`Stored`]'s: key, audience flags and roll.
type Extras = (String, Option<String>, i64, i64, Option<String>);

const SELECT_ALL: &str = "SELECT channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id, actor_label, \
     sender_id, body, audience_scope FROM messages ORDER BY channel_id, sequence_id";

#[tokio::test]
async fn messages_written_before_the_layout_change_are_all_kept() {
    let pool = store::connect_in_memory().await.unwrap();
    let all = sqlx::migrate!("./migrations");
    let mut before = sqlx::migrate!("./migrations");
    before.migrations = Cow::Owned(all.migrations.iter().filter(|m| m.version < 9).cloned().collect());
    before.run(&pool).await.unwrap();

    for statement in [
        "INSERT INTO users (id, username, password_hash, created_at) VALUES ('u1', 'ana', 'x', 0)",
        "INSERT INTO campaigns (id, name, created_by, created_at) VALUES ('k1', 'Keep', 'u1', 0)",
        "INSERT INTO channels (id, kind, campaign_id, context_type, context_id, name, created_at) \
         VALUES ('c1', 'table', 'k1', 't', '1', 'one', 0), ('c2', 'table', 'k1', 't', '2', 'two', 0)",
        // Written in an order unlike either channel's: the migration keeps each channel's sequence.
        "INSERT INTO messages (channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_id, actor_label, \
         sender_id, body, audience_scope, client_message_id, audience_gms, audience_blind, roll) VALUES \
         ('c2', 1, 'm1', 10, 'chat', 'player', NULL, 'Ana', 'u1', 'first in two', 'all', 'k-1', 0, 0, NULL), \
         ('c1', 1, 'm2', 11, 'chat', 'character', 'ch1', 'Brakka', 'u1', 'first in one', 'targets', 'k-2', 1, 0, NULL), \
         ('c1', 2, 'm3', 12, 'roll', 'player', NULL, 'Ana', 'u1', '/r 1d20', 'gm_only', NULL, 0, 1, '{\"total\":7}'), \
         ('c2', 2, 'm4', 12, 'notice', 'system', NULL, 'Tabletalk', NULL, 'session started', 'all', 'ev-1', 0, 0, NULL)",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&pool).await.unwrap();
    }
    let written: Vec<Stored> = sqlx::query_as(SELECT_ALL).fetch_all(&pool).await.unwrap();
    let extras_before: Vec<Extras> =
        sqlx::query_as("SELECT id, client_message_id, audience_gms, audience_blind, roll FROM messages ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();

    all.run(&pool).await.unwrap();

    let kept: Vec<Stored> = sqlx::query_as(SELECT_ALL).fetch_all(&pool).await.unwrap();
    assert_eq!(kept.len(), 4);
    assert_eq!(kept, written);
    let extras_after: Vec<Extras> =
        sqlx::query_as("SELECT id, client_message_id, audience_gms, audience_blind, roll FROM messages ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(extras_after, extras_before);
    // The same key is still refused twice in a channel, and a channel's sequence ids are still unique.
    let duplicate_key = sqlx::query(
        "INSERT INTO messages (channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_label, sender_id, \
         body, audience_scope, client_message_id) VALUES ('c2', 3, 'm5', 13, 'chat', 'player', 'Ana', 'u1', 'again', \
         'all', 'k-1')",
    )
    .execute(&pool)
    .await;
    assert!(duplicate_key.is_err(), "idempotency key accepted twice");
    let duplicate_sequence = sqlx::query(
        "INSERT INTO messages (channel_id, sequence_id, id, sent_at, kind, actor_kind, actor_label, sender_id, \
         body, audience_scope) VALUES ('c1', 2, 'm6', 13, 'chat', 'player', 'Ana', 'u1', 'clash', 'all')",
    )
    .execute(&pool)
    .await;
    assert!(duplicate_sequence.is_err(), "sequence id accepted twice in one channel");
    // Rows are in commit order now: the one written first has the smallest rowid.
    let first: String = sqlx::query_scalar("SELECT id FROM messages ORDER BY rowid LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(first, "m1");
}
