//! The resilience wrapper against a misbehaving server: Retry-After honoured, retries spent,
//! timeouts, and the circuit breaker opening, failing fast and half-opening on a manual clock.

use super::fake_server::{Reply, openai_completion, serve};
use super::openai::{openai_at, request, stream_of, streamed};
use botwot_adapters::llm::{
    BreakerPolicy, ChatModel, LlmError, ResiliencePolicy, ResilientChat, RetryPolicy,
};
use botwot_engine::Timestamp;
use botwot_engine::time::ManualClock;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub fn fast_policy(max_retries: u32) -> ResiliencePolicy {
    ResiliencePolicy {
        attempt_timeout: Duration::from_millis(500),
        retry: RetryPolicy {
            max_retries,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(2),
        },
        breaker: BreakerPolicy {
            failure_threshold: 100,
            cooldown: Duration::from_secs(30),
        },
    }
}

pub fn resilient(base: &str, policy: ResiliencePolicy) -> (ResilientChat, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_at(Timestamp(1_000_000)));
    let chat = ResilientChat::new(Arc::new(openai_at(base)), policy, clock.clone());
    (chat, clock)
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_and_retried() {
    let (base, seen) = serve(|_, hit| {
        if hit == 0 {
            Reply::status(429, r#"{"error":{"message":"Rate limit reached"}}"#)
                .with_header("retry-after", "1")
        } else {
            Reply::json(openai_completion("after the wait"))
        }
    })
    .await;
    let (chat, _) = resilient(&base, fast_policy(2));
    let started = Instant::now();
    let completion = chat.complete(&request()).await.expect("retried answer");
    assert_eq!(completion.text, "after the wait");
    assert_eq!(seen.count(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_forever_spends_the_retries_then_fails() {
    let (base, seen) = serve(|_, _| Reply::status(429, "{}")).await;
    let (chat, _) = resilient(&base, fast_policy(2));
    let outcome = chat.complete(&request()).await;
    assert!(
        matches!(outcome, Err(LlmError::RateLimited { .. })),
        "{outcome:?}"
    );
    assert_eq!(seen.count(), 3);
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let (base, _) =
        serve(|_, _| Reply::json(openai_completion("too late")).after(Duration::from_secs(3)))
            .await;
    let mut policy = fast_policy(0);
    policy.attempt_timeout = Duration::from_millis(200);
    let (chat, _) = resilient(&base, policy);
    let started = Instant::now();
    assert_eq!(chat.complete(&request()).await, Err(LlmError::Timeout));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn malformed_answers_are_not_retried() {
    let (base, seen) = serve(|_, _| Reply::json(r#"{"choices": "#)).await;
    let (chat, _) = resilient(&base, fast_policy(3));
    assert!(matches!(
        chat.complete(&request()).await,
        Err(LlmError::Malformed(_))
    ));
    assert_eq!(seen.count(), 1);
}

#[tokio::test]
async fn the_breaker_opens_fails_fast_and_half_opens_after_the_cooldown() {
    let healthy = Arc::new(AtomicBool::new(false));
    let server_health = healthy.clone();
    let (base, seen) = serve(move |_, _| {
        if server_health.load(Ordering::SeqCst) {
            Reply::json(openai_completion("recovered"))
        } else {
            Reply::status(500, r#"{"error":{"message":"The server had an error"}}"#)
        }
    })
    .await;
    let mut policy = fast_policy(0);
    policy.breaker = BreakerPolicy {
        failure_threshold: 3,
        cooldown: Duration::from_secs(30),
    };
    let (chat, clock) = resilient(&base, policy);

    for _ in 0..3 {
        assert_eq!(chat.complete(&request()).await, Err(LlmError::Server(500)));
    }
    assert_eq!(seen.count(), 3);
    for _ in 0..5 {
        assert_eq!(chat.complete(&request()).await, Err(LlmError::CircuitOpen));
    }
    assert_eq!(seen.count(), 3, "an open breaker sends nothing");

    clock.advance(Duration::from_secs(30));
    assert_eq!(chat.complete(&request()).await, Err(LlmError::Server(500)));
    assert_eq!(seen.count(), 4, "one trial call when half-open");
    assert_eq!(chat.complete(&request()).await, Err(LlmError::CircuitOpen));
    assert_eq!(seen.count(), 4, "a failed trial opens it again");

    healthy.store(true, Ordering::SeqCst);
    clock.advance(Duration::from_secs(30));
    let completion = chat.complete(&request()).await.expect("trial succeeds");
    assert_eq!(completion.text, "recovered");
    chat.complete(&request()).await.expect("closed again");
    assert_eq!(seen.count(), 6);
}

#[tokio::test]
async fn a_stream_is_retried_while_nothing_was_emitted() {
    let (base, seen) = serve(|_, hit| {
        if hit == 0 {
            Reply::status(503, r#"{"error":{"message":"overloaded"}}"#)
        } else {
            Reply::event_stream(stream_of(&["Once", " only"]))
        }
    })
    .await;
    let (chat, _) = resilient(&base, fast_policy(2));
    let (completion, deltas) = streamed(&chat).await;
    let completion = completion.expect("streamed after a retry");
    assert_eq!(deltas, vec!["Once", " only"]);
    assert_eq!(completion.text, "Once only");
    assert_eq!(seen.count(), 2);
}
