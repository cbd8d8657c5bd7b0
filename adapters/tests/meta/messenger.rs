//! Messenger Platform (`object: "page"`) payloads from fixtures, read into events.

use crate::{events, fixture, only_event, only_message};
use botwot_adapters::meta::messenger::{
    MessagingContent, ReactionAction, ReceiptKind, parse_webhook,
};
use botwot_adapters::meta::{MetaEvent, PayloadError};
use botwot_engine::message::Delivery;
use botwot_engine::{Channel, MessageBody, SessionEvent, Timestamp};
use serde_json::json;

const PAGE_ID: &str = "107836291427361";
const PSID: &str = "6789012345678901";

#[test]
fn text_carries_page_sender_mid_time_and_body() {
    let message = only_message("messenger_text");
    assert_eq!(message.parties.channel, Channel::Messenger);
    assert_eq!(message.parties.page_id, PAGE_ID);
    assert_eq!(message.parties.sender_id, PSID);
    assert_eq!(message.parties.recipient_id.as_deref(), Some(PAGE_ID));
    assert_eq!(
        message.parties.timestamp,
        Some(Timestamp::from_millis(1_458_692_752_478))
    );
    assert_eq!(message.user_id(), Some(PSID));
    let mid = message.mid.clone().expect("mid");
    assert!(mid.starts_with("m_AG5Hz2"));
    assert_eq!(
        message.session_event(),
        SessionEvent::Inbound {
            provider_message_id: Some(mid),
            body: MessageBody::text("hello, world!"),
        }
    );
}

#[test]
fn image_attachment_is_media_with_its_url() {
    let message = only_message("messenger_image");
    assert_eq!(
        message.body,
        MessageBody::Media {
            media_type: "image".to_owned(),
            url: "https://scontent.xx.fbcdn.net/v/t1.15752-9/image.png".to_owned(),
            caption: None,
        }
    );
}

#[test]
fn quick_reply_is_its_title_and_keeps_its_payload() {
    let message = only_message("messenger_quick_reply");
    assert_eq!(message.body, MessageBody::text("Red"));
    let MessagingContent::Message(part) = message.content else {
        panic!("expected a message part");
    };
    assert_eq!(
        part.quick_reply.map(|reply| reply.payload).as_deref(),
        Some("DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_RED")
    );
}

#[test]
fn postback_is_its_visible_title_and_keeps_its_payload() {
    let message = only_message("messenger_postback");
    assert_eq!(message.mid.as_deref(), Some("m_postback01"));
    assert_eq!(message.body, MessageBody::text("Get Started"));
    let MessagingContent::Postback(postback) = message.content else {
        panic!("expected a postback");
    };
    assert_eq!(postback.payload.as_deref(), Some("GET_STARTED_PAYLOAD"));
}

#[test]
fn echo_is_kept_as_echo_with_the_user_as_recipient() {
    let MetaEvent::MessagingEcho(echo) = only_event("messenger_echo") else {
        panic!("expected one echo");
    };
    assert_eq!(echo.parties.sender_id, PAGE_ID);
    assert_eq!(echo.user_id(), Some(PSID));
    assert_eq!(echo.body, MessageBody::text("Thanks for writing!"));
    assert_eq!(echo.mid.as_deref(), Some("m_echo01"));
}

#[test]
fn reaction_names_the_message_and_emoji() {
    let MetaEvent::MessagingReaction(reaction) = only_event("messenger_reaction") else {
        panic!("expected one reaction");
    };
    assert_eq!(reaction.action, ReactionAction::React);
    assert_eq!(reaction.mid, "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM");
    assert_eq!(reaction.reaction.as_deref(), Some("love"));
    assert_eq!(reaction.emoji.as_deref(), Some("\u{2764}\u{fe0f}"));
    assert_eq!(reaction.parties.sender_id, PSID);
}

#[test]
fn unreact_is_read_too() {
    let body = json!({"object": "page", "entry": [{"id": PAGE_ID, "messaging": [{
        "sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1,
        "reaction": {"mid": "m_1", "action": "unreact"}}]}]});
    let events = parse_webhook(body.to_string().as_bytes()).expect("parses");
    let [MetaEvent::MessagingReaction(reaction)] = events.as_slice() else {
        panic!("expected one reaction, got {events:?}");
    };
    assert_eq!(reaction.action, ReactionAction::Unreact);
    assert_eq!(reaction.emoji, None);
}

#[test]
fn read_and_delivery_are_receipts_with_watermarks() {
    let watermark = Some(Timestamp::from_millis(1_458_668_856_253));
    let MetaEvent::MessagingReceipt(read) = only_event("messenger_read") else {
        panic!("expected one receipt");
    };
    assert_eq!(
        read.receipt,
        ReceiptKind::Read {
            watermark,
            mid: None
        }
    );
    let MetaEvent::MessagingReceipt(delivery) = only_event("messenger_delivery") else {
        panic!("expected one receipt");
    };
    assert_eq!(
        delivery.receipt,
        ReceiptKind::Delivered {
            mids: vec!["mid.1458668856218:ed81099e15d3f4f233".to_owned()],
            watermark,
        }
    );
    assert_eq!(delivery.parties.sender_id, PSID);
    assert_eq!(
        delivery.receipt.delivery_updates(),
        [("mid.1458668856218:ed81099e15d3f4f233", Delivery::Delivered)]
    );
    assert!(
        read.receipt.delivery_updates().is_empty(),
        "a watermark names no message"
    );
    let instagram_read = ReceiptKind::Read {
        watermark: None,
        mid: Some("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3".to_owned()),
    };
    assert_eq!(
        instagram_read.delivery_updates(),
        [("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3", Delivery::Read)]
    );
}

