//! Throttling of password attempts, so that neither guessing a password nor burning the server's CPU on argon2
//! works: every attempt (login or registration) is admitted or refused *before* it hashes anything.
//!
//! Two budgets: one per account name (a distributed guess at one account gets a few tries a minute) and one per
//! address (one machine cannot spray many accounts, or register thousands). A refusal is `rate_limited` with
//! the wait. A successful login refills its account's budget, so a person who mistyped once is not slowed.
//! At most [`HASHES_AT_ONCE`] hashes run at the same time whatever the budgets say; the rest queue.

use app::domain::Problem;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Password hashes that may run at once (each takes a core for tens of milliseconds).
pub const HASHES_AT_ONCE: usize = 2;
/// Budgets not touched for this long are forgotten, so the maps stay small.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);

/// The sizes of the two budgets.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    /// Attempts at one account in a burst.
    pub account_burst: f64,
    /// Attempts at one account per second, refilled.
    pub account_per_sec: f64,
    /// Attempts from one address in a burst.
    pub address_burst: f64,
    /// Attempts from one address per second, refilled.
    pub address_per_sec: f64,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            account_burst: 5.0,
            account_per_sec: 0.1,
            address_burst: 60.0,
            address_per_sec: 2.0,
        }
    }
}

/// The throttle; cheap to clone.
#[derive(Clone)]
pub struct Throttle {
    limits: ThrottleLimits,
    buckets: Arc<Mutex<Buckets>>,
    hashing: Arc<Semaphore>,
}

#[derive(Default)]
struct Buckets {
    accounts: HashMap<String, Bucket>,
    addresses: HashMap<IpAddr, Bucket>,
    swept: Option<Instant>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl Bucket {
    /// Refills for the time passed, then takes a token, or answers how long until one is there.
    fn take(&mut self, burst: f64, per_sec: f64, now: Instant) -> Result<(), Duration> {
        self.tokens = (self.tokens + now.duration_since(self.refilled).as_secs_f64() * per_sec).min(burst);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / per_sec))
        }
    }
}

impl Throttle {
    /// A throttle with `limits`.
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            buckets: Arc::default(),
            hashing: Arc::new(Semaphore::new(HASHES_AT_ONCE)),
        }
    }

    /// Admits one attempt at `account` (a normalised username; `None` for a registration) from `address`, or
    /// refuses it. Both budgets must have room; a refusal takes nothing from either.
    pub fn admit(&self, account: Option<&str>, address: Option<IpAddr>) -> Result<(), Problem> {
        let limits = self.limits;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        buckets.sweep(now);
        let fresh = |burst| Bucket {
            tokens: burst,
            refilled: now,
        };
        let mut account_bucket =
            account.map(|name| *buckets.accounts.get(name).unwrap_or(&fresh(limits.account_burst)));
        let mut address_bucket = address.map(|ip| *buckets.addresses.get(&ip).unwrap_or(&fresh(limits.address_burst)));
        let account_wait = account_bucket
            .as_mut()
            .and_then(|b| b.take(limits.account_burst, limits.account_per_sec, now).err());
        let address_wait = address_bucket
            .as_mut()
            .and_then(|b| b.take(limits.address_burst, limits.address_per_sec, now).err());
        if let Some(wait) = account_wait.max(address_wait) {
            return Err(Problem::rate_limited("Too many attempts to log in or register.", wait));
        }
        if let (Some(name), Some(bucket)) = (account, account_bucket) {
            buckets.accounts.insert(name.to_owned(), bucket);
        }
        if let (Some(ip), Some(bucket)) = (address, address_bucket) {
            buckets.addresses.insert(ip, bucket);
        }
        Ok(())
    }

    /// A login succeeded: the account's budget starts full again.
    pub fn succeeded(&self, account: &str) {
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        buckets.accounts.remove(account);
    }

    /// Waits for a turn to hash a password.
    pub async fn hashing_turn(&self) -> SemaphorePermit<'_> {
        // The semaphore is never closed, so acquiring cannot fail.
        self.hashing.acquire().await.expect("the hashing semaphore stays open")
    }
}

impl Buckets {
    /// Forgets budgets that have been full again for a while (at most once a minute).
    fn sweep(&mut self, now: Instant) {
        if self
            .swept
            .is_some_and(|at| now.duration_since(at) < Duration::from_secs(60))
        {
            return;
        }
        self.swept = Some(now);
        self.accounts
            .retain(|_, b| now.duration_since(b.refilled) < FORGET_AFTER);
        self.addresses
            .retain(|_, b| now.duration_since(b.refilled) < FORGET_AFTER);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::ErrorCode;

    #[test]
    fn an_account_gets_its_burst_then_waits() {
        let throttle = Throttle::new(ThrottleLimits::default());
        for n in 0..5 {
            throttle
                .admit(Some("alice"), Some(IpAddr::from([10, 0, 0, n])))
                .unwrap();
        }
        let refused = throttle
            .admit(Some("alice"), Some(IpAddr::from([10, 0, 0, 9])))
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::RateLimited);
        assert!(refused.retry_after_ms.unwrap() > 5_000, "{refused:?}");
        throttle.admit(Some("bob"), Some(IpAddr::from([10, 0, 0, 9]))).unwrap();
        throttle.succeeded("alice");
        throttle.admit(Some("alice"), None).unwrap();
    }

    #[test]
    fn an_address_cannot_spray_accounts() {
        let throttle = Throttle::new(ThrottleLimits::default());
        let ip = IpAddr::from([10, 0, 0, 1]);
        let admitted = (0..100)
            .filter(|n| throttle.admit(Some(&format!("user{n}")), Some(ip)).is_ok())
            .count();
        assert_eq!(admitted, 60);
        assert!(
            throttle.admit(None, Some(ip)).is_err(),
            "registrations share the address budget"
        );
    }
}
