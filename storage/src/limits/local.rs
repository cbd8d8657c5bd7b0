//! The in-process rate limiter: GCRA state in one mutex-guarded map, for a single node.
//!
//! Memory stays bounded: a key whose TAT is in the past is exactly as if absent, so such keys are
//! evicted by [`LocalRateLimiter::evict_idle`], which `check` also runs every `sweep_every` calls.

use super::gcra::{self, GcraParams};
use super::{Decision, LimitError, Quota, RateLimiter};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// How many checks pass between two sweeps of idle keys by default.
pub const DEFAULT_SWEEP_EVERY: u64 = 1024;

#[derive(Default)]
struct State {
    tats: HashMap<String, i64>,
    checks: u64,
}

pub struct LocalRateLimiter {
    state: Mutex<State>,
    sweep_every: u64,
}

impl Default for LocalRateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalRateLimiter {
    pub fn new() -> Self {
        Self::with_sweep_every(DEFAULT_SWEEP_EVERY)
    }

    /// A limiter that sweeps idle keys every `sweep_every` checks (at least 1).
    pub fn with_sweep_every(sweep_every: u64) -> Self {
        Self {
            state: Mutex::new(State::default()),
            sweep_every: sweep_every.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The map holds plain numbers: a panic elsewhere cannot leave it half written.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes keys idle at `now_ms` (their TAT has passed); returns how many were removed.
    pub fn evict_idle(&self, now_ms: i64) -> usize {
        evict(&mut self.lock().tats, gcra::ms_to_us(now_ms))
    }

    /// How many keys hold state.
    pub fn len(&self) -> usize {
        self.lock().tats.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The synchronous check that [`RateLimiter::check`] wraps.
    pub fn check_now(&self, key: &str, quota: Quota, now_ms: i64) -> Result<Decision, LimitError> {
        let params = GcraParams::from_quota(quota)?;
        let now_us = gcra::ms_to_us(now_ms);
        let mut state = self.lock();
        state.checks = state.checks.wrapping_add(1);
        if state.checks.is_multiple_of(self.sweep_every) {
            evict(&mut state.tats, now_us);
        }
        let step = gcra::step(state.tats.get(key).copied(), now_us, params);
        if let Some(tat) = step.new_tat_us {
            state.tats.insert(key.to_owned(), tat);
        }
        Ok(step.decision)
    }
}

fn evict(tats: &mut HashMap<String, i64>, now_us: i64) -> usize {
    let before = tats.len();
    tats.retain(|_, tat| *tat > now_us);
    before - tats.len()
}

#[async_trait]
impl RateLimiter for LocalRateLimiter {
    async fn check(&self, key: &str, quota: Quota, now_ms: i64) -> Result<Decision, LimitError> {
        self.check_now(key, quota, now_ms)
    }
}
