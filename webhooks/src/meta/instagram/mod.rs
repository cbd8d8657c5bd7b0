//! Instagram webhooks (`object: "instagram"`) read into [`MetaEvent`]s.
//!
//! Direct messages arrive as `entry[].messaging[]` items shaped like Messenger's (story replies
//! carry `reply_to.story`, story mentions are `story_mention` attachments), so they go through
//! the same walk as [`crate::meta::messenger`] and become the same `Messaging*` events, on
//! [`Channel::Instagram`]. Comments arrive as `entry[].changes[]` with `field: "comments"` and
//! become [`MetaEvent::PostComment`]; other fields are kept whole as
//! [`MetaEvent::OtherChange`], a comment without its ids as [`MetaEvent::Unreadable`].

mod comment;

use comment::CommentPart;

use super::messenger::parse_messaging;
use super::{MetaEvent, PayloadError, read_or_reason};
use crate::meta::whatsapp::payload::Change;
use botwot_engine::Channel;

/// The `object` of every Instagram webhook.
pub const OBJECT: &str = "instagram";

/// The webhook field of comments on the account's media.
const COMMENTS_FIELD: &str = "comments";

/// Reads one Instagram webhook body (already signature-checked) into events.
pub fn parse_webhook(body: &[u8]) -> Result<Vec<MetaEvent>, PayloadError> {
    parse_messaging(body, Channel::Instagram, OBJECT, read_change)
}

fn read_change(account_id: &str, change: Change) -> MetaEvent {
    if change.field != COMMENTS_FIELD {
        return MetaEvent::other_change(Channel::Instagram, account_id, change);
    }
    match read_or_reason::<CommentPart>(&change.value, "comment") {
        Ok(part) => MetaEvent::PostComment(part.into_comment(account_id)),
        Err(reason) => MetaEvent::unreadable(Channel::Instagram, account_id, reason, change.value),
    }
}
