//! Feeds arbitrary bytes, as a webhook body, to the Meta webhook readers (WhatsApp, Messenger,
//! Instagram) and to the `X-Hub-Signature-256` check, with header values cut from the same bytes
//! (so the seeds, fuzz/webhooks/seeds and adapters/tests/fixtures/meta, are plain webhook bodies).
//!
//! Must hold: nothing panics; a refused body has a stable `payload_*` code; a header that is not
//! `sha256=` and 64 hex digits is `signature_malformed`, and the header Meta would send for the
//! body always verifies.

#![no_main]

use botwot_webhooks::meta::signature::{SignatureError, signature_header, verify_signature};
use botwot_webhooks::meta::{instagram, messenger, parse_webhook, whatsapp};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzzing-app-secret";

fuzz_target!(|body: &[u8]| {
    read_body(body);
    let head = String::from_utf8_lossy(&body[..body.len().min(80)]);
    for header in [None, Some(&*head), std::str::from_utf8(body).ok()] {
        check_signature(SECRET, header, body);
    }
    check_signature(b"", Some(&head), body);
});

fn read_body(body: &[u8]) {
    if let Err(error) = parse_webhook(body) {
        assert!(error.code().starts_with("payload_"), "{error:?}");
    }
    let _ = whatsapp::parse_webhook(body);
    let _ = messenger::parse_webhook(body);
    let _ = instagram::parse_webhook(body);
}

fn check_signature(secret: &[u8], header: Option<&str>, body: &[u8]) {
    let verdict = verify_signature(secret, header, body);
    if secret.is_empty() {
        assert_eq!(verdict, Err(SignatureError::NoSecret));
        return;
    }
    if let Some(header) = header
        && !is_well_formed(header.trim())
    {
        assert_eq!(verdict, Err(SignatureError::MalformedHeader), "{header:?}");
    }
    let genuine = signature_header(secret, body).expect("a non-empty secret signs");
    assert_eq!(verify_signature(secret, Some(&genuine), body), Ok(()));
}

/// `sha256=` (any case) and 64 hex digits, as the header must be.
fn is_well_formed(header: &str) -> bool {
    header.len() == 71
        && header.is_char_boundary(7)
        && header[..7].eq_ignore_ascii_case("sha256=")
        && header[7..].bytes().all(|byte| byte.is_ascii_hexdigit())
}
