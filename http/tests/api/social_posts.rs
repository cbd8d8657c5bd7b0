//! `/v1/social/posts`: posts on connected Facebook pages and Instagram accounts, checked against
//! each network's rules, published now or at their time by the node's post publisher (here
//! against a recording publisher; the Graph API's wire format is tested in
//! `adapters/tests/social_publishing.rs` and end to end in `tests/social_posts_e2e.rs`), and
//! cancelled or moved only while scheduled.

use crate::support::TestApp;
use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use botwot_actors::{DueWork, NamedLocks, PostPublisher, PostPublisherConfig, PostPublisherDeps};
use botwot_engine::bot::BotSettings;
use botwot_engine::ports::SocialPublisher;
use botwot_engine::social::{AttemptOutcome, SocialPost};
use botwot_engine::time::{Clock, ManualClock};
use botwot_http::HttpConfig;
use botwot_http::config::ConfiguredSecret;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const PAGE: &str = "104851158210562";
const INSTAGRAM: &str = "17841405822304914";

/// Publishes by answering what it was told to, recording every post it was handed.
#[derive(Default)]
struct Recording {
    answers: Mutex<VecDeque<AttemptOutcome>>,
    published: Mutex<Vec<SocialPost>>,
}

#[async_trait]
impl SocialPublisher for Recording {
    async fn publish(&self, post: &SocialPost) -> AttemptOutcome {
        self.published.lock().expect("lock").push(post.clone());
        self.answers
            .lock()
            .expect("lock")
            .pop_front()
            .unwrap_or_else(|| AttemptOutcome::Published {
                provider_post_id: format!("{PAGE}_{}", self.published.lock().expect("lock").len()),
            })
    }
}

struct Studio {
    app: TestApp,
    clock: Arc<ManualClock>,
    network: Arc<Recording>,
    publisher: PostPublisher,
}

async fn studio() -> Studio {
    let app = TestApp::with_config(HttpConfig {
        integration_secret_key: Some(ConfiguredSecret::new(SECRET_KEY)),
        ..HttpConfig::default()
    })
    .await;
    let bot = app.bot(BotSettings::named("Ava")).await;
    for (channel, account) in [("messenger", PAGE), ("instagram", INSTAGRAM)] {
        let settings = json!({"channel": channel, "accountId": account, "botId": bot.id, "accessToken": "EAAG-page-token"});
        let created = app.send(Method::POST, "/v1/integrations", settings).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    }
    // A second ahead of the application, so a post made for now is due on this clock.
    let clock = Arc::new(ManualClock::starting_at(
        app.state.now().plus(Duration::from_secs(1)),
    ));
    let network = Arc::new(Recording::default());
    let publisher = PostPublisher::new(
        PostPublisherDeps {
            store: app.state.store.clone(),
            publisher: network.clone(),
            locks: NamedLocks::default(),
            clock: clock.clone(),
        },
        PostPublisherConfig::default(),
    );
    Studio {
        app,
        clock,
        network,
        publisher,
    }
}

impl Studio {
    async fn post(&self, body: Value) -> crate::support::Reply {
        self.app.send(Method::POST, "/v1/social/posts", body).await
    }

