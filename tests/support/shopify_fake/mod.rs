//! A local stand-in for Shopify in tests: each shop's Admin API (REST `shop.json`,
//! `orders/{id}.json`, `orders/{id}/cancel.json` and `webhooks.json`; GraphQL `tagsAdd`) behind its access token, answers
//! and errors as Shopify writes them, a record of every request, and the shop's side: orders
//! placed, changed and cancelled by the test, and their webhooks signed with the app's client
//! secret as Shopify signs them.
//!
//! Every shop is served under `{base_url}/{shop domain}/admin/api/{version}/...` (BotWot's
//! `commerce.shopify.api_url`). Included by several test crates (`#[path =
//! "../../tests/support/shopify_fake/mod.rs"] mod shopify_fake;` or as a `support` module).
//!
//! ```ignore
//! let fake = ShopifyFake::start(DOMAIN, TOKEN).await;
//! fake.put_order(order_json(450789469, ...));
//! let (headers, body) = fake.webhook("orders/create", 450789469, CLIENT_SECRET);
//! ```

#![allow(dead_code)]

#[allow(clippy::duplicate_mod)]
#[path = "../fake_api.rs"]
mod fake_api;

#[allow(unused_imports)]
pub use fake_api::{FakeApi, RecordedRequest};

use botwot_engine::Timestamp;
use fake_api::{Answer, AnswerWithHeaders, json_answer};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// What Shopify answers a request without a valid token.
pub const INVALID_TOKEN: &str =
    "[API] Invalid API key or access token (unrecognized login or wrong password)";

/// The fake Shopify: its shops' orders and webhook subscriptions, and the server (requests,
/// failure knobs) through `Deref`. Cheap to clone; the server stops when the last clone is
/// dropped.
#[derive(Clone)]
pub struct ShopifyFake {
    api: FakeApi,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Access tokens by shop domain.
    tokens: BTreeMap<String, String>,
    /// Orders by shop domain and id, as Shopify's REST API writes them.
    orders: BTreeMap<(String, u64), Value>,
    /// `(shop, topic, address)` of every subscription made.
    subscriptions: Vec<(String, String, String)>,
}

impl Deref for ShopifyFake {
    type Target = FakeApi;

    fn deref(&self) -> &FakeApi {
        &self.api
    }
}

impl ShopifyFake {
    /// A fake serving `domain`, whose app's access token is `token`.
    pub async fn start(domain: &str, token: &str) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        lock(&state)
            .tokens
            .insert(domain.to_owned(), token.to_owned());
        let shared = state.clone();
        let api = FakeApi::start_with_headers(
            json!({"errors": "Internal Server Error"}),
            move |request| {
                let mut state = lock(&shared);
                match list_orders(&state, request) {
                    Some(page) => page,
                    None => (answer(&mut state, request), Vec::new()),
                }
            },
        )
        .await;
        Self { api, state }
    }

    /// The shop's app now takes `token` only (the merchant rotated it, or reinstalled the app).
    pub fn set_token(&self, shop: &str, token: &str) {
        lock(&self.state)
            .tokens
            .insert(shop.to_owned(), token.to_owned());
    }

    /// Adds (or replaces) an order of `shop` (`order["id"]` is its id).
    pub fn put_order(&self, shop: &str, order: Value) {
        let id = order["id"].as_u64().expect("an order id");
        lock(&self.state)
            .orders
            .insert((shop.to_owned(), id), order);
    }

    /// The order as the shop has it now.
    pub fn order(&self, shop: &str, id: u64) -> Value {
        lock(&self.state).orders[&(shop.to_owned(), id)].clone()
    }

    /// Changes the order with `change` (its `updated_at` moves on by a minute).
    pub fn change_order(&self, shop: &str, id: u64, change: impl FnOnce(&mut Value)) -> Value {
        let mut state = lock(&self.state);
        let order = state
            .orders
            .get_mut(&(shop.to_owned(), id))
            .expect("a known order");
        change(order);
        order.clone()
    }

    /// The subscriptions made, as `(shop, topic, address)`.
    pub fn subscriptions(&self) -> Vec<(String, String, String)> {
        lock(&self.state).subscriptions.clone()
    }

    /// The webhook Shopify would send about the order as the shop has it now: its headers and
    /// body, signed with the app's `client_secret`.
    pub fn webhook(
        &self,
        shop: &str,
        topic: &str,
        id: u64,
        client_secret: &str,
    ) -> (Vec<(String, String)>, Vec<u8>) {
        signed_webhook(shop, topic, &self.order(shop, id), client_secret)
    }
}

