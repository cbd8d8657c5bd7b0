//! Feeds arbitrary bytes, as a webhook body or an Admin API answer, to the Shopify order readers
//! and to the `X-Shopify-Hmac-Sha256` check, with header values and a topic cut from the same
//! bytes (the seeds in fuzz/webhooks/seeds include an order shaped like Shopify's example order
//! webhook).
//!
//! Must hold: nothing panics; a refused body has a stable `shopify_*` code; an order that is
//! read has an id of digits, a name, a currency and an amount of digits; a topic reads back from
//! its name; a header that is not Base64 of 32 bytes (44 characters, the last `=`) is
//! `signature_malformed`; the signature Shopify would send always verifies.

#![no_main]

use botwot_engine::commerce::OrderSnapshot;
use botwot_webhooks::meta::signature::SignatureError;
use botwot_webhooks::shopify::{
    OrderError, Topic, parse_order, parse_order_answer, parse_orders_answer, verify_webhook,
    webhook_signature,
};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzzing-webhook-secret";

fuzz_target!(|body: &[u8]| {
    check_order(parse_order(body));
    check_order(parse_order_answer(body));
    match parse_orders_answer(body) {
        Ok(orders) => orders.iter().for_each(check_snapshot),
        Err(error) => check_error(&error),
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(80)]);
    let topic = Topic::parse(&head);
    assert_eq!(Topic::parse(topic.as_str()), topic);
    for header in [None, Some(&*head), std::str::from_utf8(body).ok()] {
        check_signature(header, body);
    }
    assert_eq!(
        verify_webhook(b"", Some(&head), body),
        Err(SignatureError::NoSecret)
    );
});

fn check_order(read: Result<OrderSnapshot, OrderError>) {
    match read {
        Ok(order) => check_snapshot(&order),
        Err(error) => check_error(&error),
    }
}

fn check_error(error: &OrderError) {
    assert!(error.code().starts_with("shopify_"), "{error:?}");
}

fn check_snapshot(order: &OrderSnapshot) {
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    assert!(digits(&order.order_id), "{order:?}");
    assert!(!order.name.is_empty() && !order.currency.is_empty(), "{order:?}");
    assert!(
        order.total_price.split('.').all(digits) && order.total_price.split('.').count() <= 2,
        "{order:?}"
    );
    // Deciding on the order never panics either.
    let _ = (order.is_cash_on_delivery(), order.is_settled());
}

fn check_signature(header: Option<&str>, body: &[u8]) {
    let verdict = verify_webhook(SECRET, header, body);
    if let Some(header) = header {
        if !looks_like_base64_of_32_bytes(header.trim()) {
            assert_eq!(verdict, Err(SignatureError::MalformedHeader), "{header:?}");
        }
    } else {
        assert_eq!(verdict, Err(SignatureError::MissingHeader));
    }
    let genuine = webhook_signature(SECRET, body).expect("a non-empty secret signs");
    assert!(looks_like_base64_of_32_bytes(&genuine), "{genuine:?}");
    assert_eq!(verify_webhook(SECRET, Some(&genuine), body), Ok(()));
}

/// 43 digits of the standard Base64 alphabet and one `=`: the form of every 32 bytes in padded
/// Base64 (not every such text is canonical Base64, so only its absence is asserted on).
fn looks_like_base64_of_32_bytes(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 44
        && bytes[43] == b'='
        && bytes[..43]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}
