//! Payments at start: the `[payments]` section (Razorpay's keys and where its API is, and how
//! billing settles) and the node's billing built from it, or nothing when no keys are set.
//! The keys come all three or none: a half-configured provider would take money it cannot
//! confirm (no webhook secret) or confirm nothing it takes.

use anyhow::{Result, bail};
use botwot_actors::{Billing, BillingConfig, BillingDeps, NamedLocks};
use botwot_adapters::razorpay::{DEFAULT_API_URL, RazorpayClient, RazorpayConfig};
use botwot_engine::ports::Storage;
use botwot_engine::time::Clock;
use botwot_http::routes::billing::Payments;
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tracing::info;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentsConfig {
    pub razorpay: RazorpaySettings,
    pub billing: BillingConfig,
}

/// `[payments.razorpay]`.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RazorpaySettings {
    pub api_url: String,
    pub key_id: String,
    pub key_secret: String,
    pub webhook_secret: String,
    pub timeout_ms: u64,
}

impl Default for RazorpaySettings {
    fn default() -> Self {
        Self {
            api_url: DEFAULT_API_URL.to_owned(),
            key_id: String::new(),
            key_secret: String::new(),
            webhook_secret: String::new(),
            timeout_ms: 10_000,
        }
    }
}

impl fmt::Debug for RazorpaySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RazorpaySettings")
            .field("api_url", &self.api_url)
            .field("key_id", &self.key_id)
            .field("key_secret", &"<redacted>")
            .field("webhook_secret", &"<redacted>")
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// The node's payments, with the sweep that returns lapsed organisations to BASE started;
/// `None` when no keys are configured.
pub fn start(
    config: &PaymentsConfig,
    store: Arc<dyn Storage>,
    locks: NamedLocks,
    clock: Arc<dyn Clock>,
) -> Result<Option<Payments>> {
    let razorpay = &config.razorpay;
    let set = [
        &razorpay.key_id,
        &razorpay.key_secret,
        &razorpay.webhook_secret,
    ]
    .iter()
    .filter(|value| !value.is_empty())
    .count();
    match set {
        0 => {
            info!("payments off: no [payments.razorpay] keys");
            return Ok(None);
        }
        3 => {}
        _ => bail!(
            "payments.razorpay needs key_id, key_secret and webhook_secret together (or none of them)"
        ),
    }
    let client = RazorpayClient::new(
        RazorpayConfig::new(&razorpay.key_id, &razorpay.key_secret)
            .with_api_url(&razorpay.api_url)
            .with_timeout(Duration::from_millis(razorpay.timeout_ms)),
    )?;
    let billing = Billing::new(BillingDeps {
        store,
        provider: Arc::new(client),
        locks,
        clock,
        config: config.billing,
    });
    billing.spawn_sweep();
    info!(api_url = %razorpay.api_url, "payments on (Razorpay)");
    Ok(Some(Payments {
        billing,
        webhook_secret: razorpay.webhook_secret.clone(),
    }))
}
