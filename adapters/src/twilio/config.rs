//! Where Twilio's REST API is and how long one request may take. The defaults are Twilio's
//! public host and a 10 second limit; tests point `api_url` at a local server. The credentials
//! are not here: each organisation connects its own account, so they come with every call.

use std::time::Duration;

/// Twilio's API host, the default [`TwilioConfig::api_url`].
pub const DEFAULT_API_URL: &str = "https://api.twilio.com";
/// The default limit on one request, connect to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of a [`TwilioClient`](super::TwilioClient).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwilioConfig {
    /// Scheme, host and optional path prefix of the API, without `/2010-04-01`.
    pub api_url: String,
    /// Longest one request may take, from connecting to reading the last byte.
    pub timeout: Duration,
}

impl Default for TwilioConfig {
    fn default() -> Self {
        Self {
            api_url: DEFAULT_API_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl TwilioConfig {
    crate::api_url::api_setters!();
}
