//! Instagram (`object: "instagram"`) payloads from fixtures: direct messages and comments.

use crate::{fixture, only_event, only_message};
use botwot_adapters::meta::instagram::parse_webhook;
use botwot_adapters::meta::messenger::MessagingContent;
use botwot_adapters::meta::post_comment::{CommentAuthor, CommentMedia};
use botwot_adapters::meta::{MetaEvent, PayloadError};
use botwot_engine::{Channel, MessageBody, SessionEvent};
use serde_json::json;

const ACCOUNT_ID: &str = "17841405822304914";
const IGSID: &str = "1234567890123456";

#[test]
fn direct_message_is_an_instagram_messaging_message() {
    let message = only_message("instagram_text");
    assert_eq!(message.parties.channel, Channel::Instagram);
    assert_eq!(message.parties.page_id, ACCOUNT_ID);
    assert_eq!(message.parties.sender_id, IGSID);
    assert_eq!(
        message.session_event(),
        SessionEvent::Inbound {
            provider_message_id: Some("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx".to_owned()),
            body: MessageBody::text("Is this still available?"),
        }
    );
    assert_eq!(
        MetaEvent::MessagingMessage(Box::new(message)).channel(),
        Channel::Instagram
    );
}

#[test]
fn story_reply_is_text_and_keeps_the_story() {
    let message = only_message("instagram_story_reply");
    assert_eq!(message.body, MessageBody::text("Love this!"));
    let MessagingContent::Message(part) = message.content else {
        panic!("expected a message part");
    };
    let story = part.reply_to.and_then(|reply| reply.story).expect("story");
    assert_eq!(story.id.as_deref(), Some("17889615814797528"));
    assert!(story.url.is_some_and(|url| url.contains("asset_id=17889")));
}

#[test]
fn story_mention_is_media() {
    let message = only_message("instagram_story_mention");
    assert_eq!(
        message.body,
        MessageBody::Media {
            media_type: "story_mention".to_owned(),
            url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17890".to_owned(),
            caption: None,
        }
    );
}

#[test]
fn comment_carries_what_engagement_needs() {
    let MetaEvent::PostComment(comment) = only_event("instagram_comment") else {
        panic!("expected one comment");
    };
    assert_eq!(comment.account_id, ACCOUNT_ID);
    assert_eq!(comment.comment_id, "17865799348089039");
    assert_eq!(comment.text.as_deref(), Some("This is an example."));
    assert_eq!(
        comment.from,
        Some(CommentAuthor {
            id: "232323232".to_owned(),
            username: Some("test".to_owned()),
            name: None,
        })
    );
    assert_eq!(
        comment.media,
        Some(CommentMedia {
            id: "123123123".to_owned(),
            media_product_type: Some("FEED".to_owned()),
        })
    );
    assert_eq!(comment.parent_id.as_deref(), Some("1231231234"));
    assert!(comment.is_reply());
    assert!(!comment.is_own());
    assert_eq!(
        comment.body(),
        Some(MessageBody::text("This is an example."))
    );
    assert_eq!(
        only_event("instagram_comment").channel(),
        Channel::Instagram
    );
}

#[test]
fn own_comments_are_recognised_and_comments_without_id_kept() {
    let own = json!({"id": "c1", "text": "thanks!", "from": {"id": ACCOUNT_ID}});
    let broken = json!({"text": "no id"});
    let body = json!({"object": "instagram", "entry": [{"id": ACCOUNT_ID, "changes": [
        {"field": "comments", "value": own}, {"field": "comments", "value": broken}]}]});
    let events = parse_webhook(body.to_string().as_bytes()).expect("parses");
    let [
        MetaEvent::PostComment(comment),
        MetaEvent::Unreadable { raw, .. },
    ] = events.as_slice()
    else {
        panic!("expected a comment and an unreadable item, got {events:?}");
    };
    assert!(comment.is_own() && !comment.is_reply());
    assert_eq!(*raw, broken);
}

#[test]
fn unknown_change_field_is_kept_whole() {
    let MetaEvent::OtherChange {
        channel,
        entry_id,
        field,
        value,
    } = only_event("instagram_unknown_change")
    else {
        panic!("expected one other change");
    };
    assert_eq!(channel, Channel::Instagram);
    assert_eq!(entry_id, ACCOUNT_ID);
    assert_eq!(field, "mentions");
    assert_eq!(value["comment_id"], "17887498072083521");
}

#[test]
fn page_bodies_are_refused() {
    let error = parse_webhook(&fixture("messenger_text")).expect_err("not instagram");
    assert!(matches!(
        error,
        PayloadError::UnexpectedObject {
            expected: "instagram",
            ..
        }
    ));
}
