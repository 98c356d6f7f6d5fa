//! `ws-ceiling`: the fastest honest room broadcast tokio-tungstenite allows, the ceiling Tabletalk is measured
//! against. No auth, no storage, no audiences: `J<room>` joins (answered `j`), `S<n> <body>` is answered
//! `A<n>` and `<body>` goes to everyone in the room, sender included. Each body is one shared buffer for all
//! recipients, queues are bounded, and a writer drains its whole queue before one flush, as Tabletalk does.

use futures::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Frames a connection may have waiting before it is dropped as a slow consumer.
const QUEUE_DEPTH: usize = 1024;

type Rooms = Mutex<HashMap<String, Vec<(u64, mpsc::Sender<Utf8Bytes>)>>>;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3300".to_owned());
    let listener = TcpListener::bind(&addr).await?;
    println!("ws-ceiling listening on ws://{}", listener.local_addr()?);
    let rooms: Arc<Rooms> = Arc::default();
    let ids = Arc::new(AtomicU64::new(0));
    loop {
        let (stream, _) = listener.accept().await?;
        let rooms = rooms.clone();
        let id = ids.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            serve(stream, id, &rooms).await;
            for members in rooms.lock().unwrap_or_else(|e| e.into_inner()).values_mut() {
                members.retain(|(member, _)| *member != id);
            }
        });
    }
}

async fn serve(stream: TcpStream, id: u64, rooms: &Rooms) {
    let _ = stream.set_nodelay(true);
    // The same buffer sizes as Tabletalk's sockets, so neither side wins on configuration.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(16 * 1024);
    let Ok(socket) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await else {
        return;
    };
    let (mut sink, mut stream) = socket.split();
    let (queue, mut outgoing) = mpsc::channel::<Utf8Bytes>(QUEUE_DEPTH);
    let writer = tokio::spawn(async move {
        while let Some(frame) = outgoing.recv().await {
            if sink.feed(Message::Text(frame)).await.is_err() {
                return;
            }
            while let Ok(more) = outgoing.try_recv() {
                if sink.feed(Message::Text(more)).await.is_err() {
                    return;
                }
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
    });
    let mut room: Option<String> = None;
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(text) = message else { continue };
        let text = text.as_str();
        if let Some(name) = text.strip_prefix('J') {
            rooms
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(name.to_owned())
                .or_default()
                .push((id, queue.clone()));
            room = Some(name.to_owned());
            if queue.send(Utf8Bytes::from_static("j")).await.is_err() {
                break;
            }
        } else if let (Some(rest), Some(room)) = (text.strip_prefix('S'), &room) {
            let Some((number, body)) = rest.split_once(' ') else {
                continue;
            };
            let frame = Utf8Bytes::from(body.to_owned());
            if let Some(members) = rooms.lock().unwrap_or_else(|e| e.into_inner()).get_mut(room) {
                members.retain(|(_, member)| member.try_send(frame.clone()).is_ok());
            }
            if queue.send(Utf8Bytes::from(format!("A{number}"))).await.is_err() {
                break;
            }
        }
    }
    drop(queue);
    let _ = writer.await;
}
