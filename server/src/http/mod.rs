//! HTTP: the router that serves pages (server-rendered Leptos), server functions, static files and `/ws`.

mod backend;
mod export;

use crate::auth::AuthService;
use crate::chat::ChatService;
use crate::game::Game;
use app::api::backend::Backend;
use app::{shell, App};
use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// Everything a request handler may need; built once at start-up and shared.
#[derive(Clone)]
pub struct AppState {
    /// Where the site's files are and how Leptos renders.
    pub leptos_options: LeptosOptions,
    /// Accounts and login sessions.
    pub auth: AuthService,
    /// The game authority.
    pub game: Game,
    /// The chat service.
    pub chat: Arc<ChatService>,
    /// Whether cookies carry `Secure` (served over HTTPS).
    pub secure_cookies: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The whole HTTP surface. The same context reaches page rendering and server functions (one call registers
/// both), so a page that renders can also call back.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let services: Arc<dyn Backend> = Arc::new(backend::ServerBackend::new(&state));
    let options = state.leptos_options.clone();
    Router::new()
        .route("/ws", get(crate::ws::upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/channels/{channel_id}/export", get(export::download))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(services.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}
