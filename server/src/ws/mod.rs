//! The WebSocket gateway at `/ws`: authenticates the upgrade with the session cookie, refuses cross-site
//! upgrades, and hands the socket to [`connection::serve`]. The protocol is documented in `docs/protocol.md`.

pub mod connection;

use crate::auth::current::{client_address, login_of};
use crate::error::ProblemResponse;
use crate::state::AppState;
use app::domain::validate::FRAME_MAX_BYTES;
use app::domain::Problem;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

/// Frames up to this size are read and answered with `frame_too_large` if over the protocol limit; larger
/// ones close the socket at the protocol layer.
pub(crate) const TRANSPORT_MAX_BYTES: usize = 16 * FRAME_MAX_BYTES;

/// Bytes read from a socket at a time. Chat frames are small; tungstenite's default of 128 KiB per connection
/// would dominate the memory of ten thousand mostly idle connections (a larger frame still arrives whole, in
/// several reads).
const READ_BUFFER_BYTES: usize = 4 * 1024;
/// Frames written ahead are gathered up to this size before a write (a flush always writes everything), so a
/// connection that fell behind sends many frames per system call without holding 128 KiB while idle.
const WRITE_BUFFER_BYTES: usize = 16 * 1024;

/// `GET /ws`: upgrades a logged-in browser (or any client with the session cookie) to the chat protocol. The
/// socket lives as long as its login session: logging out or the session's expiry closes it.
pub async fn upgrade(State(state): State<AppState>, parts: Parts, ws: WebSocketUpgrade) -> Response {
    match admit(&state, &parts, ws).await {
        Ok(response) => response,
        Err(problem) => ProblemResponse(problem).into_response(),
    }
}

#[tracing::instrument(name = "ws.handshake", skip_all)]
async fn admit(state: &AppState, parts: &Parts, ws: WebSocketUpgrade) -> Result<Response, Problem> {
    if !same_origin(&parts.headers) {
        return Err(Problem::forbidden("Cross-site WebSocket connections are refused."));
    }
    if !state.chat.bus_reachable() {
        return Err(Problem::unavailable("the message bus between instances"));
    }
    let login = login_of(&state.auth, parts)
        .await?
        .ok_or_else(Problem::not_authenticated)?;
    let pass = state
        .auth
        .sockets()
        .admit(&login.user.id, &login.session, client_address(parts))?;
    let chat = state.chat.clone();
    Ok(ws
        .max_message_size(TRANSPORT_MAX_BYTES)
        .max_frame_size(TRANSPORT_MAX_BYTES)
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| {
            let (sink, stream) = socket.split();
            connection::serve(sink, stream, connection::Session { login, pass }, chat)
        }))
}

/// Browsers always send `Origin` on WebSocket upgrades; it must name this host, or a page on another site
/// could ride the user's cookie. Clients that send no `Origin` (scripts, tests) authenticate by cookie alone.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), value.parse().unwrap());
        }
        map
    }

    #[test]
    fn only_same_origin_upgrades_pass() {
        assert!(same_origin(&headers(&[(header::HOST, "localhost:3000")])));
        assert!(same_origin(&headers(&[
            (header::HOST, "localhost:3000"),
            (header::ORIGIN, "http://localhost:3000")
        ])));
        assert!(!same_origin(&headers(&[
            (header::HOST, "localhost:3000"),
            (header::ORIGIN, "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[(header::ORIGIN, "http://localhost:3000")])));
    }
}
