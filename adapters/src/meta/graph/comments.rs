//! Public replies to comments on the account's posts: `POST /{comment-id}/replies` with the
//! reply's `message`, answered with the new comment's `id` (Instagram Graph API). A comment's
//! conversation has the contact `comment:<comment id>`, so its replies come here rather than to
//! the Send API; only text can be posted under a comment.

use super::errors::GraphError;
use botwot_engine::MessageBody;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize)]
pub struct CommentReply<'a> {
    pub message: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct CommentReplyResponse {
    pub id: String,
}

/// The path a reply to `comment_id` is posted to.
pub fn replies_path(comment_id: &str) -> Result<String, GraphError> {
    if comment_id.is_empty()
        || comment_id.len() > 64
        || !comment_id.chars().all(|c| c.is_ascii_digit())
    {
        return Err(GraphError::Unsendable(format!(
            "comment id {comment_id:?} is not numeric"
        )));
    }
    Ok(format!("{comment_id}/replies"))
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
