//! The single entry point: `meta::parse_webhook` picks the parser by the body's `object`.

use crate::{fixture, fixture_names};
use botwot_adapters::meta::{MetaEvent, instagram, messenger, parse_webhook, whatsapp};
use botwot_engine::Channel;

#[test]
fn every_fixture_reads_as_its_own_parser_reads_it() {
    for name in fixture_names() {
        let body = fixture(&name);
        let (own, channel) = match name.split('_').next() {
            Some("whatsapp") => (whatsapp::parse_webhook(&body), Channel::WhatsApp),
            Some("messenger") => (messenger::parse_webhook(&body), Channel::Messenger),
            Some("instagram") => (instagram::parse_webhook(&body), Channel::Instagram),
            _ => panic!("fixture {name} has no channel prefix"),
        };
        let events = parse_webhook(&body).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(Ok(events.clone()), own, "{name}");
        assert!(
            events.iter().all(|event| event.channel() == channel),
            "{name}"
        );
        assert!(!events.is_empty(), "{name}");
    }
}

#[test]
fn other_objects_are_unexpected() {
    let error = parse_webhook(br#"{"object": "user", "entry": []}"#).expect_err("user");
    assert_eq!(error.code(), "payload_unexpected_object");
    assert_eq!(
        parse_webhook(b"{nope").expect_err("json").code(),
        "payload_invalid_json"
    );
    assert_eq!(
        parse_webhook(b"[1, 2]").expect_err("shape").code(),
        "payload_invalid_shape"
    );
}

#[test]
fn empty_entries_are_no_events() {
    for object in ["whatsapp_business_account", "page", "instagram"] {
        let body = format!(r#"{{"object": "{object}", "entry": []}}"#);
        assert_eq!(parse_webhook(body.as_bytes()), Ok(Vec::<MetaEvent>::new()));
    }
}
