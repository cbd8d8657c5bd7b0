//! One-time codes for signup, login and password reset: expiry, a limited number of attempts,
//! then a lockout; resending is rate-limited and never resets the attempt count, so a code cannot
//! be brute-forced by asking for new ones. The code itself is never kept, only its digest, which
//! the caller computes (the engine has no cryptography).

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtpPolicy {
    /// How long a code is valid, in seconds.
    pub ttl_secs: u64,
    /// Wrong codes accepted before the challenge locks.
    pub max_attempts: u32,
    /// How long a locked challenge refuses everything, in seconds.
    pub lockout_secs: u64,
    /// Seconds before another code may be sent.
    pub resend_after_secs: u64,
}

impl Default for OtpPolicy {
    fn default() -> Self {
        Self {
            ttl_secs: 10 * 60,
            max_attempts: 5,
            lockout_secs: 15 * 60,
            resend_after_secs: 60,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum OtpError {
    #[error("the code is wrong; {remaining} attempts left")]
    Wrong { remaining: u32 },
    #[error("too many wrong codes; try again after {until}", until = until.to_rfc3339())]
    Locked { until: Timestamp },
    #[error("the code has expired; ask for a new one")]
    Expired,
    #[error("the code was already used")]
    AlreadyUsed,
    #[error("a new code can be sent after {at}", at = at.to_rfc3339())]
    TooSoon { at: Timestamp },
}

/// One pending code for one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtpChallenge {
    pub digest: String,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    pub failed_attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<Timestamp>,
    pub used: bool,
}

impl OtpChallenge {
    pub fn issue(digest: String, now: Timestamp, policy: &OtpPolicy) -> Self {
        Self {
            digest,
            issued_at: now,
            expires_at: now.plus(Duration::from_secs(policy.ttl_secs)),
            failed_attempts: 0,
            locked_until: None,
            used: false,
        }
    }

    /// Checks a code's digest; a wrong one counts against the attempts.
    pub fn verify(
        &mut self,
        candidate: &str,
        now: Timestamp,
        policy: &OtpPolicy,
    ) -> Result<(), OtpError> {
        self.refuse_if_locked(now)?;
        if self.used {
            return Err(OtpError::AlreadyUsed);
        }
        if now >= self.expires_at {
            return Err(OtpError::Expired);
        }
        if candidate != self.digest {
            self.failed_attempts += 1;
            if self.failed_attempts >= policy.max_attempts {
                let until = now.plus(Duration::from_secs(policy.lockout_secs));
                self.locked_until = Some(until);
                return Err(OtpError::Locked { until });
            }
            return Err(OtpError::Wrong {
                remaining: policy.max_attempts - self.failed_attempts,
            });
        }
        self.used = true;
        Ok(())
    }

    /// Replaces the code with a new one, when enough time has passed and the challenge is not
    /// locked. Failed attempts carry over until a lockout has run its course.
    pub fn reissue(
        &mut self,
        digest: String,
        now: Timestamp,
        policy: &OtpPolicy,
    ) -> Result<(), OtpError> {
        self.refuse_if_locked(now)?;
        let next = self
            .issued_at
            .plus(Duration::from_secs(policy.resend_after_secs));
        if now < next {
            return Err(OtpError::TooSoon { at: next });
        }
        let failed_attempts = if self.locked_until.is_some() {
            0
        } else {
            self.failed_attempts
        };
        *self = Self {
            failed_attempts,
            ..Self::issue(digest, now, policy)
        };
        Ok(())
    }

    fn refuse_if_locked(&self, now: Timestamp) -> Result<(), OtpError> {
        match self.locked_until {
            Some(until) if now < until => Err(OtpError::Locked { until }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    fn challenge() -> (OtpChallenge, OtpPolicy) {
        let policy = OtpPolicy::default();
        (
            OtpChallenge::issue("right".into(), Timestamp(0), &policy),
            policy,
        )
    }

    #[test]
    fn the_right_code_works_once() {
        let (mut otp, policy) = challenge();
        assert_eq!(otp.verify("right", Timestamp(MINUTE), &policy), Ok(()));
        assert_eq!(
            otp.verify("right", Timestamp(MINUTE), &policy),
            Err(OtpError::AlreadyUsed)
        );
    }

    #[test]
    fn codes_expire() {
        let (mut otp, policy) = challenge();
        assert_eq!(
            otp.verify("right", Timestamp(10 * MINUTE), &policy),
            Err(OtpError::Expired)
        );
    }

    #[test]
    fn five_wrong_codes_lock_even_the_right_one_out() {
        let (mut otp, policy) = challenge();
        for remaining in (1..5).rev() {
            assert_eq!(
                otp.verify("guess", Timestamp(1), &policy),
                Err(OtpError::Wrong { remaining })
            );
        }
        let locked = otp.verify("guess", Timestamp(2), &policy);
        assert_eq!(
            locked,
            Err(OtpError::Locked {
                until: Timestamp(2 + 15 * MINUTE)
            })
        );
        assert!(matches!(
            otp.verify("right", Timestamp(3), &policy),
            Err(OtpError::Locked { .. })
        ));
    }

    #[test]
    fn asking_for_new_codes_does_not_reset_the_attempts() {
        let (mut otp, policy) = challenge();
        for _ in 0..4 {
            let _ = otp.verify("guess", Timestamp(1), &policy);
        }
        assert_eq!(
            otp.reissue("next".into(), Timestamp(30_000), &policy),
            Err(OtpError::TooSoon {
                at: Timestamp(MINUTE)
            })
        );
        otp.reissue("next".into(), Timestamp(MINUTE), &policy)
            .expect("resend allowed");
        assert!(matches!(
            otp.verify("guess", Timestamp(MINUTE + 1), &policy),
            Err(OtpError::Locked { .. })
        ));
    }

    #[test]
    fn after_the_lockout_a_new_code_starts_afresh() {
        let (mut otp, policy) = challenge();
        for _ in 0..5 {
            let _ = otp.verify("guess", Timestamp(1), &policy);
        }
        let after = Timestamp(1 + 15 * MINUTE);
        otp.reissue("fresh".into(), after, &policy)
            .expect("lockout over");
        assert_eq!(otp.failed_attempts, 0);
        assert_eq!(otp.verify("fresh", after, &policy), Ok(()));
    }
}
