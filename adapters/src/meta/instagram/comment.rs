//! A comment on the Instagram account's media, with what the engagement modes need: the comment
//! id to answer publicly or privately, the text for an AI reply, the author to skip the
//! account's own comments, and the media to pick a per-post rule.

use botwot_engine::MessageBody;
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

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CommentAuthor {
    /// The commenter's Instagram-scoped id.
    pub id: String,
    #[serde(default)]
    pub username: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CommentMedia {
    pub id: String,
    /// `FEED`, `REELS`, `AD`, ...
    #[serde(default)]
    pub media_product_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstagramComment {
    /// `entry[].id`: the Instagram professional account, the channel account.
    pub account_id: String,
    /// The comment id: what a public reply or a private reply answers.
    pub comment_id: String,
    pub text: Option<String>,
    pub from: Option<CommentAuthor>,
    pub media: Option<CommentMedia>,
    /// The comment this one answers, for replies in a thread.
    pub parent_id: Option<String>,
}

impl InstagramComment {
    pub(crate) fn new(account_id: &str, part: CommentPart) -> Self {
        Self {
            account_id: account_id.to_owned(),
            comment_id: part.id,
            text: part.text,
            from: part.from,
            media: part.media,
            parent_id: part.parent_id,
        }
    }

    /// Whether the account wrote this comment itself (its own replies): never answer those.
    pub fn is_own(&self) -> bool {
        self.from
            .as_ref()
            .is_some_and(|author| author.id == self.account_id)
    }

    /// Whether this answers another comment rather than the media.
    pub fn is_reply(&self) -> bool {
        self.parent_id.is_some()
    }

    /// The comment as an engine body: its text, or nothing for an empty comment.
    pub fn body(&self) -> Option<MessageBody> {
        self.text.clone().map(MessageBody::text)
    }
}
