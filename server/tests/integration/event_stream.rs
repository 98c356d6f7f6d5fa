//! The event stream for other services: every committed message reaches NATS JetStream as a
//! `chat.message.sent.v1` envelope, each channel's events complete and in order, across a broker restart
//! (sends go on while it is down and the outbox catches up after); a whisper's body never travels.

use crate::support::nats::Nats;
use crate::support::{Client, TestServer};
use app::domain::audience::AudienceScope;
use app::domain::events::{BodyPolicy, Envelope, MESSAGE_SENT_V1};
use app::domain::ids::{ChannelId, UserId};
use async_nats::jetstream::{self, consumer};
use futures::StreamExt;
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

/// Waits (up to `within`) until the relay has emptied the outbox; answers whether it did.
async fn relayed_within(server: &TestServer, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if server::events::outbox::waiting(&server.pool).await.unwrap() == 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Sends `range` lines from `socket`, alternating between the two channels; every third is a whisper to `to`
/// with a secret in it. Each is acked (the broker never holds up a send), resent after a rate limit's wait.
async fn burst(socket: &mut Client, channels: [&ChannelId; 2], to: &UserId, range: std::ops::Range<usize>) {
    for n in range {
        let channel = channels[n % 2];
        let key = format!("e{n}");
        loop {
            let answer = if n % 3 == 0 {
                let whisper = json!({"audience": {"scope": "targets", "targets": [{"kind": "user", "id": to}]}});
                socket.say_with(channel, &key, &format!("psst {n}"), whisper).await
            } else {
                socket.say(channel, &key, &format!("line {n}")).await
            };
            // The send budget refuses a burst past it; the same key is sent again after the wait it names.
            if answer["code"] == "rate_limited" {
                let wait = answer["retry_after_ms"].as_u64().unwrap_or(100);
                tokio::time::sleep(Duration::from_millis(wait)).await;
                continue;
            }
            assert_eq!(answer["type"], "chat.ack", "{answer}");
            break;
        }
    }
}

/// Every event on the stream, with its subject and raw payload, read by a consumer from the start.
async fn consume(url: &str, prefix: &str) -> Vec<(String, String, Envelope)> {
    let js = jetstream::new(async_nats::connect(url).await.unwrap());
    let stream = js.get_stream(server::events::stream_name(prefix)).await.unwrap();
    let total = stream.get_info().await.unwrap().state.messages as usize;
    let reader: consumer::PullConsumer = stream
        .create_consumer(consumer::pull::Config {
            deliver_policy: consumer::DeliverPolicy::All,
            ack_policy: consumer::AckPolicy::Explicit,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut events = Vec::new();
    while events.len() < total {
        let mut batch = reader
            .fetch()
            .max_messages(total - events.len())
            .expires(Duration::from_secs(2))
            .messages()
            .await
            .unwrap();
        let before = events.len();
        while let Some(message) = batch.next().await {
            let message = message.unwrap();
            let raw = String::from_utf8(message.payload.to_vec()).unwrap();
            let envelope: Envelope = serde_json::from_str(&raw).unwrap();
            events.push((message.subject.to_string(), raw, envelope));
            message.ack().await.unwrap();
        }
        assert!(
            events.len() > before,
            "the stream holds {total} events but only {before} could be read"
        );
    }
    events
}

#[tokio::test]
async fn every_message_reaches_the_stream_in_channel_order_across_a_broker_restart() {
    let mut nats = Nats::start().await;
    let prefix = format!("tt{}", ulid::Ulid::generate().to_string().to_lowercase());
    let server = TestServer::start_with_events(server::events::EventStream {
        url: nats.url(),
        prefix: prefix.clone(),
        bodies: BodyPolicy::default(),
    })
    .await;
    let (gm, _) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (campaign, _, room) = server.table(&gm, &[&alice], true).await;
    let general = server
        .state
        .game
        .campaign_view(&gm.id, &campaign)
        .await
        .unwrap()
        .table_channels[0]
        .id
        .clone();
    let mut socket = server.connect(&alice_token).await;
    socket.join(&room, None).await;
    socket.join(&general, None).await;

    burst(&mut socket, [&room, &general], &gm.id, 0..40).await;
    assert!(
        relayed_within(&server, Duration::from_secs(10)).await,
        "the relay keeps up"
    );

    nats.stop();
    burst(&mut socket, [&room, &general], &gm.id, 40..80).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = server::events::outbox::waiting(&server.pool).await.unwrap();
    assert!(
        waiting >= 40,
        "the sends made while the broker was down wait in the outbox ({waiting})"
    );
    nats.restart().await;
    assert!(
        relayed_within(&server, Duration::from_secs(30)).await,
        "the outbox drains once the broker is back"
    );

    let events = consume(&nats.url(), &prefix).await;
    for channel in [&room, &general] {
        let stored: Vec<i64> =
            sqlx::query_scalar("SELECT sequence_id FROM messages WHERE channel_id = $1 ORDER BY sequence_id")
                .bind(channel.as_str())
                .fetch_all(&server.pool)
                .await
                .unwrap();
        let mut seen = HashSet::new();
        let mut order = Vec::new();
        for (subject, _, event) in events.iter().filter(|(_, _, e)| &e.payload.room_id == channel) {
            assert_eq!(subject, &server::events::subject_of(&prefix, channel.as_str()));
            assert_eq!(event.partition_key, *channel);
            assert_eq!(event.event_type, MESSAGE_SENT_V1);
            // At least once: a copy of an event already read is dropped by its id, never reordered.
            if seen.insert(event.event_id.clone()) {
                order.push(event.payload.sequence_id);
            }
        }
        assert_eq!(order, stored, "the channel's events, complete and in order");
    }
    assert!(events.len() >= 80);

    for (_, raw, event) in &events {
        assert!(!raw.contains("psst"), "a whisper's body travelled: {raw}");
        let body = event.payload.content.as_deref();
        if event.payload.audience.scope == AudienceScope::Targets {
            assert!(event.payload.withheld && body.is_none() && event.payload.actor.is_none());
            assert!(
                event.payload.audience.targets.contains(&gm.id),
                "the audience travels: {raw}"
            );
            assert_eq!(event.payload.sender_id.as_ref(), Some(&alice.id));
        } else if event.payload.sender_id.is_some() {
            assert!(body.is_some_and(|b| b.starts_with("line ")), "{raw}");
            assert!(!event.payload.withheld);
        }
    }
    let lanes: HashSet<&str> = events.iter().map(|(_, _, e)| e.payload.lane.as_str()).collect();
    assert_eq!(lanes, HashSet::from(["in_game", "off_game"]));
}

#[tokio::test]
async fn without_a_broker_nothing_is_written_to_the_outbox() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (_, _, room) = server.table(&gm, &[], true).await;
    let mut socket = server.connect(&gm_token).await;
    socket.join(&room, None).await;
    assert_eq!(socket.say(&room, "k1", "hello").await["type"], "chat.ack");
    assert_eq!(server::events::outbox::waiting(&server.pool).await.unwrap(), 0);
}
