//! Seed 003's chaos test: three `tabletalk serve` processes behind HAProxy over one Postgres and one Redis,
//! clients on each sending with retries, and then one instance killed with SIGKILL mid-burst, or Redis killed and
//! started again. Afterwards: every acked message stored once and seen by every client, no gaps in what anyone
//! saw, and the clients of the instances that lived on were never interrupted.
//!
//! Needs the Postgres pass with its Redis and HAProxy (`scripts/test.sh`); in the SQLite pass it says so.

use crate::support::cluster::{Cluster, Redis};
use crate::support::{on_postgres, redis_url, TestServer};
use app::domain::ids::ChannelId;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Players sending at once (two per instance behind round-robin).
const CLIENTS: usize = 6;
/// Messages each sends.
const SENDS: usize = 40;
/// How long a client waits for an answer before it takes the socket for dead and reconnects.
const ANSWER_WITHIN: Duration = Duration::from_secs(3);

fn chaos_possible() -> bool {
    let on = on_postgres() && redis_url().is_some() && std::env::var("TABLETALK_HAPROXY").is_ok();
    if !on {
        eprintln!("the chaos tests need the Postgres pass with its Redis and HAProxy; this pass has neither");
    }
    on
}

/// A client that keeps going: reconnects through the balancer, resumes from the last sequence id it saw, and
/// resends an unanswered message with the same key.
struct Player {
    token: String,
    port: u16,
    room: ChannelId,
    socket: Option<WebSocketStream<MaybeTlsStream<TcpStream>>>,
    /// Every message seen, by sequence id (its message id).
    seen: BTreeMap<i64, String>,
    acked: Vec<String>,
    reconnects: usize,
    /// The instance the balancer first sent it to (HAProxy's `X-Served-By`).
    first_instance: Option<String>,
}

