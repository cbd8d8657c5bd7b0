//! Publishing posts on Facebook pages and Instagram accounts through the Graph API, against a
//! local stand-in for Meta: the request each content shape makes, Instagram's container
//! polling, and how every failure becomes `Retry` or `Refused`.

#[path = "support/social_graph.rs"]
mod social_graph;

use async_trait::async_trait;
use botwot_adapters::meta::graph::{
    AccessToken, AccessTokenSource, GraphClient, GraphConfig, GraphPublisher, PublishSettings,
    StaticTokens, TokenError,
};
use botwot_engine::Channel;
use botwot_engine::ids::TenantId;
use botwot_engine::ports::SocialPublisher;
use botwot_engine::social::{
    AttemptOutcome, MediaKind, PostContent, PostMedia, PostNetwork, SocialPost,
};
use botwot_engine::time::Timestamp;
use serde_json::json;
use social_graph::{POLLS_IN_PROGRESS, PUBLISHED_MEDIA_ID, Reply, Request, SocialGraph, meta_like};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PAGE_ID: &str = "104512345678901";
const IG_USER_ID: &str = "17841400008460056";
const PAGE_TOKEN: &str = "EAAPAGETOKENpagetoken";
const IG_TOKEN: &str = "EAAIGTOKENigtoken";
const MAX_POLLS: u32 = 4;

/// Tokens of the page and the Instagram account, remembering the ones Meta rejected.
#[derive(Default)]
struct RecordingTokens {
    tokens: StaticTokens,
    rejected: Mutex<Vec<(Channel, String, String, String)>>,
}

impl RecordingTokens {
    fn connected() -> Self {
        Self {
            tokens: StaticTokens::default()
                .with(Channel::Messenger, PAGE_ID, AccessToken::new(PAGE_TOKEN))
                .with(Channel::Instagram, IG_USER_ID, AccessToken::new(IG_TOKEN)),
            rejected: Mutex::default(),
        }
    }

    fn rejected(&self) -> Vec<(Channel, String, String, String)> {
        self.rejected.lock().expect("rejected lock").clone()
    }
}

#[async_trait]
impl AccessTokenSource for RecordingTokens {
    async fn access_token(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<AccessToken, TokenError> {
        self.tokens.access_token(channel, account_id).await
    }

    async fn token_rejected(
        &self,
        channel: Channel,
        account_id: &str,
        token: &AccessToken,
        reason: &str,
    ) {
        self.rejected.lock().expect("rejected lock").push((
            channel,
            account_id.to_owned(),
            token.expose_secret().to_owned(),
            reason.to_owned(),
        ));
    }
}

fn publisher_at(base_url: &str, tokens: Arc<RecordingTokens>) -> GraphPublisher {
    publisher_with_timeout(base_url, tokens, Duration::from_secs(2))
}

fn publisher_with_timeout(
    base_url: &str,
    tokens: Arc<RecordingTokens>,
    timeout: Duration,
) -> GraphPublisher {
    let config = GraphConfig::with_base_url(base_url).set_request_timeout(timeout);
    let client = GraphClient::new(config).expect("a graph client");
    GraphPublisher::new(client, tokens).with_settings(PublishSettings {
        poll_interval: Duration::from_millis(5),
        max_polls: MAX_POLLS,
    })
}

/// Publishes `post` against `graph` with both accounts connected.
async fn publish(graph: &SocialGraph, post: &SocialPost) -> (AttemptOutcome, Arc<RecordingTokens>) {
    let tokens = Arc::new(RecordingTokens::connected());
    let outcome = publisher_at(&graph.base_url, tokens.clone())
        .publish(post)
        .await;
    (outcome, tokens)
}

fn post(network: PostNetwork, content: PostContent) -> SocialPost {
    let content = content.validate(network).expect("valid content");
    let account = match network {
        PostNetwork::Facebook => PAGE_ID,
        PostNetwork::Instagram => IG_USER_ID,
    };
    let now = Timestamp::from_millis(1_800_000_000_000);
    SocialPost::new(
        TenantId::generate(),
        network,
        account.into(),
        content,
        now,
        None,
        now,
    )
}

fn content(text: &str, media: Vec<PostMedia>) -> PostContent {
    PostContent {
        text: text.into(),
        link: None,
        media,
    }
}

fn image(name: &str) -> PostMedia {
    PostMedia {
        kind: MediaKind::Image,
        url: format!("https://cdn.example/{name}.jpg"),
    }
}

fn video(name: &str) -> PostMedia {
    PostMedia {
        kind: MediaKind::Video,
        url: format!("https://cdn.example/{name}.mp4"),
    }
}

fn published(id: &str) -> AttemptOutcome {
    AttemptOutcome::Published {
        provider_post_id: id.into(),
    }
}

/// The requests as `METHOD path?query`, version left out.
fn routes(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|request| {
            let path = request.path.trim_start_matches("/v21.0/");
            match &request.query {
                Some(query) => format!("{} {path}?{query}", request.method),
                None => format!("{} {path}", request.method),
            }
        })
        .collect()
}

