//! Public replies to comments on the account's posts, answered with the new comment's `id`:
//! Instagram's `POST /{comment-id}/replies` and a Facebook page's `POST /{comment-id}/comments`,
//! each with the reply's `message`. A comment's conversation has the contact
//! `comment:<comment id>`, so its replies come here rather than to the Send API; only text can
//! be posted under a comment.

use super::errors::GraphError;
use botwot_engine::{Channel, MessageBody};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize)]
pub struct CommentReply<'a> {
    pub message: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct CommentReplyResponse {
    pub id: String,
}

/// The path a reply to `comment_id` on `channel` is posted to. Instagram comment ids are
/// numeric; Facebook's join the post's and the comment's numbers with `_`.
pub fn replies_path(channel: Channel, comment_id: &str) -> Result<String, GraphError> {
    let (edge, allowed): (&str, fn(char) -> bool) = match channel {
        Channel::Instagram => ("replies", |c| c.is_ascii_digit()),
        Channel::Messenger => ("comments", |c| c.is_ascii_digit() || c == '_'),
        other => {
            return Err(GraphError::Unsendable(format!(
                "{other} has no comments to reply to"
            )));
        }
    };
    if comment_id.is_empty() || comment_id.len() > 64 || !comment_id.chars().all(allowed) {
        return Err(GraphError::Unsendable(format!(
            "comment id {comment_id:?} is not a {channel} comment id"
        )));
    }
    Ok(format!("{comment_id}/{edge}"))
}

/// The reply's text: a comment takes nothing else.
pub fn reply_text(body: &MessageBody) -> Result<&str, GraphError> {
    match body {
        MessageBody::Text { text } if !text.trim().is_empty() => Ok(text),
        _ => Err(GraphError::Unsendable(
            "only text can be posted as a reply to a comment".into(),
        )),
    }
}
