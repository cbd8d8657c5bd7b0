//! Meta channel adapter tests: signatures and the subscription handshake, WhatsApp, Messenger and
//! Instagram payloads read from fixtures shaped like Meta's published examples, the dispatcher,
//! parser robustness on generated input, and the Graph API sender against a local server.

mod dispatch;
mod graph;
mod instagram;
mod messenger;
mod robustness;
mod signature;
mod whatsapp;

use botwot_adapters::meta::messenger::MessagingInbound;
use botwot_adapters::meta::{MetaEvent, parse_webhook};
use std::path::PathBuf;

/// The events of a fixture, read through the dispatcher.
pub fn events(name: &str) -> Vec<MetaEvent> {
    parse_webhook(&fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The only event of a fixture.
pub fn only_event(name: &str) -> MetaEvent {
    let mut events = events(name);
    assert_eq!(events.len(), 1, "{name}: {events:?}");
    events.remove(0)
}

/// The only event of a fixture, which must be a Messenger Platform message or postback.
pub fn only_message(name: &str) -> MessagingInbound {
    match only_event(name) {
        MetaEvent::MessagingMessage(message) => *message,
        other => panic!("{name}: expected a message, got {other:?}"),
    }
}

/// The raw bytes of `tests/fixtures/meta/<name>.json`, exactly as a webhook would carry them.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/meta")
        .join(format!("{name}.json"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("fixture {}: {error}", path.display()))
}

/// Every fixture name, for tests that run over all of them.
pub fn fixture_names() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/meta");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            path.file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
