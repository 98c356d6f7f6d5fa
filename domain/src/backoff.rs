//! The client's reconnect schedule: exponential backoff with full jitter, so a server restart is not met by
//! every client reconnecting in the same millisecond.

/// First retry waits up to this long.
pub const BASE_DELAY_MS: u32 = 500;
/// No retry waits longer than this.
pub const MAX_DELAY_MS: u32 = 15_000;

/// The delay before reconnect attempt `attempt` (0-based), given `unit` in `[0, 1)` from a random source.
/// The ceiling doubles with each attempt up to [`MAX_DELAY_MS`]; the delay is uniform between half the
/// ceiling and the ceiling, so retries spread out but never come back instantly.
pub fn reconnect_delay_ms(attempt: u32, unit: f64) -> u32 {
    let ceiling = BASE_DELAY_MS
        .saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX))
        .min(MAX_DELAY_MS);
    let unit = unit.clamp(0.0, 1.0);
    let half = ceiling / 2;
    half + (f64::from(ceiling - half) * unit) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_cap_and_stay_jittered() {
        assert_eq!(reconnect_delay_ms(0, 0.0), 250);
        assert_eq!(reconnect_delay_ms(0, 1.0), 500);
        assert_eq!(reconnect_delay_ms(3, 0.0), 2_000);
        assert_eq!(reconnect_delay_ms(3, 1.0), 4_000);
        for attempt in [10, 31, 32, 1_000, u32::MAX] {
            let low = reconnect_delay_ms(attempt, 0.0);
            let high = reconnect_delay_ms(attempt, 0.999);
            assert_eq!(low, MAX_DELAY_MS / 2);
            assert!(high <= MAX_DELAY_MS && high > low);
        }
    }
}
