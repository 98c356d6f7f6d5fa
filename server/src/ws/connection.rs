//! One WebSocket connection: a reader loop that answers frames as they come (a send's ack waits for its commit
//! while later frames are read; acks leave in the order the sends came), and a writer task that drains the
//! connection's bounded queue, writing every queued frame before one flush when the socket falls behind.
//!
//! Generic over `Sink`/`Stream` so tests can drive it without a network.

use crate::auth::sockets::SocketPass;
use crate::auth::Login;
use crate::chat::hub::{encode, ConnectionId, Frame};
use crate::chat::{ChatService, SendAnswer, SendRequest};
use app::domain::frames::{ClientFrame, ServerFrame};
use app::domain::ids::ChannelId;
use app::domain::validate::FRAME_MAX_BYTES;
use app::domain::views::UserSummary;
use app::domain::{ErrorCode, Problem};
use axum::extract::ws::{CloseFrame, Message as WsMessage};
use futures::future::BoxFuture;
use futures::stream::FuturesOrdered;
use futures::{Sink, SinkExt, Stream, StreamExt};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, Notify};

/// Frames that may wait for a slow socket before the connection is closed as a slow consumer.
pub const QUEUE_DEPTH: usize = 1024;
/// Close code for a client that could not keep up; it reconnects and resumes from its last sequence id.
pub const CLOSE_SLOW_CONSUMER: u16 = 4008;
/// Close code for a socket whose login session ended (logout elsewhere, or expiry): log in again.
pub const CLOSE_SESSION_ENDED: u16 = 4001;
/// Close code for a frame larger than the transport reads (RFC 6455's "message too big").
pub const CLOSE_TOO_BIG: u16 = 1009;
/// Sends of one socket waiting for their commit at once; beyond this the socket is not read until one is
/// answered (the client's next frames wait in its own buffers).
pub const SENDS_IN_FLIGHT: usize = 32;
/// How long a socket's other sends stay refused behind a refused one that does not come back: this many times
/// its wait, and at least [`HELD_AT_LEAST`] (a client that gave the refused send up is not stuck for long).
const HELD_WAITS: u32 = 4;
/// The shortest such hold.
const HELD_AT_LEAST: Duration = Duration::from_secs(2);
/// How long a closing connection's writer may take to flush what is queued and say goodbye.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// The login a socket was opened with and its place among the user's live sockets.
pub struct Session {
    /// The login session (user, key, expiry).
    pub login: Login,
    /// The socket's pass: the user's shared send budget, and the signal that the session ended.
    pub pass: SocketPass,
}

/// Serves one authenticated connection until either side closes it, or its login session ends.
pub async fn serve<S, R, E>(sink: S, mut stream: R, session: Session, chat: Arc<ChatService>)
where
    S: Sink<WsMessage> + Unpin + Send + 'static,
    R: Stream<Item = Result<WsMessage, E>> + Unpin + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    let Session { login, pass } = session;
    let _open = crate::ops::OpenSession::open();
    let mut revocation = pass.revocation();
    let (queue, outgoing) = mpsc::channel(QUEUE_DEPTH);
    let (close, close_reason) = oneshot::channel();
    let writer = tokio::spawn(write_frames(sink, outgoing, close_reason));
    let expiry = expiry_of(&login);
    let mut connection = Connection {
        id: ConnectionId::next(),
        user: login.user,
        chat,
        queue,
        overflow: Arc::new(Notify::new()),
        joined: HashSet::new(),
        pass,
        behind_refusal: None,
        last_typing: None,
    };
    // Acks of sends being committed, in the order the sends were read.
    let mut committing: AwaitingCommit = FuturesOrdered::new();
    let overflow = connection.overflow.clone();
    let revoked = revocation.ended();
    tokio::pin!(revoked);
    // One timer for the connection's life, not one armed anew for every frame read.
    let expired = tokio::time::sleep_until(expiry);
    tokio::pin!(expired);
    let reason = loop {
        tokio::select! {
            Some(answer) = committing.next(), if !committing.is_empty() => {
                if !connection.reply(&answer).await {
                    break None;
                }
            }
            incoming = stream.next(), if committing.len() < SENDS_IN_FLIGHT => match incoming {
                Some(Ok(WsMessage::Text(text))) => {
                    if !connection.handle_text(text.as_str(), &mut committing).await {
                        break None;
                    }
                }
                Some(Ok(WsMessage::Binary(_))) => {
                    let problem = Problem::new(ErrorCode::MalformedFrame, "Binary frames are not part of the protocol.",
                        "Send JSON text frames.");
                    if !connection.reply(&ServerFrame::error(problem, None, None)).await {
                        break None;
                    }
                }
                Some(Err(error)) if too_big(&error) => break Some(CloseFrame {
                    code: CLOSE_TOO_BIG,
                    reason: format!("frames are limited to {} bytes", super::TRANSPORT_MAX_BYTES).into(),
                }),
                Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break None,
                Some(Ok(_)) => {}
            },
            _ = &mut revoked => break Some(CloseFrame {
                code: CLOSE_SESSION_ENDED,
                reason: "the login session ended: log in again".into(),
            }),
            _ = &mut expired => break Some(CloseFrame {
                code: CLOSE_SESSION_ENDED,
                reason: "the login session expired: log in again".into(),
            }),
            _ = overflow.notified() => break Some(CloseFrame {
                code: CLOSE_SLOW_CONSUMER,
                reason: "slow consumer: reconnect and resume with last_sequence_id".into(),
            }),
        }
    };
    connection.leave_all();
    if let Some(reason) = reason {
        let _ = close.send(reason);
    }
    drop(connection);
    // A peer that stopped reading leaves the writer stuck on a full socket, where it cannot even send the
    // close frame: it gets a moment, then the socket is dropped.
    let mut writer = writer;
    if tokio::time::timeout(CLOSE_GRACE, &mut writer).await.is_err() {
        writer.abort();
    }
}

