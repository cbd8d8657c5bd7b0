//! [`RazorpayClient`]: the engine's [`PaymentProvider`] over Razorpay's REST API. Every call
//! signs in with HTTP Basic (key id and secret), has the configured timeout, follows no
//! redirects (the key goes only to the configured host) and is made exactly once: whoever asked
//! decides whether to ask again.

use super::config::{RazorpayConfig, RazorpayConfigError};
use super::errors::{body_excerpt, classify, invalid_id, malformed, transport_error};
use crate::system_clock::SystemClock;
use async_trait::async_trait;
use botwot_engine::billing::{PaymentSnapshot, SubscriptionSnapshot};
use botwot_engine::ports::{PaymentProvider, ProviderError, ProviderOrder};
use botwot_engine::time::{Clock, Timestamp};
use botwot_webhooks::razorpay::{
    read_order, read_payment, read_subscription, verify_order_checkout,
    verify_subscription_checkout,
};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The most of an answer read: Razorpay's entities are a few kilobytes.
const MAX_ANSWER_BYTES: usize = 1 << 20;
/// The longest id handed in that is put in a path (Razorpay's are 18 to 20 characters).
const MAX_ID_LEN: usize = 64;

/// A Razorpay API client: the API key, the timeout and a pooled HTTP connection set. Cheap to
/// clone.
#[derive(Clone)]
pub struct RazorpayClient {
    http: reqwest::Client,
    config: RazorpayConfig,
    clock: Arc<dyn Clock>,
}

impl RazorpayClient {
    pub fn new(config: RazorpayConfig) -> Result<Self, RazorpayConfigError> {
        config.validate()?;
        let http =
            crate::api_url::http_client(config.timeout).map_err(RazorpayConfigError::HttpClient)?;
        Ok(Self {
            http,
            config,
            clock: Arc::new(SystemClock),
        })
    }

