//! Commits do not checkpoint the WAL themselves (that stall would land on a send); the store's background
//! checkpointer copies committed pages into the database file instead, so the file keeps up with the writes.

use std::time::Duration;

#[tokio::test]
async fn the_background_checkpointer_copies_commits_into_the_database_file() {
    let folder = std::env::temp_dir().join(format!("tabletalk-checkpoint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let file = folder.join("t.db");
    let pool = server::store::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let autocheckpoint: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(autocheckpoint, 0, "commits must not checkpoint by themselves");
    sqlx::query("CREATE TABLE filler (body TEXT NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    let before = std::fs::metadata(&file).unwrap().len();
    // About 2 MB in 200 commits: without a checkpoint all of it stays in the WAL.
    let line = "x".repeat(10_000);
    for _ in 0..200 {
        sqlx::query("INSERT INTO filler (body) VALUES ($1)")
            .bind(&line)
            .execute(&pool)
            .await
            .unwrap();
    }
    let mut grown = 0;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        grown = std::fs::metadata(&file).unwrap().len();
        if grown > before + 1_500_000 {
            break;
        }
    }
    assert!(
        grown > before + 1_500_000,
        "database file {before} -> {grown} bytes: nothing was checkpointed"
    );
    pool.close().await;
    let _ = std::fs::remove_dir_all(&folder);
}
