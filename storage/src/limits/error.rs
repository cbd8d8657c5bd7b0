//! Errors of the rate limiters, each with a stable code for logs and metrics.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum LimitError {
    /// The quota cannot be enforced (no requests per period, or a period too short for it).
    #[error("invalid quota: {0}")]
    InvalidQuota(String),
    /// The shared store could not be asked; the caller decides to fail open or closed.
    #[error("rate limit store unavailable: {0}")]
    Unavailable(String),
}

impl LimitError {
    /// A stable code, not changed across releases.
    pub fn code(&self) -> &'static str {
        match self {
            LimitError::InvalidQuota(_) => "limit.invalid_quota",
            LimitError::Unavailable(_) => "limit.unavailable",
        }
    }
}
