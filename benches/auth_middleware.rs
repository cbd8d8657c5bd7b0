//! What signing in costs each API call: the same in-process router answers `GET /healthz` (no
//! authentication; the baseline) and `GET /v1/me` (per-IP budget, access-token verification,
//! user and organisation read from the embedded store, per-user and per-organisation budgets,
//! the access map, then a handler as small as the probe's), and `GET /v1/me` with an API key.
//! The difference is the middleware's cost. Also printed: token verification alone.
//!
//! `cargo bench --bench auth_middleware` (REQUESTS, default 20000, per case).

mod support;

use axum::body::Body;
use axum::http::Request;
use botwot_adapters::auth::api_keys;
use botwot_adapters::auth::tokens::Subject;
use botwot_engine::access::{
    ApiKey, Module, Organisation, Permissions, Role, UserAccount, UserStatus,
};
use botwot_engine::coordination::SingleNode;
use botwot_engine::ids::{ApiKeyId, TenantId};
use botwot_engine::ports::Storage;
use botwot_http::auth::{AuthConfig, JwtKey};
use botwot_http::config::RateLimitConfig;
use botwot_http::knowledge::{EmbedderChoice, KnowledgeConfig, KnowledgeServices};
use botwot_http::{HttpBuilder, HttpConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{env_or, percentile, runtime, start_node, system_clock};
use tower::ServiceExt;

/// Budgets high enough never to refuse, so every check still runs.
const GENEROUS: u32 = 1_000_000_000;

fn config() -> HttpConfig {
    HttpConfig {
        auth: AuthConfig {
            jwt_keys: vec![JwtKey {
                kid: "bench".into(),
                secret: "a-benchmark-signing-secret-of-32-bytes!".into(),
            }],
            ..AuthConfig::default()
        },
        rate_limit: RateLimitConfig {
            per_ip_per_minute: GENEROUS,
            per_user_per_minute: GENEROUS,
            per_org_per_minute: GENEROUS,
            burst: GENEROUS,
            ..RateLimitConfig::default()
        },
        demo_bot: false,
        ..HttpConfig::default()
    }
}

async fn time_requests(
    router: &axum::Router,
    path: &str,
    bearer: Option<&str>,
    count: usize,
) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let mut request = Request::builder().uri(path);
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(Body::empty()).expect("request");
        let started = Instant::now();
        let response = router.clone().oneshot(request).await.expect("infallible");
        samples.push(started.elapsed());
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }
    samples.sort();
    samples
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn report(name: &str, samples: &[Duration]) -> (f64, f64) {
    let p50 = micros(percentile(samples, 50.0));
    let p99 = micros(percentile(samples, 99.0));
    println!("{name:<44} p50 {p50:>8.1} µs   p99 {p99:>8.1} µs");
    (p50, p99)
}

fn main() {
    let requests = env_or("REQUESTS", 20_000);
    runtime().block_on(async move {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store: Arc<dyn Storage> = botwot_storage::open_embedded(dir.path()).expect("store");
        let clock = system_clock();
        let node = start_node(store.clone(), clock.clone(), Default::default()).await;
        let http = HttpBuilder::new(config()).expect("auth settings");
        let knowledge = KnowledgeServices::start(
            &KnowledgeConfig {
                blobs: botwot_storage::BlobConfig::Local {
                    dir: dir.path().join("blobs"),
                },
                embedder: EmbedderChoice::Hashing,
                ..KnowledgeConfig::default()
            },
            store.clone(),
            http.ingestion_observer(),
            clock.clone(),
            Arc::new(SingleNode),
        )
        .await
        .expect("knowledge services");
        let state = http
            .state(
                store.clone(),
                Arc::new(node.sessions()),
                clock.clone(),
                knowledge,
            )
            .await;
        let router = botwot_http::router(state.clone());

        let now = clock.now();
        let organisation = Organisation::create("Bench", "owner@bench.test", now);
        let tenant: TenantId = organisation.id.clone();
        let owner = UserAccount::create(
            tenant.clone(),
            "owner@bench.test".into(),
            ("Bench".into(), "Owner".into()),
            Permissions::of(Role::SuperAdmin),
            UserStatus::Active,
            now,
        );
        store
            .create_organisation(&organisation, &owner)
            .await
            .expect("organisation");
        let subject = Subject {
            user_id: owner.id.to_string(),
            email_id: owner.email.clone(),
            org_id: tenant.clone(),
            role_id: "SUPERADMIN".into(),
        };
        let token = state.auth.tokens.issue(subject, now).expect("token");
        let key_id = ApiKeyId::generate();
        let issued = api_keys::issue(&key_id).expect("key");
        let key = ApiKey {
            id: key_id,
            tenant_id: tenant,
            name: "bench".into(),
            modules: [Module::CONVERSATIONS].into_iter().collect(),
            digest: issued.digest,
            created_by: owner.id.clone(),
            created_at: now,
            revoked_at: None,
        };
        store.insert_api_key(&key).await.expect("key stored");

        // Warm up caches and the allocator.
        time_requests(&router, "/healthz", None, 2_000).await;
        time_requests(&router, "/v1/me", Some(&token), 2_000).await;

        println!("auth middleware, {requests} sequential in-process requests per case");
        let (base50, base99) = report(
            "GET /healthz (no authentication)",
            &time_requests(&router, "/healthz", None, requests).await,
        );
        let (me50, me99) = report(
            "GET /v1/me with an access token",
            &time_requests(&router, "/v1/me", Some(&token), requests).await,
        );
        let (key50, key99) = report(
            "GET /v1/me with an API key",
            &time_requests(&router, "/v1/me", Some(&issued.token), requests).await,
        );
        println!(
            "middleware cost (access token): p50 {:.1} µs, p99 {:.1} µs",
            me50 - base50,
            me99 - base99
        );
        println!(
            "middleware cost (API key):      p50 {:.1} µs, p99 {:.1} µs",
            key50 - base50,
            key99 - base99
        );
        let mut verify = Vec::with_capacity(requests);
        for _ in 0..requests {
            let started = Instant::now();
            let claims = state.auth.tokens.verify(&token, now);
            verify.push(started.elapsed());
            assert!(claims.is_ok());
        }
        verify.sort();
        report("token verification alone (HS256)", &verify);
        drop(node);
    });
}
