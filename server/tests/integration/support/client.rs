//! A raw WebSocket client of the chat protocol, speaking it the way any third-party client would.

use super::WAIT;
use app::domain::ids::ChannelId;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A protocol client that records every frame it receives.
pub struct Client {
    pub(super) socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Client {
    pub async fn send(&mut self, frame: Value) {
        self.socket.send(Message::text(frame.to_string())).await.unwrap();
    }

    pub async fn send_raw(&mut self, text: String) {
        self.socket.send(Message::text(text)).await.unwrap();
    }

    /// The next text frame, parsed; panics after [`WAIT`].
    pub async fn next(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(WAIT, self.socket.next())
                .await
                .expect("a frame within the wait")
                .expect("socket open")
                .expect("no socket error");
            if let Message::Text(text) = message {
                return serde_json::from_str(text.as_str()).unwrap();
            }
        }
    }

    /// The next frame of `kind`, skipping others.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// Every frame that arrives within `window`.
    pub async fn drain(&mut self, window: Duration) -> Vec<Value> {
        let mut frames = Vec::new();
        while let Ok(Some(Ok(message))) = tokio::time::timeout(window, self.socket.next()).await {
            if let Message::Text(text) = message {
                frames.push(serde_json::from_str(text.as_str()).unwrap());
            }
        }
        frames
    }

    /// Everything received until a `chat.message` whose body is `marker` arrives (inclusive).
    pub async fn until_message(&mut self, marker: &str) -> Vec<Value> {
        let mut frames = Vec::new();
        loop {
            let frame = self.next().await;
            let done = frame["type"] == "chat.message" && frame["message"]["body"] == marker;
            frames.push(frame);
            if done {
                return frames;
            }
        }
    }

    /// Sends a message without waiting for its answer, so the sender's own frames stay readable.
    pub async fn post(&mut self, channel: &ChannelId, key: &str, body: &str) {
        self.send(json!({"type": "chat.send", "channel_id": channel, "client_message_id": key, "body": body}))
            .await;
    }

    /// Joins and returns the `chat.joined` frame (the latest page or replay follows).
    pub async fn join(&mut self, channel: &ChannelId, last_sequence_id: Option<i64>) -> Value {
        self.send(json!({"type": "chat.join", "channel_id": channel, "last_sequence_id": last_sequence_id}))
            .await;
        self.next_of("chat.joined").await
    }

    /// Sends a message and returns the answer to it (`chat.ack`, `chat.notice` or `chat.error`).
    pub async fn say(&mut self, channel: &ChannelId, key: &str, body: &str) -> Value {
        self.say_with(channel, key, body, json!({})).await
    }

    /// Sends a message with extra fields (mode, audience, ...) and returns the answer to it.
    pub async fn say_with(&mut self, channel: &ChannelId, key: &str, body: &str, extra: Value) -> Value {
        let mut frame = json!({"type": "chat.send", "channel_id": channel, "client_message_id": key, "body": body});
        if let (Some(frame), Some(extra)) = (frame.as_object_mut(), extra.as_object()) {
            frame.extend(extra.clone());
        }
        self.send(frame).await;
        self.answer_to(key).await
    }

    /// Sends a change (`kind` is `edit`, `delete`, `react`, `unreact`, `pin` or `unpin`) to `message_id` with
    /// extra fields (`body`, `emoji`) and returns the answer to it.
    pub async fn change(
        &mut self,
        kind: &str,
        channel: &ChannelId,
        message_id: &Value,
        key: &str,
        extra: Value,
    ) -> Value {
        let mut frame = json!({"type": format!("chat.{kind}"), "channel_id": channel, "message_id": message_id,
            "client_message_id": key});
        if let (Some(frame), Some(extra)) = (frame.as_object_mut(), extra.as_object()) {
            frame.extend(extra.clone());
        }
        self.send(frame).await;
        self.answer_to(key).await
    }

    /// The answer (`chat.ack`, `chat.error` or `chat.notice`) to the request keyed `key`, skipping other frames.
    pub async fn answer_to(&mut self, key: &str) -> Value {
        loop {
            let frame = self.next().await;
            let answers = ["chat.ack", "chat.error", "chat.notice"].contains(&frame["type"].as_str().unwrap_or(""));
            if answers && frame["client_message_id"] == key {
                return frame;
            }
        }
    }

    /// Waits (up to `within`) for the server to close the socket; the close code, or `None` if it stayed open.
    pub async fn closed_within(&mut self, within: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return None,
                Ok(Some(Ok(Message::Close(frame)))) => return Some(frame.map_or(1005, |f| u16::from(f.code))),
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_)) | None) => return Some(1006),
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
