//! Where the Graph API is and how long a request to it may take. The defaults are Meta's public
//! host, API version v21.0 and a 10 second limit; tests point `base_url` at a local server.

use serde::Deserialize;
use std::time::Duration;

/// Meta's Graph API host, the default [`GraphConfig::base_url`].
pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";
/// The Graph API version requests name unless configured otherwise.
pub const DEFAULT_API_VERSION: &str = "v21.0";
/// The default limit on one request, connect to last byte.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of a [`GraphClient`](super::GraphClient). It holds no secret, so its `Debug` is safe
/// to log; access tokens come from an [`AccessTokenSource`](super::AccessTokenSource).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphConfig {
    /// Scheme, host and optional path prefix of the Graph API, without the version:
    /// `https://graph.facebook.com` unless a proxy or a test server stands in for it.
    pub base_url: String,
    /// The version segment of every path, such as `v21.0`.
    pub api_version: String,
    /// Longest one request may take, from connecting to reading the last byte, in milliseconds.
    pub request_timeout_ms: u64,
    /// Messages a second one WhatsApp number sends at most (Meta's default is 80); sends over
    /// it wait their turn in the outbox.
    pub whatsapp_messages_per_second: u32,
}

impl Default for GraphConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            request_timeout_ms: millis(DEFAULT_REQUEST_TIMEOUT),
            whatsapp_messages_per_second: super::throughput::DEFAULT_MESSAGES_PER_SECOND,
        }
    }
}

impl GraphConfig {
    /// The default settings with another base URL (a local server in tests).
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            ..Self::default()
        }
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    pub fn set_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout_ms = millis(timeout);
        self
    }

    /// Checks what [`GraphClient::new`](super::GraphClient::new) relies on.
    pub fn validate(&self) -> Result<(), GraphConfigError> {
        let base = reqwest::Url::parse(&self.base_url)
            .map_err(|error| GraphConfigError::BaseUrl(error.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(GraphConfigError::BaseUrl(
                "scheme must be http or https".into(),
            ));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(GraphConfigError::BaseUrl(
                "must not carry a query or fragment".into(),
            ));
        }
        if !is_api_version(&self.api_version) {
            return Err(GraphConfigError::ApiVersion(self.api_version.clone()));
        }
        if self.request_timeout_ms == 0 {
            return Err(GraphConfigError::ZeroTimeout);
        }
        if self.whatsapp_messages_per_second == 0 {
            return Err(GraphConfigError::ZeroThroughput);
        }
        Ok(())
    }

    /// The full URL of a Graph path such as `1065.../messages`.
    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!(
            "{}/{}/{}",
            self.base_url.trim_end_matches('/'),
            self.api_version,
            path.trim_start_matches('/')
        )
    }
}

/// Why a [`GraphConfig`] cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphConfigError {
    #[error("graph base url is not usable: {0}")]
    BaseUrl(String),
    #[error("graph api version {0:?} is not of the form v21.0")]
    ApiVersion(String),
    #[error("graph request timeout must be more than zero")]
    ZeroTimeout,
    #[error("whatsapp messages per second must be more than zero")]
    ZeroThroughput,
    #[error("graph http client could not be built: {0}")]
    HttpClient(String),
}

/// `v` then major `.` minor, both decimal: `v21.0`.
fn is_api_version(text: &str) -> bool {
    let Some(number) = text.strip_prefix('v') else {
        return false;
    };
    let mut parts = number.split('.');
    let decimal = |part: Option<&str>| {
        part.is_some_and(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
    };
    decimal(parts.next()) && decimal(parts.next()) && parts.next().is_none()
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_name_meta_and_ten_seconds() {
        let config = GraphConfig::default();
        assert_eq!(config.base_url, "https://graph.facebook.com");
        assert_eq!(config.api_version, "v21.0");
        assert_eq!(config.request_timeout(), Duration::from_secs(10));
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn endpoints_join_base_version_and_path() {
        let config = GraphConfig::with_base_url("http://127.0.0.1:9000/graph/");
        assert_eq!(
            config.endpoint("/me/messages"),
            "http://127.0.0.1:9000/graph/v21.0/me/messages"
        );
    }

    #[test]
    fn unusable_settings_are_refused() {
        let bad_scheme = GraphConfig::with_base_url("ftp://graph.example");
        assert!(matches!(
            bad_scheme.validate(),
            Err(GraphConfigError::BaseUrl(_))
        ));
        let bad_version = GraphConfig {
            api_version: "21".into(),
            ..GraphConfig::default()
        };
        assert!(matches!(
            bad_version.validate(),
            Err(GraphConfigError::ApiVersion(_))
        ));
        let no_time = GraphConfig::default().set_request_timeout(Duration::ZERO);
        assert_eq!(no_time.validate(), Err(GraphConfigError::ZeroTimeout));
    }

    #[test]
    fn config_reads_snake_case_fields_with_defaults() {
        let config: GraphConfig = serde_json::from_str(r#"{"api_version":"v22.0"}"#).unwrap();
        assert_eq!(config.api_version, "v22.0");
        assert_eq!(config.base_url, DEFAULT_BASE_URL);
        assert!(serde_json::from_str::<GraphConfig>(r#"{"apiVersion":"v22.0"}"#).is_err());
    }
}
