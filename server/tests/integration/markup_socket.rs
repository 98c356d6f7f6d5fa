//! Markdown and inline rolls over a real socket: the body is stored as typed, `[[dice]]` are thrown by the
//! server and travel with the message (and its audience), a `[[...]]` that is no roll refuses the send, and an
//! edit can neither re-roll nor add a roll. The HTML export draws the markup escaped.

use crate::support::TestServer;
use serde_json::json;

#[tokio::test]
async fn inline_rolls_are_thrown_by_the_server_and_kept_through_edits() {
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (alice, alice_token) = server.user("alice").await;
    let (_, _, channel) = server.table(&gm, &[&alice], true).await;
    let mut gm_socket = server.connect(&gm_token).await;
    let mut alice_socket = server.connect(&alice_token).await;
    gm_socket.join(&channel, None).await;

    let ack = alice_socket
        .say(&channel, "m1", "I swing [[1d20+5]] and hit for [[2d6]]")
        .await;
    assert_eq!(ack["type"], "chat.ack", "{ack}");
    let heard = gm_socket.until_message("I swing [[1d20+5]] and hit for [[2d6]]").await;
    let message = &heard.last().unwrap()["message"];
    let rolls = message["inline_rolls"]
        .as_array()
        .expect("the rolls travel with the message");
    assert_eq!(rolls.len(), 2);
    assert_eq!(rolls[0]["notation"], "1d20+5");
    let total = rolls[0]["total"].as_i64().unwrap();
    assert!((6..=25).contains(&total), "{total}");

    let refused = alice_socket.say(&channel, "m2", "I cast [[fireball]]").await;
    assert_eq!(refused["code"], "bad_arguments");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .starts_with("[[fireball]] is not a roll"));
    let too_many = alice_socket.say(&channel, "m3", &"[[1d4]] ".repeat(11)).await;
    assert_eq!(too_many["code"], "bad_arguments");

    let id = ack["message_id"].clone();
    let reroll = json!({"body": "I swing [[1d20+9]] and hit for [[2d6]]"});
    assert_eq!(
        alice_socket.change("edit", &channel, &id, "e1", reroll).await["code"],
        "not_editable"
    );
    let added = json!({"body": "I swing [[1d20+5]] and hit for [[2d6]] [[1d4]]"});
    assert_eq!(
        alice_socket.change("edit", &channel, &id, "e2", added).await["code"],
        "not_editable"
    );
    let kept = json!({"body": "I swing **hard** [[1d20+5]] and hit for [[2d6]]"});
    assert_eq!(
        alice_socket.change("edit", &channel, &id, "e3", kept).await["type"],
        "chat.ack"
    );
    let stored: Option<String> = sqlx::query_scalar("SELECT inline_rolls FROM messages WHERE id = $1")
        .bind(id.as_str().unwrap())
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert!(stored.unwrap().contains(&format!("\"total\":{total}")));
}

#[tokio::test]
async fn the_html_export_draws_markup_and_runs_nothing() {
    use server::chat::ExportFormat;
    let server = TestServer::start().await;
    let (gm, gm_token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let mut socket = server.connect(&gm_token).await;
    let body =
        "**bold** ||the twist|| <img src=x onerror=alert(1)> [x](javascript:alert(2)) https://example.org [[1d6]]";
    assert_eq!(socket.say(&channel, "m1", body).await["type"], "chat.ack");
    let html = server
        .state
        .chat
        .export(&gm, &channel, ExportFormat::Html)
        .await
        .unwrap()
        .body;
    assert!(html.contains("<strong>bold</strong>"));
    assert!(html.contains("<span class=\"spoiler\" tabindex=\"0\">the twist</span>"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;") && !html.contains("<img"));
    assert!(!html.contains("href=\"javascript") && html.contains("[x](javascript:alert(2))"));
    assert!(html.contains("<a href=\"https://example.org\" rel=\"noopener noreferrer nofollow\">"));
    assert!(html.contains("class=\"inline-roll\""));
}
