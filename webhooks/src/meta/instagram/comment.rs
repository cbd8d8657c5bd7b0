//! The `value` of an Instagram `comments` change, read into a [`PostComment`].

use crate::meta::post_comment::{CommentAuthor, CommentMedia, PostComment};
use botwot_engine::Channel;
use serde::Deserialize;

/// The `value` of a `comments` change, field for field (unknown fields ignored).
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct CommentPart {
    id: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    from: Option<CommentAuthor>,
    #[serde(default)]
    media: Option<CommentMedia>,
    #[serde(default)]
    parent_id: Option<String>,
}

impl CommentPart {
    pub(crate) fn into_comment(self, account_id: &str) -> PostComment {
        PostComment {
            channel: Channel::Instagram,
            account_id: account_id.to_owned(),
            comment_id: self.id,
            text: self.text,
            from: self.from,
            media: self.media,
            parent_id: self.parent_id,
        }
    }
}
