//! History pages hold `limit` messages the viewer may see, however many hidden ones lie between them: the
//! service reads a little more than a page first and twice as much on each further read.

use crate::support::TestServer;
use app::domain::frames::ServerFrame;
use server::chat::SendRequest;

#[tokio::test]
async fn a_page_skips_hidden_runs_and_knows_when_nothing_is_left() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gamemaster").await;
    let (player, _) = server.user("player").await;
    let (_, _, channel) = server.table(&gm, &[&player], true).await;
    let chat = &server.state.chat;
    // Sequence 1 is the session-started notice; then 600 lines, one in twelve visible to players.
    for n in 1..=600 {
        let mut request = SendRequest::text(&channel, &format!("k{n}"), &format!("line {n}"));
        if n % 12 != 0 {
            request.hints = serde_json::from_value(serde_json::json!({"mode": "gm", "audience": "gm_only"})).unwrap();
        }
        chat.send(&gm, request).await.unwrap();
    }
    let page = |before: Option<i64>, limit: u32| {
        let player = player.clone();
        let channel = channel.clone();
        async move {
            match chat.history(&player, &channel, before, Some(limit)).await.unwrap() {
                ServerFrame::History { messages, has_more, .. } => {
                    (messages.iter().map(|m| m.body.clone()).collect::<Vec<_>>(), has_more)
                }
                other => panic!("expected history, got {other:?}"),
            }
        }
    };

    // The newest 20 visible lines lie among the last 240 rows: several reads, oldest first, more to come.
    let (newest, more) = page(None, 20).await;
    let expected: Vec<String> = (31..=50).map(|k| format!("line {}", k * 12)).collect();
    assert_eq!(newest, expected);
    assert!(more);

    // Everything visible (50 lines and the notice) in one page of 60: nothing is left after it.
    let (all, more) = page(None, 60).await;
    assert_eq!(all.len(), 51);
    assert!(all[0].starts_with("The session"), "{}", all[0]);
    assert!(!more);

    // Paging from before line 120 (sequence 121): lines 12..=108 and the notice.
    let (older, more) = page(Some(121), 50).await;
    assert_eq!(older.len(), 10);
    assert_eq!(older.last().map(String::as_str), Some("line 108"));
    assert!(!more);

    // The GM sees every line: a full page of the newest 50 from one read.
    let (gm_page, more) = match chat.history(&gm, &channel, None, Some(50)).await.unwrap() {
        ServerFrame::History { messages, has_more, .. } => (messages, has_more),
        other => panic!("expected history, got {other:?}"),
    };
    assert_eq!(gm_page.len(), 50);
    assert_eq!(gm_page[0].body, "line 551");
    assert!(more);
}
