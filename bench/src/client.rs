//! One load-generator connection: joins its room, sends what the scheduler hands it, and records every
//! delivery (for the exactly-once check) and its latency.

use crate::plan::Reach;
use crate::protocol::{self, Incoming, Target};
use crate::stats::Shared;
use futures::{SinkExt, StreamExt};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// What the scheduler asks a connection to do.
#[derive(Debug)]
pub enum Command {
    /// Send message `number` with this reach; `target_user` is the whisper's recipient.
    Send {
        number: u64,
        sent_us: u64,
        phase: usize,
        reach: Reach,
        target_user: Arc<str>,
    },
    /// Ask for the newest history page, timing the answer.
    History,
}

/// Where a connection goes and as whom.
pub struct Endpoint {
    /// Which protocol.
    pub target: Target,
    /// The socket URL.
    pub url: String,
    /// The room (channel id or room name).
    pub room: Arc<str>,
    /// Tabletalk's session cookie value (empty for peers).
    pub token: String,
    /// This run's tag, in idempotency keys.
    pub run: Arc<str>,
}

/// Connects and joins; returns the open socket once the server confirmed the join.
pub async fn connect(endpoint: &Endpoint) -> Result<Socket, String> {
    let mut request = endpoint.url.as_str().into_client_request().map_err(|e| e.to_string())?;
    if !endpoint.token.is_empty() {
        let cookie = format!("tt_session={}", endpoint.token)
            .parse()
            .map_err(|_| "bad token")?;
        request.headers_mut().insert("cookie", cookie);
    }
    // Small buffers: ten thousand connections in one process would otherwise hold 128 KiB each.
    let config = WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0);
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), true)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    if let Some(first) = protocol::opening(endpoint.target, &endpoint.room) {
        socket.send(Message::text(first)).await.map_err(|e| e.to_string())?;
    }
    loop {
        let frame = socket
            .next()
            .await
            .ok_or("closed while joining")?
            .map_err(|e| e.to_string())?;
        let Message::Text(text) = frame else { continue };
        match protocol::classify(endpoint.target, text.as_str(), &endpoint.room) {
            Incoming::Progress { then, ready } => {
                if let Some(then) = then {
                    socket.send(Message::text(then)).await.map_err(|e| e.to_string())?;
                }
                if ready {
                    return Ok(socket);
                }
            }
            // Tabletalk answers a join with `chat.joined` and then the newest page.
            Incoming::History => return Ok(socket),
            Incoming::Answer(answer) => socket.send(Message::text(answer)).await.map_err(|e| e.to_string())?,
            Incoming::Error => return Err(format!("join refused: {}", text.as_str())),
            _ => {}
        }
    }
}

/// An open socket.
pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Runs a joined connection until `stop` fires; returns the numbers of the messages it received.
pub async fn run(
    endpoint: Endpoint,
    socket: Socket,
    mut commands: mpsc::Receiver<Command>,
    shared: Arc<Shared>,
) -> Vec<u64> {
    let (mut sink, mut stream) = socket.split();
    let mut received = Vec::new();
    let mut history_asked: std::collections::VecDeque<u64> = Default::default();
    // Sends not yet acked, kept to be sent again (same key, same intended time) when the server pushes back.
    let mut in_flight: HashMap<u64, (String, tokio::time::Instant, u32)> = HashMap::new();
    let mut retries: BinaryHeap<Reverse<(tokio::time::Instant, u64)>> = BinaryHeap::new();
    let mut stop = shared.stop.subscribe();
    loop {
        let next_retry = retries.peek().map(|Reverse((due, _))| *due);
        tokio::select! {
            _ = tokio::time::sleep_until(next_retry.unwrap_or_else(tokio::time::Instant::now)), if next_retry.is_some() => {
                let now = tokio::time::Instant::now();
                while let Some(Reverse((due, number))) = retries.peek().copied() {
                    if due > now {
                        break;
                    }
                    retries.pop();
                    if let Some((text, attempted, _)) = in_flight.get_mut(&number) {
                        *attempted = tokio::time::Instant::now();
                        if sink.send(Message::text(text.clone())).await.is_err() {
                            shared.disconnected();
                            break;
                        }
                    }
                }
            }
            command = commands.recv() => {
                let text = match command {
                    Some(Command::Send { number, sent_us, phase, reach, target_user }) => {
                        let body = protocol::body(number, sent_us, phase);
                        let text =
                            protocol::send(endpoint.target, &endpoint.room, &endpoint.run, number, &body, reach, &target_user);
                        if endpoint.target == Target::Tabletalk {
                            in_flight.insert(number, (text.clone(), tokio::time::Instant::now(), 0));
                        }
                        text
                    }
                    Some(Command::History) => {
                        history_asked.push_back(shared.now_us());
                        protocol::history_request(&endpoint.room)
                    }
                    None => break,
                };
                if sink.send(Message::text(text)).await.is_err() {
                    shared.disconnected();
                    break;
                }
            }
            frame = stream.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(reason))) => {
                        shared.closed_by_server(reason.map(|r| u16::from(r.code)));
                        break;
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => {
                        shared.disconnected();
                        break;
                    }
                };
                match protocol::classify(endpoint.target, text.as_str(), &endpoint.room) {
                    Incoming::Delivered { number, sent_us, phase } => {
                        received.push(number);
                        shared.delivered(sent_us, phase);
                    }
                    Incoming::Acked { number } => {
                        if let Some((_, attempted, _)) = in_flight.remove(&number) {
                            shared.accepted_after(attempted.elapsed());
                        }
                        shared.acked(number);
                    }
                    Incoming::Refused { number, retry_after_ms } => {
                        shared.refused();
                        // As the browser does: the server's wait, doubled with each refusal of the same send,
                        // spread by a fifth either way (a fixed spread per send, no random source needed).
                        let refusals = in_flight.get_mut(&number).map_or(1, |entry| {
                            entry.2 += 1;
                            entry.2
                        });
                        let doubled = retry_after_ms.saturating_mul(1 << (refusals - 1).min(5)).min(30_000);
                        let spread = 0.8 + (number % 41) as f64 / 100.0;
                        let due = tokio::time::Instant::now() + Duration::from_millis((doubled as f64 * spread) as u64);
                        retries.push(Reverse((due, number)));
                    }
                    Incoming::Error => shared.error(text.as_str()),
                    Incoming::History => {
                        if let Some(asked) = history_asked.pop_front() {
                            shared.history_answered(asked);
                        }
                    }
                    Incoming::Answer(answer) => {
                        if sink.send(Message::text(answer)).await.is_err() {
                            break;
                        }
                    }
                    Incoming::Progress { .. } | Incoming::Other => {}
                }
            }
            _ = stop.changed() => break,
        }
    }
    let _ = sink.close().await;
    received
}
