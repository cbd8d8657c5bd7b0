//! An Instagram post: media containers (one, or a carousel's children and parent), waited on
//! until Meta has processed them, then published.

use super::PublishSettings;
use super::outcome::Failure;
use super::requests::{Call, ContainerStatus, Created, MediaContainer, MediaPublish, non_blank};
use botwot_engine::social::{MediaKind, PostContent, PostMedia};

const FINISHED: &str = "FINISHED";
/// Container states Meta will not publish: processing failed, or it was not published within
/// a day.
const FAILED: [&str; 2] = ["ERROR", "EXPIRED"];

/// Publishes `content` on the account; the new media's id.
pub(super) async fn publish(
    call: &Call<'_>,
    content: &PostContent,
    settings: &PublishSettings,
) -> Result<String, Failure> {
    let caption = non_blank(&content.text);
    let container = match content.media.as_slice() {
        [] => {
            return Err(Failure::Unpublishable(
                "an Instagram post needs an image, a video or a carousel".into(),
            ));
        }
        [item] => {
            let container = create(call, &single(item, caption)).await?;
            if item.kind == MediaKind::Video {
                wait_until_finished(call, &[container.as_str()], "video", settings).await?;
            }
            container
        }
        items => {
            let mut children = Vec::with_capacity(items.len());
            for item in items {
                children.push(create(call, &child(item)).await?);
            }
            let videos: Vec<&str> = items
                .iter()
                .zip(&children)
                .filter(|(item, _)| item.kind == MediaKind::Video)
                .map(|(_, id)| id.as_str())
                .collect();
            wait_until_finished(call, &videos, "video", settings).await?;
            let parent = MediaContainer {
                media_type: Some("CAROUSEL"),
                children: Some(children.join(",")),
                caption,
                ..MediaContainer::default()
            };
            let parent = create(call, &parent).await?;
            wait_until_finished(call, &[parent.as_str()], "carousel", settings).await?;
            parent
        }
    };
    let published: Created = call
        .post(
            "media_publish",
            &MediaPublish {
                creation_id: &container,
            },
        )
        .await?;
    Ok(published.post_id()?)
}

/// A post of one image, or one video as a reel.
fn single<'a>(item: &'a PostMedia, caption: Option<&'a str>) -> MediaContainer<'a> {
    match item.kind {
        MediaKind::Image => MediaContainer {
            image_url: Some(&item.url),
            caption,
            ..MediaContainer::default()
        },
        MediaKind::Video => MediaContainer {
            media_type: Some("REELS"),
            video_url: Some(&item.url),
            caption,
            ..MediaContainer::default()
        },
    }
}

/// One item of a carousel (children take no caption).
fn child(item: &PostMedia) -> MediaContainer<'_> {
    let container = match item.kind {
        MediaKind::Image => MediaContainer {
            image_url: Some(&item.url),
            ..MediaContainer::default()
        },
        MediaKind::Video => MediaContainer {
            media_type: Some("VIDEO"),
            video_url: Some(&item.url),
            ..MediaContainer::default()
        },
    };
    MediaContainer {
        is_carousel_item: Some(true),
        ..container
    }
}

async fn create(call: &Call<'_>, container: &MediaContainer<'_>) -> Result<String, Failure> {
    let created: Created = call.post("media", container).await?;
    Ok(created.node_id("media container")?)
}

/// Polls `containers` (a `what` each) together until all are `FINISHED`: at most
/// `settings.max_polls` rounds, `settings.poll_interval` apart.
async fn wait_until_finished(
    call: &Call<'_>,
    containers: &[&str],
    what: &'static str,
    settings: &PublishSettings,
) -> Result<(), Failure> {
    let rounds = settings.max_polls.max(1);
    let mut pending = containers.to_vec();
    for round in 1..=rounds {
        let mut still = Vec::with_capacity(pending.len());
        for container in pending {
            let status: ContainerStatus = call.fields(container, "status_code,status").await?;
            match status.status_code.as_deref() {
                Some(FINISHED) => {}
                Some(code) if FAILED.contains(&code) => {
                    return Err(Failure::ContainerFailed {
                        container: container.to_owned(),
                        status_code: code.to_owned(),
                        detail: status.status,
                    });
                }
                // IN_PROGRESS, or a state Meta added since: not ready yet.
                _ => still.push(container),
            }
        }
        pending = still;
        if pending.is_empty() {
            return Ok(());
        }
        if round < rounds {
            tokio::time::sleep(settings.poll_interval).await;
        }
    }
    Err(Failure::StillProcessing {
        what,
        containers: pending.join(", "),
        polls: rounds,
    })
}
