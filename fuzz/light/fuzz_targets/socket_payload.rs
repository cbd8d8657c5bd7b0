//! Feeds arbitrary bytes, read as JSON (the seeds are plain payloads), to the Socket.IO payload
//! readers: the widget's connect `auth`, a visitor's `message` and `typing`, and the console's
//! `presence` and `typing`.
//!
//! Must hold: nothing panics; every refusal is `invalid_payload`, or `message_too_long` for a
//! message over the limit; an accepted message is non-blank text within the limit.

#![no_main]

use botwot_socket_payloads::RefusalCode;
use botwot_socket_payloads::console::{AgentTyping, Presence};
use botwot_socket_payloads::widget::{Typing, VisitorMessage, WidgetAuth};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Message limits to read each payload under: tiny, and the widget's usual size.
const MAX_CHARS: [usize; 2] = [8, 4096];

fuzz_target!(|bytes: &[u8]| {
    let Ok(payload) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    if let Err(error) = WidgetAuth::parse(Some(&payload)) {
        assert_eq!(error.code, RefusalCode::InvalidPayload);
    }
    for max_chars in MAX_CHARS {
        check_message(&payload, max_chars);
    }
    if let Err(error) = Presence::parse(Some(&payload)) {
        assert_eq!(error.code, RefusalCode::InvalidPayload);
    }
    if let Err(error) = Typing::parse(Some(&payload)) {
        assert_eq!(error.code, RefusalCode::InvalidPayload);
    }
    if let Err(error) = AgentTyping::parse(Some(&payload)) {
        assert_eq!(error.code, RefusalCode::InvalidPayload);
    }
});

fn check_message(payload: &Value, max_chars: usize) {
    match VisitorMessage::parse(payload, max_chars) {
        Ok(message) => {
            assert!(!message.text.trim().is_empty());
            assert!(message.text.chars().count() <= max_chars);
        }
        Err(error) => assert!(
            matches!(
                error.code,
                RefusalCode::InvalidPayload | RefusalCode::MessageTooLong
            ),
            "{error:?}"
        ),
    }
}
