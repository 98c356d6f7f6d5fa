//! The world the audience property test runs in: one instance, or in the Postgres pass with its Redis two over
//! one database and one bus (sends on the first, members listening on the second), and what it reads back.

use app::domain::frames::ServerFrame;
use app::domain::ids::{ChannelId, UserId};
use app::domain::views::UserSummary;
use app::domain::visibility::Viewer;
use server::state::AppState;
use server::store::Pool;
use std::sync::atomic::{AtomicU64, Ordering};

/// The servers of the test and a counter for unique names.
pub struct World {
    pub state: AppState,
    /// Where the members listen: a second instance over the same database and bus, when the pass has a bus.
    pub listener: Option<AppState>,
    pub pool: Pool,
    names: AtomicU64,
}

impl World {
    pub async fn new() -> Self {
        let pool = if crate::support::on_postgres() {
            crate::support::fresh_database(&std::env::temp_dir()).await
        } else {
            server::store::connect_in_memory().await.unwrap()
        };
        if !crate::support::on_postgres() {
            server::store::migrate(&pool).await.unwrap();
        }
        let options = leptos::prelude::LeptosOptions::builder()
            .output_name("tabletalk")
            .build();
        let (state, listener) = match crate::support::redis_url().filter(|_| crate::support::on_postgres()) {
            None => (server::build_state(pool.clone(), options, false), None),
            Some(url) => {
                let namespace = format!("tt-property-{}", ulid::Ulid::generate());
                let instance = |pool: Pool| {
                    let (url, namespace, options) = (url.clone(), namespace.clone(), options.clone());
                    async move {
                        let bus = server::bus::RedisBus::connect(&url, &namespace).await.unwrap();
                        let limits = server::auth::sockets::SocketLimits::default();
                        let state = server::state::build_instance(pool, options, false, limits, Some(bus), None);
                        while !state.chat.bus_reachable() {
                            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        }
                        state
                    }
                };
                let second = server::store::connect(pool.connect_options().database_url.as_ref())
                    .await
                    .unwrap();
                (instance(pool.clone()).await, Some(instance(second).await))
            }
        };
        Self {
            state,
            listener,
            pool,
            names: AtomicU64::new(0),
        }
    }

    /// An account without the cost of hashing a password (it never logs in).
    pub async fn user(&self) -> UserSummary {
        let n = self.names.fetch_add(1, Ordering::Relaxed);
        let user = UserSummary {
            id: UserId::generate(),
            username: format!("user{n}"),
        };
        sqlx::query("INSERT INTO users (id, username, password_hash, created_at) VALUES ($1, $2, 'x', 0)")
            .bind(user.id.as_str())
            .bind(&user.username)
            .execute(&self.pool)
            .await
            .unwrap();
        user
    }
}

/// The ids of members' messages `viewer` may see in `channel`, as the database says.
pub async fn visible_posts(chat: &server::chat::ChatService, viewer: &Viewer, channel: &ChannelId) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = 0;
    loop {
        let (page, next) = chat.visible_after(viewer, channel, cursor).await.unwrap();
        ids.extend(
            page.iter()
                .filter(|m| m.sender_id.is_some())
                .map(|m| m.message_id.to_string()),
        );
        match next {
            Some(n) => cursor = n,
            None => return ids,
        }
    }
}

/// The message id of a `chat.message` frame.
pub fn message_id_of(frame: &str) -> Option<String> {
    match serde_json::from_str::<ServerFrame>(frame) {
        Ok(ServerFrame::Message { message }) => Some(message.message_id.to_string()),
        _ => None,
    }
}
