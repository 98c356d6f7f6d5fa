//! The browser side of the WebSocket protocol: one task per page that connects, joins the selected channel,
//! applies frames to the [`ChatFeed`], resends the outbox after each join, pings when idle, and reconnects with
//! [`reconnect_delay_ms`] when the socket drops or the browser's network comes back.

use super::{ChatFeed, Command, ConnectionState, FollowUp};
use crate::domain::backoff::reconnect_delay_ms;
use crate::domain::frames::{ClientFrame, ServerFrame};
use futures::channel::mpsc::{unbounded, UnboundedReceiver};
use futures::{FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message as WsMessage, WebSocketError};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Quiet this long, the client pings; quiet twice as long, it reconnects.
const IDLE_PING_MS: u32 = 20_000;
/// How long a rate-limited send waits before it is sent again.
const RATE_LIMIT_RETRY_MS: u32 = 1_200;

/// Starts the socket task of `feed` and stops it when the current owner (the page) is cleaned up.
pub(super) fn start(feed: ChatFeed) {
    let (sender, receiver) = unbounded();
    feed.commands.set_value(Some(sender.clone()));
    let stopped = Arc::new(AtomicBool::new(false));
    let online = sender.clone();
    let offline = sender.clone();
    let online_handle = window_event_listener(leptos::ev::online, move |_| {
        let _ = online.unbounded_send(Command::NetworkUp);
    });
    let offline_handle = window_event_listener(leptos::ev::offline, move |_| {
        let _ = offline.unbounded_send(Command::NetworkDown);
    });
    let flag = stopped.clone();
    on_cleanup(move || {
        flag.store(true, Ordering::Relaxed);
        let _ = sender.unbounded_send(Command::Stop);
        online_handle.remove();
        offline_handle.remove();
    });
    leptos::task::spawn_local(run(feed, receiver, stopped));
}

/// Close code of a socket whose login session ended (docs/protocol.md): reconnecting cannot help.
const SESSION_ENDED: u16 = 4001;

/// How a connection ended.
enum Ended {
    Dropped,
    /// The login session ended (logged out in another tab, or expired): no retry, the page says so.
    LoggedOut,
    NetworkDown,
    Stopped,
}

async fn run(feed: ChatFeed, mut commands: UnboundedReceiver<Command>, stopped: Arc<AtomicBool>) {
    let mut attempt: u32 = 0;
    let mut network_down = !browser_online();
    loop {
        if stopped.load(Ordering::Relaxed) {
            return;
        }
        if !network_down {
            feed.state.set(ConnectionState::Connecting);
            match connect(feed, &mut commands, &stopped, &mut attempt).await {
                Ended::Stopped => return,
                Ended::LoggedOut => {
                    feed.state.set(ConnectionState::LoggedOut);
                    return;
                }
                Ended::NetworkDown => network_down = true,
                Ended::Dropped => {}
            }
            if stopped.load(Ordering::Relaxed) {
                return;
            }
        }
        feed.state.set(ConnectionState::Offline);
        let delay = reconnect_delay_ms(attempt, js_sys::Math::random());
        attempt = attempt.saturating_add(1);
        // Wait for the backoff delay, or for the network to come back; while the browser says it is offline,
        // only its `online` event ends the wait.
        let mut sleep = TimeoutFuture::new(delay).fuse();
        loop {
            futures::select! {
                _ = sleep => if !network_down { break },
                command = commands.next() => match command {
                    None | Some(Command::Stop) => return,
                    Some(Command::NetworkUp) => { network_down = false; attempt = 0; break }
                    Some(Command::NetworkDown) => network_down = true,
                    Some(Command::Rejoin) | Some(Command::Frame(_)) => {}
                },
            }
        }
    }
}

