//! The post rules: content per network, the lifecycle and its retries.

use super::*;
use crate::ids::TenantId;
use crate::time::Timestamp;
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const LEASE: Duration = Duration::from_secs(600);

fn at(minutes: u32) -> Timestamp {
    Timestamp::from_millis(1_800_000_000_000).plus(MINUTE * minutes)
}

fn image(url: &str) -> PostMedia {
    PostMedia {
        kind: MediaKind::Image,
        url: url.into(),
    }
}

fn text(text: &str) -> PostContent {
    PostContent {
        text: text.into(),
        link: None,
        media: Vec::new(),
    }
}

fn scheduled(minutes: u32) -> SocialPost {
    SocialPost::new(
        TenantId::generate(),
        PostNetwork::Facebook,
        "page_1".into(),
        text("Hello"),
        at(minutes),
        None,
        at(0),
    )
}

fn faults(content: PostContent, network: PostNetwork) -> Vec<String> {
    content
        .validate(network)
        .err()
        .map(|errors| errors.0.into_iter().map(|e| e.field).collect())
        .unwrap_or_default()
}

#[test]
fn each_network_s_rules_are_checked_before_anything_is_sent() {
    assert!(faults(text("Opening hours"), PostNetwork::Facebook).is_empty());
    assert_eq!(
        faults(text("Only words"), PostNetwork::Instagram),
        vec!["media"]
    );
    assert_eq!(faults(text("   "), PostNetwork::Facebook), vec!["text"]);
    let linked = PostContent {
        link: Some("https://shop.example/sale".into()),
        ..text("")
    };
    assert!(faults(linked.clone(), PostNetwork::Facebook).is_empty());
    assert_eq!(
        faults(
            PostContent {
                media: vec![image("https://cdn.example/a.jpg")],
                ..linked
            },
            PostNetwork::Instagram
        ),
        vec!["link", "link"]
    );
    assert_eq!(
        faults(
            PostContent {
                media: vec![image("http://cdn.example/a.jpg")],
                ..text("")
            },
            PostNetwork::Facebook
        ),
        vec!["media[0].url"]
    );
    let eleven = (0..11)
        .map(|i| image(&format!("https://cdn.example/{i}.jpg")))
        .collect();
    assert_eq!(
        faults(
            PostContent {
                media: eleven,
                ..text("")
            },
            PostNetwork::Instagram
        ),
        vec!["media"]
    );
    let mixed = vec![
        image("https://cdn.example/a.jpg"),
        PostMedia {
            kind: MediaKind::Video,
            url: "https://cdn.example/b.mp4".into(),
        },
    ];
    assert_eq!(
        faults(
            PostContent {
                media: mixed.clone(),
                ..text("")
            },
            PostNetwork::Facebook
        ),
        vec!["media"]
    );
    assert!(
        faults(
            PostContent {
                media: mixed,
                ..text("")
            },
            PostNetwork::Instagram
        )
        .is_empty()
    );
    assert_eq!(
        faults(text(&"x".repeat(2_201)), PostNetwork::Facebook),
        Vec::<String>::new()
    );
    let long = PostContent {
        media: vec![image("https://cdn.example/a.jpg")],
        ..text(&"x".repeat(2_201))
    };
    assert_eq!(faults(long, PostNetwork::Instagram), vec!["text"]);
}

#[test]
fn a_post_is_published_when_due_and_only_then() {
    let mut post = scheduled(30);
    assert_eq!(post.due(), Some(at(30)));
    assert_eq!(post.begin_attempt(at(29), LEASE), Err(PostRefusal::NotDue));
    post.begin_attempt(at(30), LEASE).unwrap();
    assert_eq!(
        (post.status, post.attempts, post.due()),
        (PostStatus::Publishing, 1, Some(at(40)))
    );
    assert_eq!(
        post.begin_attempt(at(31), LEASE),
        Err(PostRefusal::AttemptUnderWay)
    );
    post.finish_attempt(
        AttemptOutcome::Published {
            provider_post_id: "123_456".into(),
        },
        at(31),
    );
    assert_eq!(
        (post.status, post.due(), post.provider_post_id.as_deref()),
        (PostStatus::Published, None, Some("123_456"))
    );
    assert_eq!(post.published_at, Some(at(31)));
    assert_eq!(
        post.cancel(at(32)),
        Err(PostRefusal::NotScheduled(PostStatus::Published))
    );
}

#[test]
fn a_time_already_past_means_now() {
    let post = SocialPost::new(
        TenantId::generate(),
        PostNetwork::Facebook,
        "p".into(),
        text("Hi"),
        at(0).minus(MINUTE),
        None,
        at(0),
    );
    assert_eq!(post.due(), Some(at(0)));
}

#[test]
fn an_attempt_whose_process_died_is_taken_up_again_after_its_lease() {
    let mut post = scheduled(0);
    post.begin_attempt(at(0), LEASE).unwrap();
    assert_eq!(
        post.begin_attempt(at(9), LEASE),
        Err(PostRefusal::AttemptUnderWay)
    );
    post.begin_attempt(at(10), LEASE).unwrap();
    assert_eq!(post.attempts, 2);
}

#[test]
fn a_passing_failure_is_retried_after_growing_pauses_then_failed() {
    let mut post = scheduled(0);
    let mut now = at(0);
    let mut pauses = Vec::new();
    for _ in 0..MAX_ATTEMPTS {
        post.begin_attempt(now, LEASE).unwrap();
        post.finish_attempt(
            AttemptOutcome::Retry {
                reason: "rate limited".into(),
            },
            now,
        );
        if let Some(due) = post.due() {
            pauses.push(due.since(now).as_secs() / 60);
            now = due;
        }
    }
    assert_eq!(pauses, vec![1, 5, 15, 60]);
    assert_eq!(
        (post.status, post.last_error.as_deref()),
        (PostStatus::Failed, Some("rate limited"))
    );
}

#[test]
fn a_refusal_fails_the_post_at_once() {
    let mut post = scheduled(0);
    post.begin_attempt(at(0), LEASE).unwrap();
    post.finish_attempt(
        AttemptOutcome::Refused {
            reason: "(#324) Requires upload file".into(),
        },
        at(0),
    );
    assert_eq!((post.status, post.due()), (PostStatus::Failed, None));
}

#[test]
fn only_a_scheduled_post_is_cancelled_or_moved_and_never_into_the_past() {
    let mut post = scheduled(30);
    assert_eq!(post.reschedule(at(0), at(1)), Err(PostRefusal::InThePast));
    post.reschedule(at(60), at(1)).unwrap();
    assert_eq!((post.publish_at, post.due()), (at(60), Some(at(60))));
    post.cancel(at(2)).unwrap();
    assert_eq!((post.status, post.due()), (PostStatus::Cancelled, None));
    assert_eq!(
        post.reschedule(at(90), at(3)),
        Err(PostRefusal::NotScheduled(PostStatus::Cancelled))
    );
    assert_eq!(
        post.begin_attempt(at(100), LEASE),
        Err(PostRefusal::NotScheduled(PostStatus::Cancelled))
    );
}
