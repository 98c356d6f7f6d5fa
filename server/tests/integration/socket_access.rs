//! Who may not use the socket: logged-out and forged-cookie upgrades, non-members of a channel, and pages on
//! other sites riding a user's cookie.

use crate::support::TestServer;
use serde_json::json;

#[tokio::test]
async fn non_members_and_logged_out_sockets_are_refused() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gamemaster").await;
    let (_, outsider_token) = server.user("outsider").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;

    let mut outsider = server.connect(&outsider_token).await;
    outsider.send(json!({"type": "chat.join", "channel_id": channel})).await;
    let refused = outsider.next().await;
    assert_eq!(refused["type"], "chat.error");
    assert_eq!(refused["code"], "not_found");
    let refused = outsider.say(&channel, "k1", "let me in").await;
    assert_eq!(refused["code"], "not_found");
    // A channel that does not exist gets the very same answer.
    outsider
        .send(json!({"type": "chat.join", "channel_id": "01NOSUCHCHANNEL"}))
        .await;
    let missing = outsider.next().await;
    assert_eq!(
        (missing["code"].clone(), missing["message"].clone()),
        (refused["code"].clone(), refused["message"].clone())
    );

    let anonymous = tokio_tungstenite::connect_async(format!("ws://{}/ws", server.addr)).await;
    match anonymous {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected 401, got {other:?}"),
    }
    let forged = tokio_tungstenite::connect_async({
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://{}/ws", server.addr).into_client_request().unwrap();
        request
            .headers_mut()
            .insert("cookie", "tt_session=forged".parse().unwrap());
        request
    })
    .await;
    assert!(matches!(forged, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 401));
}

#[tokio::test]
async fn a_page_on_another_site_cannot_ride_the_cookie() {
    let server = TestServer::start().await;
    let (_, token) = server.user("victim").await;
    let refused = upgrade_from(&server, &token, "https://evil.example").await;
    assert!(matches!(refused, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 403));
    let own = format!("http://{}", server.addr);
    assert!(
        upgrade_from(&server, &token, &own).await.is_ok(),
        "the site's own pages connect"
    );
}

/// A WebSocket upgrade with the session cookie `token`, as a page at `origin` would make it.
async fn upgrade_from(
    server: &TestServer,
    token: &str,
    origin: &str,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{}/ws", server.addr).into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert("cookie", format!("tt_session={token}").parse().unwrap());
    headers.insert("origin", origin.parse().unwrap());
    tokio_tungstenite::connect_async(request).await.map(|_| ())
}
