//! A member whose client stops reading is disconnected once its queue is full (close code 4008), while the
//! rest of the room keeps receiving every message; the slow client then resumes from its last sequence id and
//! ends up with every message exactly once.

use crate::support::TestServer;
use app::domain::ids::ChannelId;
use app::domain::views::UserSummary;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use server::chat::SendRequest;
use server::ws::connection::{CLOSE_SLOW_CONSUMER, QUEUE_DEPTH};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// Sends in flight at once while flooding the room.
const BURST: usize = 32;
/// Past this many messages without a disconnect the test fails.
const FLOOD_LIMIT: usize = 8 * QUEUE_DEPTH;

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_at_its_bound_and_the_room_goes_on() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gamemaster").await;
    let (slow, slow_token) = server.user("sleepy").await;
    let (reader, reader_token) = server.user("reader").await;
    let (_, _, channel) = server.table(&gm, &[&slow, &reader], true).await;

    // The slow client asks for a tiny receive buffer, joins, and then never reads again.
    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(4096).unwrap();
    let stream = tcp.connect(server.addr).await.unwrap();
    let mut request = format!("ws://{}/ws", server.addr).into_client_request().unwrap();
    let cookie = format!("tt_session={slow_token}").parse().unwrap();
    request.headers_mut().insert("cookie", cookie);
    let (mut stalled, _) = tokio_tungstenite::client_async(request, stream).await.unwrap();
    let join = json!({"type": "chat.join", "channel_id": channel});
    stalled.send(Message::text(join.to_string())).await.unwrap();
    while !text_of(&stalled.next().await.unwrap().unwrap()).contains("\"chat.history\"") {}

    let mut listener = server.connect(&reader_token).await;
    listener.join(&channel, None).await;
    listener.next_of("chat.history").await;
    let heard = tokio::spawn(async move {
        let frames = listener.until_message("final").await;
        sequence_ids(&frames)
    });
    assert_eq!(server.state.chat.hub().subscriber_count(&channel), 2);

    let mut sent = 0;
    while server.state.chat.hub().subscriber_count(&channel) == 2 {
        assert!(sent < FLOOD_LIMIT, "the slow client was never disconnected");
        flood(&server, &gm, &channel, sent).await;
        sent += BURST;
    }
    let dropped_after = sent;
    assert!(
        dropped_after > QUEUE_DEPTH,
        "dropped after {dropped_after} messages, before its queue of {QUEUE_DEPTH} could fill"
    );
    // The room goes on after the slow client is gone.
    flood(&server, &gm, &channel, sent).await;
    say(&server, &gm, &channel, "final", "final").await;

    let heard = tokio::time::timeout(Duration::from_secs(30), heard)
        .await
        .unwrap()
        .unwrap();
    let first = heard[0];
    let last = *heard.last().unwrap();
    assert_eq!(
        heard,
        (first..=last).collect::<Vec<_>>(),
        "the reader got every message, in order"
    );
    assert_eq!(heard.len(), dropped_after + BURST + 1);

    // Reading again, the slow client finds what was buffered, then the end of the connection.
    let mut seen = Vec::new();
    let mut close_code = None;
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stalled.next())
            .await
            .expect("the server hung up")
        {
            Some(Ok(Message::Close(frame))) => {
                close_code = frame.map(|f| u16::from(f.code));
                break;
            }
            Some(Ok(message)) => {
                let frame: Value = serde_json::from_str(&text_of(&message)).unwrap();
                if frame["type"] == "chat.message" {
                    seen.push(frame["message"]["sequence_id"].as_i64().unwrap());
                }
            }
            Some(Err(_)) | None => break,
        }
    }
    assert!(
        matches!(close_code, None | Some(CLOSE_SLOW_CONSUMER)),
        "closed with {close_code:?}"
    );
    assert!(
        !seen.is_empty() && seen.len() < heard.len(),
        "a prefix was delivered: {}",
        seen.len()
    );
    assert_eq!(seen, (first..first + seen.len() as i64).collect::<Vec<_>>());

    // It resumes from the last message it saw and gets the rest exactly once.
    let mut resumed = server.connect(&slow_token).await;
    resumed.join(&channel, seen.last().copied()).await;
    let replayed = sequence_ids(&resumed.until_message("final").await);
    let mut all = seen.clone();
    all.extend(replayed);
    assert_eq!(all, heard);
}

/// Sends [`BURST`] long messages at once, numbered from `from`.
async fn flood(server: &TestServer, gm: &UserSummary, channel: &ChannelId, from: usize) {
    let filler = "x".repeat(3900);
    let sends = (from..from + BURST).map(|n| {
        let body = format!("{n:05} {filler}");
        async move { say(server, gm, channel, &format!("flood-{n}"), &body).await }
    });
    futures::future::join_all(sends).await;
}

async fn say(server: &TestServer, user: &UserSummary, channel: &ChannelId, key: &str, body: &str) {
    let request = SendRequest::text(channel, key, body);
    let answer = server.state.chat.send(user, request).await.unwrap();
    assert!(answer.to_json().contains("chat.ack"), "{}", answer.to_json());
}

fn sequence_ids(frames: &[Value]) -> Vec<i64> {
    frames
        .iter()
        .filter(|f| f["type"] == "chat.message")
        .map(|f| f["message"]["sequence_id"].as_i64().unwrap())
        .collect()
}

fn text_of(message: &Message) -> String {
    match message {
        Message::Text(text) => text.as_str().to_owned(),
        _ => String::new(),
    }
}