impl Player {
    async fn connect(&mut self) {
        for _ in 0..300 {
            let mut request = format!("ws://127.0.0.1:{}/ws", self.port)
                .into_client_request()
                .unwrap();
            let cookie = format!("tt_session={}", self.token).parse().unwrap();
            request.headers_mut().insert("cookie", cookie);
            if let Ok((mut socket, response)) = tokio_tungstenite::connect_async(request).await {
                let served_by = response.headers().get("x-served-by").and_then(|v| v.to_str().ok());
                if self.first_instance.is_none() {
                    self.first_instance = served_by.map(str::to_owned);
                }
                let last = self.seen.keys().next_back().copied().unwrap_or(0);
                let join = json!({"type": "chat.join", "channel_id": self.room, "last_sequence_id": last});
                if socket.send(Message::text(join.to_string())).await.is_ok() {
                    self.socket = Some(socket);
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("could not reconnect through the balancer for 15 seconds");
    }

    /// The next frame, `None` after `within` or when the socket ended (then it is dropped).
    async fn next(&mut self, within: Duration) -> Option<Value> {
        let socket = self.socket.as_mut()?;
        match tokio::time::timeout(within, socket.next()).await {
            Err(_) => None,
            Ok(Some(Ok(Message::Text(text)))) => {
                let frame: Value = serde_json::from_str(text.as_str()).unwrap();
                if frame["type"] == "chat.message" {
                    let sequence = frame["message"]["sequence_id"].as_i64().unwrap();
                    let id = frame["message"]["message_id"].as_str().unwrap().to_owned();
                    let earlier = self.seen.insert(sequence, id.clone());
                    assert!(earlier.is_none_or(|e| e == id), "two messages at sequence {sequence}");
                }
                Some(frame)
            }
            Ok(Some(Ok(_))) => Some(Value::Null),
            Ok(_) => {
                self.socket = None;
                None
            }
        }
    }

    /// Sends one message until it is acked, however often the connection goes.
    async fn send(&mut self, key: &str, body: &str) {
        loop {
            if self.socket.is_none() {
                self.reconnects += 1;
                self.connect().await;
            }
            let frame = json!({"type": "chat.send", "channel_id": self.room, "client_message_id": key, "body": body});
            if let Some(socket) = self.socket.as_mut() {
                if socket.send(Message::text(frame.to_string())).await.is_err() {
                    self.socket = None;
                    continue;
                }
            }
            let deadline = tokio::time::Instant::now() + ANSWER_WITHIN;
            loop {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                let Some(frame) = self.next(left).await else {
                    self.socket = None;
                    break;
                };
                let answers = frame["client_message_id"] == key;
                if answers && frame["type"] == "chat.ack" {
                    self.acked.push(frame["message_id"].as_str().unwrap().to_owned());
                    return;
                }
                if answers && frame["type"] == "chat.error" {
                    let code = frame["code"].as_str().unwrap_or("");
                    assert!(["overloaded", "unavailable", "rate_limited"].contains(&code), "{frame}");
                    let wait = frame["retry_after_ms"].as_u64().unwrap_or(100).min(1_000);
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                    break;
                }
            }
        }
    }

    /// Reads (reconnecting as needed) until every sequence id up to `last` has been seen.
    async fn catch_up(&mut self, last: i64) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while self.seen.range(..=last).count() < last as usize {
            if tokio::time::Instant::now() >= deadline {
                let missing: Vec<i64> = (1..=last).filter(|s| !self.seen.contains_key(s)).collect();
                panic!(
                    "still missing {missing:?} of 1..={last} after {} reconnects",
                    self.reconnects
                );
            }
            if self.socket.is_none() {
                self.reconnects += 1;
                self.connect().await;
            }
            self.next(Duration::from_millis(200)).await;
        }
    }
}

/// What one chaos run does in its middle.
enum Trouble {
    KillInstance,
    RestartRedis,
}

async fn run(trouble: Trouble) {
    let seeder = TestServer::start().await;
    let (gm, _) = seeder.user("gamemaster").await;
    let mut players = Vec::new();
    for index in 0..CLIENTS {
        players.push(seeder.user(&format!("player{index}")).await);
    }
    let refs: Vec<_> = players.iter().map(|(user, _)| user).collect();
    let (_, _, room) = seeder.table(&gm, &refs, true).await;
    let mut redis = Redis::start().await;
    let namespace = format!("chaos-{}", ulid::Ulid::generate());
    let mut cluster = Cluster::start(3, &seeder.database_url(), &redis.url(), &namespace).await;

    let acked = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (index, (_, token)) in players.iter().enumerate() {
        let mut player = Player {
            token: token.clone(),
            port: cluster.port,
            room: room.clone(),
            socket: None,
            seen: BTreeMap::new(),
            acked: Vec::new(),
            reconnects: 0,
            first_instance: None,
        };
        let acked = acked.clone();
        tasks.push(tokio::spawn(async move {
            player.connect().await;
            for n in 0..SENDS {
                player
                    .send(&format!("p{index}-{n}"), &format!("line {n} of player {index}"))
                    .await;
                acked.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            player
        }));
    }
    while acked.load(Ordering::Relaxed) < CLIENTS * SENDS / 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    match trouble {
        Trouble::KillInstance => cluster.kill(1),
        Trouble::RestartRedis => {
            redis.kill();
            tokio::time::sleep(Duration::from_millis(500)).await;
            redis.restart().await;
        }
    }
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.unwrap());
    }
    let stored: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT sequence_id, id, client_message_id FROM messages WHERE channel_id = $1 ORDER BY sequence_id",
    )
    .bind(room.as_str())
    .fetch_all(&seeder.pool)
    .await
    .unwrap();
    let last = stored.last().unwrap().0;
    assert_eq!(last as usize, stored.len(), "gap-free sequence ids in the database");
    let posts: Vec<&String> = stored.iter().filter_map(|(_, _, key)| key.as_ref()).collect();
    let keys: std::collections::HashSet<&&String> = posts.iter().collect();
    assert_eq!(keys.len(), posts.len(), "no key stored twice");
    assert_eq!(
        posts.iter().filter(|k| k.starts_with('p')).count(),
        CLIENTS * SENDS,
        "every send stored"
    );
    for player in &mut done {
        player.catch_up(last).await;
        for (sequence, id, _) in &stored {
            assert_eq!(
                player.seen.get(sequence),
                Some(id),
                "every client saw sequence {sequence}"
            );
        }
        for id in &player.acked {
            assert!(
                stored.iter().any(|(_, stored_id, _)| stored_id == id),
                "acked {id} is stored"
            );
        }
    }
    if let Trouble::KillInstance = trouble {
        let mut on_killed = 0;
        for player in &done {
            let killed = player.first_instance.as_deref() == Some("i1");
            on_killed += usize::from(killed);
            assert_eq!(
                player.reconnects > 0,
                killed,
                "only the killed instance's clients reconnect ({:?}, {} reconnects)",
                player.first_instance,
                player.reconnects
            );
        }
        assert!(on_killed > 0, "the balancer put some clients on the killed instance");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_mid_burst_loses_and_doubles_nothing() {
    if !chaos_possible() {
        return;
    }
    run(Trouble::KillInstance).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_restarted_mid_burst_loses_and_doubles_nothing() {
    if !chaos_possible() {
        return;
    }
    run(Trouble::RestartRedis).await;
}
