//! [`ShopifyClient`]: the engine's [`ShopifyAdmin`] over each shop's Admin API. Every call has
//! the configured timeout, follows no redirects (a token goes to its shop's host only) and is
//! made exactly once: whoever asked decides whether to ask again.

use super::config::{ShopifyConfig, ShopifyConfigError};
use super::errors::{classify, errors_of, transport_error};
use async_trait::async_trait;
use botwot_engine::commerce::{OrderSnapshot, is_shop_domain};
use botwot_engine::ports::{ShopAccess, ShopDetails, ShopifyAdmin, ShopifyError};
use botwot_engine::time::Timestamp;
use botwot_webhooks::shopify::{parse_order_answer, parse_orders_answer};
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

/// A 2xx answer with the `page_info` of the next page when the answer is a page of a listing,
/// or a 404 (a missing order is an answer too).
enum Answer {
    Found {
        body: Vec<u8>,
        next_page: Option<String>,
    },
    Missing,
}

/// The most orders one page of a listing holds (Shopify's maximum).
const PAGE_LIMIT: usize = 250;
/// The most pages one listing reads: 5,000 orders.
const MAX_PAGES: usize = 20;

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
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header(reqwest::header::RETRY_AFTER);
        let next_page = header(reqwest::header::LINK).and_then(|link| next_page_info(&link));
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
            200..=299 => Ok(Answer::Found {
                body: bytes,
                next_page,
            }),
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
            Answer::Found { body, .. } => Ok(body),
            Answer::Missing => Err(ShopifyError::Refused(format!("http 404 on {path}"))),
        }
    }
}

/// The `page_info` of the `rel="next"` link of a `Link` header, if it has one. Only the cursor is
/// taken: the next request is built on the configured host, whatever host the link names.
fn next_page_info(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        if !params
            .split(';')
            .any(|param| param.trim() == "rel=\"next\"")
        {
            return None;
        }
        let target = target.trim().trim_start_matches('<').trim_end_matches('>');
        let query = target.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let value = pair.strip_prefix("page_info=")?;
            let usable = !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            usable.then(|| value.to_owned())
        })
    })
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
            Answer::Found { body, .. } => parse_order_answer(&body)
                .map(Some)
                .map_err(|error| unreadable("order", error)),
        }
    }

    async fn open_orders(
        &self,
        access: &ShopAccess,
        since: Timestamp,
    ) -> Result<Vec<OrderSnapshot>, ShopifyError> {
        let mut path = format!(
            "/orders.json?status=open&limit={PAGE_LIMIT}&created_at_min={}",
            since.to_rfc3339()
        );
        let mut orders = Vec::new();
        for _ in 0..MAX_PAGES {
            let Answer::Found { body, next_page } =
                self.call(access, Method::GET, &path, None).await?
            else {
                return Err(ShopifyError::Refused(
                    "http 404 on the order list".to_owned(),
                ));
            };
            orders.extend(parse_orders_answer(&body).map_err(|error| unreadable("orders", error))?);
            match next_page {
                Some(page_info) => {
                    path = format!("/orders.json?limit={PAGE_LIMIT}&page_info={page_info}");
                }
                None => break,
            }
        }
        Ok(orders)
    }

    async fn cancel_order(
        &self,
        access: &ShopAccess,
        order_id: &str,
    ) -> Result<OrderSnapshot, ShopifyError> {
        let id = checked_order_id(order_id)?;
        let body = json!({"reason": "customer", "email": true});
        let bytes = self
            .found(
                access,
                Method::POST,
                &format!("/orders/{id}/cancel.json"),
                Some(&body),
            )
            .await?;
        parse_order_answer(&bytes).map_err(|error| unreadable("cancelled order", error))
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

#[cfg(test)]
mod tests {
    use super::next_page_info;

    #[test]
    fn only_the_next_pages_cursor_is_taken() {
        let link = r#"<https://acme.myshopify.com/admin/api/2025-01/orders.json?limit=250&page_info=hijgklmn>; rel="previous", <https://acme.myshopify.com/admin/api/2025-01/orders.json?limit=250&page_info=abc-12_x>; rel="next""#;
        assert_eq!(next_page_info(link).as_deref(), Some("abc-12_x"));
        assert_eq!(
            next_page_info(r#"<https://x/orders.json?page_info=a>; rel="previous""#),
            None
        );
        assert_eq!(
            next_page_info(r#"<https://x/orders.json?page_info=a%2F..>; rel="next""#),
            None
        );
        assert_eq!(next_page_info("garbage"), None);
    }
}
