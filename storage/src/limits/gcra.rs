//! The GCRA step, written once: a pure function of the stored theoretical arrival time (TAT),
//! the time now and the quota. `gcra.lua` mirrors it line for line for Redis; change both.
//!
//! Times are whole microseconds. With emission interval `T = period / per_period` and tolerance
//! `tau = T * (burst - 1)`, a request at `now` passes when `max(tat, now) - now <= tau`, and then
//! the TAT moves to `max(tat, now) + T`; otherwise it may retry after `max(tat, now) - tau - now`.

use super::{Decision, LimitError, Quota};
use std::time::Duration;

/// A quota turned into the two numbers GCRA needs, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GcraParams {
    pub interval_us: i64,
    pub tolerance_us: i64,
}

impl GcraParams {
    pub fn from_quota(quota: Quota) -> Result<Self, LimitError> {
        if quota.per_period == 0 {
            return Err(LimitError::InvalidQuota("per_period is 0".into()));
        }
        let interval = quota.period.as_micros() / u128::from(quota.per_period);
        let interval_us = i64::try_from(interval)
            .ok()
            .filter(|t| *t > 0)
            .ok_or_else(|| {
                LimitError::InvalidQuota(format!(
                    "{} per {:?} gives no whole microsecond between requests",
                    quota.per_period, quota.period
                ))
            })?;
        let tolerance_us = interval_us
            .checked_mul(i64::from(quota.burst.max(1) - 1))
            .ok_or_else(|| LimitError::InvalidQuota("burst too large".into()))?;
        Ok(Self {
            interval_us,
            tolerance_us,
        })
    }

    /// How long a stored TAT can still matter after `now`: past it the key is as if fresh.
    pub fn max_horizon_us(&self) -> i64 {
        self.tolerance_us.saturating_add(self.interval_us)
    }
}

/// The result of one step: the decision and, when allowed, the TAT to store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub decision: Decision,
    pub new_tat_us: Option<i64>,
}

/// One GCRA step. `stored_tat_us` is `None` for a fresh (or expired) key.
pub fn step(stored_tat_us: Option<i64>, now_us: i64, params: GcraParams) -> Step {
    let tat = stored_tat_us.map_or(now_us, |t| t.max(now_us));
    let ahead = tat - now_us;
    if ahead > params.tolerance_us {
        let wait = ahead - params.tolerance_us;
        return Step {
            decision: Decision::Limited {
                retry_after: Duration::from_micros(u64::try_from(wait).unwrap_or(0)),
            },
            new_tat_us: None,
        };
    }
    let new_tat = tat + params.interval_us;
    let headroom = params.tolerance_us + params.interval_us - (new_tat - now_us);
    let remaining = u32::try_from(headroom / params.interval_us).unwrap_or(u32::MAX);
    Step {
        decision: Decision::Allowed { remaining },
        new_tat_us: Some(new_tat),
    }
}

/// Milliseconds since the epoch as microseconds, saturating.
pub fn ms_to_us(now_ms: i64) -> i64 {
    now_ms.saturating_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(per: u32, period_ms: u64, burst: u32) -> GcraParams {
        GcraParams::from_quota(Quota::new(per, Duration::from_millis(period_ms), burst)).unwrap()
    }

    #[test]
    fn burst_then_limited_then_allowed_after_retry() {
        let p = params(10, 1000, 3); // one every 100 ms, 3 at once
        let now = 1_000_000;
        let mut tat = None;
        for expected in [2, 1, 0] {
            let s = step(tat, now, p);
            assert_eq!(
                s.decision,
                Decision::Allowed {
                    remaining: expected
                }
            );
            tat = s.new_tat_us;
        }
        let s = step(tat, now, p);
        assert_eq!(
            s.decision,
            Decision::Limited {
                retry_after: Duration::from_millis(100)
            }
        );
        assert_eq!(s.new_tat_us, None, "a limited request uses no budget");
        let s = step(tat, now + 99_999, p);
        assert!(!s.decision.is_allowed());
        let s = step(tat, now + 100_000, p);
        assert_eq!(s.decision, Decision::Allowed { remaining: 0 });
    }

    #[test]
    fn steady_rate_at_quota_is_never_limited() {
        let p = params(5, 1000, 1);
        let mut tat = None;
        for i in 0..1000 {
            let s = step(tat, i * 200_000, p);
            assert!(s.decision.is_allowed(), "request {i} limited");
            tat = s.new_tat_us;
        }
        // One request faster than the rate is limited.
        assert!(!step(tat, 999 * 200_000 + 199_999, p).decision.is_allowed());
    }

    #[test]
    fn invalid_quotas_are_refused() {
        let zero = Quota::new(0, Duration::from_secs(1), 1);
        assert_eq!(
            GcraParams::from_quota(zero).unwrap_err().code(),
            "limit.invalid_quota"
        );
        let too_fast = Quota::new(10, Duration::from_micros(5), 1);
        assert!(GcraParams::from_quota(too_fast).is_err());
    }
}
