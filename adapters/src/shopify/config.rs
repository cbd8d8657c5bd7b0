//! Where each shop's Admin API is, which version of it BotWot speaks, and how long one request
//! may take. A shop's API is at `https://{shop}.myshopify.com/admin/api/{version}`; `api_url`
//! puts one server in front of every shop instead (a proxy, or a local server in tests), with
//! the shop's domain as the first path segment.

use std::time::Duration;

/// The Admin API version requested (Shopify supports each for a year).
pub const DEFAULT_API_VERSION: &str = "2025-01";
/// The default limit on one request, connect to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShopifyConfig {
    /// `None`: each shop's own host. Else the base every shop's API is under, as
    /// `{api_url}/{shop domain}/admin/api/{version}`.
    pub api_url: Option<String>,
    pub api_version: String,
    pub timeout: Duration,
}

impl Default for ShopifyConfig {
    fn default() -> Self {
        Self {
            api_url: None,
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl ShopifyConfig {
    /// The same settings with one server standing in for every shop.
    pub fn with_api_url(mut self, api_url: impl Into<String>) -> Self {
        self.api_url = Some(api_url.into());
        self
    }

    pub fn validate(&self) -> Result<(), ShopifyConfigError> {
        if let Some(api_url) = &self.api_url {
            crate::api_url::check(api_url).map_err(ShopifyConfigError::ApiUrl)?;
        }
        let version_ok = self.api_version.len() == 7
            && self.api_version.as_bytes()[4] == b'-'
            && self
                .api_version
                .bytes()
                .enumerate()
                .all(|(at, b)| at == 4 || b.is_ascii_digit());
        if !version_ok {
            return Err(ShopifyConfigError::ApiVersion);
        }
        if self.timeout.is_zero() {
            return Err(ShopifyConfigError::ZeroTimeout);
        }
        Ok(())
    }

    /// The URL of an Admin API path (`/orders/1.json`) of the shop at `domain`, which the caller
    /// has checked is a `*.myshopify.com` domain.
    pub(crate) fn endpoint(&self, domain: &str, path: &str) -> String {
        let base = match &self.api_url {
            Some(api_url) => crate::api_url::endpoint(api_url, domain),
            None => format!("https://{domain}"),
        };
        let version = &self.api_version;
        crate::api_url::endpoint(
            &base,
            &format!("admin/api/{version}/{}", path.trim_start_matches('/')),
        )
    }
}

/// Why a [`ShopifyConfig`] cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShopifyConfigError {
    #[error("shopify api url is not usable: {0}")]
    ApiUrl(String),
    #[error("shopify api version must be a release such as 2025-01")]
    ApiVersion,
    #[error("shopify request timeout must be more than zero")]
    ZeroTimeout,
    #[error("shopify http client could not be built: {0}")]
    HttpClient(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_shop_is_its_own_host_unless_a_server_stands_in() {
        let config = ShopifyConfig::default();
        assert_eq!(config.validate(), Ok(()));
        assert_eq!(
            config.endpoint("acme.myshopify.com", "/orders/1.json"),
            "https://acme.myshopify.com/admin/api/2025-01/orders/1.json"
        );
        let local = config.with_api_url("http://127.0.0.1:9/shopify/");
        assert_eq!(
            local.endpoint("acme.myshopify.com", "shop.json"),
            "http://127.0.0.1:9/shopify/acme.myshopify.com/admin/api/2025-01/shop.json"
        );
    }

    #[test]
    fn unusable_settings_are_refused() {
        let bad_url = ShopifyConfig::default().with_api_url("ftp://x");
        assert!(matches!(
            bad_url.validate(),
            Err(ShopifyConfigError::ApiUrl(_))
        ));
        let bad_version = ShopifyConfig {
            api_version: "latest".to_owned(),
            ..ShopifyConfig::default()
        };
        assert_eq!(bad_version.validate(), Err(ShopifyConfigError::ApiVersion));
        let no_time = ShopifyConfig {
            timeout: Duration::ZERO,
            ..ShopifyConfig::default()
        };
        assert_eq!(no_time.validate(), Err(ShopifyConfigError::ZeroTimeout));
    }
}
