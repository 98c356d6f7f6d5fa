//! A login session's sockets live and die with it, and one user's (or one address's) share of the server is
//! bounded however many sockets they open: logout and expiry close sockets at once, sends are limited per
//! user, sockets are capped per user, and password guessing is throttled before any hashing.

use crate::support::TestServer;
use leptos::server_fn::ServerFn;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The close code of a socket whose login session ended.
const SESSION_ENDED: u16 = 4001;

#[tokio::test]
async fn logging_out_closes_every_socket_of_that_login_and_refuses_it_afterwards() {
    let server = TestServer::start().await;
    let (gm, token) = server.user("gamemaster").await;
    let (_, other_token) = server
        .state
        .auth
        .login("gamemaster", "correct horse battery")
        .await
        .unwrap();
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let mut first_tab = server.connect(&token).await;
    let mut second_tab = server.connect(&token).await;
    let mut other_device = server.connect(&other_token).await;
    for socket in [&mut first_tab, &mut second_tab, &mut other_device] {
        socket.join(&channel, None).await;
    }
    assert_eq!(second_tab.say(&channel, "k1", "before").await["type"], "chat.ack");

    let logout = <app::api::auth::Logout as ServerFn>::PATH;
    let started = Instant::now();
    let (status, headers, _) = server.post_form(logout, "", Some(&token)).await;
    assert!(status < 400, "logout answered {status}");
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "set-cookie" && v.contains("Max-Age=0")),
        "the cookie is cleared"
    );
    for tab in [&mut first_tab, &mut second_tab] {
        assert_eq!(tab.closed_within(Duration::from_secs(2)).await, Some(SESSION_ENDED));
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        server.try_connect(&token).await.err(),
        Some(401),
        "the old cookie opens nothing"
    );
    assert_eq!(
        other_device.say(&channel, "k2", "still here").await["type"],
        "chat.ack",
        "another login of the same user stays open"
    );
}

#[tokio::test]
async fn a_socket_closes_when_its_login_session_expires() {
    let server = TestServer::start().await;
    let (gm, token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let soon = server::store::now_ms() + 1_000;
    sqlx::query("UPDATE login_sessions SET expires_at = $1")
        .bind(soon)
        .execute(&server.pool)
        .await
        .unwrap();
    let mut socket = server.connect(&token).await;
    socket.join(&channel, None).await;
    assert_eq!(socket.closed_within(Duration::from_secs(3)).await, Some(SESSION_ENDED));
    assert!(server::store::now_ms() >= soon, "not before it expired");
    assert_eq!(server.try_connect(&token).await.err(), Some(401));
}

#[tokio::test]
async fn one_user_shares_one_send_budget_across_ten_sockets() {
    let server = TestServer::start().await;
    let (gm, token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let mut sockets = Vec::new();
    for _ in 0..10 {
        let mut socket = server.connect(&token).await;
        socket.join(&channel, None).await;
        sockets.push(socket);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (index, mut socket) in sockets.into_iter().enumerate() {
        let channel = channel.clone();
        tasks.push(tokio::spawn(async move {
            let mut answers: Vec<Value> = Vec::new();
            for n in 0..30 {
                answers.push(socket.say(&channel, &format!("{index}-{n}"), "spam").await);
            }
            answers
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.extend(task.await.unwrap());
    }
    let seconds = started.elapsed().as_secs_f64();
    let acked = answers.iter().filter(|a| a["type"] == "chat.ack").count();
    let limited: Vec<&Value> = answers.iter().filter(|a| a["code"] == "rate_limited").collect();
    assert_eq!(acked + limited.len(), 300, "every send is answered");
    // The user's burst (60) plus 10 a second while the test ran, not 300.
    assert!(
        (acked as f64) <= 60.0 + 10.0 * seconds + 1.0,
        "{acked} acked in {seconds:.2}s"
    );
    assert!(limited
        .iter()
        .all(|a| a["retry_after_ms"].as_u64().is_some_and(|ms| ms > 0)));
}

#[tokio::test]
async fn sockets_are_capped_per_user_with_a_typed_refusal() {
    let server = TestServer::start().await;
    let (gm, token) = server.user("gamemaster").await;
    let mut open = Vec::new();
    for _ in 0..16 {
        open.push(server.connect(&token).await);
    }
    assert_eq!(server.try_connect(&token).await.err(), Some(429));
    assert_eq!(server.state.auth.sockets().count_for(&gm.id), 16);
    let closing = open.pop().unwrap();
    closing.close().await;
    for _ in 0..100 {
        if server.state.auth.sockets().count_for(&gm.id) < 16 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        server.try_connect(&token).await.is_ok(),
        "a closed socket frees its place"
    );
}

#[tokio::test]
async fn concurrent_wrong_logins_are_throttled_before_hashing() {
    let server = TestServer::start().await;
    server.user("alice").await;
    let login = <app::api::auth::Login as ServerFn>::PATH;
    let started = Instant::now();
    let mut attempts = Vec::new();
    for _ in 0..40 {
        let server = &server;
        attempts.push(async move {
            server
                .post_form(login, "username=alice&password=wrong+guess+here", None)
                .await
        });
    }
    let answers = futures::future::join_all(attempts).await;
    let wrong = answers.iter().filter(|(status, _, _)| *status == 401).count();
    let throttled: Vec<_> = answers.iter().filter(|(status, _, _)| *status == 429).collect();
    assert_eq!(
        wrong + throttled.len(),
        40,
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    assert!(wrong <= 5, "only the account's burst was hashed: {wrong}");
    for (_, headers, body) in &throttled {
        assert!(headers.iter().any(|(k, _)| k == "retry-after"), "a retry-after header");
        let problem: Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["code"], "rate_limited");
    }
    // The right password is refused too while the account is throttled: guessing learns nothing.
    let (status, _, _) = server
        .post_form(login, "username=alice&password=correct+horse+battery", None)
        .await;
    assert_eq!(status, 429);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "40 attempts did not cost 40 hashes"
    );
}