#[test]
fn two_entries_keep_order_pages_and_unknown_items() {
    let events = events("messenger_two_entries");
    assert_eq!(events.len(), 4);
    let MetaEvent::MessagingMessage(first) = &events[0] else {
        panic!("first: {:?}", events[0]);
    };
    assert_eq!(first.body, MessageBody::text("first"));
    let MetaEvent::MessagingMessage(second) = &events[1] else {
        panic!("second: {:?}", events[1]);
    };
    assert_eq!(second.body, MessageBody::text("Menu"));
    let MetaEvent::OtherChange {
        channel,
        entry_id,
        field,
        value,
    } = &events[2]
    else {
        panic!("third: {:?}", events[2]);
    };
    assert_eq!(*channel, Channel::Messenger);
    assert_eq!(entry_id, "208836291427362");
    assert_eq!(field, "optin");
    assert_eq!(value["optin"]["ref"], "PASS_THROUGH_PARAM");
    let MetaEvent::MessagingMessage(fourth) = &events[3] else {
        panic!("fourth: {:?}", events[3]);
    };
    assert_eq!(fourth.parties.page_id, "208836291427362");
    assert!(matches!(
        &fourth.body,
        MessageBody::Media { media_type, url, caption: None }
            if media_type == "fallback" && url == "https://example.com/shared"
    ));
}

#[test]
fn items_without_ids_or_urls_are_kept_not_dropped() {
    let template = json!({"sender": {"id": PSID}, "timestamp": 1, "message": {"mid": "m_t",
        "attachments": [{"type": "template", "payload": {"template_type": "generic"}}]}});
    let no_sender = json!({"recipient": {"id": PAGE_ID}, "message": {"mid": "m_x", "text": "hi"}});
    let no_mid = json!({"sender": {"id": PSID}, "message": {"text": "hi"}});
    let body = json!({"object": "page", "entry": [{"id": PAGE_ID,
        "messaging": [template, no_sender, no_mid]}]});
    let events = parse_webhook(body.to_string().as_bytes()).expect("parses");
    assert_eq!(events.len(), 3);
    let MetaEvent::MessagingMessage(message) = &events[0] else {
        panic!("template: {:?}", events[0]);
    };
    assert_eq!(message.body, MessageBody::Unsupported { raw: template });
    for (event, raw) in events[1..].iter().zip([no_sender, no_mid]) {
        assert!(
            matches!(event, MetaEvent::Unreadable { channel: Channel::Messenger, raw: kept, .. } if *kept == raw),
            "{event:?}"
        );
    }
}

#[test]
fn other_objects_are_refused() {
    let error = parse_webhook(&fixture("whatsapp_text")).expect_err("not a page");
    assert_eq!(error.code(), "payload_unexpected_object");
    assert!(matches!(
        error,
        PayloadError::UnexpectedObject {
            expected: "page",
            ..
        }
    ));
}

#[test]
fn a_new_comment_on_a_page_post_is_a_post_comment_and_other_feed_changes_are_kept() {
    let events = events("messenger_feed_comment");
    let [
        MetaEvent::PostComment(comment),
        MetaEvent::OtherChange { field, value, .. },
    ] = events.as_slice()
    else {
        panic!("expected a comment and another change, got {events:?}");
    };
    assert_eq!(comment.channel, Channel::Messenger);
    assert_eq!(comment.account_id, "107309982261958");
    assert_eq!(comment.comment_id, "1234567890123456_987654321098765");
    assert_eq!(comment.text.as_deref(), Some("Do you ship to Canada?"));
    let author = comment.from.as_ref().expect("an author");
    assert_eq!(author.id, "6783451234567890");
    assert_eq!(author.name.as_deref(), Some("Kerry Lane"));
    assert_eq!(
        comment.media.as_ref().map(|post| post.id.as_str()),
        Some("107309982261958_1234567890123456")
    );
    assert!(!comment.is_reply(), "a comment on the post itself");
    assert!(!comment.is_own());
    assert_eq!(events[0].channel(), Channel::Messenger);
    assert_eq!(field, "feed");
    assert_eq!(value["item"], "reaction");
}

#[test]
fn a_reply_to_a_page_comment_names_its_parent_and_the_pages_own_comments_are_recognised() {
    let page = "107309982261958";
    let reply = json!({"item": "comment", "verb": "add", "comment_id": "1234567890123456_2",
        "message": "Thanks!", "from": {"id": page, "name": "The Shop"},
        "post_id": "107309982261958_1234567890123456",
        "parent_id": "1234567890123456_987654321098765"});
    let removed = json!({"item": "comment", "verb": "remove", "comment_id": "1234567890123456_3",
        "post_id": "107309982261958_1234567890123456"});
    let body = json!({"object": "page", "entry": [{"id": page, "time": 1, "changes": [
        {"field": "feed", "value": reply}, {"field": "feed", "value": removed}]}]});
    let events = parse_webhook(body.to_string().as_bytes()).expect("parses");
    let [
        MetaEvent::PostComment(comment),
        MetaEvent::OtherChange { .. },
    ] = events.as_slice()
    else {
        panic!("expected a comment and a removal kept whole, got {events:?}");
    };
    assert!(comment.is_reply() && comment.is_own());
}
