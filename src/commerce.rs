//! Shops at start: the `[commerce]` section (where Shopify's Admin API is, which version of it,
//! how often due order reminders are looked for) and the node's order reminders built from it.
//! Shops bring their own tokens, so nothing here is a secret and shops are always served.

use anyhow::{Context, Result};
use botwot_actors::{
    DueWork, NamedLocks, OrderReminders, OrderRemindersConfig, OrderRemindersDeps,
};
use botwot_adapters::meta::graph::{MetaGraphSender, TokenCipher};
use botwot_adapters::shopify::{DEFAULT_API_VERSION, ShopifyClient, ShopifyConfig};
use botwot_engine::ports::Storage;
use botwot_engine::time::Clock;
use botwot_http::routes::shopify::Commerce;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tracing::info;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommerceConfig {
    /// How often due order reminders are looked for (`sweep_ms`), how long an attempt holds an
    /// order (`lease_ms`) and how many per read (`batch`).
    pub reminders: OrderRemindersConfig,
    pub shopify: ShopifySettings,
}

/// `[commerce.shopify]`: shops bring their own tokens; this is only where their API is.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShopifySettings {
    /// Empty: each shop's own `*.myshopify.com` host. Else one server standing in for every
    /// shop, as `{api_url}/{shop domain}/admin/api/...` (a proxy, a test server).
    pub api_url: String,
    pub api_version: String,
    pub timeout_ms: u64,
}

impl Default for ShopifySettings {
    fn default() -> Self {
        Self {
            api_url: String::new(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeout_ms: 10_000,
        }
    }
}

/// What the node's shops are built with besides the `[commerce]` section.
pub struct CommerceParts {
    pub store: Arc<dyn Storage>,
    pub sender: Arc<MetaGraphSender>,
    pub cipher: TokenCipher,
    pub locks: NamedLocks,
    pub clock: Arc<dyn Clock>,
    pub public_url: Option<String>,
}

/// The node's shops, with their reminders started.
pub fn start(config: &CommerceConfig, parts: CommerceParts) -> Result<Commerce> {
    let mut shopify = ShopifyConfig {
        api_version: config.shopify.api_version.clone(),
        timeout: Duration::from_millis(config.shopify.timeout_ms),
        ..ShopifyConfig::default()
    };
    if !config.shopify.api_url.is_empty() {
        shopify = shopify.with_api_url(&config.shopify.api_url);
    }
    let client =
        ShopifyClient::new(shopify).context("the [commerce.shopify] section is not usable")?;
    let orders = OrderReminders::new(
        OrderRemindersDeps {
            store: parts.store,
            shopify: Arc::new(client),
            sender: parts.sender,
            sealer: Arc::new(parts.cipher),
            locks: parts.locks,
            clock: parts.clock,
        },
        config.reminders,
    );
    orders.spawn();
    info!(api_version = %config.shopify.api_version, "shops served (Shopify order reminders)");
    Ok(Commerce {
        orders,
        public_url: parts.public_url.filter(|url| !url.is_empty()),
    })
}
