//! A small seeded random source (SplitMix64) so a chaos run's kill schedule can be replayed:
//! the seed comes from `CHAOS_SEED` when set, else from the clock, and is printed by the test.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub struct SeededRng {
    state: u64,
}

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// `CHAOS_SEED` when set (to replay a run), else a seed from the clock.
    pub fn seed_from_env_or_clock() -> u64 {
        match std::env::var("CHAOS_SEED") {
            Ok(seed) => seed.trim().parse().expect("CHAOS_SEED is a u64"),
            Err(_) => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("after 1970")
                .subsec_nanos()
                .into(),
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A duration in `[low, high)`, to the millisecond.
    pub fn duration_between(&mut self, low: Duration, high: Duration) -> Duration {
        let low_ms = u64::try_from(low.as_millis()).expect("fits");
        let span = u64::try_from(high.as_millis()).expect("fits") - low_ms;
        Duration::from_millis(low_ms + self.next_u64() % span.max(1))
    }
}
