//! The world the audience property test runs in: one instance, or in the Postgres pass with its Redis two over
//! one database and one bus (sends on the first, members listening on the second), and what it reads back.
//! The sending instance writes the event stream's outbox for a broker that is not there.

use app::domain::audience::AudienceScope;
use app::domain::events::Envelope;
use app::domain::frames::ServerFrame;
use app::domain::ids::{ChannelId, UserId};
use app::domain::views::UserSummary;
use app::domain::visibility::Viewer;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use server::events::EventStream;
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
            None => {
                let limits = server::auth::sockets::SocketLimits::default();
                let state = server::state::build_instance(pool.clone(), options, false, limits, None, events());
                (state, None)
            }
            Some(url) => {
                let namespace = format!("tt-property-{}", ulid::Ulid::generate());
                let instance = |pool: Pool, events: Option<EventStream>| {
                    let (url, namespace, options) = (url.clone(), namespace.clone(), options.clone());
                    async move {
                        let bus = server::bus::RedisBus::connect(&url, &namespace).await.unwrap();
                        let limits = server::auth::sockets::SocketLimits::default();
                        let state = server::state::build_instance(pool, options, false, limits, Some(bus), events);
                        while !state.chat.bus_reachable() {
                            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        }
                        state
                    }
                };
                let second = server::store::connect(pool.connect_options().database_url.as_ref())
                    .await
                    .unwrap();
                (
                    instance(pool.clone(), events()).await,
                    Some(instance(second, None).await),
                )
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

/// The event stream of the sending instance, to a broker that is not there: every event stays in the outbox,
/// where the test reads what would have travelled.
fn events() -> Option<EventStream> {
    Some(EventStream {
        url: format!("nats://127.0.0.1:{}", crate::support::cluster::free_port()),
        prefix: "property".into(),
        bodies: Default::default(),
    })
}

/// The event stream's outbox of `channel`: one event a stored message (`members_messages` of them from
/// members), in sequence order, carrying a body only where everyone may read it.
pub async fn check_outbox(pool: &Pool, channel: &ChannelId, members_messages: i64) -> Result<(), TestCaseError> {
    let raw: Vec<String> = sqlx::query_scalar("SELECT envelope FROM event_outbox WHERE channel_id = $1 ORDER BY id")
        .bind(channel.as_str())
        .fetch_all(pool)
        .await
        .unwrap();
    let events: Vec<(String, Envelope)> = raw
        .into_iter()
        .map(|json| (json.clone(), serde_json::from_str(&json).unwrap()))
        .collect();
    let from_members = events.iter().filter(|(_, e)| e.payload.sender_id.is_some()).count();
    prop_assert_eq!(from_members as i64, members_messages);
    prop_assert!(events
        .windows(2)
        .all(|w| w[0].1.payload.sequence_id < w[1].1.payload.sequence_id));
    for (raw, event) in &events {
        let public = event.payload.audience.scope == AudienceScope::All && !event.payload.audience.blind;
        prop_assert_eq!(event.payload.withheld, !public, "{}", raw);
        if !public {
            prop_assert!(
                !raw.contains("a line") && !raw.contains("Stealth") && !raw.contains("rolled"),
                "{}",
                raw
            );
        }
    }
    Ok(())
}

/// The ids of members' messages `viewer` may see in `channel`, as the database says.
pub async fn visible_posts(chat: &server::chat::ChatService, viewer: &Viewer, channel: &ChannelId) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = 0;
    loop {
        let (page, _, next) = chat.visible_after(viewer, channel, cursor).await.unwrap();
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
        Ok(ServerFrame::Message { message, .. }) => Some(message.message_id.to_string()),
        _ => None,
    }
}
