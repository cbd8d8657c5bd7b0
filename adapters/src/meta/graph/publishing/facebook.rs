//! A Facebook page post: text and link on the feed, one photo, one video, or a carousel of
//! unpublished photos attached to a feed post.

use super::outcome::Failure;
use super::requests::{AttachedMedia, Call, Created, FeedPost, PagePhoto, PageVideo, non_blank};
use botwot_engine::social::{MediaKind, PostContent, PostMedia};

/// Publishes `content` on the page; the post's id (`{page-id}_{post-id}`, or a video's id).
pub(super) async fn publish(call: &Call<'_>, content: &PostContent) -> Result<String, Failure> {
    let message = non_blank(&content.text);
    match content.media.as_slice() {
        [] => {
            let post = FeedPost {
                message,
                link: content.link.as_deref(),
                attached_media: Vec::new(),
            };
            feed(call, &post).await
        }
        [
            PostMedia {
                kind: MediaKind::Image,
                url,
            },
        ] => {
            let photo = PagePhoto {
                url,
                message,
                published: None,
            };
            let created: Created = call.post("photos", &photo).await?;
            Ok(created.post_id()?)
        }
        [
            PostMedia {
                kind: MediaKind::Video,
                url,
            },
        ] => {
            let video = PageVideo {
                file_url: url,
                description: message,
            };
            let created: Created = call.post("videos", &video).await?;
            Ok(created.post_id()?)
        }
        items => carousel(call, message, items).await,
    }
}

/// Uploads each image unpublished, then posts them together.
async fn carousel(
    call: &Call<'_>,
    message: Option<&str>,
    items: &[PostMedia],
) -> Result<String, Failure> {
    if items.iter().any(|item| item.kind != MediaKind::Image) {
        return Err(Failure::Unpublishable(
            "a Facebook carousel is made of images; post a video on its own".into(),
        ));
    }
    let mut photo_ids = Vec::with_capacity(items.len());
    for item in items {
        let photo = PagePhoto {
            url: &item.url,
            message: None,
            published: Some(false),
        };
        let created: Created = call.post("photos", &photo).await?;
        photo_ids.push(created.node_id("unpublished photo")?);
    }
    let post = FeedPost {
        message,
        link: None,
        attached_media: photo_ids
            .iter()
            .map(|id| AttachedMedia { media_fbid: id })
            .collect(),
    };
    feed(call, &post).await
}

async fn feed(call: &Call<'_>, post: &FeedPost<'_>) -> Result<String, Failure> {
    let created: Created = call.post("feed", post).await?;
    Ok(created.post_id()?)
}
