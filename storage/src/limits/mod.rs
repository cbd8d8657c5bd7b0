//! Rate limits: "429 with Retry-After" per user, per organisation and per IP (PRD §5.1.3).
//!
//! One object-safe trait, [`RateLimiter`], decides whether a request under a key may pass a
//! [`Quota`]. Both implementations run the generic cell rate algorithm (GCRA, [`gcra`]): one
//! stored "theoretical arrival time" per key, exact and fair, with time passed in by the caller.
//! [`LocalRateLimiter`] keeps that state in process for a single node; [`RedisRateLimiter`] keeps
//! it in Redis, updated atomically by a Lua script, for many nodes sharing one budget.

mod error;
pub mod gcra;
mod local;
mod redis_limiter;

pub use error::LimitError;
pub use local::LocalRateLimiter;
pub use redis_limiter::RedisRateLimiter;

use async_trait::async_trait;
use std::time::Duration;

/// How many requests a key may make: `per_period` every `period`, with up to `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub per_period: u32,
    pub period: Duration,
    /// Requests allowed back to back from a fresh key (0 is taken as 1).
    pub burst: u32,
}

impl Quota {
    pub fn new(per_period: u32, period: Duration, burst: u32) -> Self {
        Self {
            per_period,
            period,
            burst,
        }
    }
}

/// The answer to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Passed; `remaining` more requests would pass right now.
    Allowed { remaining: u32 },
    /// Refused; the same request passes after `retry_after` (the `Retry-After` of a 429).
    Limited { retry_after: Duration },
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

/// Decides whether a request under `key` passes `quota` at `now_ms` (milliseconds since the Unix
/// epoch). Each allowed request uses one unit of the key's budget; a limited one uses none.
#[async_trait]
pub trait RateLimiter: Send + Sync {
    async fn check(&self, key: &str, quota: Quota, now_ms: i64) -> Result<Decision, LimitError>;
}
