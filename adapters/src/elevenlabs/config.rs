//! Where ElevenLabs' API is, the API key that signs in to it and how long one request may
//! take. The defaults are ElevenLabs' public host and a 10 second limit; tests point `api_url`
//! at a local server.

use std::fmt;
use std::time::Duration;

/// ElevenLabs' API host, the default [`ElevenLabsConfig::api_url`].
pub const DEFAULT_API_URL: &str = "https://api.elevenlabs.io";
/// The default limit on one request, connect to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of an [`ElevenLabsClient`](super::ElevenLabsClient). Its `Debug` leaves the API
/// key out, so it is safe to log.
#[derive(Clone, PartialEq, Eq)]
pub struct ElevenLabsConfig {
    /// Scheme, host and optional path prefix of the API, without `/v1`.
    pub api_url: String,
    /// Sent as `xi-api-key` with every request, never shown.
    pub api_key: String,
    /// Longest one request may take, from connecting to reading the last byte.
    pub timeout: Duration,
}

impl ElevenLabsConfig {
    /// ElevenLabs' host and the default timeout, with this API key.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self {
            api_url: DEFAULT_API_URL.to_owned(),
            api_key: api_key.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    crate::api_url::api_setters!();

    /// Whether the key fits a header as it is: printable ASCII, no spaces, not empty.
    pub(crate) fn key_is_usable(&self) -> bool {
        !self.api_key.is_empty() && self.api_key.bytes().all(|b| b.is_ascii_graphic())
    }
}

impl fmt::Debug for ElevenLabsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElevenLabsConfig")
            .field("api_url", &self.api_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let config = ElevenLabsConfig::new("sk_thisisthekey");
        let text = format!("{config:?}");
        assert!(text.contains("https://api.elevenlabs.io"), "{text}");
        assert!(!text.contains("sk_thisisthekey"), "{text}");
        assert_eq!(config.timeout, Duration::from_secs(10));
    }

    #[test]
    fn keys_must_fit_a_header() {
        assert!(ElevenLabsConfig::new("sk_1").key_is_usable());
        for bad in ["", "sk 1", "sk_1\n", "sk_é"] {
            assert!(!ElevenLabsConfig::new(bad).key_is_usable(), "{bad:?}");
        }
    }
}
