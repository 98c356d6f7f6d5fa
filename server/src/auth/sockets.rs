//! Who holds which live sockets: the caps on sockets per user and per address, the send budget every socket of
//! one user shares, and the switch that closes every socket of a login session when it ends.
//!
//! In memory, for this process. With several instances the end of a login session also travels on the bus, so
//! its sockets close on every instance; the caps and the send budget stay per instance (a user's sockets behind
//! a balancer may count against several budgets: see docs/deploy.md).

use crate::bus::{Announce, News};
use app::domain::ids::UserId;
use app::domain::{ErrorCode, Problem};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Limits of the socket registry. The defaults suit people with a few tabs and devices; the load generator
/// opens thousands of sockets from one address and raises the per-address cap (`--max-sockets-per-ip`).
#[derive(Debug, Clone, Copy)]
pub struct SocketLimits {
    /// Live sockets one user may hold (tabs, devices, bots together).
    pub per_user: usize,
    /// Live sockets from one address; 0 for no cap.
    pub per_ip: usize,
    /// Sends one user may make in a burst, across all their sockets.
    pub send_burst: f64,
    /// Sends per second the budget refills.
    pub send_refill_per_sec: f64,
}

impl Default for SocketLimits {
    fn default() -> Self {
        Self {
            per_user: 16,
            per_ip: 256,
            send_burst: 60.0,
            send_refill_per_sec: 10.0,
        }
    }
}

/// The registry of live sockets.
#[derive(Clone)]
pub struct Sockets {
    limits: SocketLimits,
    inner: Arc<Mutex<Registry>>,
    /// The other instances, told of every ended session when there are any.
    others: Arc<OnceLock<Arc<dyn Announce>>>,
}

#[derive(Default)]
struct Registry {
    users: HashMap<UserId, UserEntry>,
    addresses: HashMap<IpAddr, usize>,
    sessions: HashMap<String, SessionEntry>,
}

struct UserEntry {
    sockets: usize,
    budget: Arc<Mutex<Budget>>,
}

struct SessionEntry {
    sockets: usize,
    revoked: watch::Sender<bool>,
}

/// A token bucket, shared by every socket of one user.
struct Budget {
    tokens: f64,
    refilled: Instant,
}

/// One socket's place in the registry: it holds the user's shared send budget and hears its session's end.
/// Dropping it frees the place.
pub struct SocketPass {
    user: UserId,
    address: Option<IpAddr>,
    session: String,
    limits: SocketLimits,
    budget: Arc<Mutex<Budget>>,
    revoked: watch::Receiver<bool>,
    registry: Arc<Mutex<Registry>>,
}

impl Sockets {
    /// An empty registry with `limits`.
    pub fn new(limits: SocketLimits) -> Self {
        Self {
            limits,
            inner: Arc::default(),
            others: Arc::default(),
        }
    }

    /// Admits one more socket of `user` on login session `session` (its token hash) from `address`, or
    /// refuses with `too_many_connections`.
    pub fn admit(&self, user: &UserId, session: &str, address: Option<IpAddr>) -> Result<SocketPass, Problem> {
        let mut registry = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let user_sockets = registry.users.get(user).map_or(0, |entry| entry.sockets);
        if user_sockets >= self.limits.per_user {
            return Err(too_many(format!(
                "You already have {user_sockets} live connections; the limit is {}.",
                self.limits.per_user
            )));
        }
        if let Some(address) = address {
            let from_address = registry.addresses.get(&address).copied().unwrap_or(0);
            if self.limits.per_ip > 0 && from_address >= self.limits.per_ip {
                return Err(too_many(format!(
                    "Your address already has {from_address} live connections; the limit is {}.",
                    self.limits.per_ip
                )));
            }
            *registry.addresses.entry(address).or_default() += 1;
        }
        let burst = self.limits.send_burst;
        let entry = registry.users.entry(user.clone()).or_insert_with(|| UserEntry {
            sockets: 0,
            budget: Arc::new(Mutex::new(Budget {
                tokens: burst,
                refilled: Instant::now(),
            })),
        });
        entry.sockets += 1;
        let budget = entry.budget.clone();
        let session_entry = registry
            .sessions
            .entry(session.to_owned())
            .or_insert_with(|| SessionEntry {
                sockets: 0,
                revoked: watch::channel(false).0,
            });
        session_entry.sockets += 1;
        let revoked = session_entry.revoked.subscribe();
        Ok(SocketPass {
            user: user.clone(),
            address,
            session: session.to_owned(),
            limits: self.limits,
            budget,
            revoked,
            registry: self.inner.clone(),
        })
    }

    /// Tells `others` of every ended session from now on (once, at start-up).
    pub fn announce_through(&self, others: Arc<dyn Announce>) {
        let _ = self.others.set(others);
    }

    /// Ends every socket of login session `session` on this instance and the others.
    pub fn revoke_everywhere(&self, session: &str) {
        self.revoke(session);
        if let Some(others) = self.others.get() {
            others.announce(News::Revoked {
                session: session.to_owned(),
            });
        }
    }

