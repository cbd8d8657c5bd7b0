//! Feeds arbitrary bytes, as a webhook body, to the Razorpay event reader and to the
//! `X-Razorpay-Signature` check, with header values cut from the same bytes (the seeds in
//! fuzz/webhooks/seeds include Razorpay's example events), and to the checkout signature checks.
//!
//! Must hold: nothing panics; a refused body has a stable `razorpay_*` code; a header that is
//! not 64 hex digits is `signature_malformed`; the signature Razorpay would send always
//! verifies, and a checkout signature verifies only for the ids it was made for.

#![no_main]

use botwot_webhooks::meta::signature::SignatureError;
use botwot_webhooks::razorpay::{
    order_checkout_signature, parse_event, verify_order_checkout, verify_subscription_checkout,
    verify_webhook, webhook_signature,
};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzzing-webhook-secret";

fuzz_target!(|body: &[u8]| {
    if let Err(error) = parse_event(body) {
        assert!(error.code().starts_with("razorpay_"), "{error:?}");
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(80)]);
    for header in [None, Some(&*head), std::str::from_utf8(body).ok()] {
        check_signature(header, body);
    }
    assert_eq!(
        verify_webhook(b"", Some(&head), body),
        Err(SignatureError::NoSecret)
    );
    check_checkout(&head);
});

fn check_signature(header: Option<&str>, body: &[u8]) {
    let verdict = verify_webhook(SECRET, header, body);
    if let Some(header) = header {
        let trimmed = header.trim();
        if trimmed.len() != 64 || !trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
            assert_eq!(verdict, Err(SignatureError::MalformedHeader), "{header:?}");
        }
    }
    let genuine = webhook_signature(SECRET, body).expect("a non-empty secret signs");
    assert_eq!(verify_webhook(SECRET, Some(&genuine), body), Ok(()));
}

fn check_checkout(text: &str) {
    let middle = (0..=text.len() / 2)
        .rev()
        .find(|at| text.is_char_boundary(*at))
        .unwrap_or(0);
    let (order, payment) = text.split_at(middle);
    let signature = order_checkout_signature(SECRET, order, payment);
    assert!(verify_order_checkout(SECRET, order, payment, &signature));
    assert!(!verify_subscription_checkout(SECRET, order, payment, text));
}