/// A webhook about `order` as Shopify sends it: its headers and body, signed with the app's
/// `client_secret` (an order the shop has changed since, say).
pub fn signed_webhook(
    shop: &str,
    topic: &str,
    order: &Value,
    client_secret: &str,
) -> (Vec<(String, String)>, Vec<u8>) {
    let body = order.to_string().into_bytes();
    let signature = botwot_webhooks::shopify::webhook_signature(client_secret.as_bytes(), &body)
        .expect("a secret signs");
    let headers = vec![
        ("X-Shopify-Topic".to_owned(), topic.to_owned()),
        ("X-Shopify-Hmac-Sha256".to_owned(), signature),
        ("X-Shopify-Shop-Domain".to_owned(), shop.to_owned()),
        ("X-Shopify-API-Version".to_owned(), "2025-01".to_owned()),
        (
            "X-Shopify-Webhook-Id".to_owned(),
            format!(
                "b54557e4-bdd9-4b37-8a5f-{:012x}",
                order["id"].as_u64().unwrap_or(0)
            ),
        ),
    ];
    (headers, body)
}

/// A cash-on-delivery order as Shopify's REST API writes it, placed `placed_secs_ago` seconds
/// ago by a customer whose phone is `phone`.
pub fn cod_order(id: u64, name: &str, phone: &str, placed_secs_ago: i64) -> Value {
    let placed = chrono_rfc3339(placed_secs_ago);
    json!({
        "id": id,
        "admin_graphql_api_id": format!("gid://shopify/Order/{id}"),
        "name": name,
        "order_number": 1001,
        "email": "asha@example.com",
        "phone": null,
        "created_at": placed,
        "updated_at": placed,
        "cancelled_at": null,
        "cancel_reason": null,
        "closed_at": null,
        "confirmed": true,
        "currency": "INR",
        "financial_status": "pending",
        "fulfillment_status": null,
        "gateway": "Cash on Delivery (COD)",
        "payment_gateway_names": ["Cash on Delivery (COD)"],
        "subtotal_price": "549.00",
        "total_price": "598.94",
        "total_tax": "49.94",
        "tags": "",
        "customer": {"id": 207119551, "first_name": "Asha", "last_name": "Rao", "phone": phone},
        "shipping_address": {"first_name": "Asha", "last_name": "Rao", "name": "Asha Rao", "phone": phone, "city": "Pune", "country_code": "IN"},
        "line_items": [{"id": 466157049, "title": "Cotton kurta", "quantity": 1, "price": "549.00"}]
    })
}

/// An RFC 3339 time `secs_ago` seconds before now, with India's offset as shops write it.
pub fn chrono_rfc3339(secs_ago: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let local = Timestamp::from_millis((now - secs_ago + 5 * 3600 + 1800) * 1000).to_rfc3339();
    // `2024-01-08T15:30:00.000Z` in local time, written with the offset instead of `.000Z`.
    format!("{}+05:30", &local[..19])
}

/// The Admin API of every shop.
fn answer(state: &mut State, request: &RecordedRequest) -> Answer {
    let mut parts = request.path.trim_start_matches('/').splitn(5, '/');
    let (Some(shop), Some("admin"), Some("api"), Some(_version), Some(rest)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return json_answer(404, &json!({"errors": "Not Found"}));
    };
    let token = request.header("x-shopify-access-token");
    if token.is_none() || state.tokens.get(shop).map(String::as_str) != token {
        return json_answer(401, &json!({"errors": INVALID_TOKEN}));
    }
    match (request.method.as_str(), rest) {
        ("GET", "shop.json") => json_answer(
            200,
            &json!({"shop": {"id": 548380009, "name": "Acme Kurtas", "domain": shop, "myshopify_domain": shop, "currency": "INR", "iana_timezone": "Asia/Kolkata"}}),
        ),
        ("POST", path) if path.starts_with("orders/") && path.ends_with("/cancel.json") => {
            let id = path
                .trim_start_matches("orders/")
                .trim_end_matches("/cancel.json")
                .parse::<u64>()
                .unwrap_or(0);
            cancel(state, shop, id)
        }
        ("GET", path) if path.starts_with("orders/") => {
            let id = path
                .trim_start_matches("orders/")
                .trim_end_matches(".json")
                .parse::<u64>()
                .unwrap_or(0);
            match state.orders.get(&(shop.to_owned(), id)) {
                Some(order) => json_answer(200, &json!({"order": order})),
                None => json_answer(404, &json!({"errors": "Not Found"})),
            }
        }
        ("POST", "graphql.json") => tags_add(state, shop, &request.json()),
        ("POST", "webhooks.json") => subscribe(state, shop, &request.json()),
        _ => json_answer(404, &json!({"errors": "Not Found"})),
    }
}

/// `POST orders/{id}/cancel.json`: cancels an open, unfulfilled order as Shopify does
/// (`cancelled_at`, `cancel_reason`, the pending payment voided, the order closed); a fulfilled
/// or cancelled one is refused with 422 and Shopify's `error`.
fn cancel(state: &mut State, shop: &str, id: u64) -> Answer {
    let Some(order) = state.orders.get_mut(&(shop.to_owned(), id)) else {
        return json_answer(404, &json!({"errors": "Not Found"}));
    };
    if !order["cancelled_at"].is_null() {
        return json_answer(422, &json!({"error": "Order has already been cancelled"}));
    }
    if order["fulfillment_status"] == "fulfilled" {
        return json_answer(422, &json!({"error": "Cannot cancel a fulfilled order"}));
    }
    let now = chrono_rfc3339(0);
    order["cancelled_at"] = json!(now);
    order["closed_at"] = json!(now);
    order["cancel_reason"] = json!("customer");
    order["financial_status"] = json!("voided");
    order["updated_at"] = json!(now);
    json_answer(200, &json!({"order": order}))
}

