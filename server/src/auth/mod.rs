//! Identity: accounts, argon2 password hashes, login sessions (the session cookie's token), and everything
//! that hangs on a login session: the cookie itself ([`cookie`]), the current-user extractor every HTTP
//! surface uses ([`current`]), the throttle on password attempts ([`throttle`]) and the registry of live
//! sockets that logging out closes ([`sockets`]).
//!
//! Hashing runs on the blocking pool, never on the async workers. An unknown username costs the same hash
//! work as a wrong password and gets the same answer, so neither timing nor wording reveals who has an account.

pub mod cookie;
pub mod current;
mod password;
pub mod sockets;
pub mod throttle;

use crate::store::{internal, now_ms, OrInternal, Pool};
use app::domain::ids::UserId;
use app::domain::views::UserSummary;
use app::domain::{validate, ErrorCode, Problem};
use rand::Rng;
use sha2::{Digest, Sha256};
use sockets::{SocketLimits, Sockets};
use std::net::IpAddr;
use throttle::{Throttle, ThrottleLimits};

/// How long a login lasts without logging in again.
const SESSION_TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Accounts and login sessions.
#[derive(Clone)]
pub struct AuthService {
    pool: Pool,
    throttle: Throttle,
    sockets: Sockets,
}

/// A valid login session: whose it is, its key (the token's hash, never the token) and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// The logged-in user.
    pub user: UserSummary,
    /// The session's key: the hash of its token, as stored.
    pub session: String,
    /// When the session expires (epoch milliseconds); sockets opened with it close then.
    pub expires_at_ms: i64,
}

impl AuthService {
    /// The service over `pool`, with the default throttle and socket limits.
    pub fn new(pool: Pool) -> Self {
        Self::with_limits(pool, ThrottleLimits::default(), SocketLimits::default())
    }

    /// The service over `pool` with explicit limits (the CLI's `--max-sockets-per-ip`, tests).
    pub fn with_limits(pool: Pool, throttle: ThrottleLimits, sockets: SocketLimits) -> Self {
        Self {
            pool,
            throttle: Throttle::new(throttle),
            sockets: Sockets::new(sockets),
        }
    }

    /// The registry of live sockets, which the gateway admits each socket through.
    pub fn sockets(&self) -> &Sockets {
        &self.sockets
    }

    /// Registration as the site offers it: throttled per address before any hashing.
    pub async fn attempt_register(
        &self,
        from: Option<IpAddr>,
        username: &str,
        password: &str,
    ) -> Result<(UserSummary, String), Problem> {
        self.throttle.admit(None, from)?;
        let _turn = self.throttle.hashing_turn().await;
        self.register(username, password).await
    }

    /// Logging in as the site offers it: throttled per account and per address before any hashing, so
    /// neither guessing nor a flood of attempts gets far.
    pub async fn attempt_login(
        &self,
        from: Option<IpAddr>,
        username: &str,
        password: &str,
    ) -> Result<(UserSummary, String), Problem> {
        let account = username.trim().to_lowercase();
        self.throttle.admit(Some(&account), from)?;
        let answer = {
            let _turn = self.throttle.hashing_turn().await;
            self.login(username, password).await
        };
        if answer.is_ok() {
            self.throttle.succeeded(&account);
        }
        answer
    }

    /// Creates an account without logging it in (the CLI's seeding uses this too).
    pub async fn create_user(&self, username: &str, password: &str) -> Result<UserSummary, Problem> {
        let username = validate::username(username)?;
        validate::password(password)?;
        let hash = password::hash(password.to_owned()).await?;
        let id = UserId::generate();
        let inserted =
            sqlx::query("INSERT INTO users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)")
                .bind(id.as_str())
                .bind(&username)
                .bind(&hash)
                .bind(now_ms())
                .execute(&self.pool)
                .await;
        match inserted {
            Ok(_) => Ok(UserSummary { id, username }),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Err(Problem::new(
                ErrorCode::UsernameTaken,
                format!("The username \"{username}\" is taken."),
                "Pick another username, or log in if it is yours.",
            )),
            Err(error) => Err(internal(error)),
        }
    }