fn assert_token(requests: &[Request], token: &str) {
    for request in requests {
        assert_eq!(request.token.as_deref(), Some(token), "{request:?}");
    }
}

fn retry_reason(outcome: &AttemptOutcome) -> &str {
    match outcome {
        AttemptOutcome::Retry { reason } => reason,
        other => panic!("expected a retry, got {other:?}"),
    }
}

fn refusal(outcome: &AttemptOutcome) -> &str {
    match outcome {
        AttemptOutcome::Refused { reason } => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn facebook_text_and_link_go_on_the_feed() {
    let graph = SocialGraph::meta_like().await;
    let mut shared = content("Our spring sale starts today", Vec::new());
    shared.link = Some("https://shop.example/sale".into());
    let (outcome, _) = publish(&graph, &post(PostNetwork::Facebook, shared)).await;

    assert_eq!(outcome, published(&format!("{PAGE_ID}_5001")));
    let requests = graph.requests();
    assert_eq!(routes(&requests), [format!("POST {PAGE_ID}/feed")]);
    assert_eq!(
        requests[0].body,
        json!({"message": "Our spring sale starts today", "link": "https://shop.example/sale"})
    );
    assert_token(&requests, PAGE_TOKEN);
}

#[tokio::test]
async fn facebook_photo_is_posted_with_its_caption_and_named_by_its_post() {
    let graph = SocialGraph::meta_like().await;
    let photo = content("New menu", vec![image("menu")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Facebook, photo)).await;

    assert_eq!(outcome, published(&format!("{PAGE_ID}_7001")));
    let requests = graph.requests();
    assert_eq!(routes(&requests), [format!("POST {PAGE_ID}/photos")]);
    assert_eq!(
        requests[0].body,
        json!({"url": "https://cdn.example/menu.jpg", "message": "New menu"})
    );
    assert_token(&requests, PAGE_TOKEN);
}

#[tokio::test]
async fn facebook_video_is_fetched_from_its_address() {
    let graph = SocialGraph::meta_like().await;
    let clip = content("Behind the scenes", vec![video("tour")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Facebook, clip)).await;

    assert_eq!(outcome, published("8001"));
    let requests = graph.requests();
    assert_eq!(routes(&requests), [format!("POST {PAGE_ID}/videos")]);
    assert_eq!(
        requests[0].body,
        json!({"file_url": "https://cdn.example/tour.mp4", "description": "Behind the scenes"})
    );
    assert_token(&requests, PAGE_TOKEN);
}

#[tokio::test]
async fn facebook_carousel_attaches_unpublished_photos_to_a_feed_post() {
    let graph = SocialGraph::meta_like().await;
    let album = content(
        "Three new colours",
        vec![image("red"), image("green"), image("blue")],
    );
    let (outcome, _) = publish(&graph, &post(PostNetwork::Facebook, album)).await;

    assert_eq!(outcome, published(&format!("{PAGE_ID}_5001")));
    let requests = graph.requests();
    let photos = format!("POST {PAGE_ID}/photos");
    assert_eq!(
        routes(&requests),
        [
            photos.clone(),
            photos.clone(),
            photos,
            format!("POST {PAGE_ID}/feed")
        ]
    );
    for (request, colour) in requests.iter().zip(["red", "green", "blue"]) {
        assert_eq!(
            request.body,
            json!({"url": format!("https://cdn.example/{colour}.jpg"), "published": false})
        );
    }
    assert_eq!(
        requests[3].body,
        json!({
            "message": "Three new colours",
            "attached_media": [{"media_fbid": "7001"}, {"media_fbid": "7002"}, {"media_fbid": "7003"}]
        })
    );
    assert_token(&requests, PAGE_TOKEN);
}

#[tokio::test]
async fn instagram_image_is_a_container_then_published() {
    let graph = SocialGraph::meta_like().await;
    let photo = content("Fresh bread #bakery", vec![image("bread")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Instagram, photo)).await;

    assert_eq!(outcome, published(PUBLISHED_MEDIA_ID));
    let requests = graph.requests();
    assert_eq!(
        routes(&requests),
        [
            format!("POST {IG_USER_ID}/media"),
            format!("POST {IG_USER_ID}/media_publish")
        ]
    );
    assert_eq!(
        requests[0].body,
        json!({"image_url": "https://cdn.example/bread.jpg", "caption": "Fresh bread #bakery"})
    );
    assert_eq!(requests[1].body, json!({"creation_id": "17890000"}));
    assert_token(&requests, IG_TOKEN);
}

#[tokio::test]
async fn instagram_reel_is_published_once_processed() {
    let graph = SocialGraph::meta_like().await;
    let reel = content("Watch us bake", vec![video("bake")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Instagram, reel)).await;

    assert_eq!(outcome, published(PUBLISHED_MEDIA_ID));
    let requests = graph.requests();
    let poll = "GET 17890000?fields=status_code,status".to_owned();
    let mut expected = vec![format!("POST {IG_USER_ID}/media")];
    expected.extend(std::iter::repeat_n(poll, POLLS_IN_PROGRESS + 1));
    expected.push(format!("POST {IG_USER_ID}/media_publish"));
    assert_eq!(routes(&requests), expected);
    assert_eq!(
        requests[0].body,
        json!({"media_type": "REELS", "video_url": "https://cdn.example/bake.mp4", "caption": "Watch us bake"})
    );
    assert_eq!(
        requests.last().expect("publish").body,
        json!({"creation_id": "17890000"})
    );
    assert_token(&requests, IG_TOKEN);
}

#[tokio::test]
async fn instagram_carousel_makes_children_then_a_parent_then_publishes() {
    let graph = SocialGraph::meta_like().await;
    let album = content("A day at the shop", vec![image("door"), video("oven")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Instagram, album)).await;

    assert_eq!(outcome, published(PUBLISHED_MEDIA_ID));
    let requests = graph.requests();
    let media = format!("POST {IG_USER_ID}/media");
    let video_poll = "GET 17890001?fields=status_code,status".to_owned();
    let parent_poll = "GET 17890002?fields=status_code,status".to_owned();
    let mut expected = vec![media.clone(), media.clone()];
    // Only the video child is polled, then the parent.
    expected.extend(std::iter::repeat_n(video_poll, POLLS_IN_PROGRESS + 1));
    expected.push(media);
    expected.extend(std::iter::repeat_n(parent_poll, POLLS_IN_PROGRESS + 1));
    expected.push(format!("POST {IG_USER_ID}/media_publish"));
    assert_eq!(routes(&requests), expected);
    assert_eq!(
        requests[0].body,
        json!({"image_url": "https://cdn.example/door.jpg", "is_carousel_item": true})
    );
    assert_eq!(
        requests[1].body,
        json!({"media_type": "VIDEO", "video_url": "https://cdn.example/oven.mp4", "is_carousel_item": true})
    );
    let parent = &requests[2 + POLLS_IN_PROGRESS + 1];
    assert_eq!(
        parent.body,
        json!({"media_type": "CAROUSEL", "children": "17890000,17890001", "caption": "A day at the shop"})
    );
    assert_eq!(
        requests.last().expect("publish").body,
        json!({"creation_id": "17890002"})
    );
    assert_token(&requests, IG_TOKEN);
}

#[tokio::test]
async fn a_container_meta_could_not_process_is_refused_and_not_published() {
    let graph = SocialGraph::start(|request, seen| {
        if request.method == "GET" {
            return Reply::ok(json!({
                "status_code": "ERROR",
                "status": "Error: Media upload has failed with error code 2207026"
            }));
        }
        meta_like(request, seen)
    })
    .await;
    let reel = content("", vec![video("broken")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Instagram, reel)).await;

    let reason = refusal(&outcome);
    assert!(reason.contains("17890000 is ERROR"), "{reason}");
    assert!(reason.contains("2207026"), "{reason}");
    let requests = graph.requests();
    assert!(
        !requests
            .iter()
            .any(|r| r.is("POST", &format!("{IG_USER_ID}/media_publish")))
    );
    // No caption is sent for a blank text.
    assert_eq!(
        requests[0].body,
        json!({"media_type": "REELS", "video_url": "https://cdn.example/broken.mp4"})
    );
}

#[tokio::test]
async fn an_expired_carousel_parent_is_refused() {
    let graph = SocialGraph::start(|request, seen| {
        if request.is("GET", "17890002") {
            return Reply::ok(json!({"status_code": "EXPIRED"}));
        }
        meta_like(request, seen)
    })
    .await;
    let album = content("", vec![image("a"), image("b")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Instagram, album)).await;

    let reason = refusal(&outcome);
    assert!(reason.contains("17890002 is EXPIRED"), "{reason}");
    assert_eq!(
        routes(&graph.requests()).last().map(String::as_str),
        Some("GET 17890002?fields=status_code,status")
    );
}

#[tokio::test]
async fn a_video_still_processing_after_the_last_poll_is_retried() {
    let graph = SocialGraph::start(|request, seen| {
        if request.method == "GET" {
            return Reply::ok(json!({"status_code": "IN_PROGRESS"}));
        }
        meta_like(request, seen)
    })
    .await;
    let reel = content("Soon", vec![video("long")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Instagram, reel)).await;

    let reason = retry_reason(&outcome);
    assert!(
        reason.contains("the video is still being processed"),
        "{reason}"
    );
    let requests = graph.requests();
    let polls = requests.iter().filter(|r| r.method == "GET").count();
    assert_eq!(polls, MAX_POLLS as usize);
    assert!(
        !requests
            .iter()
            .any(|r| r.is("POST", &format!("{IG_USER_ID}/media_publish")))
    );
}

#[tokio::test]
async fn media_not_ready_at_publishing_is_retried() {
    let graph = SocialGraph::start(|request, seen| {
        if request.is("POST", &format!("{IG_USER_ID}/media_publish")) {
            return Reply::graph_error(400, 9007, Some(2207027), "Media ID is not available");
        }
        meta_like(request, seen)
    })
    .await;
    let photo = content("", vec![image("slow")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Instagram, photo)).await;
    let reason = retry_reason(&outcome);
    assert!(reason.contains("Media ID is not available"), "{reason}");
}

#[tokio::test]
async fn rate_limits_are_retried() {
    for code in [4, 32, 613] {
        let graph = SocialGraph::start(move |_, _| {
            Reply::graph_error(400, code, None, "(#4) Application request limit reached")
        })
        .await;
        let (outcome, tokens) = publish(
            &graph,
            &post(PostNetwork::Facebook, content("Hi", Vec::new())),
        )
        .await;
        let reason = retry_reason(&outcome);
        assert!(reason.contains(&format!("code {code}")), "{reason}");
        assert!(tokens.rejected().is_empty());
        assert_eq!(graph.requests().len(), 1, "no retry of its own");
    }
}

#[tokio::test]
async fn meta_failing_on_its_side_is_retried() {
    let graph = SocialGraph::start(|request, seen| {
        if request.is("POST", &format!("{IG_USER_ID}/media_publish")) {
            return Reply::json(
                500,
                json!({"error": {"message": "An unknown error occurred", "code": 1}}),
            );
        }
        meta_like(request, seen)
    })
    .await;
    let photo = content("", vec![image("x")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Instagram, photo)).await;
    assert!(
        retry_reason(&outcome).contains("An unknown error occurred"),
        "{outcome:?}"
    );

    let graph = SocialGraph::start(|_, _| Reply::json(502, json!("bad gateway"))).await;
    let (outcome, _) = publish(
        &graph,
        &post(PostNetwork::Facebook, content("Hi", Vec::new())),
    )
    .await;
    assert!(retry_reason(&outcome).contains("http 502"), "{outcome:?}");
}

#[tokio::test]
async fn a_rejected_token_is_refused_and_reported() {
    let graph = SocialGraph::start(|_, _| {
        Reply::graph_error(
            401,
            190,
            Some(463),
            "Error validating access token: Session has expired",
        )
    })
    .await;
    let (outcome, tokens) = publish(
        &graph,
        &post(PostNetwork::Facebook, content("Hi", Vec::new())),
    )
    .await;

    let reason = refusal(&outcome);
    assert!(reason.contains("code 190"), "{reason}");
    assert!(reason.contains("Session has expired"), "{reason}");
    let rejected = tokens.rejected();
    assert_eq!(rejected.len(), 1);
    let (channel, account, token, why) = &rejected[0];
    assert_eq!(
        (*channel, account.as_str(), token.as_str()),
        (Channel::Messenger, PAGE_ID, PAGE_TOKEN)
    );
    assert!(why.contains("Session has expired"), "{why}");

    let (outcome, tokens) = publish(
        &graph,
        &post(PostNetwork::Instagram, content("", vec![image("a")])),
    )
    .await;
    assert!(refusal(&outcome).contains("code 190"));
    assert_eq!(tokens.rejected()[0].0, Channel::Instagram);
}

#[tokio::test]
async fn an_account_without_a_token_is_refused_without_a_call() {
    let graph = SocialGraph::meta_like().await;
    let publisher = publisher_at(&graph.base_url, Arc::new(RecordingTokens::default()));

    let outcome = publisher
        .publish(&post(PostNetwork::Facebook, content("Hi", Vec::new())))
        .await;
    assert_eq!(
        refusal(&outcome),
        "no access token for this Facebook page: connect it again"
    );
    let outcome = publisher
        .publish(&post(PostNetwork::Instagram, content("", vec![image("a")])))
        .await;
    assert_eq!(
        refusal(&outcome),
        "no access token for this Instagram account: connect it again"
    );
    assert!(graph.requests().is_empty());
}

#[tokio::test]
async fn other_graph_errors_are_refused_with_meta_s_message_and_code() {
    let graph = SocialGraph::start(|_, _| {
        Reply::graph_error(
            400,
            100,
            Some(2207052),
            "Media download has failed. The media URI doesn't meet our requirements.",
        )
    })
    .await;
    let (outcome, tokens) = publish(
        &graph,
        &post(PostNetwork::Instagram, content("", vec![image("tiny")])),
    )
    .await;
    let reason = refusal(&outcome);
    assert!(reason.contains("code 100"), "{reason}");
    assert!(reason.contains("Media download has failed"), "{reason}");
    assert!(tokens.rejected().is_empty());

    let graph = SocialGraph::start(|_, _| {
        Reply::graph_error(
            403,
            200,
            None,
            "(#200) The user hasn't authorized the application to perform this action",
        )
    })
    .await;
    let (outcome, _) = publish(
        &graph,
        &post(PostNetwork::Facebook, content("Hi", Vec::new())),
    )
    .await;
    let reason = refusal(&outcome);
    assert!(reason.contains("code 200"), "{reason}");
    assert!(reason.contains("hasn't authorized"), "{reason}");
}

#[tokio::test]
async fn a_carousel_photo_refused_stops_before_the_feed_post() {
    let graph = SocialGraph::start(|request, seen| {
        if request.is("POST", &format!("{PAGE_ID}/photos")) && seen == 1 {
            return Reply::graph_error(400, 324, None, "Missing or invalid image file");
        }
        meta_like(request, seen)
    })
    .await;
    let album = content("", vec![image("a"), image("b"), image("c")]);
    let (outcome, _) = publish(&graph, &post(PostNetwork::Facebook, album)).await;
    assert!(refusal(&outcome).contains("Missing or invalid image file"));
    assert_eq!(graph.requests().len(), 2);
}

#[tokio::test]
async fn a_graph_that_is_down_or_slow_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("its address");
    drop(listener);
    let tokens = Arc::new(RecordingTokens::connected());
    let outcome = publisher_at(&format!("http://{address}"), tokens)
        .publish(&post(PostNetwork::Facebook, content("Hi", Vec::new())))
        .await;
    assert!(retry_reason(&outcome).contains("network"), "{outcome:?}");

    let graph =
        SocialGraph::start(|request, seen| meta_like(request, seen).after(Duration::from_secs(3)))
            .await;
    let tokens = Arc::new(RecordingTokens::connected());
    let outcome = publisher_with_timeout(&graph.base_url, tokens, Duration::from_millis(200))
        .publish(&post(PostNetwork::Facebook, content("Hi", Vec::new())))
        .await;
    assert!(retry_reason(&outcome).contains("timed out"), "{outcome:?}");
}

#[tokio::test]
async fn an_account_that_is_not_a_graph_id_is_refused_without_a_call() {
    let graph = SocialGraph::meta_like().await;
    let mut odd = post(PostNetwork::Facebook, content("Hi", Vec::new()));
    odd.account = "me/../12".into();
    let (outcome, _) = publish(&graph, &odd).await;
    assert!(refusal(&outcome).contains("not a Graph id"), "{outcome:?}");
    assert!(graph.requests().is_empty());
}
