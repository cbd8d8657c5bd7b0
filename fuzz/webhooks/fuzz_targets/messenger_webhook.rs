//! Feeds arbitrary bytes, as a webhook body, to the Messenger webhook parser alone (the seeds in
//! fuzz/webhooks/seeds and adapters/tests/fixtures/meta are Meta's example payloads); the
//! checks are in `common/one_parser.rs`.

#![no_main]

#[path = "common/one_parser.rs"]
mod one_parser;

use botwot_engine::Channel;
use botwot_webhooks::meta::messenger;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| one_parser::check(body, messenger::parse_webhook, Channel::Messenger));
