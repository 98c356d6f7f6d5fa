//! The Tabletalk server.
//!
//! - [`cli`]: the command line (`serve`, `migrate`, `seed`).
//! - [`http`]: the router: pages, server functions, static files, `/ws`.
//! - [`ws`]: the WebSocket gateway and one task pair per connection.
//! - [`auth`]: accounts, argon2 hashes, login sessions.
//! - [`game`]: the game authority (campaigns, members, characters, sessions, game journal).
//! - [`chat`]: channels' messages: single writer per channel, delivery hub, history.
//! - [`store`]: the database pool and migrations.
//! - [`seed`]: the demo campaign.
//!
//! Start-up is testable: [`build_state`] then [`run`] on any listener (tests bind port 0).

#![recursion_limit = "256"]

pub mod auth;
pub mod chat;
pub mod cli;
pub mod game;
pub mod http;
pub mod seed;
pub mod seed_bench;
pub mod store;
pub mod ws;

use auth::AuthService;
use chat::ChatService;
use game::Game;
use http::AppState;
use leptos::prelude::LeptosOptions;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Builds every service over an opened, migrated pool.
pub fn build_state(pool: store::Pool, leptos_options: LeptosOptions, secure_cookies: bool) -> AppState {
    let game = Game::new(pool.clone());
    let chat = ChatService::start(pool.clone(), Arc::new(game.clone()));
    AppState {
        leptos_options,
        auth: AuthService::new(pool),
        game,
        chat,
        secure_cookies,
    }
}

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
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
