//! A real Tabletalk server on port 0 over a fresh database (a SQLite file, or a Postgres database); the raw
//! protocol client is in `client`, real processes behind a balancer in `cluster`, an event broker in `nats`.
#![allow(dead_code)]

mod client;
pub mod cluster;
pub mod nats;

pub use client::Client;

use app::domain::campaign::SessionAction;
use app::domain::ids::{CampaignId, ChannelId, SessionId};
use app::domain::views::UserSummary;
use serde_json::Value;
use server::state::AppState;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// How long a test waits for an expected frame.
pub const WAIT: Duration = Duration::from_secs(5);

/// A running server and direct access to its services for arranging scenarios.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    /// The server's database, for checking what was stored.
    pub pool: server::store::Pool,
    /// The Redis namespace of this server's bus (shared with the instances beside it), when on one.
    pub namespace: Option<String>,
    dir: PathBuf,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The Postgres server the suite runs on instead of SQLite, when set: an address of its admin database
/// (`postgres://postgres@127.0.0.1:PORT/postgres`). `scripts/test.sh` starts a throwaway cluster and runs the
/// suite a second time with it.
pub const POSTGRES_ENV: &str = "TABLETALK_TEST_POSTGRES";

/// The Redis server every instance of the suite's Postgres pass is connected through, when set
/// (`redis://127.0.0.1:PORT`); `scripts/test.sh` starts a throwaway one.
pub const REDIS_ENV: &str = "TABLETALK_TEST_REDIS";

/// The Redis URL of this run, when every instance is on a bus.
pub fn redis_url() -> Option<String> {
    std::env::var(REDIS_ENV).ok().filter(|url| !url.is_empty())
}

/// Whether this run of the suite is on Postgres.
pub fn on_postgres() -> bool {
    std::env::var(POSTGRES_ENV).is_ok_and(|url| !url.is_empty())
}

/// The URL of a new, empty database for one test: a SQLite file in `dir`, or on the Postgres server of
/// [`POSTGRES_ENV`] a database of its own (the throwaway cluster goes with all of them at the end).
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var(POSTGRES_ENV) {
        Ok(admin) if !admin.is_empty() => {
            use sqlx::{Connection, Executor};
            sqlx::any::install_default_drivers();
            let name = format!("tt_{}", ulid::Ulid::generate().to_string().to_lowercase());
            let mut connection = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("the test Postgres server");
            connection
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .unwrap();
            let (server, _) = admin.rsplit_once('/').expect("a database in the admin URL");
            format!("{server}/{name}")
        }
        _ => format!("sqlite://{}/test.db", dir.display()),
    }
}

/// A Redis namespace of its own for a new server and the instances beside it, when the run is on a bus.
fn new_namespace() -> Option<String> {
    redis_url().map(|_| format!("tt-test-{}", ulid::Ulid::generate()))
}

/// A new, migrated database for one test (see [`fresh_database_url`]).
pub async fn fresh_database(dir: &std::path::Path) -> server::store::Pool {
    let url = fresh_database_url(dir).await;
    let pool = server::store::connect(&url).await.unwrap();
    server::store::migrate(&pool).await.unwrap();
    pool
}

