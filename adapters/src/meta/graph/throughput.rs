//! Messages per second per sending number. WhatsApp Cloud API numbers take 80 messages a second
//! by default (more once Meta raises them) and answer more with error 130429 and a pause; the
//! sender spaces its sends per number instead (generic cell rate: an even rate with a burst of
//! one second's worth), and a send over the rate is held back with the time to wait, which the
//! outbox honours like Meta's own `Retry-After`. [`NumberThroughput`] paces the sends of one
//! node; the nodes of a cluster, which all send for the same numbers (a number's contacts are
//! spread over every shard), share one pace through another [`NumberPacer`] (the binary's
//! Redis-backed one).

use async_trait::async_trait;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// WhatsApp's default throughput of a business number.
pub const DEFAULT_MESSAGES_PER_SECOND: u32 = 80;

/// Decides when a business number may send its next message.
#[async_trait]
pub trait NumberPacer: Send + Sync {
    /// Takes one send of `number` now, or says how long to wait for one.
    async fn admit(&self, number: &str) -> Result<(), Duration>;
    /// The messages a second each number is held to.
    fn per_second(&self) -> u32;
}

/// The pace of one node's sends, in memory.
pub struct NumberThroughput {
    per_second: u32,
    /// Per number: when its next send would be exactly on the even rate.
    next_due: Mutex<HashMap<String, Instant>>,
}

impl NumberThroughput {
    pub fn new(per_second: u32) -> Self {
        Self {
            per_second: per_second.max(1),
            next_due: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one send of `number` at `now`, or says how long to wait for one.
    pub fn admit_at(&self, number: &str, now: Instant) -> Result<(), Duration> {
        let interval = Duration::from_secs(1) / self.per_second;
        let burst = Duration::from_secs(1).saturating_sub(interval);
        let mut next_due = self.next_due.lock();
        let due = next_due.get(number).copied().unwrap_or(now).max(now);
        if let Some(early) = due.checked_duration_since(now)
            && early > burst
        {
            return Err(early - burst);
        }
        next_due.insert(number.to_owned(), due + interval);
        Ok(())
    }
}

#[async_trait]
impl NumberPacer for NumberThroughput {
    async fn admit(&self, number: &str) -> Result<(), Duration> {
        self.admit_at(number, Instant::now())
    }

    fn per_second(&self) -> u32 {
        self.per_second
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_sends_a_seconds_worth_at_once_then_at_the_rate() {
        let limit = NumberThroughput::new(4);
        let start = Instant::now();
        for _ in 0..4 {
            assert_eq!(limit.admit_at("1065", start), Ok(()));
        }
        let wait = limit.admit_at("1065", start).expect_err("over the rate");
        assert_eq!(wait, Duration::from_millis(250));
        assert_eq!(limit.admit_at("2077", start), Ok(()), "numbers are apart");
        assert_eq!(limit.admit_at("1065", start + wait), Ok(()));
        assert!(limit.admit_at("1065", start + wait).is_err());
        // A quiet number gets its whole burst back.
        let later = start + Duration::from_secs(5);
        for _ in 0..4 {
            assert_eq!(limit.admit_at("1065", later), Ok(()));
        }
    }
}
