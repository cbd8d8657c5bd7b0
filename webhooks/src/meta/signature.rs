//! Checks that a webhook call really comes from Meta, before anything reads its body.
//!
//! Meta signs every webhook POST with the app secret: `X-Hub-Signature-256: sha256=<hex>` is the
//! HMAC-SHA256 of the raw body bytes. [`verify_signature`] recomputes it over the bytes exactly as
//! they arrived (never over re-serialized JSON) and compares in constant time. The GET handshake
//! that registers a webhook URL (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`) is
//! answered by [`verify_subscription`], which compares the token in constant time too.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The header Meta puts the body signature in.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

const SIGNATURE_PREFIX: &str = "sha256=";
const SIGNATURE_LEN: usize = 32;

/// Why a webhook POST is refused. Every variant has a stable [`code`](SignatureError::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature header missing")]
    MissingHeader,
    /// Not a digest in the provider's form: 64 hex digits (Meta after `sha256=`, Razorpay) or the
    /// Base64 of 32 bytes (Shopify).
    #[error("signature header malformed: not a SHA-256 digest in the provider's form")]
    MalformedHeader,
    #[error("signature does not match the body")]
    Mismatch,
    /// No app secret is configured: nothing can be verified, so nothing is accepted.
    #[error("no app secret configured")]
    NoSecret,
}

impl SignatureError {
    pub fn code(self) -> &'static str {
        match self {
            SignatureError::MissingHeader => "signature_missing",
            SignatureError::MalformedHeader => "signature_malformed",
            SignatureError::Mismatch => "signature_mismatch",
            SignatureError::NoSecret => "signature_secret_missing",
        }
    }
}

/// Verifies `header` (the value of `X-Hub-Signature-256`, `None` when absent) against the
/// HMAC-SHA256 of `body` under `app_secret`.
pub fn verify_signature(
    app_secret: &[u8],
    header: Option<&str>,
    body: &[u8],
) -> Result<(), SignatureError> {
    if app_secret.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let header = header.ok_or(SignatureError::MissingHeader)?.trim();
    let digits = strip_prefix_ignore_case(header, SIGNATURE_PREFIX)
        .ok_or(SignatureError::MalformedHeader)?;
    let mut claimed = [0u8; SIGNATURE_LEN];
    hex::decode_to_slice(digits, &mut claimed).map_err(|_| SignatureError::MalformedHeader)?;
    mac_of(app_secret, body)?
        .verify_slice(&claimed)
        .map_err(|_| SignatureError::Mismatch)
}

/// The `X-Hub-Signature-256` value Meta would send for `body`: for simulators and tests that
/// post signed webhooks.
pub fn signature_header(app_secret: &[u8], body: &[u8]) -> Result<String, SignatureError> {
    if app_secret.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let digest = mac_of(app_secret, body)?.finalize().into_bytes();
    Ok(format!("{SIGNATURE_PREFIX}{}", hex::encode(digest)))
}

fn mac_of(app_secret: &[u8], body: &[u8]) -> Result<Hmac<Sha256>, SignatureError> {
    crate::mac::mac_of(app_secret, &[body]).ok_or(SignatureError::NoSecret)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    text.get(prefix.len()..)
}

/// Why a subscription handshake is refused. Every variant has a stable
/// [`code`](SubscriptionError::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SubscriptionError {
    #[error("hub.mode is not subscribe")]
    WrongMode,
    #[error("hub.verify_token does not match")]
    TokenMismatch,
    #[error("hub.challenge missing")]
    MissingChallenge,
    /// No verify token is configured: an empty token would let anyone subscribe.
    #[error("no verify token configured")]
    NoToken,
}

impl SubscriptionError {
    pub fn code(self) -> &'static str {
        match self {
            SubscriptionError::WrongMode => "subscription_wrong_mode",
            SubscriptionError::TokenMismatch => "subscription_token_mismatch",
            SubscriptionError::MissingChallenge => "subscription_challenge_missing",
            SubscriptionError::NoToken => "subscription_token_missing",
        }
    }
}

/// Answers Meta's GET handshake: the query parameters `hub.mode`, `hub.verify_token` and
/// `hub.challenge` (each `None` when absent) against the token configured for the channel. On
/// success the challenge is returned, to be echoed as the plain-text response body.
pub fn verify_subscription(
    mode: Option<&str>,
    verify_token: Option<&str>,
    challenge: Option<&str>,
    expected_token: &str,
) -> Result<String, SubscriptionError> {
    if expected_token.is_empty() {
        return Err(SubscriptionError::NoToken);
    }
    if mode != Some("subscribe") {
        return Err(SubscriptionError::WrongMode);
    }
    let given = verify_token.unwrap_or("").as_bytes();
    if !bool::from(given.ct_eq(expected_token.as_bytes())) {
        return Err(SubscriptionError::TokenMismatch);
    }
    challenge
        .filter(|challenge| !challenge.is_empty())
        .map(str::to_owned)
        .ok_or(SubscriptionError::MissingChallenge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_case_insensitive_and_never_splits_a_char() {
        assert_eq!(strip_prefix_ignore_case("SHA256=ab", "sha256="), Some("ab"));
        assert_eq!(strip_prefix_ignore_case("sha25", "sha256="), None);
        assert_eq!(strip_prefix_ignore_case("ééééé=ab", "sha256="), None);
    }

    #[test]
    fn subscription_needs_every_part() {
        let ok = verify_subscription(Some("subscribe"), Some("tok"), Some("42"), "tok");
        assert_eq!(ok, Ok("42".to_owned()));
        let cases = [
            (
                None,
                Some("tok"),
                Some("42"),
                "tok",
                SubscriptionError::WrongMode,
            ),
            (
                Some("unsubscribe"),
                Some("tok"),
                Some("42"),
                "tok",
                SubscriptionError::WrongMode,
            ),
            (
                Some("subscribe"),
                Some("tak"),
                Some("42"),
                "tok",
                SubscriptionError::TokenMismatch,
            ),
            (
                Some("subscribe"),
                None,
                Some("42"),
                "tok",
                SubscriptionError::TokenMismatch,
            ),
            (
                Some("subscribe"),
                Some("tok"),
                None,
                "tok",
                SubscriptionError::MissingChallenge,
            ),
            (
                Some("subscribe"),
                Some(""),
                Some("42"),
                "",
                SubscriptionError::NoToken,
            ),
        ];
        for (mode, token, challenge, expected, error) in cases {
            assert_eq!(
                verify_subscription(mode, token, challenge, expected),
                Err(error)
            );
        }
    }
}
