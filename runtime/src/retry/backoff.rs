//! Exponential backoff with full jitter.
//!
//! Retry *k* (counting from 0) waits a uniformly random time in
//! `[0, min(max_delay, base_delay · 2^k)]` — "full jitter", which spreads the
//! retries of many clients that failed together instead of making them retry in
//! lock-step. When the server asked for a pause (a throttling error such as
//! 40501 "retry the request after 10 seconds", see the catalog), the policy's
//! `throttle_delay` is added, as EF Core adds 5 s; In-Memory OLTP conflicts
//! clear in milliseconds and use the delay divided by 1000, as EF Core does.
//!
//! ```
//! use std::time::Duration;
//! use mssqlx_runtime::RetryPolicy;
//!
//! let policy = RetryPolicy {
//!     max_retries: 4,
//!     base_delay: Duration::from_millis(100),
//!     max_delay: Duration::from_secs(2),
//!     ..RetryPolicy::default()
//! };
//! assert!(policy.delay(3) <= Duration::from_millis(800));
//! assert_eq!(RetryPolicy::none().max_retries, 0);
//! ```

use std::time::Duration;

use rand::Rng;

/// How often and how patiently an operation is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// The ceiling of the first retry's delay; doubles for each further retry.
    pub base_delay: Duration,
    /// The cap of the delay ceiling.
    pub max_delay: Duration,
    /// Added to the delay when the server asked clients to back off
    /// (the catalog's throttling errors; EF Core uses 5 s, Azure SQL's guidance
    /// says 5 s before the first retry).
    pub throttle_delay: Duration,
}

impl Default for RetryPolicy {
    /// Six retries, 250 ms base, 30 s cap, 5 s extra for throttling errors
    /// (EF Core's defaults: `DefaultMaxRetryCount = 6`, `DefaultMaxDelay = 30 s`).
    fn default() -> Self {
        RetryPolicy {
            max_retries: 6,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            throttle_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub const fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
            throttle_delay: Duration::ZERO,
        }
    }

    /// A policy with `max_retries` retries, `base_delay` base and the default cap.
    pub fn new(max_retries: u32, base_delay: Duration) -> Self {
        RetryPolicy {
            max_retries,
            base_delay,
            ..RetryPolicy::default()
        }
    }

    /// The ceiling of retry `attempt` (0-based): `min(max_delay, base · 2^attempt)`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// A full-jitter delay for retry `attempt` (0-based): uniform in `[0, ceiling]`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        if ceiling.is_zero() {
            return Duration::ZERO;
        }
        let nanos = rand::rng().random_range(0..=ceiling.as_nanos().min(u64::MAX as u128) as u64);
        Duration::from_nanos(nanos)
    }

    /// The delay before retry `attempt` after an error with the given catalog flags.
    pub fn delay_for(&self, attempt: u32, throttling: bool, in_memory: bool) -> Duration {
        let base = self.delay(attempt);
        if in_memory {
            base / 1000
        } else if throttling {
            base + self.throttle_delay
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            throttle_delay: Duration::from_secs(5),
        }
    }

    #[test]
    fn ceiling_doubles_per_attempt_and_is_capped() {
        let p = policy();
        assert_eq!(p.ceiling(0), Duration::from_millis(100));
        assert_eq!(p.ceiling(1), Duration::from_millis(200));
        assert_eq!(p.ceiling(3), Duration::from_millis(800));
        assert_eq!(p.ceiling(4), Duration::from_secs(1));
        assert_eq!(p.ceiling(200), Duration::from_secs(1));
    }

    #[test]
    fn full_jitter_stays_within_zero_and_the_ceiling_and_spreads() {
        let p = policy();
        let delays: Vec<_> = (0..200).map(|_| p.delay(2)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(400)));
        let min = delays.iter().min().unwrap();
        let max = delays.iter().max().unwrap();
        // Full jitter: uses the whole range, not ±20 % around the ceiling.
        assert!(*min < Duration::from_millis(100), "min {min:?}");
        assert!(*max > Duration::from_millis(300), "max {max:?}");
    }

    #[test]
    fn throttling_errors_add_the_throttle_delay() {
        let p = policy();
        let d = p.delay_for(0, true, false);
        assert!(d >= Duration::from_secs(5) && d <= Duration::from_millis(5100));
    }

    #[test]
    fn in_memory_conflicts_wait_milliseconds() {
        let p = policy();
        assert!(p.delay_for(3, false, true) <= Duration::from_micros(800));
    }

    #[test]
    fn none_never_waits() {
        assert_eq!(RetryPolicy::none().delay(5), Duration::ZERO);
    }
}
