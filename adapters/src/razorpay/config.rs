//! Where Razorpay's API is, the API key that signs in to it and how long one request may take.
//! The defaults are Razorpay's public host and a 10 second limit; tests point `api_url` at a
//! local server.

use std::fmt;
use std::time::Duration;

/// Razorpay's API host, the default [`RazorpayConfig::api_url`].
pub const DEFAULT_API_URL: &str = "https://api.razorpay.com";
/// The default limit on one request, connect to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of a [`RazorpayClient`](super::RazorpayClient). Its `Debug` leaves the key secret
/// out, so it is safe to log.
#[derive(Clone, PartialEq, Eq)]
pub struct RazorpayConfig {
    /// Scheme, host and optional path prefix of the API, without `/v1`:
    /// `https://api.razorpay.com` unless a proxy or a test server stands in for it.
    pub api_url: String,
    /// The API key's id (`rzp_live_…`/`rzp_test_…`): public, the browser's checkout needs it.
    pub key_id: String,
    /// The API key's secret: HTTP Basic password of every call, never shown.
    pub key_secret: String,
    /// Longest one request may take, from connecting to reading the last byte.
    pub timeout: Duration,
}

impl RazorpayConfig {
    /// Razorpay's host and the default timeout, with this API key.
    pub fn new(key_id: impl Into<String>, key_secret: impl Into<String>) -> Self {
        Self {
            api_url: DEFAULT_API_URL.to_owned(),
            key_id: key_id.into(),
            key_secret: key_secret.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    crate::api_url::api_setters!();

    /// Checks what [`RazorpayClient::new`](super::RazorpayClient::new) relies on.
    pub fn validate(&self) -> Result<(), RazorpayConfigError> {
        crate::api_url::check(&self.api_url).map_err(RazorpayConfigError::ApiUrl)?;
        if !is_key_part(&self.key_id) || self.key_id.contains(':') {
            return Err(RazorpayConfigError::KeyId);
        }
        if !is_key_part(&self.key_secret) {
            return Err(RazorpayConfigError::KeySecret);
        }
        if self.timeout.is_zero() {
            return Err(RazorpayConfigError::ZeroTimeout);
        }
        Ok(())
    }

    /// The full URL of an API path such as `/v1/orders`.
    pub(crate) fn endpoint(&self, path: &str) -> String {
        crate::api_url::endpoint(&self.api_url, path)
    }
}

impl fmt::Debug for RazorpayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RazorpayConfig")
            .field("api_url", &self.api_url)
            .field("key_id", &self.key_id)
            .field("key_secret", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a [`RazorpayConfig`] cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RazorpayConfigError {
    #[error("razorpay api url is not usable: {0}")]
    ApiUrl(String),
    #[error("razorpay key id must be printable ASCII without ':' or spaces, and not empty")]
    KeyId,
    #[error("razorpay key secret must be printable ASCII without spaces, and not empty")]
    KeySecret,
    #[error("razorpay request timeout must be more than zero")]
    ZeroTimeout,
    #[error("razorpay http client could not be built: {0}")]
    HttpClient(String),
}

/// A key id or secret that fits an HTTP Basic header as it is (Razorpay's are alphanumeric
/// with `_`); a `:` in the id would move the boundary between id and secret.
fn is_key_part(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let config = RazorpayConfig::new("rzp_test_1DP5mmOlF5G5ag", "thisisthesecret");
        let text = format!("{config:?}");
        assert!(text.contains("rzp_test_1DP5mmOlF5G5ag"), "{text}");
        assert!(!text.contains("thisisthesecret"), "{text}");
    }

    #[test]
    fn defaults_name_razorpay_and_ten_seconds() {
        let config = RazorpayConfig::new("rzp_test_a", "b");
        assert_eq!(config.api_url, "https://api.razorpay.com");
        assert_eq!(config.timeout, Duration::from_secs(10));
        assert_eq!(config.validate(), Ok(()));
        assert_eq!(
            config.endpoint("/v1/orders"),
            "https://api.razorpay.com/v1/orders"
        );
        let local = config.with_api_url("http://127.0.0.1:9/razorpay/");
        assert_eq!(
            local.endpoint("/v1/orders"),
            "http://127.0.0.1:9/razorpay/v1/orders"
        );
    }

    #[test]
    fn unusable_settings_are_refused() {
        let base = RazorpayConfig::new("rzp_test_a", "b");
        let bad = |config: RazorpayConfig| config.validate().unwrap_err();
        assert!(matches!(
            bad(base.clone().with_api_url("ftp://api.example")),
            RazorpayConfigError::ApiUrl(_)
        ));
        assert!(matches!(
            bad(base.clone().with_api_url("https://u:p@api.example")),
            RazorpayConfigError::ApiUrl(_)
        ));
        assert_eq!(
            bad(RazorpayConfig::new("", "b")),
            RazorpayConfigError::KeyId
        );
        assert_eq!(
            bad(RazorpayConfig::new("a:b", "b")),
            RazorpayConfigError::KeyId
        );
        assert_eq!(
            bad(RazorpayConfig::new("a", "b\n")),
            RazorpayConfigError::KeySecret
        );
        assert_eq!(
            bad(base.with_timeout(Duration::ZERO)),
            RazorpayConfigError::ZeroTimeout
        );
    }
}
