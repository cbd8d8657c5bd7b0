//! The signature Shopify puts on every webhook, and the headers that come with it.
//!
//! `X-Shopify-Hmac-Sha256` is the Base64 (standard alphabet, padded) HMAC-SHA256 of the raw body
//! under the app's client secret: 44 characters for the MAC's 32 bytes. [`verify_webhook`]
//! recomputes it over the bytes exactly as they arrived and compares in constant time.

use crate::mac::{base64_of, bytes_match, claimed_base64};
use crate::meta::signature::SignatureError;

/// The header Shopify puts the body's signature in.
pub const HMAC_HEADER: &str = "x-shopify-hmac-sha256";
/// The header naming the webhook's topic (`orders/create`, ...): see [`Topic`](super::Topic).
pub const TOPIC_HEADER: &str = "x-shopify-topic";
/// The header naming the shop the webhook is about (`example.myshopify.com`).
pub const SHOP_DOMAIN_HEADER: &str = "x-shopify-shop-domain";
/// The header with the webhook's id, the same on every retry of one delivery.
pub const WEBHOOK_ID_HEADER: &str = "x-shopify-webhook-id";

/// An HMAC-SHA256 is 32 bytes (44 characters of padded Base64).
const SIGNATURE_LEN: usize = 32;

/// Verifies `header` (the value of `X-Shopify-Hmac-Sha256`, `None` when absent) against the
/// HMAC-SHA256 of `body` under the app's client secret.
pub fn verify_webhook(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
) -> Result<(), SignatureError> {
    let claimed = claimed_base64(secret, header, SIGNATURE_LEN)?;
    if bytes_match(secret, &claimed, &[body]) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The `X-Shopify-Hmac-Sha256` Shopify would send for `body` (for simulators and tests); `None`
/// when the secret is empty.
pub fn webhook_signature(secret: &[u8], body: &[u8]) -> Option<String> {
    base64_of(secret, &[body])
}
