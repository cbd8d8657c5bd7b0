//! Social posts: stored and read in their tenant only, replaced whole; listed latest first by
//! when they were asked to appear, by status, a page at a time; found by the publisher in every
//! tenant by when they are due, earliest first, leaving and rejoining that work as they are
//! saved again; erased with their organisation.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::ids::{PostId, TenantId};
use botwot_engine::ports::{PageRequest, StoreError};
use botwot_engine::social::{
    AttemptOutcome, MediaKind, PostContent, PostMedia, PostNetwork, PostStatus, SocialPost,
};
use std::time::Duration;

/// When the posts are made: before every time they are asked to appear.
const MADE_MS: i64 = 500;
/// How long an attempt at publishing holds a post.
const LEASE: Duration = Duration::from_secs(60);

/// A Facebook post of `text`, asked to appear at `publish_ms`.
fn post(tenant: &TenantId, text: &str, publish_ms: i64) -> SocialPost {
    let content = PostContent {
        text: text.to_owned(),
        link: Some("https://acme.test/spring".to_owned()),
        media: Vec::new(),
    };
    SocialPost::new(
        tenant.clone(),
        PostNetwork::Facebook,
        "106540352242922".to_owned(),
        content
            .validate(PostNetwork::Facebook)
            .expect("valid content"),
        Timestamp(publish_ms),
        Some("usr_1".to_owned()),
        Timestamp(MADE_MS),
    )
}

/// An Instagram carousel, asked to appear at `publish_ms`.
fn carousel(tenant: &TenantId, publish_ms: i64) -> SocialPost {
    let media = ["https://cdn.acme.test/1.jpg", "https://cdn.acme.test/2.mp4"]
        .into_iter()
        .zip([MediaKind::Image, MediaKind::Video])
        .map(|(url, kind)| PostMedia {
            kind,
            url: url.to_owned(),
        })
        .collect();
    let content = PostContent {
        text: "New in store".to_owned(),
        link: None,
        media,
    };
    SocialPost::new(
        tenant.clone(),
        PostNetwork::Instagram,
        "17841400008460056".to_owned(),
        content
            .validate(PostNetwork::Instagram)
            .expect("valid content"),
        Timestamp(publish_ms),
        None,
        Timestamp(MADE_MS),
    )
}

/// Publishes a due post: an attempt at `now` the network accepts.
fn published(mut post: SocialPost, now: i64) -> SocialPost {
    post.begin_attempt(Timestamp(now), LEASE)
        .expect("a due post");
    let outcome = AttemptOutcome::Published {
        provider_post_id: format!("fb_{}", post.id),
    };
    post.finish_attempt(outcome, Timestamp(now + 10));
    post
}

fn texts(posts: &[SocialPost]) -> Vec<&str> {
    posts
        .iter()
        .map(|post| post.content.text.as_str())
        .collect()
}

fn all() -> PageRequest {
    PageRequest {
        limit: 100,
        cursor: None,
    }
}

pub async fn posts_are_stored_whole_and_read_in_their_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut spring = post(&acme, "Spring sale", 1_000);
    let reel = carousel(&acme, 2_000);
    store.insert_post(&spring).await?;
    store.insert_post(&reel).await?;

    assert_eq!(
        store.get_post(&acme, &spring.id).await?,
        Some(spring.clone())
    );
    assert_eq!(store.get_post(&acme, &reel.id).await?, Some(reel.clone()));
    assert_eq!(store.get_post(&globex, &spring.id).await?, None);
    assert_eq!(store.get_post(&acme, &PostId::generate()).await?, None);

    // A post's id is taken once, whatever it holds.
    let mut again = post(&acme, "Spring sale, again", 3_000);
    again.id = spring.id.clone();
    let refused = store.insert_post(&again).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(
        store.get_post(&acme, &spring.id).await?,
        Some(spring.clone())
    );

    // Saving replaces the whole post.
    spring.reschedule(Timestamp(5_000), Timestamp(600))?;
    store.save_post(&spring).await?;
    assert_eq!(
        store.get_post(&acme, &spring.id).await?,
        Some(spring.clone())
    );
    let spring = published(spring, 5_000);
    store.save_post(&spring).await?;
    let stored = store.get_post(&acme, &spring.id).await?.expect("stored");
    assert_eq!(stored, spring);
    assert_eq!(stored.status, PostStatus::Published);
    assert_eq!(stored.provider_post_id, Some(format!("fb_{}", spring.id)));

    // Only a stored post of that tenant is saved.
    let mut foreign = reel.clone();
    foreign.tenant_id = globex.clone();
    let refused = store.save_post(&foreign).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(store.get_post(&globex, &reel.id).await?, None);
    assert_eq!(store.get_post(&acme, &reel.id).await?, Some(reel));
    let unknown = post(&acme, "Never stored", 4_000);
    let refused = store.save_post(&unknown).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(store.get_post(&acme, &unknown.id).await?, None);
    Ok(())
}

