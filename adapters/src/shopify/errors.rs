//! Shopify's failures read into the engine's [`ShopifyError`].
//!
//! | answer | error |
//! |---|---|
//! | 401, 402 (the shop is frozen), 403 | [`ShopifyError::Unauthorized`] |
//! | 429, a GraphQL `THROTTLED` error | [`ShopifyError::Throttled`], with `Retry-After` when sent |
//! | 5xx; timeouts, refused and broken connections | [`ShopifyError::Unavailable`] |
//! | other 4xx, GraphQL `userErrors` | [`ShopifyError::Refused`] with Shopify's `errors` |

use crate::error_chain::error_chain;
use crate::excerpt::body_excerpt;
use botwot_engine::ports::ShopifyError;
use std::time::Duration;

/// The error of a non-2xx answer with `status`, its `Retry-After` and `body`.
pub fn classify(status: u16, retry_after: Option<&str>, body: &[u8]) -> ShopifyError {
    let said = errors_of(body);
    match status {
        401..=403 => ShopifyError::Unauthorized(format!("http {status}: {said}")),
        429 => ShopifyError::Throttled {
            retry_after: retry_after.and_then(seconds),
        },
        500..=599 => ShopifyError::Unavailable(format!("http {status}: {said}")),
        _ => ShopifyError::Refused(format!("http {status}: {said}")),
    }
}

/// Shopify's `errors` (a text, a list, or fields with lists of texts) as one line; the body's
/// start when it has none.
pub fn errors_of(body: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return body_excerpt(body);
    };
    match value.get("errors") {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => crate::excerpt::excerpt(&other.to_string(), 300),
        None => body_excerpt(body),
    }
}

/// A `Retry-After` in seconds, whole or not (Shopify sends `2.0`).
fn seconds(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().parse().ok()?;
    (0.0..3600.0)
        .contains(&seconds)
        .then(|| Duration::from_secs_f64(seconds))
}

/// A request that never got a whole answer.
pub fn transport_error(error: &reqwest::Error) -> ShopifyError {
    if error.is_timeout() {
        ShopifyError::Unavailable(format!("timed out: {}", error_chain(error)))
    } else {
        ShopifyError::Unavailable(error_chain(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_ports_errors() {
        let body = br#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#;
        assert_eq!(
            classify(401, None, body),
            ShopifyError::Unauthorized(
                "http 401: [API] Invalid API key or access token (unrecognized login or wrong password)".into()
            )
        );
        assert_eq!(
            classify(429, Some("2.0"), br#"{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}"#),
            ShopifyError::Throttled {
                retry_after: Some(Duration::from_secs(2))
            }
        );
        assert_eq!(
            classify(429, Some("soon"), b""),
            ShopifyError::Throttled { retry_after: None }
        );
        assert!(matches!(
            classify(503, None, b"<html>"),
            ShopifyError::Unavailable(_)
        ));
        let refused = classify(
            422,
            None,
            br#"{"errors":{"address":["for this topic has already been taken"]}}"#,
        );
        assert_eq!(
            refused,
            ShopifyError::Refused(
                r#"http 422: {"address":["for this topic has already been taken"]}"#.into()
            )
        );
    }
}