/// `GET orders.json`: the shop's open orders (`status=open`) placed since `created_at_min`,
/// newest first, `limit` a page, the next page linked by `page_info` in a `Link` header as
/// Shopify does (the cursor alone then selects the page). `None` for any other request.
fn list_orders(state: &State, request: &RecordedRequest) -> Option<AnswerWithHeaders> {
    let rest = request.path.trim_start_matches('/');
    let (shop, tail) = rest.split_once('/')?;
    if request.method != "GET" || !tail.starts_with("admin/api/") || !tail.ends_with("/orders.json")
    {
        return None;
    }
    let token = request.header("x-shopify-access-token");
    if token.is_none() || state.tokens.get(shop).map(String::as_str) != token {
        return Some((
            json_answer(401, &json!({"errors": INVALID_TOKEN})),
            Vec::new(),
        ));
    }
    let limit: usize = request
        .query_value("limit")
        .and_then(|limit| limit.parse().ok())
        .unwrap_or(50);
    let (offset, since) = match request.query_value("page_info") {
        Some(cursor) => {
            let (offset, since) = cursor.strip_prefix('p')?.split_once('s')?;
            (offset.parse().ok()?, since.parse::<i64>().ok()?)
        }
        None => {
            let since = request
                .query_value("created_at_min")
                .and_then(seconds_of)
                .unwrap_or(i64::MIN);
            (0usize, since)
        }
    };
    let mut open: Vec<&Value> = state
        .orders
        .iter()
        .filter(|((owner, _), order)| {
            owner == shop
                && order["cancelled_at"].is_null()
                && order["closed_at"].is_null()
                && order["created_at"]
                    .as_str()
                    .and_then(seconds_of)
                    .unwrap_or(0)
                    >= since
        })
        .map(|(_, order)| order)
        .collect();
    open.sort_by_key(|order| std::cmp::Reverse(order["created_at"].as_str().and_then(seconds_of)));
    let page: Vec<&Value> = open.iter().skip(offset).take(limit).copied().collect();
    let mut headers = Vec::new();
    if offset + limit < open.len() {
        let next = format!("p{}s{since}", offset + limit);
        headers.push((
            "link",
            format!("<https://{shop}/admin/api/2025-01/orders.json?limit={limit}&page_info={next}>; rel=\"next\""),
        ));
    }
    Some((json_answer(200, &json!({"orders": page})), headers))
}

/// Unix seconds of an RFC 3339 time.
fn seconds_of(text: &str) -> Option<i64> {
    Timestamp::parse_rfc3339(text).map(|at| at.millis().div_euclid(1000))
}

/// The GraphQL `tagsAdd` mutation on an order.
fn tags_add(state: &mut State, shop: &str, body: &Value) -> Answer {
    let query = body["query"].as_str().unwrap_or_default();
    if !query.contains("tagsAdd") {
        return json_answer(
            200,
            &json!({"errors": [{"message": "unsupported query in the fake"}]}),
        );
    }
    let gid = body["variables"]["id"].as_str().unwrap_or_default();
    let id = gid
        .strip_prefix("gid://shopify/Order/")
        .and_then(|id| id.parse::<u64>().ok())
        .unwrap_or(0);
    let Some(order) = state.orders.get_mut(&(shop.to_owned(), id)) else {
        return json_answer(
            200,
            &json!({"data": {"tagsAdd": {"node": null, "userErrors": [{"field": ["id"], "message": "Order does not exist"}]}}}),
        );
    };
    let mut tags: Vec<String> = order["tags"]
        .as_str()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect();
    for tag in body["variables"]["tags"].as_array().into_iter().flatten() {
        let tag = tag.as_str().unwrap_or_default().to_owned();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    order["tags"] = Value::String(tags.join(", "));
    json_answer(
        200,
        &json!({"data": {"tagsAdd": {"node": {"id": gid}, "userErrors": []}}, "extensions": {"cost": {"requestedQueryCost": 10}}}),
    )
}

/// `POST webhooks.json`: one subscription per topic and address.
fn subscribe(state: &mut State, shop: &str, body: &Value) -> Answer {
    let topic = body["webhook"]["topic"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let address = body["webhook"]["address"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let entry = (shop.to_owned(), topic.clone(), address.clone());
    if state.subscriptions.contains(&entry) {
        return json_answer(
            422,
            &json!({"errors": {"address": ["for this topic has already been taken"]}}),
        );
    }
    state.subscriptions.push(entry);
    json_answer(
        201,
        &json!({"webhook": {"id": 4759306 + state.subscriptions.len(), "address": address, "topic": topic, "format": "json", "api_version": "2025-01"}}),
    )
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
