//! What an operator's tools ask of an instance: `/healthz` (the process answers), `/readyz` (its database
//! answers, else a typed `unavailable` with 503) and `/metrics` in Prometheus' text format, with seed 003's
//! chat figures moving as sockets open and messages are stored.

use crate::support::TestServer;
use serde_json::Value;

/// The value of the first sample of `name` (with or without labels) in a Prometheus text page.
pub(crate) fn sample(page: &str, name: &str) -> Option<f64> {
    page.lines()
        .filter(|line| !line.starts_with('#'))
        .find(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn health_and_readiness_answer_while_the_database_does() {
    let server = TestServer::start().await;
    let (status, _, body) = server.get("/healthz", None).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, _, body) = server.get("/readyz", None).await;
    assert_eq!((status, body.as_str()), (200, "ready"));

    server.pool.close().await;
    let (status, _, body) = server.get("/readyz", None).await;
    assert_eq!(status, 503, "{body}");
    let problem: Value = serde_json::from_str(&body).expect("a problem as JSON");
    assert_eq!(problem["code"], "unavailable");
    assert!(problem["message"].as_str().unwrap().contains("database"), "{problem}");
    let (status, _, _) = server.get("/healthz", None).await;
    assert_eq!(status, 200, "the process itself still answers");
}

#[tokio::test]
async fn metrics_count_open_sockets_and_stored_messages() {
    let server = TestServer::start().await;
    let (gm, token) = server.user("metricsgm").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;

    let (status, headers, page) = server.get("/metrics", None).await;
    assert_eq!(status, 200);
    let content_type = headers
        .iter()
        .find(|(name, _)| name == "content-type")
        .map(|(_, value)| value.as_str());
    assert_eq!(content_type, Some("text/plain; version=0.0.4; charset=utf-8"));
    let ingested_before = sample(&page, "chat_messages_ingested_total").unwrap_or(0.0);

    let mut client = server.connect(&token).await;
    client.join(&channel, None).await;
    let answer = client.say(&channel, "metrics-1", "Counted.").await;
    assert_eq!(answer["type"], "chat.ack", "{answer}");

    let (_, _, page) = server.get("/metrics", None).await;
    let open = sample(&page, "chat_ws_active_sessions").expect("the open sessions gauge");
    assert!(open >= 1.0, "this test's socket is open: {open}");
    let ingested = sample(&page, "chat_messages_ingested_total").expect("the ingested counter");
    assert!(ingested >= ingested_before + 1.0, "{ingested_before} -> {ingested}");
    let fanned = sample(&page, "chat_messages_fanout_latency_ms_count").expect("the fan-out histogram");
    assert!(fanned >= 1.0, "{fanned}");
    assert!(
        page.contains("chat_messages_fanout_latency_ms_bucket{le="),
        "histogram buckets, not a summary"
    );
    assert!(sample(&page, "db_commit_latency_ms_count").is_some_and(|count| count >= 1.0));
    assert!(page.contains("# HELP chat_ws_active_sessions"), "figures are described");
    assert!(
        sample(&page, "process_resident_memory_bytes").is_some_and(|bytes| bytes > 0.0),
        "process figures are there"
    );
    client.close().await;
}