/// Writes queued frames; several at once when they piled up, then one flush.
async fn write_frames<S>(mut sink: S, mut outgoing: mpsc::Receiver<Frame>, mut close: oneshot::Receiver<CloseFrame>)
where
    S: Sink<WsMessage> + Unpin,
{
    loop {
        tokio::select! {
            biased;
            reason = &mut close => {
                if let Ok(reason) = reason {
                    let _ = sink.send(WsMessage::Close(Some(reason))).await;
                }
                return;
            }
            frame = outgoing.recv() => {
                let Some(frame) = frame else { break };
                // Let the tasks already woken with this one run first: a sender's ack is queued right after
                // its own copy of the message, so both go out in one write instead of two.
                tokio::task::yield_now().await;
                if sink.feed(WsMessage::Text(frame)).await.is_err() {
                    return;
                }
                while let Ok(more) = outgoing.try_recv() {
                    if sink.feed(WsMessage::Text(more)).await.is_err() {
                        return;
                    }
                }
                if sink.flush().await.is_err() {
                    return;
                }
            }
        }
    }
    let _ = sink.close().await;
}

struct Connection {
    id: ConnectionId,
    user: UserSummary,
    chat: Arc<ChatService>,
    queue: mpsc::Sender<Frame>,
    overflow: Arc<Notify>,
    joined: HashSet<ChannelId>,
    /// The user's send budget (shared by all their sockets); dropping it frees this socket's place.
    pass: SocketPass,
    /// The last send refused with a wait (its key, until when, the refusal): the socket's other sends are
    /// refused the same way until it comes back, so a client that had sent more before hearing of the refusal
    /// cannot get them stored ahead of it.
    behind_refusal: Option<(String, Instant, Problem)>,
    /// When this socket's last typing frame was accepted.
    last_typing: Option<Instant>,
}

/// The acks of a socket's sends being committed, in the order the sends were read.
type AwaitingCommit = FuturesOrdered<BoxFuture<'static, ServerFrame>>;

/// When a login session's sockets must close: its expiry, as an instant of the runtime's clock.
fn expiry_of(login: &Login) -> tokio::time::Instant {
    let left_ms = login.expires_at_ms.saturating_sub(crate::store::now_ms()).max(0);
    // A far-off expiry (30 days) is still representable; clamp anything absurd to a year.
    let left = Duration::from_millis(left_ms.min(365 * 24 * 3_600_000) as u64);
    tokio::time::Instant::now() + left
}

/// Whether a read error is a frame over the transport's limit (tungstenite's capacity error).
fn too_big<E: std::error::Error + 'static>(error: &E) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if let Some(tungstenite::Error::Capacity(_)) = error.downcast_ref::<tungstenite::Error>() {
            return true;
        }
        source = error.source();
    }
    false
}