impl TestServer {
    pub async fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("tabletalk-test-{}", ulid::Ulid::generate()));
        std::fs::create_dir_all(&dir).unwrap();
        let pool = fresh_database(&dir).await;
        Self::over(pool, dir, new_namespace()).await
    }

    /// A server that publishes every committed message to `events`.
    pub async fn start_with_events(events: server::events::EventStream) -> Self {
        let dir = std::env::temp_dir().join(format!("tabletalk-test-{}", ulid::Ulid::generate()));
        std::fs::create_dir_all(&dir).unwrap();
        let pool = fresh_database(&dir).await;
        Self::over_with(pool, dir, new_namespace(), Some(events)).await
    }

    /// A server on a SQLite file whichever pass this is (a source for `migrate --from`).
    pub async fn start_sqlite() -> Self {
        Self::start_sqlite_with(None).await
    }

    /// The same, publishing to `events` when given.
    pub async fn start_sqlite_with(events: Option<server::events::EventStream>) -> Self {
        let dir = std::env::temp_dir().join(format!("tabletalk-test-{}", ulid::Ulid::generate()));
        std::fs::create_dir_all(&dir).unwrap();
        let pool = server::store::connect(&format!("sqlite://{}/test.db", dir.display()))
            .await
            .unwrap();
        server::store::migrate(&pool).await.unwrap();
        Self::over_with(pool, dir, new_namespace(), events).await
    }

    /// The URL of this server's database.
    pub fn database_url(&self) -> String {
        self.pool.connect_options().database_url.to_string()
    }

    /// A second instance over the same database as `self` (as several instances behind a balancer share
    /// one Postgres): its own writer, hub and caches.
    pub async fn beside(&self) -> Self {
        let pool = server::store::connect(&self.database_url()).await.unwrap();
        let dir = std::env::temp_dir().join(format!("tabletalk-test-{}", ulid::Ulid::generate()));
        std::fs::create_dir_all(&dir).unwrap();
        Self::over(pool, dir, self.namespace.clone()).await
    }

    /// A server over an existing, migrated database (its folder `dir` is removed with it).
    pub async fn over_existing(pool: server::store::Pool, dir: PathBuf) -> Self {
        Self::over(pool, dir, new_namespace()).await
    }

    async fn over(pool: server::store::Pool, dir: PathBuf, namespace: Option<String>) -> Self {
        Self::over_with(pool, dir, namespace, None).await
    }

    async fn over_with(
        pool: server::store::Pool,
        dir: PathBuf,
        namespace: Option<String>,
        events: Option<server::events::EventStream>,
    ) -> Self {
        let options = leptos::prelude::LeptosOptions::builder()
            .output_name("tabletalk")
            .build();
        let bus = match (redis_url(), &namespace) {
            (Some(url), Some(namespace)) => Some(server::bus::RedisBus::connect(&url, namespace).await.unwrap()),
            _ => None,
        };
        let state = server::state::build_instance(
            pool.clone(),
            options,
            false,
            server::auth::sockets::SocketLimits::default(),
            bus,
            events,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(server::run(listener, state.clone(), std::future::pending()));
        let server = Self {
            addr,
            state,
            pool,
            namespace,
            dir,
        };
        server.bus_ready().await;
        server
    }

    /// Waits until this instance's bus (when it has one) has its subscribing connection open.
    pub async fn bus_ready(&self) {
        if self.namespace.is_none() {
            return;
        }
        for _ in 0..500 {
            if self.state.chat.bus_reachable() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the bus did not open within 5 seconds");
    }

    /// Registers a user; returns them and their session token (the cookie value).
    pub async fn user(&self, name: &str) -> (UserSummary, String) {
        self.state.auth.register(name, "correct horse battery").await.unwrap()
    }

    /// A campaign run by `gm` that `players` joined through an invite, with one session in `start` state
    /// (started when `start` is true). Returns the campaign, session and its channel.
    pub async fn table(
        &self,
        gm: &UserSummary,
        players: &[&UserSummary],
        start: bool,
    ) -> (CampaignId, SessionId, ChannelId) {
        let game = &self.state.game;
        let campaign = game.create_campaign(&gm.id, "Test Campaign").await.unwrap();
        let code = game.create_invite(&gm.id, &campaign).await.unwrap();
        for player in players {
            game.accept_invite(&player.id, &code).await.unwrap();
        }
        let session = game.create_session(&gm.id, &campaign, "Session").await.unwrap();
        if start {
            game.change_session(&gm.id, &session, SessionAction::Start)
                .await
                .unwrap();
        }
        let view = game.campaign_view(&gm.id, &campaign).await.unwrap();
        self.settle_notices().await;
        (campaign, session, view.sessions[0].channel_id.clone())
    }

    /// Waits until the chat service has posted the notices of every game event so far (the session-started
    /// notice takes sequence id 1 of a started session's room), so tests see a settled timeline.
    pub async fn settle_notices(&self) {
        for _ in 0..500 {
            let (cursor, last): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT last_event_id FROM chat_notice_cursor WHERE id = 1),
                        (SELECT COALESCE(MAX(id), 0) FROM game_events WHERE kind NOT IN ('chat_message', 'roll'))",
            )
            .fetch_one(&self.pool)
            .await
            .unwrap();
            if cursor >= last {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("game notices were not posted within 5 seconds");
    }

    /// `GET path` over plain HTTP/1.1 with the session cookie `token` (if any); returns the status, the
    /// headers (lower-case names) and the body.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Vec<(String, String)>, String) {
        let cookie = token.map(|t| format!("Cookie: tt_session={t}\r\n")).unwrap_or_default();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{cookie}Connection: close\r\n\r\n",
            self.addr
        );
        self.exchange(&request).await
    }

    /// `POST path` with a form body (how server functions are called), the session cookie `token` (if any),
    /// and no `Accept: text/html` (so errors answer as they are, not as a redirect); returns status, headers
    /// (lower-case names) and body.
    pub async fn post_form(&self, path: &str, form: &str, token: Option<&str>) -> (u16, Vec<(String, String)>, String) {
        let cookie = token.map(|t| format!("Cookie: tt_session={t}\r\n")).unwrap_or_default();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
            self.addr,
            form.len()
        );
        self.exchange(&request).await
    }

    /// Sends one raw HTTP/1.1 request and reads the whole answer: status, headers (lower-case names), body.
    async fn exchange(&self, request: &str) -> (u16, Vec<(String, String)>, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
            .collect();
        (status, headers, body.to_owned())
    }

    /// Tries to open a socket with the session cookie `token`; the HTTP status of a refused upgrade.
    pub async fn try_connect(&self, token: &str) -> Result<Client, u16> {
        let mut request = format!("ws://{}/ws", self.addr).into_client_request().unwrap();
        request
            .headers_mut()
            .insert("cookie", format!("tt_session={token}").parse().unwrap());
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Client { socket }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(other) => panic!("upgrade failed: {other}"),
        }
    }

    /// Opens a socket with the session cookie `token`.
    pub async fn connect(&self, token: &str) -> Client {
        let mut request = format!("ws://{}/ws", self.addr).into_client_request().unwrap();
        request
            .headers_mut()
            .insert("cookie", format!("tt_session={token}").parse().unwrap());
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("upgrade accepted");
        Client { socket }
    }
}

/// The messages of a `chat.history` frame that members sent (system notices left out).
pub fn said(history: &Value) -> Vec<Value> {
    history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["actor"]["kind"] != "system")
        .cloned()
        .collect()
}
