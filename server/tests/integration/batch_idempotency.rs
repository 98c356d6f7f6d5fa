//! Retries that land in the same group commit as their original: the writer answers them from the batch itself,
//! so exactly one message is stored and every answer names it.

use crate::support::TestServer;
use app::domain::frames::ServerFrame;
use server::chat::SendRequest;

#[tokio::test]
async fn concurrent_retries_in_one_batch_store_one_message() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let chat = &server.state.chat;
    let sends = (0..20).map(|_| {
        let request = SendRequest::text(&channel, "same-key", "Only once, however often it is sent.");
        chat.send(&gm, request)
    });
    let answers = futures::future::join_all(sends).await;
    let mut stored = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for answer in answers {
        match answer.unwrap() {
            ServerFrame::Ack {
                message_id,
                sequence_id,
                duplicate,
                ..
            } => {
                ids.insert((message_id, sequence_id));
                if !duplicate {
                    stored.push(sequence_id);
                }
            }
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(stored.len(), 1, "exactly one send stored the message");
    assert_eq!(ids.len(), 1, "every answer names the same message");
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND client_message_id = $2")
            .bind(channel.as_str())
            .bind("same-key")
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!(count, 1);
}