impl Connection {
    /// Answers one text frame; a send that went to the writer adds its ack to `committing`. Returns false when
    /// the connection should end (its writer is gone).
    async fn handle_text(&mut self, text: &str, committing: &mut AwaitingCommit) -> bool {
        if text.len() > FRAME_MAX_BYTES {
            let problem = Problem::new(
                ErrorCode::FrameTooLarge,
                format!("The frame has {} bytes; the limit is {FRAME_MAX_BYTES}.", text.len()),
                "Send shorter messages.",
            );
            return self.reply(&ServerFrame::error(problem, None, None)).await;
        }
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(error) => {
                let problem = Problem::new(
                    ErrorCode::MalformedFrame,
                    format!("The frame could not be read: {error}."),
                    "Send a JSON object with a known \"type\"; see docs/protocol.md.",
                );
                return self.reply(&ServerFrame::error(problem, None, None)).await;
            }
        };
        match frame {
            ClientFrame::Join {
                channel_id,
                last_sequence_id,
            } => match self.join(&channel_id, last_sequence_id).await {
                Ok(alive) => alive,
                // Refused for a lost bus, the socket closes after saying so: the client resumes once it is back.
                Err(problem) => {
                    let lost = problem.code == ErrorCode::Unavailable;
                    self.reply(&ServerFrame::error(problem, None, Some(channel_id))).await && !lost
                }
            },
            ClientFrame::Leave { channel_id } => {
                self.chat.hub().unsubscribe(&channel_id, self.id);
                self.joined.remove(&channel_id);
                true
            }
            ClientFrame::Send {
                channel_id,
                client_message_id,
                body,
                hints,
                reply_to,
            } => {
                let request = SendRequest {
                    channel_id: channel_id.clone(),
                    client_message_id: client_message_id.clone(),
                    body,
                    hints,
                    reply_to,
                };
                match self.begin_send(request).await {
                    Ok(SendAnswer::Now(frame)) => self.reply(&frame).await,
                    Ok(SendAnswer::Committing(pending)) => {
                        let chat = self.chat.clone();
                        committing.push_back(Box::pin(async move {
                            pending.answer(&chat).await.unwrap_or_else(|problem| {
                                ServerFrame::error(problem, Some(client_message_id), Some(channel_id))
                            })
                        }));
                        true
                    }
                    Err(problem) => {
                        self.reply(&ServerFrame::error(problem, Some(client_message_id), Some(channel_id)))
                            .await
                    }
                }
            }
            ClientFrame::HistoryBefore {
                channel_id,
                before_sequence_id,
                limit,
            } => {
                let answer = self
                    .chat
                    .history(&self.user, &channel_id, before_sequence_id, limit)
                    .await;
                let frame = answer.unwrap_or_else(|p| ServerFrame::error(p, None, Some(channel_id)));
                self.reply(&frame).await
            }
            ClientFrame::HistoryAround {
                channel_id,
                sequence_id,
                until_sequence_id,
            } => {
                let answer = self
                    .chat
                    .history_around(&self.user, &channel_id, sequence_id, until_sequence_id)
                    .await;
                let frame = answer.unwrap_or_else(|p| ServerFrame::error(p, None, Some(channel_id)));
                self.reply(&frame).await
            }
            ClientFrame::Pins { channel_id } => {
                let answer = self.chat.pins(&self.user, &channel_id).await;
                let frame = answer.unwrap_or_else(|p| ServerFrame::error(p, None, Some(channel_id)));
                self.reply(&frame).await
            }
            ClientFrame::CommandPreview {
                channel_id,
                body,
                hints,
            } => {
                let request = SendRequest {
                    channel_id: channel_id.clone(),
                    client_message_id: String::new(),
                    body,
                    hints,
                    reply_to: None,
                };
                let answer = self.chat.preview(&self.user, request).await;
                let frame = answer.unwrap_or_else(|p| ServerFrame::error(p, None, Some(channel_id)));
                self.reply(&frame).await
            }
            ClientFrame::Autocomplete {
                channel_id,
                prefix,
                mode,
            } => {
                let answer = self.chat.autocomplete(&self.user, &channel_id, prefix, mode).await;
                let frame = answer.unwrap_or_else(|p| ServerFrame::error(p, None, Some(channel_id)));
                self.reply(&frame).await
            }
            ClientFrame::Typing { channel_id, hints } => self.typing(channel_id, hints).await,
            ClientFrame::Ping { nonce } => self.reply(&ServerFrame::Pong { nonce }).await,
            change @ (ClientFrame::Edit { .. }
            | ClientFrame::Delete { .. }
            | ClientFrame::React { .. }
            | ClientFrame::Unreact { .. }
            | ClientFrame::Pin { .. }
            | ClientFrame::Unpin { .. }) => self.change(change, committing).await,
        }
    }

    /// A send through the user's budget and the chat service, kept in order behind a refused send: while one
    /// waits out its retry time, the socket's other sends are refused the same way.
    async fn begin_send(&mut self, request: SendRequest) -> Result<SendAnswer, Problem> {
        if let Some((key, until, refusal)) = &self.behind_refusal {
            let now = Instant::now();
            if now >= *until || *key == request.client_message_id {
                self.behind_refusal = None;
            } else {
                return Err(refusal.clone());
            }
        }
        let key = request.client_message_id.clone();
        let begun = match self.pass.take_send() {
            Err(problem) => Err(problem),
            Ok(()) => self.chat.begin_send(&self.user, request).await,
        };
        if let Err(refusal) = &begun {
            if let Some(wait) = refusal.retry_after_ms {
                // Until the refused send comes back; a client that gave it up is let through after a while.
                let hold = (Duration::from_millis(wait) * HELD_WAITS).max(HELD_AT_LEAST);
                self.behind_refusal = Some((key, Instant::now() + hold, refusal.clone()));
            }
        }
        begun
    }

    /// Queues a direct answer, waiting for room. False when the writer has gone.
    async fn reply(&self, frame: &ServerFrame) -> bool {
        self.queue.send(encode(frame)).await.is_ok()
    }
}

#[path = "changing.rs"]
mod changing;
#[path = "joining.rs"]
mod joining;
#[path = "typing.rs"]
mod typing;

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
