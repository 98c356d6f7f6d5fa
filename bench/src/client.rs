//! One load-generator connection: joins its room, sends what the scheduler hands it, and records every
//! delivery (for the exactly-once check) and its latency.

use crate::plan::Reach;
use crate::protocol::{self, Incoming, Target};
use crate::stats::Shared;
use futures::{SinkExt, StreamExt};
use std::collections::{BTreeSet, HashMap};
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
        /// Change the connection's last acknowledged message instead (a plain send until it has one).
        change: bool,
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
    /// Which of the run's instances `url` is.
    pub instance: usize,
    /// The room (channel id or room name).
    pub room: Arc<str>,
    /// Tabletalk's session cookie value (empty for peers).
    pub token: String,
    /// This run's tag, in idempotency keys.
    pub run: Arc<str>,
    /// Sends kept unanswered at once (0: no limit).
    pub window: usize,
    /// Whether this connection says it is typing, once a second.
    pub typing: bool,
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
    let mut outbox = Outbox::new(endpoint.window);
    // The last message this socket sent and saw acknowledged, which its changes edit and react to.
    let mut last_own: Option<String> = None;
    let mut changes: std::collections::HashSet<u64> = Default::default();
    let mut stop = shared.stop.subscribe();
    // Typing connections say so every 1.25 s (a composer: every 3 s; the server takes one a second), starting
    // at a random point so their frames spread evenly; a late tick pushes the next one back, never closer.
    let typing_every = std::time::Duration::from_millis(1_250);
    let offset = std::time::Duration::from_micros(shared.now_us() % 1_250_000);
    let mut typing = tokio::time::interval_at(tokio::time::Instant::now() + offset, typing_every);
    typing.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let typing_frame = protocol::typing(&endpoint.room);
    loop {
        let next_retry = outbox.due;
        tokio::select! {
            _ = typing.tick(), if endpoint.typing => {
                if sink.send(Message::text(typing_frame.clone())).await.is_err() {
                    shared.disconnected();
                    break;
                }
            }
            _ = tokio::time::sleep_until(next_retry.unwrap_or_else(tokio::time::Instant::now)), if next_retry.is_some() => {
                if let Some(number) = outbox.probe() {
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
                    Some(Command::Send { number, sent_us, phase, reach, target_user, change }) => {
                        let body = protocol::body(number, sent_us, phase);
                        let text = match last_own.as_deref().filter(|_| change) {
                            Some(message_id) => {
                                changes.insert(number);
                                protocol::change(&endpoint.room, &endpoint.run, number, &body, message_id)
                            }
                            None => protocol::send(
                                endpoint.target, &endpoint.room, &endpoint.run, number, &body, reach, &target_user,
                            ),
                        };
                        if endpoint.target == Target::Tabletalk {
                            in_flight.insert(number, (text.clone(), tokio::time::Instant::now(), 0));
                            // Behind a refused send, a new one waits its turn: the server stores a socket's sends
                            // in the order they are taken, so sending past the refused one would reorder them.
                            if !outbox.may_send(number) {
                                continue;
                            }
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
                        shared.delivered(number, sent_us, phase, endpoint.instance);
                    }
                    Incoming::Changed { number } => {
                        received.push(number);
                        shared.delivered_as_sent(number, endpoint.instance);
                    }
                    Incoming::Acked { number } => {
                        if !changes.remove(&number) {
                            if let Some(id) = protocol::acked_message_id(text.as_str()) {
                                last_own = Some(id.to_owned());
                            }
                        }
                        if let Some((_, attempted, _)) = in_flight.remove(&number) {
                            shared.accepted_after(attempted.elapsed());
                        }
                        shared.acked(number);
                        for number in outbox.acked(number) {
                            if let Some((text, attempted, _)) = in_flight.get_mut(&number) {
                                *attempted = tokio::time::Instant::now();
                                if sink.feed(Message::text(text.clone())).await.is_err() {
                                    shared.disconnected();
                                    break;
                                }
                            }
                        }
                        if sink.flush().await.is_err() {
                            shared.disconnected();
                            break;
                        }
                    }
                    Incoming::Refused { number, retry_after_ms } => {
                        shared.refused();
                        // As the browser does: the server's wait (it spaces its refusals' returns itself), doubled
                        // with each refusal of the same send, up to a tenth later; 1 s when it gave none.
                        let refusals = in_flight.get_mut(&number).map_or(1, |entry| {
                            entry.2 += 1;
                            entry.2
                        });
                        let base = retry_after_ms.unwrap_or(1_000) as f64;
                        let wait_ms = (base * f64::from(1u32 << (refusals - 1).min(5))).min(30_000.0)
                            * (1.0 + (number % 11) as f64 / 100.0);
                        outbox.refused(number, Duration::from_millis(wait_ms as u64));
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
                    Incoming::Other if text.as_str().starts_with(r#"{"type":"chat.typing""#) => {
                        shared.typing_heard.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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

/// Which of a socket's sends are on the wire, as the browser keeps them: at most `window` unanswered (when
/// set), and behind a refused send nothing new. A refused send waits for the time the server gave it, then
/// goes again alone (the probe); the sends behind it are held until it is taken, then go one at a time, each
/// after the last one's ack, until none is held. So a socket costs the server about one refused frame per wait,
/// not one per send it makes meanwhile, and its messages are stored in the order they were made.
struct Outbox {
    /// Sends not on the wire, by number (the order they were made in).
    held: BTreeSet<u64>,
    /// Sends on the wire, not answered yet.
    out: BTreeSet<u64>,
    /// When the oldest held send goes again as the probe.
    due: Option<tokio::time::Instant>,
    /// From a refusal until every held send was acked.
    recovering: bool,
    /// Unanswered sends allowed at once (0: no limit).
    window: usize,
}

impl Outbox {
    fn new(window: usize) -> Self {
        Self {
            held: BTreeSet::new(),
            out: BTreeSet::new(),
            due: None,
            recovering: false,
            window,
        }
    }

    /// How many may be on the wire now.
    fn limit(&self) -> usize {
        match (self.recovering, self.window) {
            (true, _) => 1,
            (false, 0) => usize::MAX,
            (false, window) => window,
        }
    }

    /// A new send: whether it goes on the wire now (otherwise it is held).
    fn may_send(&mut self, number: u64) -> bool {
        if self.due.is_none() && self.held.is_empty() && self.out.len() < self.limit() {
            self.out.insert(number);
            true
        } else {
            self.held.insert(number);
            false
        }
    }

    /// The server refused `number`: hold it, and try the oldest held send again after `wait`.
    fn refused(&mut self, number: u64, wait: Duration) {
        self.recovering = true;
        self.out.remove(&number);
        self.held.insert(number);
        if self.due.is_none() {
            self.due = Some(tokio::time::Instant::now() + wait);
        }
    }

    /// The wait is over: the oldest held send, to send now as the probe.
    fn probe(&mut self) -> Option<u64> {
        self.due = None;
        let number = self.held.pop_first()?;
        self.out.insert(number);
        Some(number)
    }

    /// `number` was acked: the held sends to send now, oldest first.
    fn acked(&mut self, number: u64) -> Vec<u64> {
        self.out.remove(&number);
        let mut release = Vec::new();
        if self.due.is_none() {
            while self.out.len() < self.limit() {
                let Some(next) = self.held.pop_first() else { break };
                self.out.insert(next);
                release.push(next);
            }
        }
        if self.held.is_empty() && self.out.is_empty() && self.due.is_none() {
            self.recovering = false;
        }
        release
    }
}