pub async fn posts_list_latest_first_by_status_a_page_at_a_time(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let first = post(&acme, "first", 1_000);
    let mut second = post(&acme, "second", 2_000);
    let mut third = post(&acme, "third", 3_000);
    let fourth = post(&acme, "fourth", 4_000);
    for stored in [&first, &second, &third, &fourth] {
        store.insert_post(stored).await?;
    }
    store
        .insert_post(&post(&globex, "elsewhere", 5_000))
        .await?;

    let listed = store.list_posts(&acme, None, &all()).await?;
    assert_eq!(texts(&listed.items), ["fourth", "third", "second", "first"]);
    assert_eq!(listed.next_cursor, None);

    second.cancel(Timestamp(600))?;
    store.save_post(&second).await?;
    let first = published(first, 1_000);
    store.save_post(&first).await?;
    let scheduled = store
        .list_posts(&acme, Some(PostStatus::Scheduled), &all())
        .await?;
    assert_eq!(texts(&scheduled.items), ["fourth", "third"]);
    let cancelled = store
        .list_posts(&acme, Some(PostStatus::Cancelled), &all())
        .await?;
    assert_eq!(cancelled.items, vec![second.clone()]);
    let done = store
        .list_posts(&acme, Some(PostStatus::Published), &all())
        .await?;
    assert_eq!(done.items, vec![first.clone()]);
    let failed = store
        .list_posts(&acme, Some(PostStatus::Failed), &all())
        .await?;
    assert!(failed.items.is_empty());
    let elsewhere = store
        .list_posts(&globex, Some(PostStatus::Published), &all())
        .await?;
    assert!(elsewhere.items.is_empty());

    // Moved to a later time, a post lists by its new time.
    third.reschedule(Timestamp(6_000), Timestamp(700))?;
    store.save_post(&third).await?;
    let listed = store.list_posts(&acme, None, &all()).await?;
    assert_eq!(texts(&listed.items), ["third", "fourth", "second", "first"]);

    // A page at a time, each cursor resuming after the page it ends.
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let request = PageRequest { limit: 3, cursor };
        let page = store.list_posts(&acme, None, &request).await?;
        pages.push(texts(&page.items).join(","));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, ["third,fourth,second", "first"]);
    let one = PageRequest {
        limit: 1,
        cursor: None,
    };
    let page = store
        .list_posts(&acme, Some(PostStatus::Scheduled), &one)
        .await?;
    assert_eq!(page.items, vec![third.clone()]);
    let next = PageRequest {
        limit: 1,
        cursor: page.next_cursor.clone(),
    };
    let page = store
        .list_posts(&acme, Some(PostStatus::Scheduled), &next)
        .await?;
    assert_eq!(page.items, vec![fourth.clone()]);
    assert_eq!(page.next_cursor, None);

    // A cursor resumes only the listing it came from.
    let first_page = store
        .list_posts(&acme, Some(PostStatus::Scheduled), &one)
        .await?;
    for (other_tenant, other_status) in [(&acme, None), (&globex, Some(PostStatus::Scheduled))] {
        let replayed = PageRequest {
            limit: 1,
            cursor: first_page.next_cursor.clone(),
        };
        let refused = store
            .list_posts(other_tenant, other_status, &replayed)
            .await;
        assert!(
            matches!(refused, Err(StoreError::InvalidInput(_))),
            "{refused:?}"
        );
    }
    Ok(())
}

