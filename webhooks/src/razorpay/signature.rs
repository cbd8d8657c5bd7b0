//! The signatures Razorpay puts on webhooks and on a finished checkout.

use crate::mac::{hex_matches, hex_of};
use crate::meta::signature::SignatureError;

/// The header Razorpay puts the webhook signature in.
pub const SIGNATURE_HEADER: &str = "x-razorpay-signature";

/// Verifies `header` (the value of `X-Razorpay-Signature`, `None` when absent) against the
/// HMAC-SHA256 of `body` under the webhook secret.
pub fn verify_webhook(
    webhook_secret: &[u8],
    header: Option<&str>,
    body: &[u8],
) -> Result<(), SignatureError> {
    if webhook_secret.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let header = header.ok_or(SignatureError::MissingHeader)?.trim();
    if header.len() != 64 || !header.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SignatureError::MalformedHeader);
    }
    if hex_matches(webhook_secret, header, &[body]) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The `X-Razorpay-Signature` Razorpay would send for `body` (for simulators and tests).
pub fn webhook_signature(webhook_secret: &[u8], body: &[u8]) -> Option<String> {
    hex_of(webhook_secret, &[body])
}

/// Whether `signature` is Razorpay's signature of a checkout that paid `order_id` with
/// `payment_id`, under the API key secret.
pub fn verify_order_checkout(
    key_secret: &[u8],
    order_id: &str,
    payment_id: &str,
    signature: &str,
) -> bool {
    hex_matches(key_secret, signature, &order_parts(order_id, payment_id))
}

/// Whether `signature` is Razorpay's signature of a checkout that started `subscription_id`
/// with `payment_id`, under the API key secret.
pub fn verify_subscription_checkout(
    key_secret: &[u8],
    subscription_id: &str,
    payment_id: &str,
    signature: &str,
) -> bool {
    hex_matches(
        key_secret,
        signature,
        &subscription_parts(subscription_id, payment_id),
    )
}

/// The checkout signature of an order's payment (for simulators and tests).
pub fn order_checkout_signature(key_secret: &[u8], order_id: &str, payment_id: &str) -> String {
    hex_of(key_secret, &order_parts(order_id, payment_id)).unwrap_or_default()
}

/// The checkout signature of a subscription's first payment (for simulators and tests).
pub fn subscription_checkout_signature(
    key_secret: &[u8],
    subscription_id: &str,
    payment_id: &str,
) -> String {
    hex_of(key_secret, &subscription_parts(subscription_id, payment_id)).unwrap_or_default()
}

fn order_parts<'a>(order_id: &'a str, payment_id: &'a str) -> [&'a [u8]; 3] {
    [order_id.as_bytes(), b"|", payment_id.as_bytes()]
}

fn subscription_parts<'a>(subscription_id: &'a str, payment_id: &'a str) -> [&'a [u8]; 3] {
    [payment_id.as_bytes(), b"|", subscription_id.as_bytes()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";

    #[test]
    fn a_webhook_signed_with_the_secret_passes_and_any_other_is_refused() {
        let body = br#"{"event":"payment.captured"}"#;
        let good = webhook_signature(SECRET, body).unwrap();
        assert_eq!(verify_webhook(SECRET, Some(&good), body), Ok(()));
        assert_eq!(
            verify_webhook(SECRET, Some(&good.to_uppercase()), body),
            Ok(())
        );
        assert_eq!(
            verify_webhook(b"other", Some(&good), body),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_webhook(SECRET, Some(&good), b"{}"),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_webhook(SECRET, None, body),
            Err(SignatureError::MissingHeader)
        );
        assert_eq!(
            verify_webhook(SECRET, Some("sha256=abc"), body),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            verify_webhook(b"", Some(&good), body),
            Err(SignatureError::NoSecret)
        );
    }

    #[test]
    fn checkout_signatures_join_the_ids_in_razorpays_order() {
        let order = order_checkout_signature(b"key_secret", "order_1", "pay_1");
        assert!(verify_order_checkout(
            b"key_secret",
            "order_1",
            "pay_1",
            &order
        ));
        assert!(!verify_order_checkout(
            b"key_secret",
            "order_1",
            "pay_2",
            &order
        ));
        let sub = subscription_checkout_signature(b"key_secret", "sub_1", "pay_1");
        assert!(verify_subscription_checkout(
            b"key_secret",
            "sub_1",
            "pay_1",
            &sub
        ));
        assert!(!verify_subscription_checkout(
            b"key_secret",
            "sub_1",
            "pay_1",
            &order
        ));
        assert!(!verify_order_checkout(b"", "order_1", "pay_1", &order));
        assert!(!verify_order_checkout(
            b"key_secret",
            "order_1",
            "pay_1",
            "zz"
        ));
    }
}
