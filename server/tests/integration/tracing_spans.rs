//! What an operator's tracing sees: a span for the WebSocket handshake, one for each send and its commit and
//! fan-out (naming the channel), and one for each HTTP request, server functions included. The spans are
//! captured by a subscriber of the test's own; the test runtime runs every task of the server on its thread.

use crate::support::TestServer;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Each span opened: its name and its fields as text.
type Opened = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

struct Capture(Opened);

#[derive(Default)]
struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attributes: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        let mut fields = Fields::default();
        attributes.record(&mut fields);
        let mut opened = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        opened.push((attributes.metadata().name().to_owned(), fields.0));
    }
}

fn field<'a>(opened: &'a [(String, Vec<(String, String)>)], span: &str, name: &str) -> Vec<&'a str> {
    opened
        .iter()
        .filter(|(opened_name, _)| opened_name == span)
        .flat_map(|(_, fields)| {
            fields
                .iter()
                .filter(|(field, _)| field == name)
                .map(|(_, value)| value.as_str())
        })
        .collect()
}

#[tokio::test]
async fn handshakes_sends_commits_fanouts_and_requests_have_spans() {
    // While one subscriber is registered, tracing-core decides whether a span's call site is wanted by asking
    // only the subscriber of the thread that reaches it first: another test's thread (which has none) would
    // switch this test's spans off for good. With two registered, it asks every registered one.
    let _second = tracing::Dispatch::new(tracing_subscriber::registry());
    let opened: Opened = Arc::default();
    let subscriber = tracing_subscriber::registry().with(Capture(opened.clone()));
    let _default = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start().await;
    let (gm, token) = server.user("tracedgm").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let mut client = server.connect(&token).await;
    client.join(&channel, None).await;
    let answer = client.say(&channel, "traced-1", "Followed.").await;
    assert_eq!(answer["type"], "chat.ack", "{answer}");
    let (status, _, _) = server.get("/healthz", None).await;
    assert_eq!(status, 200);
    client.close().await;

    let opened = opened.lock().unwrap().clone();
    let names: Vec<&str> = opened.iter().map(|(name, _)| name.as_str()).collect();
    assert!(names.contains(&"ws.handshake"), "{names:?}");
    let channel = channel.to_string();
    assert!(
        field(&opened, "chat.send", "channel_id").contains(&channel.as_str()),
        "{opened:?}"
    );
    assert!(
        field(&opened, "chat.fanout", "channel_id").contains(&channel.as_str()),
        "{opened:?}"
    );
    assert!(!field(&opened, "chat.commit", "rows").is_empty(), "{names:?}");
    assert!(
        field(&opened, "http.request", "path").contains(&"/healthz"),
        "{opened:?}"
    );
}
