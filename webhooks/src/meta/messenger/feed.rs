//! The `value` of a Facebook page's `feed` change. Only new comments (`item: "comment"`,
//! `verb: "add"`) become [`PostComment`]s; posts, reactions, edits and removals are other
//! changes. A top-level comment's `parent_id` is its post; only a reply's names a comment.

use crate::meta::post_comment::{CommentAuthor, CommentMedia, PostComment};
use botwot_engine::Channel;
use serde::Deserialize;

/// A `feed` change's value, the fields a comment needs (unknown fields ignored).
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct FeedPart {
    item: String,
    #[serde(default)]
    verb: Option<String>,
    #[serde(default)]
    comment_id: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    from: Option<CommentAuthor>,
    #[serde(default)]
    post_id: Option<String>,
    #[serde(default)]
    parent_id: Option<String>,
}

impl FeedPart {
    /// The new comment this change reports, if it reports one.
    pub(crate) fn into_comment(self, page_id: &str) -> Option<PostComment> {
        if self.item != "comment" || self.verb.as_deref() != Some("add") {
            return None;
        }
        let parent_id = self
            .parent_id
            .filter(|parent| Some(parent) != self.post_id.as_ref());
        Some(PostComment {
            channel: Channel::Messenger,
            account_id: page_id.to_owned(),
            comment_id: self.comment_id?,
            text: self.message,
            from: self.from,
            media: self.post_id.map(|id| CommentMedia {
                id,
                media_product_type: None,
            }),
            parent_id,
        })
    }
}
