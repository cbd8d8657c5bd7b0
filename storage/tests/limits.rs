//! Tests of the rate limiters: the local one alone, and the Redis one against a real server
//! (`BOTWOT_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`), compared with the local one.

use botwot_storage::limits::{
    Decision, LimitError, LocalRateLimiter, Quota, RateLimiter, RedisRateLimiter,
};
use std::time::Duration;

const T0: i64 = 1_800_000_000_000;

fn quota(per: u32, period_ms: u64, burst: u32) -> Quota {
    Quota::new(per, Duration::from_millis(period_ms), burst)
}

fn redis_url() -> String {
    std::env::var("BOTWOT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A fresh key prefix, so tests sharing one server never see each other's keys.
fn prefix() -> String {
    format!("botwot-test:{}:", uuid::Uuid::new_v4())
}

async fn redis_limiter(prefix: &str) -> RedisRateLimiter {
    let url = redis_url();
    let connect = RedisRateLimiter::connect(&url, prefix);
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(limiter)) => limiter,
        Ok(Err(e)) => panic!("cannot reach Redis at {url} (set BOTWOT_TEST_REDIS_URL): {e}"),
        Err(_) => panic!("timed out connecting to Redis at {url} (set BOTWOT_TEST_REDIS_URL)"),
    }
}

async fn run(
    limiter: &dyn RateLimiter,
    steps: &[(&str, i64)],
    quota: Quota,
) -> Result<Vec<Decision>, LimitError> {
    let mut out = Vec::new();
    for (key, at) in steps {
        out.push(limiter.check(key, quota, T0 + at).await?);
    }
    Ok(out)
}

#[tokio::test]
async fn local_keys_are_independent() {
    let limiter = LocalRateLimiter::new();
    let q = quota(1, 1000, 2);
    for _ in 0..2 {
        assert!(limiter.check("user:a", q, T0).await.unwrap().is_allowed());
    }
    assert!(!limiter.check("user:a", q, T0).await.unwrap().is_allowed());
    assert_eq!(
        limiter.check("user:b", q, T0).await.unwrap(),
        Decision::Allowed { remaining: 1 }
    );
}

#[tokio::test]
async fn local_evicts_idle_keys() {
    let limiter = LocalRateLimiter::with_sweep_every(1);
    let q = quota(10, 1000, 5);
    for i in 0..500 {
        limiter.check(&format!("ip:{i}"), q, T0).await.unwrap();
    }
    assert_eq!(limiter.len(), 500);
    // Still within the period: every key still holds state that matters.
    assert_eq!(limiter.evict_idle(T0 + 50), 0);
    // Past the period every key is idle; the next check sweeps them.
    limiter.check("ip:new", q, T0 + 1000).await.unwrap();
    assert_eq!(limiter.len(), 1);
    assert_eq!(limiter.evict_idle(T0 + 2000), 1);
    assert!(limiter.is_empty());
}

#[tokio::test]
async fn invalid_quota_is_an_error() {
    let err = LocalRateLimiter::new()
        .check("k", quota(0, 1000, 1), T0)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "limit.invalid_quota");
}

#[tokio::test]
async fn redis_decides_as_local_does() {
    let redis = redis_limiter(&prefix()).await;
    let local = LocalRateLimiter::new();
    let q = quota(4, 1000, 3); // one every 250 ms, 3 at once
    let steps = [
        ("u1", 0),
        ("u1", 0),
        ("u2", 1),
        ("u1", 2),
        ("u1", 3),
        ("u1", 100),
        ("u1", 252),
        ("u1", 253),
        ("u2", 260),
        ("u1", 600),
        ("u1", 601),
        ("u1", 602),
        ("u1", 5000),
        ("u1", 5000),
        ("u1", 5000),
        ("u1", 5001),
    ];
    let expected = run(&local, &steps, q).await.unwrap();
    let got = run(&redis, &steps, q).await.unwrap();
    assert_eq!(got, expected);
    // The sequence exercises both answers, with a real wait.
    assert!(expected.contains(&Decision::Limited {
        retry_after: Duration::from_millis(247)
    }));
    assert!(expected.contains(&Decision::Allowed { remaining: 2 }));
}

#[tokio::test]
async fn two_nodes_share_one_budget() {
    let p = prefix();
    let (a, b) = (redis_limiter(&p).await, redis_limiter(&p).await);
    let q = quota(10, 10_000, 6);
    let mut allowed = 0;
    for i in 0..10 {
        let node = if i % 2 == 0 { &a } else { &b };
        if node.check("org:1", q, T0).await.unwrap().is_allowed() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 6, "the burst is shared, not per node");
    assert_eq!(
        b.check("org:1", q, T0 + 1000).await.unwrap(),
        Decision::Allowed { remaining: 0 }
    );
}

#[tokio::test]
async fn redis_keys_get_a_ttl() {
    let p = prefix();
    let limiter = redis_limiter(&p).await;
    let q = quota(5, 2000, 1);
    limiter.check("user:ttl", q, T0).await.unwrap();
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(limiter.redis_key("user:ttl"))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 2000, "PTTL {ttl}, want (0, 2000]");
}