async fn connect(
    feed: ChatFeed,
    commands: &mut UnboundedReceiver<Command>,
    stopped: &Arc<AtomicBool>,
    attempt: &mut u32,
) -> Ended {
    let Ok(socket) = WebSocket::open(&socket_url()) else {
        return Ended::Dropped;
    };
    let (mut sink, stream) = socket.split();
    let mut stream = stream.fuse();
    if send(&mut sink, &join_frame(feed)).await.is_err() {
        return Ended::Dropped;
    }
    let mut pinged = false;
    let mut joined = feed.channel.get_untracked();
    loop {
        let mut idle = TimeoutFuture::new(IDLE_PING_MS).fuse();
        futures::select! {
            incoming = stream.next() => {
                let text = match incoming {
                    Some(Ok(WsMessage::Text(text))) => text,
                    Some(Err(WebSocketError::ConnectionClose(close))) if close.code == SESSION_ENDED => {
                        return Ended::LoggedOut;
                    }
                    _ => return Ended::Dropped,
                };
                pinged = false;
                if stopped.load(Ordering::Relaxed) {
                    return Ended::Stopped;
                }
                let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else { continue };
                match feed.apply(frame) {
                    FollowUp::Nothing => {}
                    FollowUp::Joined => {
                        *attempt = 0;
                        if let Some(frame) = feed.resend_outbox() {
                            if send(&mut sink, &frame).await.is_err() {
                                return Ended::Dropped;
                            }
                        }
                    }
                    FollowUp::Send(frame) => {
                        if send(&mut sink, &frame).await.is_err() {
                            return Ended::Dropped;
                        }
                    }
                    FollowUp::RetryLater(frame, wait_ms) => {
                        // The server's own estimate when it gave one, within reason, spread by a random fifth so
                        // that clients refused together do not come back together; the same key makes the retry
                        // safe however often it happens.
                        let wait = wait_ms.map_or(RATE_LIMIT_RETRY_MS, |ms| ms.clamp(50, 30_000) as u32);
                        let wait = (f64::from(wait) * (0.8 + 0.4 * js_sys::Math::random())) as u32;
                        leptos::task::spawn_local(async move {
                            TimeoutFuture::new(wait).await;
                            feed.command(Command::Frame(frame));
                        });
                    }
                }
            }
            command = commands.next() => {
                let frame = match command {
                    None | Some(Command::Stop) => return Ended::Stopped,
                    Some(Command::NetworkDown) => return Ended::NetworkDown,
                    Some(Command::NetworkUp) => continue,
                    Some(Command::Rejoin) => {
                        feed.state.set(ConnectionState::Connecting);
                        if let Some(channel_id) = joined.take() {
                            if send(&mut sink, &ClientFrame::Leave { channel_id }).await.is_err() {
                                return Ended::Dropped;
                            }
                        }
                        joined = feed.channel.get_untracked();
                        join_frame(feed)
                    }
                    Some(Command::Frame(frame)) => frame,
                };
                if send(&mut sink, &frame).await.is_err() {
                    return Ended::Dropped;
                }
            }
            _ = idle => {
                if pinged {
                    return Ended::Dropped;
                }
                pinged = true;
                if send(&mut sink, &ClientFrame::Ping { nonce: None }).await.is_err() {
                    return Ended::Dropped;
                }
            }
        }
    }
}

async fn send<S>(sink: &mut S, frame: &ClientFrame) -> Result<(), ()>
where
    S: futures::Sink<WsMessage> + Unpin,
{
    let text = serde_json::to_string(frame).map_err(|_| ())?;
    sink.send(WsMessage::Text(text)).await.map_err(|_| ())
}

/// `chat.join` for the selected channel, resuming after the newest message already shown.
fn join_frame(feed: ChatFeed) -> ClientFrame {
    match feed.channel.get_untracked() {
        Some(channel_id) => ClientFrame::Join {
            channel_id,
            last_sequence_id: feed.cursor.get_untracked(),
        },
        None => ClientFrame::Ping { nonce: None },
    }
}

fn socket_url() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}/ws")
}

fn browser_online() -> bool {
    window().navigator().on_line()
}
