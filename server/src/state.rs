//! The shared state of a running server: every service, built once at start-up over one pool and handed to
//! the HTTP router and the WebSocket gateway alike. Its own module so neither of them owns it (`http` and `ws`
//! would otherwise import each other).

use crate::auth::sockets::SocketLimits;
use crate::auth::throttle::ThrottleLimits;
use crate::auth::AuthService;
use crate::bus::{Listeners, RedisBus};
use crate::chat::ChatService;
use crate::events::{EventStream, Outbox};
use crate::game::Game;
use crate::store;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
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
    /// The database every service uses, for asking whether it answers (`/readyz`).
    pub pool: store::Pool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for store::Pool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

impl FromRef<AppState> for AuthService {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// Builds every service over an opened, migrated pool, with the default socket limits.
pub fn build_state(pool: store::Pool, leptos_options: LeptosOptions, secure_cookies: bool) -> AppState {
    build_state_with(pool, leptos_options, secure_cookies, SocketLimits::default())
}

/// Builds every service with explicit socket limits (`tabletalk serve --max-sockets-per-ip`, tests).
pub fn build_state_with(
    pool: store::Pool,
    leptos_options: LeptosOptions,
    secure_cookies: bool,
    sockets: SocketLimits,
) -> AppState {
    build_instance(pool, leptos_options, secure_cookies, sockets, None, None)
}

/// Builds every service, as one of several instances when `bus` is given (`REDIS_URL`): committed frames,
/// table changes and ended sessions then travel between the instances. With `events`
/// (`TABLETALK_EVENTS_URL`), every committed message is also published to the event stream.
pub fn build_instance(
    pool: store::Pool,
    leptos_options: LeptosOptions,
    secure_cookies: bool,
    sockets: SocketLimits,
    bus: Option<Arc<RedisBus>>,
    events: Option<EventStream>,
) -> AppState {
    crate::ops::install();
    let game = Game::new(pool.clone());
    let outbox = events.as_ref().map(|stream| Outbox::new(stream.bodies));
    let chat = ChatService::start(pool.clone(), Arc::new(game.clone()), outbox.clone());
    if let (Some(stream), Some(outbox)) = (events, &outbox) {
        crate::events::start(pool.clone(), stream, outbox);
    }
    let auth = AuthService::with_limits(pool.clone(), ThrottleLimits::default(), sockets);
    if let Some(bus) = bus {
        game.announce_through(bus.clone());
        auth.sockets().announce_through(bus.clone());
        chat.attach(bus.clone());
        bus.start(Listeners {
            hub: chat.hub().clone(),
            game: game.clone(),
            sockets: auth.sockets().clone(),
        });
    }
    AppState {
        leptos_options,
        auth,
        game,
        chat,
        secure_cookies,
        pool,
    }
}
