//! How long to wait before trying a failed request again: exponential backoff with jitter, or
//! the provider's `Retry-After` when it gave one, never longer than the configured caps. Shared
//! by the resilient chat wrapper and the embeddings client.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries after the first; zero never retries.
    pub max_retries: u32,
    /// The wait before the first retry, doubled for each later one.
    pub base_delay: Duration,
    /// The longest computed wait.
    pub max_delay: Duration,
    /// The longest wait a `Retry-After` may impose.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first): the provider's `retry_after` when
    /// given (capped), else `base * 2^retry` (capped) with "equal jitter": half fixed, half
    /// random, so retrying clients spread out without ever retrying at once.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let exponential = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_delay);
        let half = exponential / 2;
        half + half.mul_f64(random_fraction())
    }
}

/// A number in [0, 1); 0.5 when the system has no randomness to give.
fn random_fraction() -> f64 {
    match getrandom::u64() {
        Ok(bits) => (bits >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_within_the_cap() {
        let policy = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            max_retry_after: Duration::from_secs(1),
        };
        for _ in 0..50 {
            let first = policy.delay(0, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = policy.delay(1, None);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            assert!(policy.delay(10, None) <= Duration::from_millis(300));
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(3600))),
            policy.max_retry_after
        );
    }
}
