use super::*;

/// A batch's keys are looked up through the idempotency index led by the key, not by scanning each
/// channel's messages.
#[tokio::test]
async fn stored_keys_are_found_through_the_key_led_index() {
    let pool = crate::store::connect_in_memory().await.unwrap();
    crate::store::migrate(&pool).await.unwrap();
    let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_index_info('messages_idempotency')")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(columns, ["client_message_id", "channel_id", "sender_id"]);
    crate::store::plan_using_index(
        &pool,
        &writes::stored_keys_sql(Backend::Sqlite, 2),
        "messages_idempotency",
    )
    .await;
}

/// Messages are stored in commit order (a table with a growing rowid, so a commit's rows land together)
/// and history pages are read through the channel's index, in order, without sorting.
#[tokio::test]
async fn messages_are_stored_in_commit_order_and_paged_through_the_channel_index() {
    let pool = crate::store::connect_in_memory().await.unwrap();
    crate::store::migrate(&pool).await.unwrap();
    let rowids: Result<Vec<i64>, _> = sqlx::query_scalar("SELECT rowid FROM messages").fetch_all(&pool).await;
    assert!(rowids.is_ok(), "messages has a rowid: {rowids:?}");
    for sql in [AFTER_SQL, BEFORE_SQL] {
        let details = crate::store::plan_using_index(&pool, sql, "messages_channel_sequence").await;
        assert!(
            !details.iter().any(|d| d.contains("TEMP B-TREE")),
            "query plan: {details:?}"
        );
    }
}
