//! The shared rate limiter: GCRA state in Redis, one key per limited key, for many nodes.
//!
//! Each check runs `gcra.lua` (the mirror of [`super::gcra::step`]) atomically through
//! [`redis::Script`], which sends EVALSHA and falls back to EVAL when the server lacks the
//! script. A key's TTL is at least the quota's period and at least as long as its TAT can matter,
//! so idle keys expire by themselves. The caller's `now_ms` is used, so nodes' clocks should be
//! in sync (NTP); a skew shifts that node's view of the budget by the skew. Any Redis error is
//! [`LimitError::Unavailable`]: the recommended policy is to fail open (let the request pass,
//! log and count the error) for per-user and per-organisation limits, so an outage of Redis does
//! not become an outage of the service, and to fail closed only for abuse limits such as login
//! attempts per IP.

use super::gcra::{self, GcraParams};
use super::{Decision, LimitError, Quota, RateLimiter};
use async_trait::async_trait;
use redis::Script;
use redis::aio::ConnectionManager;
use std::time::Duration;

const GCRA_LUA: &str = include_str!("gcra.lua");

#[derive(Clone)]
pub struct RedisRateLimiter {
    conn: ConnectionManager,
    script: Script,
    prefix: String,
}

impl RedisRateLimiter {
    /// Connects to `url` (`redis://host:port/db`); every key is stored under `prefix`.
    pub async fn connect(url: &str, prefix: impl Into<String>) -> Result<Self, LimitError> {
        let conn = crate::redis_link::connect(url).await.map_err(unavailable)?;
        Ok(Self::with_connection(conn, prefix))
    }

    /// Uses an existing connection manager (it reconnects by itself and may be shared).
    pub fn with_connection(conn: ConnectionManager, prefix: impl Into<String>) -> Self {
        Self {
            conn,
            script: Script::new(GCRA_LUA),
            prefix: prefix.into(),
        }
    }

    /// The Redis key that holds `key`'s state.
    pub fn redis_key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }
}

fn unavailable(e: redis::RedisError) -> LimitError {
    LimitError::Unavailable(e.to_string())
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, key: &str, quota: Quota, now_ms: i64) -> Result<Decision, LimitError> {
        let params = GcraParams::from_quota(quota)?;
        let period_ms = i64::try_from(quota.period.as_millis())
            .unwrap_or(i64::MAX)
            .max(1);
        let mut conn = self.conn.clone();
        let (allowed, value): (i64, i64) = self
            .script
            .key(self.redis_key(key))
            .arg(gcra::ms_to_us(now_ms))
            .arg(params.interval_us)
            .arg(params.tolerance_us)
            .arg(period_ms)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        let value = u64::try_from(value).unwrap_or(0);
        Ok(if allowed == 1 {
            Decision::Allowed {
                remaining: u32::try_from(value).unwrap_or(u32::MAX),
            }
        } else {
            Decision::Limited {
                retry_after: Duration::from_micros(value),
            }
        })
    }
}
