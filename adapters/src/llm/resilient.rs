//! [`ResilientChat`] wraps any [`ChatModel`] with a per-attempt timeout, retries with backoff on
//! retryable failures (honouring a capped `Retry-After`) and a circuit breaker that fails fast
//! while the model keeps failing. A streamed call is retried only while nothing has been
//! emitted, so no piece of a reply is ever delivered twice.

use super::backoff::RetryPolicy;
use super::breaker::{BreakerPolicy, CircuitBreaker};
use super::chat::{ChatCompletion, ChatModel, ChatRequest};
use super::error::LlmError;
use async_trait::async_trait;
use botwot_engine::time::Clock;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResiliencePolicy {
    /// The longest one attempt may take.
    pub attempt_timeout: Duration,
    pub retry: RetryPolicy,
    pub breaker: BreakerPolicy,
}

impl Default for ResiliencePolicy {
    fn default() -> Self {
        Self {
            attempt_timeout: Duration::from_secs(20),
            retry: RetryPolicy::default(),
            breaker: BreakerPolicy::default(),
        }
    }
}

pub struct ResilientChat {
    inner: Arc<dyn ChatModel>,
    policy: ResiliencePolicy,
    breaker: CircuitBreaker,
}

impl ResilientChat {
    pub fn new(inner: Arc<dyn ChatModel>, policy: ResiliencePolicy, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner,
            policy,
            breaker: CircuitBreaker::new(policy.breaker, clock),
        }
    }

    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }

    /// Runs `call` under the breaker and the attempt timeout until it succeeds, fails for good
    /// or the retries are spent. `may_retry` says whether a failed attempt may be repeated.
    async fn with_retries<F, Fut>(
        &self,
        mut call: F,
        may_retry: impl Fn() -> bool,
    ) -> Result<ChatCompletion, LlmError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<ChatCompletion, LlmError>>,
    {
        let mut retry = 0;
        loop {
            let permit = self.breaker.permit()?;
            let outcome = tokio::time::timeout(self.policy.attempt_timeout, call())
                .await
                .unwrap_or(Err(LlmError::Timeout));
            let error = match outcome {
                Ok(completion) => {
                    permit.succeeded();
                    return Ok(completion);
                }
                Err(error) => {
                    permit.failed();
                    error
                }
            };
            if !error.is_retryable() || retry >= self.policy.retry.max_retries || !may_retry() {
                return Err(error);
            }
            let wait = self.policy.retry.delay(retry, error.retry_after());
            tracing::debug!(model = self.inner.name(), %error, ?wait, "retrying the language model");
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }
}

#[async_trait]
impl ChatModel for ResilientChat {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatCompletion, LlmError> {
        self.with_retries(|| self.inner.complete(request), || true)
            .await
    }

    async fn complete_streaming(
        &self,
        request: &ChatRequest,
        on_delta: &mut (dyn for<'piece> FnMut(&'piece str) + Send),
    ) -> Result<ChatCompletion, LlmError> {
        let emitted = std::sync::atomic::AtomicBool::new(false);
        let on_delta = parking_lot::Mutex::new(on_delta);
        self.with_retries(
            || async {
                let mut forward = |delta: &str| {
                    emitted.store(true, std::sync::atomic::Ordering::Relaxed);
                    (on_delta.lock())(delta);
                };
                self.inner.complete_streaming(request, &mut forward).await
            },
            || !emitted.load(std::sync::atomic::Ordering::Relaxed),
        )
        .await
    }

    fn name(&self) -> &str {
        self.inner.name()
    }

    fn calls_tools(&self) -> bool {
        self.inner.calls_tools()
    }
}
