//! What the HTTP surface says and how: each typed refusal of a server function carries its own 4xx status,
//! pages carry a Content-Security-Policy naming their scripts' nonce, downloads are never sniffed, and a frame
//! over the transport limit closes the socket with 1009.

use crate::support::TestServer;
use leptos::server_fn::ServerFn;
use serde_json::Value;
use std::time::Duration;

fn code(body: &str) -> String {
    let problem: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("a problem as JSON: {body}"));
    problem["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn server_function_refusals_answer_with_their_own_status() {
    let server = TestServer::start().await;
    let (gm, token) = server.user("gamemaster").await;
    let (campaign, _, _) = server.table(&gm, &[], false).await;
    let login = <app::api::auth::Login as ServerFn>::PATH;
    let register = <app::api::auth::Register as ServerFn>::PATH;
    let campaigns = <app::api::campaigns::ListCampaigns as ServerFn>::PATH;
    let campaign_page = <app::api::campaigns::GetCampaign as ServerFn>::PATH;
    let character = <app::api::campaigns::CreateCharacter as ServerFn>::PATH;

    let cases = [
        (
            login,
            "username=gamemaster&password=not+the+password".to_owned(),
            None,
            401,
            "invalid_credentials",
        ),
        (campaigns, String::new(), None, 401, "not_authenticated"),
        (
            campaign_page,
            "campaign_id=nope".to_owned(),
            Some(&token),
            404,
            "not_found",
        ),
        (
            register,
            "username=gamemaster&password=long+enough+pw".to_owned(),
            None,
            409,
            "username_taken",
        ),
        (
            register,
            "username=x&password=long+enough+pw".to_owned(),
            None,
            400,
            "invalid_input",
        ),
        (
            character,
            format!("campaign_id={campaign}&name="),
            Some(&token),
            400,
            "invalid_input",
        ),
    ];
    for (path, form, cookie, status, expected) in cases {
        let (got, _, body) = server.post_form(path, &form, cookie.map(String::as_str)).await;
        assert_eq!((got, code(&body).as_str()), (status, expected), "{path} {form}");
    }
    let (ok, _, _) = server.post_form(campaigns, "", Some(&token)).await;
    assert_eq!(ok, 200, "a success is still 200");
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_their_nonce() {
    let server = TestServer::start().await;
    let (status, headers, body) = server.get("/login", None).await;
    assert_eq!(status, 200);
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let policy = header("content-security-policy").expect("a CSP header");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the policy names a nonce");
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the policy's nonce"
    );
    assert!(
        policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"),
        "{policy}"
    );
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    let (_, again, _) = server.get("/login", None).await;
    let second = again.iter().find(|(k, _)| k == "content-security-policy").unwrap();
    assert_ne!(second.1, policy, "a fresh nonce per response");
}

#[tokio::test]
async fn an_html_export_is_never_sniffed() {
    let server = TestServer::start().await;
    let (gm, token) = server.user("gamemaster").await;
    let (_, _, channel) = server.table(&gm, &[], true).await;
    let (status, headers, _) = server
        .get(&format!("/api/channels/{channel}/export?format=html"), Some(&token))
        .await;
    assert_eq!(status, 200);
    assert!(headers
        .iter()
        .any(|(k, v)| k == "x-content-type-options" && v == "nosniff"));
}

#[tokio::test]
async fn a_frame_over_the_transport_limit_closes_with_1009() {
    let server = TestServer::start().await;
    let (_, token) = server.user("gamemaster").await;
    let mut socket = server.connect(&token).await;
    let huge = "x".repeat(2 * 1024 * 1024);
    socket.send_raw(huge).await;
    assert_eq!(socket.closed_within(Duration::from_secs(3)).await, Some(1009));
}
