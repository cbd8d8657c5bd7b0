//! Messenger Platform webhooks for Facebook pages (`object: "page"`) read into [`MetaEvent`]s.
//!
//! [`parse_webhook`] walks every entry and every `messaging[]` item of one POST and returns one
//! flat list, in payload order: messages and postbacks become [`MetaEvent::MessagingMessage`],
//! the page's own messages [`MetaEvent::MessagingEcho`], reads and deliveries
//! [`MetaEvent::MessagingReceipt`], reactions [`MetaEvent::MessagingReaction`]. Other items
//! (opt-ins, referrals, handovers, ...) are kept whole as [`MetaEvent::OtherChange`], and so are
//! page `changes[]` but new comments on the page's posts (`feed`), which become
//! [`MetaEvent::PostComment`]; an item without the ids it needs becomes [`MetaEvent::Unreadable`].
//! Instagram messaging has the same shapes, so [`crate::meta::instagram`] reuses this walk.

mod events;
mod feed;
pub mod payload;

pub use events::{
    MessagingContent, MessagingInbound, MessagingParties, MessagingReaction, MessagingReceipt,
    ReactionAction, ReceiptKind,
};

use super::{MetaEvent, PayloadError, decode, expect_object, read_or_reason};
use crate::meta::whatsapp::payload::Change;
use botwot_engine::Channel;
use feed::FeedPart;
use payload::{
    DeliveryPart, MessagePart, MessagingHeader, PostbackPart, ReactionPart, ReadPart,
    WebhookPayload, unix_millis,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The `object` of every Facebook page webhook.
pub const OBJECT: &str = "page";

/// The keys of a `messaging[]` item that say who and when, not what happened.
const HEADER_KEYS: [&str; 3] = ["sender", "recipient", "timestamp"];

/// The page webhook field of its posts' activity, comments included.
const FEED_FIELD: &str = "feed";

/// Reads one page webhook body (already signature-checked) into events.
pub fn parse_webhook(body: &[u8]) -> Result<Vec<MetaEvent>, PayloadError> {
    parse_messaging(body, Channel::Messenger, OBJECT, read_page_change)
}

/// A new comment on the page's posts becomes [`MetaEvent::PostComment`]; every other change
/// is kept whole.
fn read_page_change(page_id: &str, change: Change) -> MetaEvent {
    if change.field != FEED_FIELD {
        return MetaEvent::other_change(Channel::Messenger, page_id, change);
    }
    match read_or_reason::<FeedPart>(&change.value, "feed change") {
        Ok(part) => match part.into_comment(page_id) {
            Some(comment) => MetaEvent::PostComment(comment),
            None => MetaEvent::other_change(Channel::Messenger, page_id, change),
        },
        Err(reason) => MetaEvent::unreadable(Channel::Messenger, page_id, reason, change.value),
    }
}

/// Walks a Messenger Platform body of `object`: `messaging[]` items as above, `changes[]`
/// through `read_change`.
pub(crate) fn parse_messaging(
    body: &[u8],
    channel: Channel,
    object: &'static str,
    read_change: impl Fn(&str, Change) -> MetaEvent,
) -> Result<Vec<MetaEvent>, PayloadError> {
    let payload: WebhookPayload = decode(body)?;
    expect_object(payload.object, object)?;
    let mut events = Vec::new();
    for entry in payload.entry {
        for item in entry.messaging {
            events.push(read_item(channel, &entry.id, item));
        }
        for change in entry.changes {
            events.push(read_change(&entry.id, change));
        }
    }
    Ok(events)
}

fn read_item(channel: Channel, page_id: &str, raw: Value) -> MetaEvent {
    read_parts(channel, page_id, &raw)
        .unwrap_or_else(|reason| MetaEvent::unreadable(channel, page_id, reason, raw))
}

fn read_parts(channel: Channel, page_id: &str, raw: &Value) -> Result<MetaEvent, String> {
    let header = read_or_reason::<MessagingHeader>(raw, "messaging item")?;
    let parties = MessagingParties {
        channel,
        page_id: page_id.to_owned(),
        sender_id: header.sender.id,
        recipient_id: header.recipient.map(|recipient| recipient.id),
        timestamp: unix_millis(header.timestamp.as_ref()),
    };
    let field = item_field(raw);
    Ok(match field.as_str() {
        "message" => {
            let message: MessagePart = part(raw, "message")?;
            let echo = message.is_echo;
            let mid = Some(message.mid.clone());
            let inbound = inbound(parties, mid, raw, MessagingContent::Message(message));
            if echo {
                MetaEvent::MessagingEcho(inbound)
            } else {
                MetaEvent::MessagingMessage(inbound)
            }
        }
        "postback" => {
            let postback: PostbackPart = part(raw, "postback")?;
            let mid = postback.mid.clone();
            let content = MessagingContent::Postback(postback);
            MetaEvent::MessagingMessage(inbound(parties, mid, raw, content))
        }
        "reaction" => {
            let reaction: ReactionPart = part(raw, "reaction")?;
            MetaEvent::MessagingReaction(MessagingReaction {
                parties,
                mid: reaction.mid,
                action: ReactionAction::parse(reaction.action.as_deref()),
                reaction: reaction.reaction,
                emoji: reaction.emoji,
            })
        }
        "read" => {
            let read: ReadPart = part(raw, "read")?;
            receipt(
                parties,
                ReceiptKind::Read {
                    watermark: unix_millis(read.watermark.as_ref()),
                    mid: read.mid,
                },
            )
        }
        "delivery" => {
            let delivery: DeliveryPart = part(raw, "delivery")?;
            receipt(
                parties,
                ReceiptKind::Delivered {
                    mids: delivery.mids,
                    watermark: unix_millis(delivery.watermark.as_ref()),
                },
            )
        }
        _ => MetaEvent::OtherChange {
            channel,
            entry_id: page_id.to_owned(),
            field,
            value: raw.clone(),
        },
    })
}

/// The key naming what a `messaging[]` item reports (`message`, `postback`, `optin`, ...).
fn item_field(raw: &Value) -> String {
    let keys = raw.as_object().into_iter().flat_map(|fields| fields.keys());
    let mut keys = keys.filter(|key| !HEADER_KEYS.contains(&key.as_str()));
    let known = ["message", "postback", "reaction", "read", "delivery"];
    let first = keys.clone().find(|key| known.contains(&key.as_str()));
    first
        .or_else(|| keys.next())
        .cloned()
        .unwrap_or_else(|| "unknown".to_owned())
}

fn part<T: DeserializeOwned>(raw: &Value, key: &str) -> Result<T, String> {
    read_or_reason(raw.get(key).unwrap_or(&Value::Null), key)
}

fn inbound(
    parties: MessagingParties,
    mid: Option<String>,
    raw: &Value,
    content: MessagingContent,
) -> Box<MessagingInbound> {
    let body = content.body(raw);
    Box::new(MessagingInbound {
        parties,
        mid,
        content,
        body,
    })
}

fn receipt(parties: MessagingParties, receipt: ReceiptKind) -> MetaEvent {
    MetaEvent::MessagingReceipt(MessagingReceipt { parties, receipt })
}
