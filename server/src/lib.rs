//! The Tabletalk server.
//!
//! - [`cli`]: the command line (`serve`, `migrate`, `seed`).
//! - [`http`]: the router: pages, server functions, static files, `/ws`.
//! - [`ws`]: the WebSocket gateway and one task pair per connection.
//! - [`bus`]: Redis between instances (committed frames by channel, table changes, ended sessions).
//! - [`auth`]: accounts, argon2 hashes, login sessions, the session cookie, the login throttle, live sockets.
//! - [`error`]: a [`app::domain::Problem`] as an HTTP answer, one status table for every surface.
//! - [`game`]: the game authority (campaigns, members, characters, sessions, game journal).
//! - [`chat`]: channels' messages: one group-committing writer for all channels, the delivery hub, history.
//! - [`events`]: the event stream for other services: the outbox and its relay to NATS JetStream.
//! - [`store`]: the database pool and migrations.
//! - [`seed`]: the demo campaign.
//! - [`ops`]: `/healthz`, `/readyz` and `/metrics` (Prometheus), and the names of the figures kept.
//! - [`state`]: [`AppState`], every service built once at start-up and shared by HTTP and the gateway.
//!
//! Start-up is testable: [`build_state`] then [`run`] on any listener (tests bind port 0).

#![recursion_limit = "256"]

pub mod auth;
pub mod bus;
pub mod chat;
pub mod cli;
pub mod error;
pub mod events;
pub mod game;
pub mod http;
pub mod ops;
pub mod seed;
pub mod seed_bench;
pub mod state;
pub mod store;
pub mod ws;

pub use state::{build_state, AppState};

use std::future::Future;
use tokio::net::TcpListener;

/// Serves `state` on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Small frames (an ack right after a delivery) must not wait for Nagle's algorithm to hear the client's
    // delayed ACK: that costs 40 ms on Linux.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
    });
    // Connection info gives every request its peer address: the login throttle and the socket caps count by it.
    let app = http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
