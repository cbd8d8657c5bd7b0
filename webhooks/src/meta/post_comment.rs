//! A comment on a post of a connected account: an Instagram account's media (`comments`
//! webhook field) or a Facebook page's post (`feed` field, `item: "comment"`). It carries what
//! the engagement modes need: the comment id to answer under, the text for an AI reply, the
//! author to skip the account's own comments, and the post.

use botwot_engine::{Channel, MessageBody};
use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CommentAuthor {
    /// The commenter's Instagram-scoped id, or their app-scoped Facebook id.
    pub id: String,
    /// Instagram's `username`.
    #[serde(default)]
    pub username: Option<String>,
    /// Facebook's `name`.
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CommentMedia {
    pub id: String,
    /// Instagram's `FEED`, `REELS`, `AD`, ...
    #[serde(default)]
    pub media_product_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostComment {
    /// Instagram or Messenger (a Facebook page).
    pub channel: Channel,
    /// `entry[].id`: the Instagram professional account or the page, the channel account.
    pub account_id: String,
    /// The comment id: what a public reply answers.
    pub comment_id: String,
    pub text: Option<String>,
    pub from: Option<CommentAuthor>,
    /// The media or post commented on.
    pub media: Option<CommentMedia>,
    /// The comment this one answers, for replies in a thread.
    pub parent_id: Option<String>,
}

impl PostComment {
    /// Whether the account wrote this comment itself (its own replies): never answer those.
    pub fn is_own(&self) -> bool {
        self.from
            .as_ref()
            .is_some_and(|author| author.id == self.account_id)
    }

    /// Whether this answers another comment rather than the post.
    pub fn is_reply(&self) -> bool {
        self.parent_id.is_some()
    }

    /// The comment as an engine body: its text, or nothing for an empty comment.
    pub fn body(&self) -> Option<MessageBody> {
        self.text.clone().map(MessageBody::text)
    }
}
