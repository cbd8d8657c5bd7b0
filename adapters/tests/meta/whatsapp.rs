//! WhatsApp Cloud API payloads from fixtures, read into events.

use crate::{fixture, fixture_names};
use botwot_adapters::meta::whatsapp::{
    InteractiveReply, MediaKind, StatusKind, WhatsAppContent, WhatsAppInbound, WhatsAppStatus,
    media_id, parse_webhook,
};
use botwot_adapters::meta::{MetaEvent, PayloadError};
use botwot_engine::message::Delivery;
use botwot_engine::{Channel, MessageBody, SessionEvent, Timestamp};
use serde_json::json;

const PHONE_NUMBER_ID: &str = "106540352242922";
const WA_ID: &str = "16505551234";

fn events(name: &str) -> Vec<MetaEvent> {
    parse_webhook(&fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn messages(name: &str) -> Vec<WhatsAppInbound> {
    events(name)
        .into_iter()
        .map(|event| match event {
            MetaEvent::WhatsAppMessage(message) => *message,
            other => panic!("{name}: expected a message, got {other:?}"),
        })
        .collect()
}

fn only_message(name: &str) -> WhatsAppInbound {
    let mut all = messages(name);
    assert_eq!(all.len(), 1, "{name}");
    all.remove(0)
}

fn only_status(name: &str) -> WhatsAppStatus {
    match events(name).as_slice() {
        [MetaEvent::WhatsAppStatus(status)] => status.clone(),
        other => panic!("{name}: expected one status, got {other:?}"),
    }
}

/// The raw message, as the fixture has it: what an unsupported body must keep.
fn raw_message(name: &str) -> serde_json::Value {
    let payload: serde_json::Value = serde_json::from_slice(&fixture(name)).expect("fixture json");
    payload["entry"][0]["changes"][0]["value"]["messages"][0].clone()
}

/// The content of the fixture's only message, after checking its body keeps the raw message.
fn kept_raw(name: &str) -> WhatsAppContent {
    let message = only_message(name);
    let raw = raw_message(name);
    assert_eq!(message.body, MessageBody::Unsupported { raw }, "{name}");
    message.content
}

#[test]
fn text_carries_account_contact_wamid_time_and_body() {
    let message = only_message("whatsapp_text");
    assert_eq!(message.account.phone_number_id, PHONE_NUMBER_ID);
    assert_eq!(message.account.business_account_id, "102290129340398");
    assert_eq!(
        message.account.display_phone_number.as_deref(),
        Some("15550783881")
    );
    assert_eq!(message.wa_id, WA_ID);
    assert_eq!(message.profile_name.as_deref(), Some("Sheena Nelson"));
    assert!(message.wamid.starts_with("wamid."));
    assert_eq!(
        message.timestamp,
        Some(Timestamp::from_millis(1_739_321_024_000))
    );
    assert_eq!(
        message.body,
        MessageBody::text("Does it come in another color?")
    );
    assert_eq!(message.context, None);
}

#[test]
fn image_is_a_media_reference_with_its_caption() {
    let message = only_message("whatsapp_image");
    let MessageBody::Media {
        media_type,
        url,
        caption,
    } = &message.body
    else {
        panic!("expected media, got {:?}", message.body);
    };
    assert_eq!(media_type, "image");
    assert_eq!(url, "whatsapp-media:1003383421387256");
    assert_eq!(media_id(url), Some("1003383421387256"));
    assert_eq!(caption.as_deref(), Some("Black and white sneakers"));
    let WhatsAppContent::Media { kind, media } = &message.content else {
        panic!("expected media content");
    };
    assert_eq!(*kind, MediaKind::Image);
    assert_eq!(media.mime_type.as_deref(), Some("image/jpeg"));
}

#[test]
fn document_keeps_caption_and_file_name() {
    let message = only_message("whatsapp_document");
    assert_eq!(
        message.body,
        MessageBody::Media {
            media_type: "document".into(),
            url: "whatsapp-media:2001983287003921".into(),
            caption: Some("Order confirmation".into()),
        }
    );
    let WhatsAppContent::Media { media, .. } = &message.content else {
        panic!("expected media content");
    };
    assert_eq!(media.filename.as_deref(), Some("order-4523.pdf"));
}

#[test]
fn video_audio_and_sticker_are_media_too() {
    let kinds: Vec<(String, Option<String>)> = messages("whatsapp_media_kinds")
        .into_iter()
        .map(|message| match message.body {
            MessageBody::Media {
                media_type,
                caption,
                url,
            } => {
                assert!(url.starts_with("whatsapp-media:"));
                (media_type, caption)
            }
            other => panic!("expected media, got {other:?}"),
        })
        .collect();
    let expected = [("video", None), ("audio", None), ("sticker", None)]
        .map(|(kind, caption)| (kind.to_owned(), caption));
    assert_eq!(kinds, expected);
}

#[test]
fn button_reply_reads_as_its_visible_title() {
    let message = only_message("whatsapp_interactive_button_reply");
    assert_eq!(message.body, MessageBody::text("Change"));
    let WhatsAppContent::Interactive(InteractiveReply::ButtonReply(choice)) = &message.content
    else {
        panic!("expected a button reply, got {:?}", message.content);
    };
    assert_eq!(choice.id, "change-button");
    let context = message.context.expect("a reply has context");
    assert_eq!(context.from.as_deref(), Some("15550783881"));
    assert!(context.id.is_some_and(|id| id.starts_with("wamid.")));
}

#[test]
fn list_reply_reads_as_its_visible_title() {
    let message = only_message("whatsapp_interactive_list_reply");
    assert_eq!(message.body, MessageBody::text("Express Shipping"));
    let WhatsAppContent::Interactive(InteractiveReply::ListReply(choice)) = &message.content else {
        panic!("expected a list reply, got {:?}", message.content);
    };
    assert_eq!(choice.id, "priority_express");
    assert_eq!(choice.description.as_deref(), Some("Next Day to 2 Days"));
}

#[test]
fn template_button_reads_as_its_text_and_keeps_the_payload() {
    let message = only_message("whatsapp_button");
    assert_eq!(message.body, MessageBody::text("Stop promotions"));
    let WhatsAppContent::Button(button) = &message.content else {
        panic!("expected a button, got {:?}", message.content);
    };
    assert_eq!(button.payload.as_deref(), Some("STOP_PROMOS"));
}

#[test]
fn reaction_is_kept_raw_with_its_parsed_fields() {
    let content = kept_raw("whatsapp_reaction");
    let WhatsAppContent::Reaction(reaction) = &content else {
        panic!("expected a reaction, got {content:?}");
    };
    assert!(reaction.message_id.starts_with("wamid."));
    assert_eq!(reaction.emoji.as_deref(), Some("\u{1F44D}"));
}

#[test]
fn location_is_kept_raw_with_its_parsed_fields() {
    let content = kept_raw("whatsapp_location");
    let WhatsAppContent::Location(location) = &content else {
        panic!("expected a location, got {content:?}");
    };
    assert!((location.latitude - 37.483307).abs() < 1e-9);
    assert!((location.longitude + 122.148981).abs() < 1e-9);
    assert_eq!(location.name.as_deref(), Some("Meta Headquarters"));
}

#[test]
fn contacts_order_and_system_are_kept_raw_with_their_parsed_fields() {
    let contacts = kept_raw("whatsapp_contacts");
    let WhatsAppContent::Contacts(cards) = &contacts else {
        panic!("expected contacts, got {contacts:?}");
    };
    let name = cards[0]
        .name
        .as_ref()
        .and_then(|name| name.formatted_name.as_deref());
    assert_eq!(name, Some("Barbara J. Johnson"));
    assert_eq!(cards[0].phones[0].wa_id.as_deref(), Some("14155550123"));

    let order = kept_raw("whatsapp_order");
    let WhatsAppContent::Order(order) = &order else {
        panic!("expected an order, got {order:?}");
    };
    let items: Vec<_> = order
        .product_items
        .iter()
        .map(|item| {
            (
                item.product_retailer_id.as_str(),
                item.quantity,
                item.item_price,
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("di9ozbzfi4", Some(2.0), Some(30.0)),
            ("nqryix03ez", Some(1.0), Some(25.5))
        ]
    );

    let system = kept_raw("whatsapp_system");
    let WhatsAppContent::System(notice) = &system else {
        panic!("expected a system notice, got {system:?}");
    };
    assert_eq!(notice.system_type.as_deref(), Some("user_changed_number"));
    assert_eq!(notice.new_wa_id.as_deref(), Some("16505550000"));
}

#[test]
fn unsupported_message_keeps_raw_json_and_errors() {
    let message = only_message("whatsapp_unsupported");
    assert_eq!(
        message.body,
        MessageBody::Unsupported {
            raw: raw_message("whatsapp_unsupported")
        }
    );
    assert_eq!(
        message.content,
        WhatsAppContent::Unsupported {
            message_type: "unsupported".into()
        }
    );
    assert_eq!(message.errors[0].code, Some(131051));
    assert_eq!(
        message.errors[0].details(),
        Some("Message type is currently not supported.")
    );
}

#[test]
fn odd_messages_are_kept_never_dropped() {
    let events = events("whatsapp_odd_messages");
    assert_eq!(events.len(), 4);
    let unknown_types: Vec<_> = events[..3]
        .iter()
        .map(|event| match event {
            MetaEvent::WhatsAppMessage(message) => {
                assert!(matches!(message.body, MessageBody::Unsupported { .. }));
                message.content.clone()
            }
            other => panic!("expected a message, got {other:?}"),
        })
        .collect();
    assert_eq!(
        unknown_types,
        [
            WhatsAppContent::Unknown {
                message_type: "hologram".into()
            },
            WhatsAppContent::Unknown {
                message_type: "image".into()
            },
            WhatsAppContent::Interactive(InteractiveReply::Other {
                reply_type: "nfm_reply".into()
            }),
        ]
    );
    let MetaEvent::Unreadable {
        channel,
        raw,
        reason,
        ..
    } = &events[3]
    else {
        panic!(
            "a message without a sender is unreadable, got {:?}",
            events[3]
        );
    };
    assert_eq!(*channel, Channel::WhatsApp);
    assert_eq!(raw["text"]["body"], "no sender");
    assert!(reason.contains("missing field `from`"), "{reason}");
}

#[test]
fn statuses_map_to_engine_delivery_states() {
    let cases = [
        ("whatsapp_status_sent", StatusKind::Sent, Delivery::Sent),
        (
            "whatsapp_status_delivered",
            StatusKind::Delivered,
            Delivery::Delivered,
        ),
        ("whatsapp_status_read", StatusKind::Read, Delivery::Read),
    ];
    for (name, kind, delivery) in cases {
        let status = only_status(name);
        assert_eq!(status.status, kind, "{name}");
        assert_eq!(status.delivery(), Some(delivery), "{name}");
        assert_eq!(status.account.phone_number_id, PHONE_NUMBER_ID);
        assert_eq!(status.recipient_id.as_deref(), Some(WA_ID));
        assert!(status.wamid.starts_with("wamid."));
        assert!(status.timestamp.is_some());
        assert!(status.errors.is_empty());
    }
    let sent = only_status("whatsapp_status_sent");
    assert_eq!(
        sent.conversation_id.as_deref(),
        Some("c0d7e2ee3e8c9f1d57e1b1a6b0a1e2c3")
    );
    assert_eq!(sent.pricing_category.as_deref(), Some("service"));
}

#[test]
fn failed_status_carries_its_error() {
    let status = only_status("whatsapp_status_failed");
    assert_eq!(status.status, StatusKind::Failed);
    let error = &status.errors[0];
    assert_eq!(error.code, Some(131026));
    assert_eq!(error.title.as_deref(), Some("Message undeliverable"));
    assert_eq!(error.details(), Some("Message Undeliverable."));
    assert_eq!(
        status.delivery(),
        Some(Delivery::Failed {
            reason: "131026: Message undeliverable".into()
        })
    );
}

#[test]
fn two_entries_and_two_changes_come_out_flat_and_in_order() {
    let events = events("whatsapp_two_entries");
    assert_eq!(events.len(), 4);
    let MetaEvent::WhatsAppMessage(first) = &events[0] else {
        panic!("{:?}", events[0])
    };
    assert_eq!(first.body, MessageBody::text("first entry, first change"));
    assert_eq!(first.account.phone_number_id, PHONE_NUMBER_ID);
    let MetaEvent::WhatsAppStatus(status) = &events[1] else {
        panic!("{:?}", events[1])
    };
    assert_eq!(status.status, StatusKind::Delivered);
    let MetaEvent::WhatsAppMessage(second) = &events[2] else {
        panic!("{:?}", events[2])
    };
    assert_eq!(second.account.phone_number_id, "110200345501442");
    assert_eq!(second.account.business_account_id, "109983645236775");
    assert_eq!(second.wa_id, "447700900123");
    assert_eq!(second.profile_name.as_deref(), Some("Ravi Kumar"));
    let MetaEvent::OtherChange {
        field, entry_id, ..
    } = &events[3]
    else {
        panic!("{:?}", events[3])
    };
    assert_eq!(field, "message_template_status_update");
    assert_eq!(entry_id, "109983645236775");
    assert!(
        events
            .iter()
            .all(|event| event.channel() == Channel::WhatsApp)
    );
}

#[test]
fn phone_number_errors_are_events() {
    let events = events("whatsapp_phone_number_error");
    let [MetaEvent::WhatsAppError(error)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(error.account.phone_number_id, PHONE_NUMBER_ID);
    assert_eq!(error.error.code, Some(131000));
}

#[test]
fn every_fixture_parses_and_every_message_has_ids() {
    for name in fixture_names()
        .iter()
        .filter(|name| name.starts_with("whatsapp_"))
    {
        for event in events(name) {
            if let MetaEvent::WhatsAppMessage(message) = event {
                assert!(
                    !message.wamid.is_empty() && !message.wa_id.is_empty(),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn bodies_that_are_not_whatsapp_webhooks_are_clear_errors() {
    let cases: [(&[u8], &str); 6] = [
        (b"", "payload_invalid_json"),
        (b"{\"object\": ", "payload_invalid_json"),
        (b"not json", "payload_invalid_json"),
        (b"[]", "payload_invalid_shape"),
        (b"{\"entry\": []}", "payload_invalid_shape"),
        (
            b"{\"object\": \"whatsapp_business_account\", \"entry\": {}}",
            "payload_invalid_shape",
        ),
    ];
    for (body, code) in cases {
        let error = parse_webhook(body).unwrap_err();
        assert_eq!(
            error.code(),
            code,
            "{:?}: {error}",
            String::from_utf8_lossy(body)
        );
    }
    let page = json!({ "object": "page", "entry": [] }).to_string();
    assert_eq!(
        parse_webhook(page.as_bytes()),
        Err(PayloadError::UnexpectedObject {
            found: "page".into(),
            expected: "whatsapp_business_account"
        })
    );
}

#[test]
fn a_change_without_metadata_is_unreadable_and_the_rest_still_reads() {
    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "1", "changes": [
            { "field": "messages", "value": { "messages": [] } },
            { "field": "messages", "value": serde_json::from_slice::<serde_json::Value>(
                &fixture("whatsapp_text")).unwrap()["entry"][0]["changes"][0]["value"] }
        ]}]
    });
    let events = parse_webhook(body.to_string().as_bytes()).unwrap();
    assert!(matches!(events[0], MetaEvent::Unreadable { .. }));
    assert!(matches!(events[1], MetaEvent::WhatsAppMessage(_)));
}

#[test]
fn a_message_becomes_the_engine_inbound_event_keyed_by_wamid() {
    let message = only_message("whatsapp_text");
    assert_eq!(
        message.session_event(),
        SessionEvent::Inbound {
            provider_message_id: Some(message.wamid.clone()),
            body: MessageBody::text("Does it come in another color?"),
        }
    );
}
