//! [`ShopifyClient`]: the engine's [`ShopifyAdmin`] over each shop's Admin API. Every call has
//! the configured timeout, follows no redirects (a token goes to its shop's host only) and is
//! made exactly once: whoever asked decides whether to ask again.

use super::config::{ShopifyConfig, ShopifyConfigError};
use super::errors::{classify, errors_of, transport_error};
use async_trait::async_trait;
use botwot_engine::commerce::{OrderSnapshot, is_shop_domain};
use botwot_engine::ports::{ShopAccess, ShopDetails, ShopifyAdmin, ShopifyError};
use botwot_webhooks::shopify::parse_order_answer;
use reqwest::Method;
use serde_json::{Value, json};

/// The most of an answer read: an order with many lines is some tens of kilobytes.
const MAX_ANSWER_BYTES: usize = 4 << 20;
const TOKEN_HEADER: &str = "x-shopify-access-token";
const TAGS_ADD: &str = "mutation tagsAdd($id: ID!, $tags: [String!]!) { \
    tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }";

/// A Shopify Admin API client for every connected shop. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ShopifyClient {
    http: reqwest::Client,
    config: ShopifyConfig,
}

/// A 2xx answer, or a 404 (a missing order is an answer too).
enum Answer {
    Found(Vec<u8>),
    Missing,
}

impl ShopifyClient {
    pub fn new(config: ShopifyConfig) -> Result<Self, ShopifyConfigError> {
        config.validate()?;
        let http =
            crate::api_url::http_client(config.timeout).map_err(ShopifyConfigError::HttpClient)?;
        Ok(Self { http, config })
    }

    async fn call(
        &self,
        access: &ShopAccess,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, ShopifyError> {
        if !is_shop_domain(&access.domain) {
            return Err(ShopifyError::Refused(format!(
                "{:?} is not a myshopify.com domain",
                crate::excerpt::excerpt(&access.domain, 80)
            )));
        }
        let mut token =
            reqwest::header::HeaderValue::from_str(&access.access_token).map_err(|_| {
                ShopifyError::Unauthorized("the access token is not a header value".into())
            })?;
        token.set_sensitive(true);
        let request = self
            .http
            .request(method, self.config.endpoint(&access.domain, path))
            .header(TOKEN_HEADER, token);
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        let mut response = request
            .send()
            .await
            .map_err(|error| transport_error(&error))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| transport_error(&error))?
        {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(ShopifyError::Unavailable(format!(
                    "http {status}: answer longer than {MAX_ANSWER_BYTES} bytes"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        match status {
            200..=299 => Ok(Answer::Found(bytes)),
            404 => Ok(Answer::Missing),
            _ => Err(classify(status, retry_after.as_deref(), &bytes)),
        }
    }

    async fn found(
        &self,
        access: &ShopAccess,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Vec<u8>, ShopifyError> {
        match self.call(access, method, path, body).await? {
            Answer::Found(bytes) => Ok(bytes),
            Answer::Missing => Err(ShopifyError::Refused(format!("http 404 on {path}"))),
        }
    }
}

/// An order id as Shopify makes them: decimal digits.
fn checked_order_id(order_id: &str) -> Result<&str, ShopifyError> {
    if !order_id.is_empty() && order_id.len() <= 20 && order_id.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(order_id)
    } else {
        Err(ShopifyError::Refused(format!(
            "{:?} is not a Shopify order id",
            crate::excerpt::excerpt(order_id, 40)
        )))
    }
}

fn unreadable(what: &str, detail: impl std::fmt::Display) -> ShopifyError {
    ShopifyError::Unavailable(format!("Shopify's {what} could not be read: {detail}"))
}

#[async_trait]
impl ShopifyAdmin for ShopifyClient {
    async fn shop(&self, access: &ShopAccess) -> Result<ShopDetails, ShopifyError> {
        let bytes = self.found(access, Method::GET, "/shop.json", None).await?;
        let answer: Value =
            serde_json::from_slice(&bytes).map_err(|error| unreadable("shop", error))?;
        let text = |field: &str| {
            answer
                .pointer(&format!("/shop/{field}"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match (text("name"), text("currency")) {
            (Some(name), Some(currency)) => Ok(ShopDetails { name, currency }),
            _ => Err(unreadable("shop", "no name or currency")),
        }
    }

    async fn order(
        &self,
        access: &ShopAccess,
        order_id: &str,
    ) -> Result<Option<OrderSnapshot>, ShopifyError> {
        let id = checked_order_id(order_id)?;
        match self
            .call(access, Method::GET, &format!("/orders/{id}.json"), None)
            .await?
        {
            Answer::Missing => Ok(None),
            Answer::Found(bytes) => parse_order_answer(&bytes)
                .map(Some)
                .map_err(|error| unreadable("order", error)),
        }
    }

    async fn add_order_tags(
        &self,
        access: &ShopAccess,
        order_id: &str,
        tags: &[String],
    ) -> Result<(), ShopifyError> {
        let id = checked_order_id(order_id)?;
        if tags.is_empty() {
            return Ok(());
        }
        let body = json!({
            "query": TAGS_ADD,
            "variables": {"id": format!("gid://shopify/Order/{id}"), "tags": tags},
        });
        let bytes = self
            .found(access, Method::POST, "/graphql.json", Some(&body))
            .await?;
        let answer: Value =
            serde_json::from_slice(&bytes).map_err(|error| unreadable("tagsAdd answer", error))?;
        if let Some(errors) = answer.get("errors").and_then(Value::as_array) {
            let throttled = errors.iter().any(|error| {
                error.pointer("/extensions/code").and_then(Value::as_str) == Some("THROTTLED")
            });
            if throttled {
                return Err(ShopifyError::Throttled { retry_after: None });
            }
            return Err(ShopifyError::Refused(errors_of(&bytes)));
        }
        match answer
            .pointer("/data/tagsAdd/userErrors")
            .and_then(Value::as_array)
        {
            Some(user_errors) if user_errors.is_empty() => Ok(()),
            Some(user_errors) => Err(ShopifyError::Refused(
                Value::Array(user_errors.clone()).to_string(),
            )),
            None => Err(unreadable("tagsAdd answer", "no data.tagsAdd")),
        }
    }

    async fn subscribe_webhooks(
        &self,
        access: &ShopAccess,
        address: &str,
        topics: &[&str],
    ) -> Result<(), ShopifyError> {
        for topic in topics {
            let body = json!({"webhook": {"topic": topic, "address": address, "format": "json"}});
            match self
                .found(access, Method::POST, "/webhooks.json", Some(&body))
                .await
            {
                Ok(_) => {}
                // The subscription exists already: what was asked holds.
                Err(ShopifyError::Refused(reason)) if reason.contains("already been taken") => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }
}
