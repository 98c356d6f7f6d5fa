//! Tests of one connection's writer: what leaves in one write.
use super::*;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

/// A sink that records what was written and how often it was flushed.
#[derive(Default, Clone)]
struct Recorder {
    written: Arc<Mutex<(Vec<String>, usize)>>,
}

impl Sink<WsMessage> for Recorder {
    type Error = std::convert::Infallible;

    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, item: WsMessage) -> Result<(), Self::Error> {
        if let WsMessage::Text(text) = item {
            self.written.lock().unwrap().0.push(text.to_string());
        }
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.written.lock().unwrap().1 += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn an_ack_queued_right_after_the_message_goes_out_in_the_same_write() {
    let sink = Recorder::default();
    let written = sink.written.clone();
    let (queue, outgoing) = mpsc::channel(8);
    let (_keep_open, close) = oneshot::channel();
    let writer = tokio::spawn(write_frames(sink, outgoing, close));
    tokio::task::yield_now().await;
    // The chat writer queues the sender's own copy, then wakes the sender's reader, which queues the ack.
    queue.try_send(Frame::from("message")).unwrap();
    let reader = queue.clone();
    tokio::spawn(async move { reader.send(Frame::from("ack")).await.unwrap() });
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    let (frames, flushes) = written.lock().unwrap().clone();
    assert_eq!(frames, ["message", "ack"]);
    assert_eq!(flushes, 1, "message and ack should leave in one write");
    drop(queue);
    writer.await.unwrap();
}
