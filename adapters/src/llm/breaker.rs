//! A circuit breaker for calls to one model: after `failure_threshold` consecutive failures it
//! opens for `cooldown`, and calls fail fast; after the cooldown it is half-open and lets one
//! trial call through, which closes it on success or opens it again on failure. Time comes from
//! the engine's [`Clock`], so tests move it by hand.

use super::error::LlmError;
use botwot_engine::time::{Clock, Timestamp};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerPolicy {
    /// Consecutive failures that open the breaker.
    pub failure_threshold: u32,
    /// How long it stays open before a trial call.
    pub cooldown: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            cooldown: Duration::from_secs(30),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Closed { consecutive_failures: u32 },
    Open { until: Timestamp },
    HalfOpen { trial_running: bool },
}

pub struct CircuitBreaker {
    policy: BreakerPolicy,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

impl CircuitBreaker {
    pub fn new(policy: BreakerPolicy, clock: Arc<dyn Clock>) -> Self {
        Self {
            policy,
            clock,
            state: Mutex::new(State::Closed {
                consecutive_failures: 0,
            }),
        }
    }

    /// Permission for one call, or [`LlmError::CircuitOpen`]. The permit must be given the
    /// call's outcome; a permit dropped without one (a cancelled call) counts as a failure, so a
    /// half-open trial can never be left running forever.
    pub fn permit(&self) -> Result<BreakerPermit<'_>, LlmError> {
        let mut state = self.state.lock();
        match *state {
            State::Closed { .. } => {}
            State::Open { until } if self.clock.now() >= until => {
                *state = State::HalfOpen {
                    trial_running: true,
                };
            }
            State::HalfOpen {
                trial_running: false,
            } => {
                *state = State::HalfOpen {
                    trial_running: true,
                };
            }
            State::Open { .. } | State::HalfOpen { .. } => return Err(LlmError::CircuitOpen),
        }
        Ok(BreakerPermit {
            breaker: self,
            settled: false,
        })
    }

    /// Whether calls are refused right now (for health reports).
    pub fn is_open(&self) -> bool {
        match *self.state.lock() {
            State::Open { until } => self.clock.now() < until,
            State::HalfOpen { trial_running } => trial_running,
            State::Closed { .. } => false,
        }
    }

    fn record_success(&self) {
        *self.state.lock() = State::Closed {
            consecutive_failures: 0,
        };
    }

    fn record_failure(&self) {
        let mut state = self.state.lock();
        let failures = match *state {
            State::Closed {
                consecutive_failures,
            } => consecutive_failures.saturating_add(1),
            State::Open { .. } | State::HalfOpen { .. } => self.policy.failure_threshold,
        };
        *state = if failures >= self.policy.failure_threshold {
            State::Open {
                until: self.clock.now().plus(self.policy.cooldown),
            }
        } else {
            State::Closed {
                consecutive_failures: failures,
            }
        };
    }
}

/// One call the breaker let through.
pub struct BreakerPermit<'a> {
    breaker: &'a CircuitBreaker,
    settled: bool,
}

impl BreakerPermit<'_> {
    pub fn succeeded(mut self) {
        self.settled = true;
        self.breaker.record_success();
    }

    pub fn failed(mut self) {
        self.settled = true;
        self.breaker.record_failure();
    }
}

impl Drop for BreakerPermit<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.breaker.record_failure();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::time::ManualClock;

    fn breaker() -> (CircuitBreaker, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::starting_at(Timestamp(1_000)));
        let policy = BreakerPolicy {
            failure_threshold: 2,
            cooldown: Duration::from_secs(10),
        };
        (CircuitBreaker::new(policy, clock.clone()), clock)
    }

    #[test]
    fn opens_after_consecutive_failures_and_half_opens_after_cooldown() {
        let (breaker, clock) = breaker();
        breaker.permit().expect("closed").failed();
        breaker.permit().expect("still closed").succeeded();
        breaker.permit().expect("closed").failed();
        breaker.permit().expect("closed").failed();
        assert!(matches!(breaker.permit(), Err(LlmError::CircuitOpen)));
        clock.advance(Duration::from_secs(10));
        let trial = breaker.permit().expect("half-open trial");
        assert!(matches!(breaker.permit(), Err(LlmError::CircuitOpen)));
        trial.failed();
        assert!(breaker.is_open());
        clock.advance(Duration::from_secs(10));
        breaker.permit().expect("second trial").succeeded();
        assert!(!breaker.is_open());
        breaker.permit().expect("closed again").succeeded();
    }

    #[test]
    fn an_abandoned_trial_counts_as_a_failure() {
        let (breaker, clock) = breaker();
        breaker.permit().expect("closed").failed();
        breaker.permit().expect("closed").failed();
        clock.advance(Duration::from_secs(10));
        drop(breaker.permit().expect("trial"));
        assert!(matches!(breaker.permit(), Err(LlmError::CircuitOpen)));
    }
}