    /// The same client stamping what its API answers with `clock`'s time instead of the
    /// system clock's (tests that move time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &RazorpayConfig {
        &self.config
    }

    /// Sends `body` (if any) as JSON to `path` with the API key and reads a 2xx answer as JSON;
    /// anything else is a classified [`ProviderError`].
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ProviderError> {
        let request = self
            .http
            .request(method, self.config.endpoint(path))
            // Marks the header sensitive, so no debug output of the request shows it.
            .basic_auth(&self.config.key_id, Some(&self.config.key_secret));
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        let mut response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(ProviderError::Malformed(format!(
                    "http {status}: answer longer than {MAX_ANSWER_BYTES} bytes"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        if !(200..300).contains(&status) {
            return Err(classify(status, &bytes));
        }
        serde_json::from_slice(&bytes).map_err(|error| {
            ProviderError::Malformed(format!("http {status}: {error}: {}", body_excerpt(&bytes)))
        })
    }

    /// When an answer came, in whole seconds: Razorpay's own times (a webhook's `created_at`)
    /// have no finer resolution, so a report made in the same second as an answer is ordered
    /// by cycles paid and lifecycle rather than by when within the second the answer arrived.
    fn now(&self) -> Timestamp {
        let millis = self.clock.now().millis();
        Timestamp::from_millis(millis - millis.rem_euclid(1000))
    }

    fn subscription(&self, entity: &Value) -> Result<SubscriptionSnapshot, ProviderError> {
        read_subscription(entity, self.now()).map_err(|error| malformed("subscription", error))
    }

    fn payment(&self, entity: &Value) -> Result<PaymentSnapshot, ProviderError> {
        read_payment(entity, self.now()).map_err(|error| malformed("payment", error))
    }
}

impl fmt::Debug for RazorpayClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RazorpayClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl PaymentProvider for RazorpayClient {
    fn checkout_key(&self) -> &str {
        &self.config.key_id
    }

    fn verify_order_checkout(&self, order_id: &str, payment_id: &str, signature: &str) -> bool {
        verify_order_checkout(
            self.config.key_secret.as_bytes(),
            order_id,
            payment_id,
            signature,
        )
    }

    fn verify_subscription_checkout(
        &self,
        subscription_id: &str,
        payment_id: &str,
        signature: &str,
    ) -> bool {
        verify_subscription_checkout(
            self.config.key_secret.as_bytes(),
            subscription_id,
            payment_id,
            signature,
        )
    }

    async fn create_plan(
        &self,
        name: &str,
        amount: u64,
        currency: &str,
    ) -> Result<String, ProviderError> {
        let body = json!({
            "period": "monthly",
            "interval": 1,
            "item": {"name": name, "amount": amount, "currency": currency},
        });
        let plan = self.call(Method::POST, "/v1/plans", Some(&body)).await?;
        match plan.get("id").and_then(Value::as_str) {
            Some(id) if is_id(id) => Ok(id.to_owned()),
            _ => Err(malformed("plan", "no usable id")),
        }
    }

    async fn create_subscription(
        &self,
        provider_plan_id: &str,
        cycles: u32,
        notes: &BTreeMap<String, String>,
    ) -> Result<SubscriptionSnapshot, ProviderError> {
        let body = json!({
            "plan_id": provider_plan_id,
            "total_count": cycles,
            "quantity": 1,
            "customer_notify": 1,
            "notes": notes,
        });
        let entity = self
            .call(Method::POST, "/v1/subscriptions", Some(&body))
            .await?;
        self.subscription(&entity)
    }

    async fn fetch_subscription(
        &self,
        provider_id: &str,
    ) -> Result<SubscriptionSnapshot, ProviderError> {
        let id = checked_id("subscription", provider_id)?;
        let entity = self
            .call(Method::GET, &format!("/v1/subscriptions/{id}"), None)
            .await?;
        self.subscription(&entity)
    }

    async fn cancel_subscription(
        &self,
        provider_id: &str,
        at_cycle_end: bool,
    ) -> Result<SubscriptionSnapshot, ProviderError> {
        let id = checked_id("subscription", provider_id)?;
        let body = json!({"cancel_at_cycle_end": u8::from(at_cycle_end)});
        let entity = self
            .call(
                Method::POST,
                &format!("/v1/subscriptions/{id}/cancel"),
                Some(&body),
            )
            .await?;
        self.subscription(&entity)
    }

    async fn create_order(
        &self,
        amount: u64,
        currency: &str,
        receipt: &str,
        notes: &BTreeMap<String, String>,
    ) -> Result<ProviderOrder, ProviderError> {
        let body = json!({
            "amount": amount,
            "currency": currency,
            "receipt": receipt,
            "notes": notes,
        });
        let entity = self.call(Method::POST, "/v1/orders", Some(&body)).await?;
        let order = read_order(&entity).map_err(|error| malformed("order", error))?;
        if !is_id(&order.id) {
            return Err(malformed("order", "no usable id"));
        }
        if order.amount != amount || !order.currency.eq_ignore_ascii_case(currency) {
            return Err(malformed(
                "order",
                format_args!(
                    "created for {} {}, asked for {amount} {currency}",
                    order.amount, order.currency
                ),
            ));
        }
        Ok(ProviderOrder {
            provider_id: order.id,
            amount: order.amount,
            currency: order.currency.to_ascii_uppercase(),
        })
    }

    async fn fetch_payment(&self, provider_id: &str) -> Result<PaymentSnapshot, ProviderError> {
        let id = checked_id("payment", provider_id)?;
        let entity = self
            .call(Method::GET, &format!("/v1/payments/{id}"), None)
            .await?;
        self.payment(&entity)
    }

    async fn capture_payment(
        &self,
        provider_id: &str,
        amount: u64,
        currency: &str,
    ) -> Result<PaymentSnapshot, ProviderError> {
        let id = checked_id("payment", provider_id)?;
        let body = json!({"amount": amount, "currency": currency});
        let entity = self
            .call(
                Method::POST,
                &format!("/v1/payments/{id}/capture"),
                Some(&body),
            )
            .await?;
        self.payment(&entity)
    }
}

/// `id` when it can be a Razorpay id, which then goes into a path as it is.
fn checked_id<'a>(what: &str, id: &'a str) -> Result<&'a str, ProviderError> {
    if is_id(id) {
        Ok(id)
    } else {
        Err(invalid_id(what, id))
    }
}

/// Razorpay's ids: `[A-Za-z0-9_]+` (`pay_29QQoUBi66xm2f`), of a sane length.
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_razorpay_shaped_ids_go_into_paths() {
        for good in ["pay_29QQoUBi66xm2f", "sub_00000000000001", "x"] {
            assert!(is_id(good), "{good}");
        }
        for bad in [
            "",
            "pay_1/capture",
            "..",
            "pay 1",
            "pay_1?x=1",
            "pay_é",
            &"a".repeat(65),
        ] {
            assert!(!is_id(bad), "{bad}");
        }
    }
}
