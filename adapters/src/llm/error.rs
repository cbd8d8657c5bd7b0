//! What can go wrong asking a language model, sorted by whether trying again may help. Every
//! provider maps its transport and HTTP failures onto [`LlmError`]; the resilience wrapper reads
//! [`LlmError::is_retryable`] and the brain falls back on any of them.

use std::time::Duration;
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LlmError {
    /// No whole answer within the time allowed.
    #[error("the language model did not answer in time")]
    Timeout,
    /// The provider refused for now (HTTP 429), perhaps saying how long to wait.
    #[error("the language model is rate limited (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    /// The provider failed (HTTP 5xx, or another status the provider documents as worth a retry,
    /// such as Bedrock's 424 for a model stream error).
    #[error("the language model failed with HTTP {0}")]
    Server(u16),
    /// An answer that does not have the provider's published shape.
    #[error("the language model's answer is malformed: {0}")]
    Malformed(String),
    /// The request was refused (4xx other than 429), could not be sent or is misconfigured.
    #[error("the language model is unavailable: {0}")]
    Unavailable(String),
    /// The circuit breaker is open: recent calls failed, so this one was not tried.
    #[error("the language model's circuit breaker is open")]
    CircuitOpen,
}

impl LlmError {
    /// Whether the same request may succeed if sent again shortly.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            LlmError::Timeout | LlmError::RateLimited { .. } | LlmError::Server(_)
        )
    }

    /// The delay the provider asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LlmError::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_failures_are_retryable() {
        assert!(LlmError::Timeout.is_retryable());
        assert!(LlmError::RateLimited { retry_after: None }.is_retryable());
        assert!(LlmError::Server(503).is_retryable());
        assert!(!LlmError::Malformed("x".into()).is_retryable());
        assert!(!LlmError::Unavailable("401".into()).is_retryable());
        assert!(!LlmError::CircuitOpen.is_retryable());
    }
}