    /// Creates an account and logs it in; returns the user and a new session token.
    pub async fn register(&self, username: &str, password: &str) -> Result<(UserSummary, String), Problem> {
        let user = self.create_user(username, password).await?;
        let token = self.open_session(&user.id).await?;
        Ok((user, token))
    }

    /// Checks credentials; returns the user and a new session token.
    pub async fn login(&self, username: &str, password: &str) -> Result<(UserSummary, String), Problem> {
        let wrong = || {
            Problem::new(
                ErrorCode::InvalidCredentials,
                "Wrong username or password.",
                "Check both and try again; usernames are not case-sensitive.",
            )
        };
        let name = username.trim().to_lowercase();
        let row: Option<(String, String)> = sqlx::query_as("SELECT id, password_hash FROM users WHERE username = $1")
            .bind(&name)
            .fetch_optional(&self.pool)
            .await
            .or_internal()?;
        let valid = password::verify(password.to_owned(), row.as_ref().map(|(_, hash)| hash.clone())).await?;
        match row {
            Some((id, _)) if valid => {
                let user = UserSummary {
                    id: UserId(id),
                    username: name,
                };
                let token = self.open_session(&user.id).await?;
                Ok((user, token))
            }
            _ => Err(wrong()),
        }
    }

    /// Ends the session of `token` (unknown tokens are ignored: logging out twice is fine), and closes every
    /// socket opened with it.
    pub async fn logout(&self, token: &str) -> Result<(), Problem> {
        let session = token_hash(token);
        sqlx::query("DELETE FROM login_sessions WHERE token_hash = $1")
            .bind(&session)
            .execute(&self.pool)
            .await
            .or_internal()?;
        self.sockets.revoke_everywhere(&session);
        Ok(())
    }

    /// The login session of a valid, unexpired token.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Login>, Problem> {
        let session = token_hash(token);
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT u.id, u.username, s.expires_at FROM login_sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(&session)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
        .or_internal()?;
        Ok(row.map(|(id, username, expires_at_ms)| Login {
            user: UserSummary {
                id: UserId(id),
                username,
            },
            session,
            expires_at_ms,
        }))
    }

    /// The user of a valid, unexpired token.
    pub async fn user_for_token(&self, token: &str) -> Result<Option<UserSummary>, Problem> {
        Ok(self.authenticate(token).await?.map(|login| login.user))
    }

    /// Creates many accounts that share one password and logs each in, in one transaction: load tests need
    /// thousands of accounts, and an argon2 hash per account would take minutes. Returns users and tokens.
    pub async fn create_logged_in_users(
        &self,
        usernames: &[String],
        password: &str,
    ) -> Result<Vec<(UserSummary, String)>, Problem> {
        validate::password(password)?;
        let hash = password::hash(password.to_owned()).await?;
        let now = now_ms();
        let mut tx = crate::store::begin_write(&self.pool).await.or_internal()?;
        let mut created = Vec::with_capacity(usernames.len());
        for raw in usernames {
            let username = validate::username(raw)?;
            let id = UserId::generate();
            sqlx::query("INSERT INTO users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)")
                .bind(id.as_str())
                .bind(&username)
                .bind(&hash)
                .bind(now)
                .execute(&mut *tx)
                .await
                .or_internal()?;
            let token = insert_session(&mut tx, &id).await.or_internal()?;
            created.push((UserSummary { id, username }, token));
        }
        tx.commit().await.or_internal()?;
        Ok(created)
    }

    async fn open_session(&self, user: &UserId) -> Result<String, Problem> {
        let mut conn = self.pool.acquire().await.or_internal()?;
        insert_session(&mut conn, user).await.or_internal()
    }
}

/// Stores a new login session for `user`; returns its token (only the token's hash is stored).
async fn insert_session(conn: &mut crate::store::Connection, user: &UserId) -> Result<String, sqlx::Error> {
    let token = hex::encode(rand::rng().random::<[u8; 32]>());
    let now = now_ms();
    sqlx::query("INSERT INTO login_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user.as_str())
        .bind(now)
        .bind(now + SESSION_TTL_MS)
        .execute(conn)
        .await?;
    Ok(token)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
