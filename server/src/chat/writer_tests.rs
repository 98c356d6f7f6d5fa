//! Tests of the chat writer: its connection settings and how it refuses sends when its queue is full.
use super::task::writer_connection;
use super::*;
use app::domain::actor::Actor;
use app::domain::audience::Audience;
use app::domain::ids::{ChannelId, UserId};
use app::domain::message::MessageKind;

fn draft_message(n: usize) -> NewMessage {
    NewMessage {
        channel_id: ChannelId::from("channel"),
        kind: MessageKind::Text,
        actor: Actor::participant("alice", "alice"),
        sender_id: Some(UserId::from("alice")),
        body: "hello".into(),
        mentions: Vec::new(),
        audience: Audience::all(),
        roll: None,
        client_message_id: Some(format!("key-{n}")),
        change: None,
        inline_rolls: Vec::new(),
        reply: None,
    }
}

/// With the writer stuck (its database connection held elsewhere), sends beyond the queue are refused at
/// once with `overloaded` and a retry-after, instead of waiting behind the backlog; each refusal gets a later
/// place in the line than the one before, so the retries do not come back together.
#[tokio::test]
async fn a_full_queue_refuses_sends_at_once() {
    let pool = crate::store::connect_in_memory().await.unwrap();
    let held = pool.acquire().await.unwrap();
    let game = Arc::new(crate::game::Game::new(pool.clone()));
    let writer = Arc::new(WriterHandle::new(pool.clone(), Arc::new(Hub::default()), game, None));
    let extra = 200;
    let total = QUEUE_DEPTH + MAX_BATCH + extra;
    let tasks: Vec<_> = (0..total)
        .map(|n| {
            let writer = writer.clone();
            tokio::spawn(async move { writer.submit(draft_message(n), Vec::new()).await })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut refused = 0;
    let mut waits = Vec::new();
    let mut waiting = Vec::new();
    for task in tasks {
        if task.is_finished() {
            let problem = task.await.unwrap().unwrap_err();
            assert_eq!(problem.code, ErrorCode::Overloaded, "{problem:?}");
            waits.push(problem.retry_after_ms.expect("a refusal says when to come back"));
            refused += 1;
        } else {
            waiting.push(task);
        }
    }
    // The queue held QUEUE_DEPTH; the writer took one batch (at most MAX_BATCH) out of it before it got stuck,
    // which may have let as many more in.
    assert!((extra..=extra + MAX_BATCH).contains(&refused), "{refused} refused");
    assert!(waiting.len() >= QUEUE_DEPTH, "accepted sends wait for the writer");
    // Half the full queue at the first assumed rate (5,000/s) is about 400 ms; the places then spread out.
    let (first, last) = (waits.iter().min().unwrap(), waits.iter().max().unwrap());
    assert!(*first >= 300, "{first} ms");
    assert!(
        last - first >= refused as u64 / 10,
        "{refused} refusals spread over {first}..{last} ms"
    );
    drop(held);
    for task in waiting {
        let answer = tokio::time::timeout(std::time::Duration::from_secs(30), task).await;
        assert!(answer.is_ok(), "every accepted send is answered once the writer moves");
    }
}

/// The writer's connection keeps its statement journals in memory and a large page cache.
#[tokio::test]
async fn the_writer_connection_keeps_temporary_storage_in_memory() {
    let pool = crate::store::connect_in_memory().await.unwrap();
    let mut connection = writer_connection(&pool).await.unwrap();
    let temp_store: i64 = sqlx::query_scalar("PRAGMA temp_store")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    let cache_size: i64 = sqlx::query_scalar("PRAGMA cache_size")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    assert_eq!((temp_store, cache_size), (2, -65536), "2 is MEMORY");
}

/// A writer that never rests starts the WAL over by itself: with nothing else checkpointing, the WAL of 100
/// batches stays a batch long when the writer finishes a checkpoint after each one, and keeps every frame
/// when it does not.
#[tokio::test]
async fn the_writer_starts_the_wal_over_by_itself() {
    let without = wal_frames_after_batches(std::time::Duration::from_secs(3_600)).await;
    let with = wal_frames_after_batches(std::time::Duration::ZERO).await;
    assert!(
        without >= 200,
        "the WAL holds every batch without checkpoints: {without} frames"
    );
    assert!(
        with * 10 < without,
        "the writer's checkpoints let the WAL start over: {with} vs {without} frames"
    );
}

/// The frames in the WAL after 100 sends stored one batch at a time by a writer checkpointing every
/// `checkpoint_every`, on a database without the background checkpointer.
async fn wal_frames_after_batches(checkpoint_every: std::time::Duration) -> i64 {
    let folder = std::env::temp_dir().join(format!(
        "tabletalk-wal-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    let url = format!("sqlite://{}/t.db", folder.display());
    let pool = crate::store::connect_without_checkpointer(&url).await.unwrap();
    crate::store::migrate(&pool).await.unwrap();
    let plan = crate::seed_bench::load_plan(&pool, 1, 1, crate::seed_bench::Backlog::default())
        .await
        .unwrap();
    let room = &plan.rooms[0];
    let sender = &room.members[0].user_id;
    let game = Arc::new(crate::game::Game::new(pool.clone()));
    let writer = WriterHandle::with_checkpoints(pool.clone(), Arc::new(Hub::default()), game, checkpoint_every, None);
    for n in 0..100 {
        let message = NewMessage {
            channel_id: ChannelId::from(room.channel_id.as_str()),
            actor: Actor::participant(sender, "gm"),
            sender_id: Some(UserId::from(sender.as_str())),
            ..draft_message(n)
        };
        writer.submit(message, Vec::new()).await.unwrap();
    }
    let (_, frames, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(&pool)
        .await
        .unwrap();
    drop(writer);
    pool.close().await;
    let _ = std::fs::remove_dir_all(&folder);
    frames
}
