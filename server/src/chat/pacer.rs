//! When a refused send should come back: a waiting line in time.
//!
//! A refusal that told every client "250 ms" brought them back together, into a queue that was full again,
//! and the retries cost the core what the commits needed (BENCHMARKS.md). Instead each refusal is given its own
//! place in a line that moves at the rate the writer commits: the first refused send comes back when half of
//! the queue ahead of it has drained, the next one a commit's share of a second later, and so on, so the
//! returns arrive about as fast as the writer takes them, and each send is refused about once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The commit rate assumed before the writer has measured one (rows per second).
const FIRST_RATE: f64 = 5_000.0;
/// How much of each new measurement the rate takes in (an exponential moving average over batches).
const RATE_WEIGHT: f64 = 0.3;
/// The smallest batch whose commit says something about the writer's capacity: a quiet writer commits one
/// row at a time, and its rate then says how little it was asked, not how much it can do.
const TELLING_BATCH: usize = 64;
/// The longest wait given: a line longer than this is not kept, the client comes back and asks again.
const LONGEST_WAIT: Duration = Duration::from_secs(20);

/// The line of refused sends and the writer's measured commit rate.
pub struct Pacer {
    state: Mutex<State>,
}

struct State {
    /// Rows committed per second, measured over recent batches.
    rate: f64,
    /// The place after the last one given.
    next: Instant,
}

impl Default for Pacer {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                rate: FIRST_RATE,
                next: Instant::now(),
            }),
        }
    }
}

impl Pacer {
    /// The writer committed `rows` in `took`: the rate moves toward what that batch showed (batches too small
    /// to tell are left out).
    pub fn committed(&self, rows: usize, took: Duration) {
        if rows < TELLING_BATCH || took.is_zero() {
            return;
        }
        let measured = rows as f64 / took.as_secs_f64();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.rate += RATE_WEIGHT * (measured - state.rate);
    }

    /// How long a send refused now, with `queued` sends ahead of it, should wait before it is sent again.
    pub fn wait(&self, queued: usize) -> Duration {
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let rate = state.rate.max(1.0);
        let half_drained = now + Duration::from_secs_f64(queued as f64 / rate / 2.0);
        let place = state.next.max(half_drained).min(now + LONGEST_WAIT);
        state.next = place + Duration::from_secs_f64(1.0 / rate);
        place - now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_writer_does_not_make_the_line_slow() {
        let pacer = Pacer::default();
        let before = pacer.wait(1_000);
        for _ in 0..100 {
            pacer.committed(1, Duration::from_millis(5));
        }
        let after = pacer.wait(1_000);
        // Single rows at 200/s would have said "200 a second" and made the wait 2.5 s.
        assert!(after < before + Duration::from_millis(5), "{before:?} then {after:?}");
    }

    #[test]
    fn refusals_get_places_one_commit_apart_after_half_the_queue() {
        let pacer = Pacer::default();
        for _ in 0..20 {
            pacer.committed(1_000, Duration::from_millis(100));
        }
        // About 10,000 rows a second: 4,000 queued drain halfway in about 200 ms.
        let first = pacer.wait(4_000);
        let second = pacer.wait(4_000);
        assert!(
            first >= Duration::from_millis(190) && first <= Duration::from_millis(210),
            "{first:?}"
        );
        let gap = second.saturating_sub(first);
        assert!(
            gap >= Duration::from_micros(50) && gap <= Duration::from_micros(200),
            "{gap:?}"
        );
    }

    #[test]
    fn the_line_never_promises_more_than_the_longest_wait() {
        let pacer = Pacer::default();
        pacer.committed(100, Duration::from_secs(10));
        let waits: Vec<Duration> = (0..1_000).map(|_| pacer.wait(1_000_000)).collect();
        assert!(waits.iter().all(|wait| *wait <= LONGEST_WAIT));
    }
}
