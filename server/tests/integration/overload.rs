//! Overload: a send the writer cannot take is refused at once with a wait, and keeps its place on its socket.
//! The socket's later sends are refused behind it until it comes back, so they are stored in the order they
//! were written even when room appears in between; the sends that were taken are all answered.

use crate::support::TestServer;
use app::domain::ErrorCode;
use serde_json::Value;
use server::chat::{SendAnswer, SendRequest};
use std::time::Duration;

/// Sends `key` on `socket` until it is acked (waiting out each refusal); returns the ack.
async fn say_until_taken(
    socket: &mut crate::support::Client,
    channel: &app::domain::ids::ChannelId,
    key: &str,
) -> Value {
    for _ in 0..100 {
        let answer = socket.say(channel, key, key).await;
        if answer["type"] == "chat.ack" {
            return answer;
        }
        assert_eq!(answer["code"], "overloaded", "{answer}");
        let wait = answer["retry_after_ms"]
            .as_u64()
            .expect("a refusal says when to come back");
        tokio::time::sleep(Duration::from_millis(wait.min(500))).await;
    }
    panic!("{key} was never taken");
}

#[tokio::test]
async fn a_refused_send_keeps_its_place_on_its_socket() {
    let server = TestServer::start().await;
    let (gm, token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    // The backlog goes to another table, so the socket under test is not flooded with its messages.
    let (_, _, elsewhere) = server.table(&gm, &[], true).await;
    let mut socket = server.connect(&token).await;
    socket.join(&channel, None).await;

    // Stall the writer (another transaction holds what the writer's batch waits for: SQLite's write lock, or on
    // Postgres the table-change lock alone) and fill its queue until it refuses.
    let lock = server::store::begin_write(&server.pool).await.unwrap();
    let mut backlog = Vec::new();
    // Twice: the writer takes its first batch out of the queue when it next runs, and then waits for the lock.
    for _ in 0..2 {
        loop {
            let request = SendRequest::text(&elsewhere, &format!("fill-{}", backlog.len()), "filler");
            match server.state.chat.begin_send(&gm, request).await {
                Ok(SendAnswer::Committing(pending)) => {
                    let chat = server.state.chat.clone();
                    backlog.push(tokio::spawn(async move { pending.answer(&chat).await }))
                }
                Ok(SendAnswer::Now(frame)) => panic!("a plain message is stored, not answered at once: {frame:?}"),
                Err(problem) => {
                    assert_eq!(problem.code, ErrorCode::Overloaded, "{problem:?}");
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        backlog.len() > 1_000,
        "the queue took {} sends before refusing",
        backlog.len()
    );

    // The socket's send is refused at once, with a wait.
    let first = socket.say(&channel, "a", "a").await;
    assert_eq!(first["code"], "overloaded", "{first}");
    assert!(first["retry_after_ms"].as_u64().is_some_and(|ms| ms > 0), "{first}");

    // The writer moves again; wait until the queue has room (a send from outside this socket is taken).
    lock.rollback().await.unwrap();
    loop {
        let request = SendRequest::text(&elsewhere, &format!("fill-{}", backlog.len()), "filler");
        match server.state.chat.begin_send(&gm, request).await {
            Ok(SendAnswer::Committing(pending)) => {
                let chat = server.state.chat.clone();
                backlog.push(tokio::spawn(async move { pending.answer(&chat).await }));
                break;
            }
            Ok(SendAnswer::Now(frame)) => panic!("{frame:?}"),
            Err(problem) => {
                assert_eq!(problem.code, ErrorCode::Overloaded, "{problem:?}");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }

    // With room in the queue, a later send of the same socket is still refused: "a" has not come back yet.
    let later = socket.say(&channel, "c", "c").await;
    assert_eq!(
        later["code"], "overloaded",
        "a later send must not pass the refused one: {later}"
    );

    // "a" comes back and is taken, then "c": stored in the order they were written.
    let a = say_until_taken(&mut socket, &channel, "a").await;
    let c = say_until_taken(&mut socket, &channel, "c").await;
    assert!(
        a["sequence_id"].as_i64() < c["sequence_id"].as_i64(),
        "stored out of order: {a} then {c}"
    );
    for task in backlog {
        let answer = tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .expect("answered");
        assert!(answer.unwrap().is_ok(), "every send the writer took is stored");
    }
}
