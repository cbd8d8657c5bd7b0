//! `X-Shopify-Hmac-Sha256` over the example order: made here, made independently (with `hmac`
//! and `base64` directly, and once with `openssl dgst -sha256 -hmac ... -binary | base64`), and
//! refused when missing, malformed, wrong, or without a secret.

use super::*;
use crate::meta::signature::SignatureError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const SECRET: &[u8] = b"shpss_example_client_secret";
const ORDER: &[u8] = include_bytes!("../../../fuzz/webhooks/seeds/shopify_order.json");

#[test]
fn the_signature_shopify_sends_verifies() {
    let good = webhook_signature(SECRET, ORDER).unwrap();
    assert_eq!(good.len(), 44);
    assert!(good.ends_with('='));
    assert_eq!(verify_webhook(SECRET, Some(&good), ORDER), Ok(()));
    assert_eq!(
        verify_webhook(SECRET, Some(&format!("  {good}\t")), ORDER),
        Ok(())
    );
}

#[test]
fn a_signature_made_independently_verifies() {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(ORDER);
    let independent = STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(verify_webhook(SECRET, Some(&independent), ORDER), Ok(()));
    assert_eq!(webhook_signature(SECRET, ORDER).unwrap(), independent);

    // printf '%s' '{"id":820982911946154508,"name":"#9999"}' \
    //   | openssl dgst -sha256 -hmac 'shpss_example_client_secret' -binary | base64
    let body = br##"{"id":820982911946154508,"name":"#9999"}"##;
    let openssl = "Idr/rZ4CDGGL5uWUAWcccPOS7ZEHD3+wJ0/2k+dELuA=";
    assert_eq!(verify_webhook(SECRET, Some(openssl), body), Ok(()));
    assert_eq!(webhook_signature(SECRET, body).unwrap(), openssl);
}

#[test]
fn a_signature_of_other_bytes_or_under_another_secret_is_a_mismatch() {
    let good = webhook_signature(SECRET, ORDER).unwrap();
    assert_eq!(
        verify_webhook(b"shpss_other", Some(&good), ORDER),
        Err(SignatureError::Mismatch)
    );
    let mut reserialized = serde_json::from_slice::<serde_json::Value>(ORDER)
        .unwrap()
        .to_string()
        .into_bytes();
    assert_eq!(
        verify_webhook(SECRET, Some(&good), &reserialized),
        Err(SignatureError::Mismatch)
    );
    reserialized.clear();
    assert_eq!(
        verify_webhook(SECRET, Some(&good), &reserialized),
        Err(SignatureError::Mismatch)
    );
    let other = webhook_signature(SECRET, b"{}").unwrap();
    assert_eq!(
        verify_webhook(SECRET, Some(&other), ORDER),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn a_missing_header_or_secret_is_refused() {
    let good = webhook_signature(SECRET, ORDER).unwrap();
    assert_eq!(
        verify_webhook(SECRET, None, ORDER),
        Err(SignatureError::MissingHeader)
    );
    assert_eq!(
        verify_webhook(b"", Some(&good), ORDER),
        Err(SignatureError::NoSecret)
    );
    assert_eq!(
        verify_webhook(b"", None, ORDER),
        Err(SignatureError::NoSecret)
    );
    assert_eq!(webhook_signature(b"", ORDER), None);
}

#[test]
fn a_header_that_is_not_base64_of_32_bytes_is_malformed() {
    let good = webhook_signature(SECRET, ORDER).unwrap();
    let digest = STANDARD.decode(&good).unwrap();
    let malformed = [
        String::new(),
        "   ".into(),
        good.trim_end_matches('=').into(),
        hex::encode(&digest),
        format!("sha256={good}"),
        // URL-safe Base64 is not Shopify's alphabet.
        STANDARD
            .encode([0xfb; 32])
            .replace('+', "-")
            .replace('/', "_"),
        STANDARD.encode(&digest[..31]),
        STANDARD.encode([&digest[..], &[0]].concat()),
        format!("{}!=", &good[..42]),
        // The last digit carries bits past the 32 bytes: not canonical Base64.
        format!("{}B=", &good[..42]),
        "é".repeat(22),
    ];
    for header in malformed {
        assert_eq!(
            verify_webhook(SECRET, Some(&header), ORDER),
            Err(SignatureError::MalformedHeader),
            "{header:?}"
        );
    }
}

#[test]
fn the_headers_are_named_in_lower_case() {
    for name in [
        HMAC_HEADER,
        TOPIC_HEADER,
        SHOP_DOMAIN_HEADER,
        WEBHOOK_ID_HEADER,
    ] {
        assert_eq!(name, name.to_ascii_lowercase());
        assert!(name.starts_with("x-shopify-"));
    }
    assert_eq!(HMAC_HEADER, "x-shopify-hmac-sha256");
}
