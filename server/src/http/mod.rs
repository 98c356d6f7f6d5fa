//! HTTP: the router that serves pages (server-rendered Leptos), server functions, static files and `/ws`.

mod backend;
mod export;

use crate::state::AppState;
use app::api::backend::Backend;
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// The whole HTTP surface. The same context reaches page rendering and server functions (one call registers
/// both), so a page that renders can also call back.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let services: Arc<dyn Backend> = Arc::new(backend::ServerBackend::new(&state));
    let options = state.leptos_options.clone();
    Router::new()
        .route("/ws", get(crate::ws::upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(crate::ops::ready))
        .route("/metrics", get(crate::ops::metrics))
        .route("/api/channels/{channel_id}/export", get(export::download))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(services.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(crate::error::server_fn_status))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(request_span))
        .with_state(state)
}

/// One span per HTTP request (`http.request`, with its method and path: a server function's path is its
/// name), so what a request logs, down to the database, says which request it served.
async fn request_span(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use tracing::Instrument;
    let span = tracing::info_span!("http.request", method = %request.method(), path = %request.uri().path());
    next.run(request).instrument(span).await
}

/// Headers every answer carries: nothing is sniffed into another type, no page of ours may be framed by
/// another site, and links leak no path to other sites. Pages add their Content-Security-Policy themselves
/// (`app::shell`), since it names the response's nonce.
async fn security_headers(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}