pub async fn posts_are_due_earliest_first_in_every_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut third = post(&acme, "third", 3_000);
    let mut first = post(&globex, "first", 1_000);
    let mut second = post(&acme, "second", 2_000);
    let later = post(&acme, "later", 9_000);
    let mut cancelled = post(&globex, "cancelled", 1_500);
    cancelled.cancel(Timestamp(600))?;
    for stored in [&third, &first, &second, &later, &cancelled] {
        store.insert_post(stored).await?;
    }

    let due = store.due_posts(Timestamp(3_000), 10).await?;
    assert_eq!(texts(&due), ["first", "second", "third"]);
    assert_eq!(due[0], first);
    let due = store.due_posts(Timestamp(3_000), 2).await?;
    assert_eq!(texts(&due), ["first", "second"]);
    let due = store.due_posts(Timestamp(999), 10).await?;
    assert!(due.is_empty());

    // An attempt under way holds its post until its lease runs out.
    first.begin_attempt(Timestamp(1_000), LEASE)?;
    store.save_post(&first).await?;
    let due = store.due_posts(Timestamp(3_000), 10).await?;
    assert_eq!(texts(&due), ["second", "third"]);
    let lease_out = Timestamp(1_000).plus(LEASE);
    let due = store.due_posts(lease_out, 10).await?;
    assert_eq!(texts(&due), ["second", "third", "later", "first"]);
    assert_eq!(due[3].status, PostStatus::Publishing);

    // Published, it is never due again; moved, it is due at its new time.
    let outcome = AttemptOutcome::Published {
        provider_post_id: "fb_1".to_owned(),
    };
    first.finish_attempt(outcome, Timestamp(1_100));
    store.save_post(&first).await?;
    second.reschedule(Timestamp(8_000), Timestamp(1_200))?;
    store.save_post(&second).await?;
    let due = store.due_posts(Timestamp(3_000), 10).await?;
    assert_eq!(texts(&due), ["third"]);
    let due = store.due_posts(Timestamp(i64::MAX), 10).await?;
    assert_eq!(texts(&due), ["third", "second", "later"]);

    // An attempt the network may accept later is due again after a pause.
    third.begin_attempt(Timestamp(3_000), LEASE)?;
    let outcome = AttemptOutcome::Retry {
        reason: "rate limited".to_owned(),
    };
    third.finish_attempt(outcome, Timestamp(3_500));
    store.save_post(&third).await?;
    let retry_at = third.due().expect("due again");
    assert!(retry_at > Timestamp(9_000));
    let due = store.due_posts(Timestamp(9_000), 10).await?;
    assert_eq!(texts(&due), ["second", "later"]);
    let due = store.due_posts(retry_at, 10).await?;
    assert_eq!(texts(&due), ["second", "later", "third"]);
    assert_eq!(due[2], third);
    Ok(())
}

pub async fn erasing_an_organisation_takes_its_posts_only(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut posts = Vec::new();
    for (tenant, publish_ms) in [(&acme, 1_000), (&acme, 2_000), (&globex, 3_000)] {
        let stored = post(tenant, tenant.as_str(), publish_ms);
        store.insert_post(&stored).await?;
        posts.push(stored);
    }
    let mut cancelled = carousel(&acme, 4_000);
    cancelled.cancel(Timestamp(600))?;
    store.insert_post(&cancelled).await?;

    store.erase_organisation(&acme).await?;
    assert!(
        store
            .list_posts(&acme, None, &all())
            .await?
            .items
            .is_empty()
    );
    for erased in [&posts[0], &posts[1], &cancelled] {
        assert_eq!(store.get_post(&acme, &erased.id).await?, None);
    }
    let due = store.due_posts(Timestamp(10_000), 10).await?;
    assert_eq!(due, vec![posts[2].clone()]);
    let kept = store.list_posts(&globex, None, &all()).await?;
    assert_eq!(kept.items, vec![posts[2].clone()]);
    Ok(())
}
