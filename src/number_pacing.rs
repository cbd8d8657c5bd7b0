//! The pace of each WhatsApp number's sends, shared by the nodes of a cluster. A number's
//! contacts are spread over every shard, so every node sends for every number; paced per node,
//! three nodes would send at three times the rate Meta allows the number, and Meta would answer
//! the excess with error 130429. In a cluster the pace is kept in Redis instead (the generic
//! cell rate of `botwot_storage::limits`, one key per number), so the nodes together keep to it.
//! When Redis cannot be asked, a node falls back to its own pace (logged), and Meta's own
//! throttling answers, which the outbox backs off from, cover the difference.

use anyhow::{Context, Result};
use async_trait::async_trait;
use botwot_adapters::meta::graph::throughput::{NumberPacer, NumberThroughput};
use botwot_engine::time::Clock;
use botwot_storage::limits::{Decision, Quota, RateLimiter, RedisRateLimiter};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::warn;

/// The cluster's pace of each number: `per_second` sends a second, a second's worth at once.
pub struct SharedNumberPace {
    limiter: Arc<dyn RateLimiter>,
    per_second: u32,
    clock: Arc<dyn Clock>,
    /// This node's own pace, for when Redis cannot be asked.
    fallback: NumberThroughput,
}

impl SharedNumberPace {
    pub fn new(limiter: Arc<dyn RateLimiter>, per_second: u32, clock: Arc<dyn Clock>) -> Self {
        Self {
            limiter,
            per_second: per_second.max(1),
            clock,
            fallback: NumberThroughput::new(per_second),
        }
    }

    /// The cluster's shared pace on its Redis, under its key prefix.
    pub async fn connect(
        redis_url: &str,
        key_prefix: &str,
        per_second: u32,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let limiter = RedisRateLimiter::connect(redis_url, format!("{key_prefix}number-pace:"))
            .await
            .context("the cluster's Redis could not be reached for the numbers' send pace")?;
        Ok(Self::new(Arc::new(limiter), per_second, clock))
    }
}

#[async_trait]
impl NumberPacer for SharedNumberPace {
    async fn admit(&self, number: &str) -> Result<(), Duration> {
        let quota = Quota::new(self.per_second, Duration::from_secs(1), self.per_second);
        match self.limiter.check(number, quota, self.clock.now().0).await {
            Ok(Decision::Allowed { .. }) => Ok(()),
            Ok(Decision::Limited { retry_after }) => Err(retry_after),
            Err(error) => {
                warn!(%error, number, "the shared send pace is unreachable; pacing this node alone");
                self.fallback.admit_at(number, Instant::now())
            }
        }
    }

    fn per_second(&self) -> u32 {
        self.per_second
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::time::{ManualClock, Timestamp};

    fn redis_url() -> String {
        std::env::var("BOTWOT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
    }

    /// Needs the Redis of `deploy/test-services.sh`.
    #[tokio::test]
    async fn three_nodes_keep_together_to_one_numbers_rate() {
        let clock = Arc::new(ManualClock::starting_at(Timestamp(1_764_000_000_000)));
        let prefix = format!("botwot-test-pace-{}:", std::process::id());
        let mut nodes = Vec::new();
        for _ in 0..3 {
            let pace = SharedNumberPace::connect(&redis_url(), &prefix, 4, clock.clone())
                .await
                .expect("the test Redis (deploy/test-services.sh)");
            nodes.push(pace);
        }
        // At one instant, the three nodes together get one second's worth: four sends.
        let mut admitted = 0;
        let mut waits = Vec::new();
        for round in 0..4 {
            for node in &nodes {
                match node.admit("106540352242922").await {
                    Ok(()) => admitted += 1,
                    Err(wait) => waits.push((round, wait)),
                }
            }
        }
        assert_eq!(admitted, 4, "{waits:?}");
        assert!(
            waits
                .iter()
                .all(|(_, wait)| *wait == Duration::from_millis(250))
        );
        // Another number has its own pace; and a quarter second later, one more send passes.
        assert_eq!(nodes[2].admit("106540352242923").await, Ok(()));
        clock.advance(Duration::from_millis(250));
        assert_eq!(nodes[1].admit("106540352242922").await, Ok(()));
        assert!(nodes[0].admit("106540352242922").await.is_err());
    }
}