    async fn created(&self, body: Value) -> String {
        let created = self.post(body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        created.body["id"].as_str().expect("id").to_owned()
    }

    async fn get(&self, id: &str) -> Value {
        self.app.get(&format!("/v1/social/posts/{id}")).await.body
    }

    fn in_minutes(&self, minutes: u64) -> String {
        self.clock
            .now()
            .plus(Duration::from_secs(60 * minutes))
            .to_rfc3339()
    }
}

#[tokio::test]
async fn a_post_for_now_is_published_once_with_metas_id_kept() {
    let studio = studio().await;
    let id = studio
        .created(json!({"network": "facebook", "account": PAGE, "text": "We open at 9 tomorrow", "link": "https://shop.example/hours"}))
        .await;
    assert_eq!(studio.get(&id).await["status"], "scheduled");
    assert_eq!(studio.publisher.run_due().await.expect("published"), 1);
    assert_eq!(studio.publisher.run_due().await.expect("nothing more"), 0);
    let post = studio.get(&id).await;
    assert_eq!(post["status"], "published", "{post}");
    assert_eq!(post["providerPostId"], format!("{PAGE}_1"));
    assert_eq!(post["attempts"], 1);
    let handed = studio.network.published.lock().expect("lock").clone();
    assert_eq!(handed.len(), 1);
    assert_eq!(
        handed[0].content.link.as_deref(),
        Some("https://shop.example/hours")
    );
    let cancel = studio
        .app
        .send(
            Method::POST,
            &format!("/v1/social/posts/{id}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(
        (cancel.status, cancel.code()),
        (StatusCode::CONFLICT, "post_not_scheduled")
    );
}

#[tokio::test]
async fn a_scheduled_post_waits_for_its_time_and_can_be_moved_or_cancelled() {
    let studio = studio().await;
    let carousel = json!([
        {"kind": "image", "url": "https://cdn.example/1.jpg"},
        {"kind": "video", "url": "https://cdn.example/2.mp4"}
    ]);
    let id = studio
        .created(json!({"network": "instagram", "account": INSTAGRAM, "text": "New season", "media": carousel, "publishAt": studio.in_minutes(30)}))
        .await;
    assert_eq!(studio.publisher.run_due().await.expect("sweep"), 0);
    let moved = studio
        .app
        .send(
            Method::PUT,
            &format!("/v1/social/posts/{id}/schedule"),
            json!({"publishAt": studio.in_minutes(90)}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    studio.clock.advance(Duration::from_secs(60 * 60));
    assert_eq!(
        studio.publisher.run_due().await.expect("sweep"),
        0,
        "moved past the first time"
    );
    studio.clock.advance(Duration::from_secs(31 * 60));
    assert_eq!(studio.publisher.run_due().await.expect("sweep"), 1);
    assert_eq!(studio.get(&id).await["status"], "published");

    let later = studio
        .created(json!({"network": "facebook", "account": PAGE, "text": "Later", "publishAt": studio.in_minutes(10)}))
        .await;
    let cancelled = studio
        .app
        .send(
            Method::POST,
            &format!("/v1/social/posts/{later}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    studio.clock.advance(Duration::from_secs(3600));
    assert_eq!(studio.publisher.run_due().await.expect("sweep"), 0);
    let past = studio
        .app
        .send(
            Method::PUT,
            &format!("/v1/social/posts/{later}/schedule"),
            json!({"publishAt": studio.in_minutes(5)}),
        )
        .await;
    assert_eq!(past.code(), "post_not_scheduled");

    let audit = studio.app.get("/v1/audit?limit=200").await.body.to_string();
    for change in [
        "POST /v1/social/posts",
        "POST /v1/social/posts/{postId}/cancel",
        "PUT /v1/social/posts/{postId}/schedule",
    ] {
        assert!(audit.contains(change), "{change} audited");
    }
    let listed = studio
        .app
        .get("/v1/social/posts?status=published")
        .await
        .body;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
}

#[tokio::test]
async fn what_meta_may_accept_later_is_retried_and_a_refusal_is_kept() {
    let studio = studio().await;
    studio.network.answers.lock().expect("lock").extend([
        AttemptOutcome::Retry {
            reason: "(#4) Application request limit reached".into(),
        },
        AttemptOutcome::Refused {
            reason: "(#324) Missing or invalid image file".into(),
        },
    ]);
    let id = studio
        .created(json!({"network": "facebook", "account": PAGE, "media": [{"kind": "image", "url": "https://cdn.example/x.jpg"}]}))
        .await;
    assert_eq!(studio.publisher.run_due().await.expect("sweep"), 1);
    let waiting = studio.get(&id).await;
    assert_eq!(
        (waiting["status"].as_str(), waiting["attempts"].as_u64()),
        (Some("scheduled"), Some(1)),
        "{waiting}"
    );
    assert_eq!(
        studio.publisher.run_due().await.expect("sweep"),
        0,
        "not before its pause"
    );
    studio.clock.advance(Duration::from_secs(61));
    assert_eq!(studio.publisher.run_due().await.expect("sweep"), 1);
    let failed = studio.get(&id).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["lastError"], "(#324) Missing or invalid image file");
}

#[tokio::test]
async fn posts_break_no_network_rule_and_go_only_to_connected_accounts() {
    let studio = studio().await;
    let no_media = studio
        .post(json!({"network": "instagram", "account": INSTAGRAM, "text": "Words only"}))
        .await;
    assert_eq!(
        (no_media.code(), no_media.fields_at_fault()),
        ("validation_failed", vec!["media"])
    );
    let http = studio
        .post(json!({"network": "facebook", "account": PAGE, "media": [{"kind": "image", "url": "http://cdn.example/a.jpg"}]}))
        .await;
    assert_eq!(http.fields_at_fault(), vec!["media[0].url"]);
    let stranger = studio
        .post(json!({"network": "facebook", "account": "999999", "text": "Hi"}))
        .await;
    assert_eq!(
        (stranger.status, stranger.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let wrong_network = studio.post(json!({"network": "instagram", "account": PAGE, "media": [{"kind": "image", "url": "https://cdn.example/a.jpg"}]})).await;
    assert_eq!(wrong_network.status, StatusCode::NOT_FOUND);
    let past = studio
        .post(json!({"network": "facebook", "account": PAGE, "text": "Hi", "publishAt": "2020-01-01T00:00:00Z"}))
        .await;
    assert_eq!(past.code(), "start_in_the_past");
    let unreadable = studio
        .post(
            json!({"network": "facebook", "account": PAGE, "text": "Hi", "publishAt": "tomorrow"}),
        )
        .await;
    assert_eq!(unreadable.fields_at_fault(), vec!["publishAt"]);
    let other = studio
        .app
        .account(
            "other-org",
            botwot_engine::access::Permissions::of(botwot_engine::access::Role::SuperAdmin),
        )
        .await;
    let id = studio
        .created(json!({"network": "facebook", "account": PAGE, "text": "Ours"}))
        .await;
    let theirs = studio
        .app
        .call(
            Method::GET,
            &format!("/v1/social/posts/{id}"),
            None,
            &[("authorization", &other.bearer())],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert!(
        studio.network.published.lock().expect("lock").is_empty(),
        "nothing refused reached a network"
    );
}