    /// Ends every socket of login session `session` (its token hash) on this instance: each closes within moments.
    pub fn revoke(&self, session: &str) {
        let registry = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = registry.sessions.get(session) {
            entry.revoked.send_replace(true);
        }
    }

    /// Live sockets of `user` (for tests and metrics).
    pub fn count_for(&self, user: &UserId) -> usize {
        let registry = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        registry.users.get(user).map_or(0, |entry| entry.sockets)
    }
}

impl SocketPass {
    /// Takes one send from the user's shared budget, or says how long until the next one is allowed.
    pub fn take_send(&self) -> Result<(), Problem> {
        let mut budget = self.budget.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let elapsed = now.duration_since(budget.refilled).as_secs_f64();
        budget.refilled = now;
        budget.tokens = (budget.tokens + elapsed * self.limits.send_refill_per_sec).min(self.limits.send_burst);
        if budget.tokens < 1.0 {
            let wait = (1.0 - budget.tokens) / self.limits.send_refill_per_sec;
            return Err(Problem::rate_limited(
                "You are sending messages too quickly.",
                Duration::from_secs_f64(wait),
            ));
        }
        budget.tokens -= 1.0;
        Ok(())
    }

    /// The signal that this socket's login session has ended.
    pub fn revocation(&self) -> Revocation {
        Revocation(self.revoked.clone())
    }
}

/// Hears the end of one login session (logout).
pub struct Revocation(watch::Receiver<bool>);

impl Revocation {
    /// Completes when the session has ended; never otherwise.
    pub async fn ended(&mut self) {
        if self.0.wait_for(|revoked| *revoked).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Drop for SocketPass {
    fn drop(&mut self) {
        let mut registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = registry.users.get_mut(&self.user) {
            entry.sockets -= 1;
            if entry.sockets == 0 {
                registry.users.remove(&self.user);
            }
        }
        if let Some(address) = self.address {
            if let Some(count) = registry.addresses.get_mut(&address) {
                *count -= 1;
                if *count == 0 {
                    registry.addresses.remove(&address);
                }
            }
        }
        if let Some(entry) = registry.sessions.get_mut(&self.session) {
            entry.sockets -= 1;
            if entry.sockets == 0 {
                registry.sessions.remove(&self.session);
            }
        }
    }
}

fn too_many(message: String) -> Problem {
    Problem::new(
        ErrorCode::TooManyConnections,
        message,
        "Close another tab or device of yours, then reconnect.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> SocketLimits {
        SocketLimits {
            per_user: 2,
            per_ip: 3,
            ..SocketLimits::default()
        }
    }

    #[test]
    fn caps_count_live_sockets_and_free_them_on_drop() {
        let sockets = Sockets::new(limits());
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let alice = UserId::from("alice");
        let first = sockets.admit(&alice, "s1", Some(ip)).unwrap();
        let _second = sockets.admit(&alice, "s2", Some(ip)).unwrap();
        let refused = sockets.admit(&alice, "s1", Some(ip)).err().unwrap();
        assert_eq!(refused.code, ErrorCode::TooManyConnections);
        let _bob = sockets.admit(&UserId::from("bob"), "s3", Some(ip)).unwrap();
        let by_ip = sockets.admit(&UserId::from("carol"), "s4", Some(ip)).err().unwrap();
        assert!(by_ip.message.contains("address"), "{}", by_ip.message);
        drop(first);
        assert_eq!(sockets.count_for(&alice), 1);
        assert!(sockets.admit(&alice, "s1", Some(ip)).is_ok());
    }

    #[test]
    fn every_socket_of_a_user_draws_on_one_budget() {
        let sockets = Sockets::new(SocketLimits::default());
        let alice = UserId::from("alice");
        let passes: Vec<_> = (0..3)
            .map(|n| sockets.admit(&alice, &format!("s{n}"), None).unwrap())
            .collect();
        let admitted = (0..180).filter(|n| passes[n % 3].take_send().is_ok()).count();
        assert_eq!(admitted, 60, "the burst is the user's, not each socket's");
        let refused = passes[0].take_send().unwrap_err();
        assert_eq!(refused.code, ErrorCode::RateLimited);
        assert!(refused.retry_after_ms.is_some());
    }

    #[tokio::test]
    async fn revoking_a_session_wakes_only_its_sockets() {
        let sockets = Sockets::new(SocketLimits::default());
        let alice = UserId::from("alice");
        let ended = sockets.admit(&alice, "old", None).unwrap();
        let other = sockets.admit(&alice, "new", None).unwrap();
        sockets.revoke("old");
        tokio::time::timeout(Duration::from_secs(1), ended.revocation().ended())
            .await
            .unwrap();
        let still_open = tokio::time::timeout(Duration::from_millis(50), other.revocation().ended()).await;
        assert!(still_open.is_err(), "another login session stays open");
    }
}
