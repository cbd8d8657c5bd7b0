//! A local stand-in for Razorpay in tests: its REST API for plans, subscriptions, orders and
//! payments (entity shapes, ids, Unix-second times and refusals as Razorpay writes them), HTTP
//! Basic auth, a record of every request, and the other side of a payment: the customer paying
//! at checkout, Razorpay charging a subscription every cycle, and its signed webhooks.
//!
//! Included by several test crates (`#[path = "../../tests/support/razorpay_fake.rs"] mod
//! razorpay_fake;` or as a `support` module), so it uses nothing crate-specific: axum, tokio,
//! serde_json, reqwest and the signature helpers of `botwot_webhooks::razorpay`.
//!
//! ```ignore
//! let (base_url, fake) = razorpay_fake::start("rzp_test_key", "key_secret", "whsec").await;
//! // ... the code under test creates an order at `base_url` ...
//! let (payment_id, signature) = fake.pay_order(&order_id, false);
//! let body = fake.webhook_body("payment.authorized", &[&payment_id]);
//! let answer = fake.send_webhook(&webhook_url, &body).await;
//! ```

#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use botwot_webhooks::razorpay::{
    order_checkout_signature, subscription_checkout_signature, webhook_signature,
};
use serde_json::{Map, Value, json};
use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

/// The length of one subscription cycle in the fake (Razorpay's monthly plans, as 30 days).
pub const CYCLE_SECS: i64 = 30 * 24 * 60 * 60;
/// The description Razorpay gives an unknown id.
pub const NO_SUCH_ID: &str = "The id provided does not exist";

/// One request the fake API received, authorised or not.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `Authorization` header, as sent.
    pub authorization: Option<String>,
    /// The JSON body; `Null` when there was none, a string when it was not JSON.
    pub body: Value,
}

/// The fake Razorpay: what it holds, the requests it received, and the customer's and
/// Razorpay's moves. Cheap to clone; the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct RazorpayFake {
    shared: Arc<Shared>,
    base_url: String,
    _server: Arc<ServerTask>,
}

struct ServerTask(tokio::task::JoinHandle<()>);

impl Drop for ServerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Shared {
    key_id: String,
    key_secret: String,
    webhook_secret: String,
    account_id: String,
    ledger: Mutex<Ledger>,
}

#[derive(Default)]
struct Ledger {
    /// The fake's time when set; the system clock's otherwise.
    now: Option<i64>,
    plans: BTreeMap<String, Plan>,
    subscriptions: BTreeMap<String, Subscription>,
    orders: BTreeMap<String, Order>,
    payments: BTreeMap<String, Payment>,
    requests: Vec<RecordedRequest>,
    /// Answers given instead of the API's, oldest first.
    canned: VecDeque<(u16, String)>,
    unavailable: bool,
}

struct Plan {
    id: String,
    item_id: String,
    name: String,
    amount: u64,
    currency: String,
    period: String,
    interval: u64,
    notes: Value,
    created_at: i64,
}

struct Subscription {
    id: String,
    plan_id: String,
    customer_id: Option<String>,
    status: String,
    current_start: Option<i64>,
    current_end: Option<i64>,
    ended_at: Option<i64>,
    quantity: u64,
    notes: Value,
    charge_at: Option<i64>,
    start_at: Option<i64>,
    end_at: Option<i64>,
    total_count: u64,
    paid_count: u64,
    customer_notify: bool,
    created_at: i64,
    short_url: String,
    change_scheduled_at: Option<i64>,
    payment_method: Option<String>,
}

struct Order {
    id: String,
    amount: u64,
    amount_paid: u64,
    currency: String,
    receipt: Option<String>,
    status: String,
    attempts: u64,
    notes: Value,
    created_at: i64,
}

struct Payment {
    id: String,
    amount: u64,
    currency: String,
    status: String,
    order_id: Option<String>,
    invoice_id: Option<String>,
    customer_id: Option<String>,
    description: Option<String>,
    error_description: Option<String>,
    created_at: i64,
}

/// Starts the fake on `127.0.0.1` at a free port; its base URL (no trailing slash) and the
/// fake. Requests must sign in with `key_id`/`key_secret`; webhooks are signed with
/// `webhook_secret`.
pub async fn start(key_id: &str, key_secret: &str, webhook_secret: &str) -> (String, RazorpayFake) {
    let shared = Arc::new(Shared {
        key_id: key_id.to_owned(),
        key_secret: key_secret.to_owned(),
        webhook_secret: webhook_secret.to_owned(),
        account_id: fresh_id("acc_"),
        ledger: Mutex::new(Ledger::default()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the fake razorpay api");
    let address = listener
        .local_addr()
        .expect("the fake razorpay api's address");
    let app = Router::new().fallback(answer).with_state(shared.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let base_url = format!("http://{address}");
    let fake = RazorpayFake {
        shared,
        base_url: base_url.clone(),
        _server: Arc::new(ServerTask(task)),
    };
    (base_url, fake)
}

/// A fresh webhook event id (`evt_` and 14 alphanumerics).
pub fn new_event_id() -> String {
    fresh_id("evt_")
}

impl RazorpayFake {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn key_id(&self) -> &str {
        &self.shared.key_id
    }

    pub fn key_secret(&self) -> &str {
        &self.shared.key_secret
    }

    pub fn webhook_secret(&self) -> &str {
        &self.shared.webhook_secret
    }

    // ---- time ----

    /// The fake's time in Unix seconds: the system clock's until [`Self::set_now`].
    pub fn now(&self) -> i64 {
        self.ledger().now()
    }

    /// Stops the fake's clock at `unix_secs`; every time it writes from now on is this one,
    /// until set again or [`Self::advance`]d.
    pub fn set_now(&self, unix_secs: i64) {
        self.ledger().now = Some(unix_secs);
    }

    /// Moves the fake's clock `secs` on (and stops it there).
    pub fn advance(&self, secs: i64) {
        let mut ledger = self.ledger();
        ledger.now = Some(ledger.now() + secs);
    }

    // ---- what the API received ----

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.ledger().requests.clone()
    }

    /// The latest request received.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.ledger().requests.last().cloned()
    }

    pub fn clear_requests(&self) {
        self.ledger().requests.clear();
    }

    /// The `Authorization` header of a request signed in with the fake's key.
    pub fn expected_authorization(&self) -> String {
        basic_authorization(&self.shared.key_id, &self.shared.key_secret)
    }

    // ---- failure knobs ----

    /// The next request is answered with `status` and `body` (as is), whatever it asks.
    /// Queued: several calls answer several requests in turn.
    pub fn answer_next(&self, status: u16, body: &str) {
        self.ledger().canned.push_back((status, body.to_owned()));
    }

    /// While on, every request is answered 503 with Razorpay's server error.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.ledger().unavailable = unavailable;
    }

    // ---- entities as they stand ----

    pub fn plan(&self, plan_id: &str) -> Option<Value> {
        self.ledger().plans.get(plan_id).map(Plan::entity)
    }

    pub fn subscription(&self, subscription_id: &str) -> Option<Value> {
        self.ledger()
            .subscriptions
            .get(subscription_id)
            .map(Subscription::entity)
    }

    pub fn order(&self, order_id: &str) -> Option<Value> {
        self.ledger().orders.get(order_id).map(Order::entity)
    }

    pub fn payment(&self, payment_id: &str) -> Option<Value> {
        self.ledger().payments.get(payment_id).map(Payment::entity)
    }

    /// The id of every payment made, in id order (not the order they were made in).
    pub fn payment_ids(&self) -> Vec<String> {
        self.ledger().payments.keys().cloned().collect()
    }

    // ---- the customer's and Razorpay's moves ----

    /// The customer pays order `order_id` at checkout: a payment of the order's amount,
    /// `authorized` (the merchant captures it) or `captured` when `capture` (the order is then
    /// paid). Its id and the checkout's `razorpay_signature`.
    pub fn pay_order(&self, order_id: &str, capture: bool) -> (String, String) {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let order = ledger
            .orders
            .get_mut(order_id)
            .unwrap_or_else(|| panic!("no order {order_id} at the fake razorpay"));
        assert_ne!(order.status, "paid", "order {order_id} is already paid");
        order.attempts += 1;
        order.status = "attempted".to_owned();
        let mut payment = Payment::new(order.amount, &order.currency, now);
        payment.order_id = Some(order_id.to_owned());
        payment.status = "authorized".to_owned();
        if capture {
            payment.status = "captured".to_owned();
            order.status = "paid".to_owned();
            order.amount_paid = order.amount;
        }
        let payment_id = payment.id.clone();
        ledger.payments.insert(payment_id.clone(), payment);
        let signature =
            order_checkout_signature(self.shared.key_secret.as_bytes(), order_id, &payment_id);
        (payment_id, signature)
    }

    /// The customer's payment of order `order_id` fails with Razorpay's `description`; the
    /// failed payment's id.
    pub fn fail_payment(&self, order_id: &str, description: &str) -> String {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let order = ledger
            .orders
            .get_mut(order_id)
            .unwrap_or_else(|| panic!("no order {order_id} at the fake razorpay"));
        order.attempts += 1;
        if order.status == "created" {
            order.status = "attempted".to_owned();
        }
        let mut payment = Payment::new(order.amount, &order.currency, now);
        payment.order_id = Some(order_id.to_owned());
        payment.status = "failed".to_owned();
        payment.error_description = Some(description.to_owned());
        let payment_id = payment.id.clone();
        ledger.payments.insert(payment_id.clone(), payment);
        payment_id
    }

    /// The customer authorises subscription `subscription_id` at checkout and pays its first
    /// cycle: it is `active` with one cycle paid, from now for [`CYCLE_SECS`]. The payment's
    /// id and the checkout's `razorpay_signature`.
    pub fn authenticate_subscription(&self, subscription_id: &str) -> (String, String) {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let (amount, currency) = ledger.subscription_price(subscription_id);
        let subscription = ledger.subscription_mut(subscription_id);
        assert_eq!(
            subscription.status, "created",
            "subscription {subscription_id} was authenticated already"
        );
        let customer_id = fresh_id("cust_");
        subscription.customer_id = Some(customer_id.clone());
        subscription.payment_method = Some("card".to_owned());
        subscription.start_at = Some(now);
        subscription.end_at = Some(now + CYCLE_SECS * to_i64(subscription.total_count));
        subscription.paid_count = 0;
        subscription.start_cycle(now, now);
        let mut payment = Payment::recurring(amount, &currency, &customer_id, now);
        payment.description = Some("Subscription authentication".to_owned());
        let payment_id = payment.id.clone();
        ledger.payments.insert(payment_id.clone(), payment);
        let signature = subscription_checkout_signature(
            self.shared.key_secret.as_bytes(),
            subscription_id,
            &payment_id,
        );
        (payment_id, signature)
    }

    /// Razorpay charges subscription `subscription_id` for its next cycle: one more cycle paid,
    /// the period moved on by [`CYCLE_SECS`] from where the last one ended (`completed` after
    /// the last cycle). The captured payment's id.
    pub fn charge_subscription(&self, subscription_id: &str) -> String {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let (amount, currency) = ledger.subscription_price(subscription_id);
        let subscription = ledger.subscription_mut(subscription_id);
        assert!(
            matches!(
                subscription.status.as_str(),
                "authenticated" | "active" | "pending" | "halted"
            ),
            "subscription {subscription_id} is {}: nothing to charge",
            subscription.status
        );
        let start = subscription.current_end.unwrap_or(now);
        subscription.start_cycle(start, now);
        let customer_id = subscription.customer_id.clone().unwrap_or_default();
        let mut payment = Payment::recurring(amount, &currency, &customer_id, now);
        payment.description = Some("Recurring Payment via Subscription".to_owned());
        let payment_id = payment.id.clone();
        ledger.payments.insert(payment_id.clone(), payment);
        payment_id
    }

    /// Every retry of a charge failed: the subscription is `halted`.
    pub fn halt_subscription(&self, subscription_id: &str) {
        let mut ledger = self.ledger();
        let subscription = ledger.subscription_mut(subscription_id);
        subscription.status = "halted".to_owned();
        subscription.charge_at = None;
    }

    /// Sets a subscription's status as it is (`pending`, `paused`, `expired`, ...), for states
    /// the other moves do not reach.
    pub fn set_subscription_status(&self, subscription_id: &str, status: &str) {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let subscription = ledger.subscription_mut(subscription_id);
        subscription.status = status.to_owned();
        if matches!(status, "cancelled" | "completed" | "expired") {
            subscription.ended_at = Some(now);
            subscription.charge_at = None;
        }
    }

    /// The current cycle of a subscription cancelled at its end runs out: it is `cancelled`.
    pub fn end_cycle(&self, subscription_id: &str) {
        let mut ledger = self.ledger();
        let now = ledger.now();
        let subscription = ledger.subscription_mut(subscription_id);
        if subscription.change_scheduled_at.take().is_some() {
            subscription.status = "cancelled".to_owned();
            subscription.ended_at = Some(now);
            subscription.charge_at = None;
        }
    }

    // ---- webhooks ----

    /// Razorpay's webhook body for `event` at the fake's time, carrying each entity of
    /// `entity_ids` as it stands (`sub_…` as `subscription`, `pay_…` as `payment`, `order_…`
    /// as `order`, `plan_…` as `plan`), in that order in `contains`.
    pub fn webhook_body(&self, event: &str, entity_ids: &[&str]) -> Vec<u8> {
        let ledger = self.ledger();
        let mut contains = Vec::new();
        let mut payload = Map::new();
        for id in entity_ids {
            let (name, entity) = ledger
                .entity_of(id)
                .unwrap_or_else(|| panic!("no entity {id} at the fake razorpay"));
            contains.push(Value::from(name));
            payload.insert(name.to_owned(), json!({ "entity": entity }));
        }
        json!({
            "entity": "event",
            "account_id": self.shared.account_id,
            "event": event,
            "contains": contains,
            "payload": payload,
            "created_at": ledger.now(),
        })
        .to_string()
        .into_bytes()
    }

    /// The `X-Razorpay-Signature` of `body` under the webhook secret.
    pub fn webhook_signature(&self, body: &[u8]) -> String {
        webhook_signature(self.shared.webhook_secret.as_bytes(), body)
            .expect("an hmac key of any length")
    }

    /// Delivers `body` to `url` as Razorpay does, signed, with a fresh event id.
    pub async fn send_webhook(&self, url: &str, body: &[u8]) -> reqwest::Response {
        self.send_webhook_as(url, body, &new_event_id()).await
    }

    /// Delivers `body` to `url` with the event id `event_id` (the same id again is a
    /// redelivery of the same event).
    pub async fn send_webhook_as(
        &self,
        url: &str,
        body: &[u8],
        event_id: &str,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .header("X-Razorpay-Signature", self.webhook_signature(body))
            .header("x-razorpay-event-id", event_id)
            .body(body.to_vec())
            .send()
            .await
            .expect("deliver the webhook")
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.shared.ledger()
    }
}

impl Shared {
    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ---- the HTTP side ----

type Reply = (StatusCode, Value);

async fn answer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let json_body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let mut ledger = shared.ledger();
    ledger.requests.push(RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        authorization: authorization.clone(),
        body: json_body.clone(),
    });
    if let Some((status, canned)) = ledger.canned.pop_front() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, [(header::CONTENT_TYPE, "application/json")], canned).into_response();
    }
    let (status, reply) = if ledger.unavailable {
        server_error()
    } else if authorization.as_deref()
        != Some(basic_authorization(&shared.key_id, &shared.key_secret).as_str())
    {
        (
            StatusCode::UNAUTHORIZED,
            error_body("BAD_REQUEST_ERROR", "Authentication failed", None),
        )
    } else {
        let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
        ledger
            .route(&method, &segments, &json_body)
            .unwrap_or_else(|reply| reply)
    };
    (status, axum::Json(reply)).into_response()
}

impl Ledger {
    fn now(&self) -> i64 {
        self.now.unwrap_or_else(system_now)
    }

    fn route(&mut self, method: &Method, path: &[&str], body: &Value) -> Result<Reply, Reply> {
        let ok = |entity: Value| Ok((StatusCode::OK, entity));
        match (method.as_str(), path) {
            ("POST", ["v1", "plans"]) => ok(self.create_plan(object(body)?)?),
            ("GET", ["v1", "plans", id]) => {
                ok(self.plans.get(*id).ok_or_else(no_such_id)?.entity())
            }
            ("POST", ["v1", "subscriptions"]) => ok(self.create_subscription(object(body)?)?),
            ("GET", ["v1", "subscriptions", id]) => {
                ok(self.subscriptions.get(*id).ok_or_else(no_such_id)?.entity())
            }
            ("POST", ["v1", "subscriptions", id, "cancel"]) => {
                ok(self.cancel_subscription(id, object_or_empty(body)?)?)
            }
            ("POST", ["v1", "orders"]) => ok(self.create_order(object(body)?)?),
            ("GET", ["v1", "orders", id]) => {
                ok(self.orders.get(*id).ok_or_else(no_such_id)?.entity())
            }
            ("GET", ["v1", "payments", id]) => {
                ok(self.payments.get(*id).ok_or_else(no_such_id)?.entity())
            }
            ("POST", ["v1", "payments", id, "capture"]) => {
                ok(self.capture_payment(id, object(body)?)?)
            }
            _ => Err(refusal(
                "The requested URL was not found on the server.",
                None,
            )),
        }
    }

    fn create_plan(&mut self, body: &Map<String, Value>) -> Result<Value, Reply> {
        let period = required_str(body, "period")?;
        if !matches!(period, "daily" | "weekly" | "monthly" | "yearly") {
            return Err(refusal("The selected period is invalid.", Some("period")));
        }
        let interval = match body.get("interval") {
            None => return Err(refusal("The interval field is required.", Some("interval"))),
            Some(value) => value
                .as_u64()
                .filter(|interval| *interval >= 1)
                .ok_or_else(|| refusal("The interval must be an integer.", Some("interval")))?,
        };
        let item = body
            .get("item")
            .and_then(Value::as_object)
            .ok_or_else(|| refusal("The item field is required.", Some("item")))?;
        let name = required_str(item, "name")?;
        let amount = amount(item)?;
        let currency = currency(item)?;
        let plan = Plan {
            id: fresh_id("plan_"),
            item_id: fresh_id("item_"),
            name: name.to_owned(),
            amount,
            currency,
            period: period.to_owned(),
            interval,
            notes: notes(body)?,
            created_at: self.now(),
        };
        let entity = plan.entity();
        self.plans.insert(plan.id.clone(), plan);
        Ok(entity)
    }

    fn create_subscription(&mut self, body: &Map<String, Value>) -> Result<Value, Reply> {
        let plan_id = required_str(body, "plan_id")?;
        if !self.plans.contains_key(plan_id) {
            return Err(refusal(NO_SUCH_ID, Some("plan_id")));
        }
        let total_count = match body.get("total_count") {
            None => {
                return Err(refusal(
                    "The total count field is required.",
                    Some("total_count"),
                ));
            }
            Some(value) => value.as_u64().filter(|count| *count >= 1).ok_or_else(|| {
                refusal("The total count must be at least 1.", Some("total_count"))
            })?,
        };
        let quantity = match body.get("quantity") {
            None => 1,
            Some(value) => value
                .as_u64()
                .filter(|quantity| *quantity >= 1)
                .ok_or_else(|| refusal("The quantity must be at least 1.", Some("quantity")))?,
        };
        let customer_notify = flag(
            body,
            "customer_notify",
            true,
            "The customer notify field must be true or false.",
        )?;
        let now = self.now();
        let subscription = Subscription {
            id: fresh_id("sub_"),
            plan_id: plan_id.to_owned(),
            customer_id: None,
            status: "created".to_owned(),
            current_start: None,
            current_end: None,
            ended_at: None,
            quantity,
            notes: notes(body)?,
            charge_at: Some(now),
            start_at: None,
            end_at: None,
            total_count,
            paid_count: 0,
            customer_notify,
            created_at: now,
            short_url: format!("https://rzp.io/i/{}", &fresh_id("")[..9]),
            change_scheduled_at: None,
            payment_method: None,
        };
        let entity = subscription.entity();
        self.subscriptions
            .insert(subscription.id.clone(), subscription);
        Ok(entity)
    }

    fn cancel_subscription(&mut self, id: &str, body: &Map<String, Value>) -> Result<Value, Reply> {
        let at_cycle_end = flag(
            body,
            "cancel_at_cycle_end",
            false,
            "The cancel at cycle end field must be 0 or 1.",
        )?;
        let now = self.now();
        let subscription = self.subscriptions.get_mut(id).ok_or_else(no_such_id)?;
        if matches!(
            subscription.status.as_str(),
            "cancelled" | "completed" | "expired"
        ) {
            return Err(refusal(
                &format!(
                    "Subscription is not cancellable in {} status.",
                    subscription.status
                ),
                None,
            ));
        }
        match subscription.current_end {
            Some(end) if at_cycle_end => subscription.change_scheduled_at = Some(end),
            _ => {
                subscription.status = "cancelled".to_owned();
                subscription.ended_at = Some(now);
                subscription.charge_at = None;
                subscription.change_scheduled_at = None;
            }
        }
        Ok(subscription.entity())
    }

    fn create_order(&mut self, body: &Map<String, Value>) -> Result<Value, Reply> {
        let amount = amount(body)?;
        let currency = currency(body)?;
        let receipt = match body.get("receipt") {
            None | Some(Value::Null) => None,
            Some(Value::String(receipt)) if receipt.chars().count() <= 40 => Some(receipt.clone()),
            Some(_) => {
                return Err(refusal(
                    "The receipt may not be greater than 40 characters.",
                    Some("receipt"),
                ));
            }
        };
        let order = Order {
            id: fresh_id("order_"),
            amount,
            amount_paid: 0,
            currency,
            receipt,
            status: "created".to_owned(),
            attempts: 0,
            notes: notes(body)?,
            created_at: self.now(),
        };
        let entity = order.entity();
        self.orders.insert(order.id.clone(), order);
        Ok(entity)
    }

    fn capture_payment(&mut self, id: &str, body: &Map<String, Value>) -> Result<Value, Reply> {
        let amount = amount(body)?;
        let currency = currency(body)?;
        let payment = self.payments.get_mut(id).ok_or_else(no_such_id)?;
        match payment.status.as_str() {
            "authorized" => {}
            "captured" | "refunded" => {
                return Err(refusal("This payment has already been captured", None));
            }
            _ => {
                return Err(refusal(
                    "Only payments which have been authorized and not yet captured can be captured",
                    None,
                ));
            }
        }
        if amount != payment.amount {
            return Err(refusal(
                "Capture amount must be equal to the amount authorized",
                Some("amount"),
            ));
        }
        if currency != payment.currency {
            return Err(refusal(
                "Currency should be same as payment currency",
                Some("currency"),
            ));
        }
        payment.status = "captured".to_owned();
        let entity = payment.entity();
        if let Some(order) = payment
            .order_id
            .clone()
            .and_then(|order_id| self.orders.get_mut(&order_id))
        {
            order.status = "paid".to_owned();
            order.amount_paid = order.amount;
        }
        Ok(entity)
    }

    fn subscription_mut(&mut self, id: &str) -> &mut Subscription {
        self.subscriptions
            .get_mut(id)
            .unwrap_or_else(|| panic!("no subscription {id} at the fake razorpay"))
    }

    /// One cycle's charge of a subscription: its plan's amount times its quantity.
    fn subscription_price(&self, id: &str) -> (u64, String) {
        let subscription = self
            .subscriptions
            .get(id)
            .unwrap_or_else(|| panic!("no subscription {id} at the fake razorpay"));
        let plan = &self.plans[&subscription.plan_id];
        (plan.amount * subscription.quantity, plan.currency.clone())
    }

    fn entity_of(&self, id: &str) -> Option<(&'static str, Value)> {
        let prefix = id.split('_').next().unwrap_or_default();
        match prefix {
            "sub" => Some(("subscription", self.subscriptions.get(id)?.entity())),
            "pay" => Some(("payment", self.payments.get(id)?.entity())),
            "order" => Some(("order", self.orders.get(id)?.entity())),
            "plan" => Some(("plan", self.plans.get(id)?.entity())),
            _ => None,
        }
    }
}

impl Subscription {
    /// One more cycle paid, running from `start`; `completed` when it was the last.
    fn start_cycle(&mut self, start: i64, now: i64) {
        self.paid_count += 1;
        self.current_start = Some(start);
        self.current_end = Some(start + CYCLE_SECS);
        if self.paid_count >= self.total_count {
            self.status = "completed".to_owned();
            self.ended_at = Some(now);
            self.charge_at = None;
        } else {
            self.status = "active".to_owned();
            self.charge_at = self.current_end;
        }
    }

    fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "subscription",
            "plan_id": self.plan_id,
            "customer_id": self.customer_id,
            "status": self.status,
            "type": 2,
            "current_start": self.current_start,
            "current_end": self.current_end,
            "ended_at": self.ended_at,
            "quantity": self.quantity,
            "notes": self.notes,
            "charge_at": self.charge_at,
            "start_at": self.start_at,
            "end_at": self.end_at,
            "auth_attempts": 0,
            "total_count": self.total_count,
            "paid_count": self.paid_count,
            "customer_notify": self.customer_notify,
            "created_at": self.created_at,
            "expire_by": null,
            "short_url": self.short_url,
            "has_scheduled_changes": self.change_scheduled_at.is_some(),
            "change_scheduled_at": self.change_scheduled_at,
            "source": "api",
            "payment_method": self.payment_method,
            "offer_id": null,
            "remaining_count": self.total_count.saturating_sub(self.paid_count),
        })
    }
}

impl Plan {
    fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "plan",
            "interval": self.interval,
            "period": self.period,
            "item": {
                "id": self.item_id,
                "active": true,
                "name": self.name,
                "description": null,
                "amount": self.amount,
                "unit_amount": self.amount,
                "currency": self.currency,
                "type": "plan",
                "unit": null,
                "tax_inclusive": false,
                "hsn_code": null,
                "sac_code": null,
                "tax_rate": null,
                "tax_id": null,
                "tax_group_id": null,
                "created_at": self.created_at,
                "updated_at": self.created_at,
            },
            "notes": self.notes,
            "created_at": self.created_at,
        })
    }
}

impl Order {
    fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "order",
            "amount": self.amount,
            "amount_paid": self.amount_paid,
            "amount_due": self.amount - self.amount_paid,
            "currency": self.currency,
            "receipt": self.receipt,
            "offer_id": null,
            "status": self.status,
            "attempts": self.attempts,
            "notes": self.notes,
            "created_at": self.created_at,
        })
    }
}

impl Payment {
    fn new(amount: u64, currency: &str, now: i64) -> Self {
        Self {
            id: fresh_id("pay_"),
            amount,
            currency: currency.to_owned(),
            status: "created".to_owned(),
            order_id: None,
            invoice_id: None,
            customer_id: None,
            description: None,
            error_description: None,
            created_at: now,
        }
    }

    /// A captured charge of a subscription, with the invoice and order Razorpay makes for it.
    fn recurring(amount: u64, currency: &str, customer_id: &str, now: i64) -> Self {
        let mut payment = Self::new(amount, currency, now);
        payment.status = "captured".to_owned();
        payment.order_id = Some(fresh_id("order_"));
        payment.invoice_id = Some(fresh_id("inv_"));
        payment.customer_id = Some(customer_id.to_owned()).filter(|id| !id.is_empty());
        payment
    }

    fn entity(&self) -> Value {
        let captured = matches!(self.status.as_str(), "captured" | "refunded");
        let failed = self.status == "failed";
        let fee = captured.then(|| self.amount * 2 / 100);
        json!({
            "id": self.id,
            "entity": "payment",
            "amount": self.amount,
            "currency": self.currency,
            "status": self.status,
            "order_id": self.order_id,
            "invoice_id": self.invoice_id,
            "international": false,
            "method": "card",
            "amount_refunded": 0,
            "refund_status": null,
            "captured": captured,
            "description": self.description,
            "card_id": null,
            "bank": null,
            "wallet": null,
            "vpa": null,
            "email": "gaurav.kumar@example.com",
            "contact": "+919000090000",
            "customer_id": self.customer_id,
            "token_id": null,
            "notes": [],
            "fee": fee,
            "tax": fee.map(|fee| fee * 18 / 118),
            "error_code": failed.then_some("BAD_REQUEST_ERROR"),
            "error_description": self.error_description,
            "error_source": failed.then_some("customer"),
            "error_step": failed.then_some("payment_authentication"),
            "error_reason": failed.then_some("payment_failed"),
            "acquirer_data": {},
            "created_at": self.created_at,
        })
    }
}

// ---- Razorpay's refusals and request fields ----

fn error_body(code: &str, description: &str, field: Option<&str>) -> Value {
    json!({"error": {
        "code": code,
        "description": description,
        "source": if code == "BAD_REQUEST_ERROR" { "business" } else { "NA" },
        "step": if code == "BAD_REQUEST_ERROR" { "payment_initiation" } else { "NA" },
        "reason": if code == "BAD_REQUEST_ERROR" { "input_validation_failed" } else { "NA" },
        "metadata": {},
        "field": field,
    }})
}

/// Razorpay's 400 for a request it will not do as it stands.
fn refusal(description: &str, field: Option<&str>) -> Reply {
    (
        StatusCode::BAD_REQUEST,
        error_body("BAD_REQUEST_ERROR", description, field),
    )
}

fn no_such_id() -> Reply {
    refusal(NO_SUCH_ID, Some("id"))
}

fn server_error() -> Reply {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        error_body(
            "SERVER_ERROR",
            "The server encountered an error. The incident has been reported to admins.",
            None,
        ),
    )
}

fn object(body: &Value) -> Result<&Map<String, Value>, Reply> {
    body.as_object()
        .ok_or_else(|| refusal("The request body must be a JSON object.", None))
}

fn object_or_empty(body: &Value) -> Result<&Map<String, Value>, Reply> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match body {
        Value::Null => Ok(EMPTY.get_or_init(Map::new)),
        body => object(body),
    }
}

fn required_str<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, Reply> {
    match body.get(field) {
        Some(Value::String(text)) if !text.is_empty() => Ok(text),
        Some(Value::String(_)) | None | Some(Value::Null) => Err(refusal(
            &format!("The {} field is required.", field.replace('_', " ")),
            Some(field),
        )),
        Some(_) => Err(refusal(
            &format!("The {} must be a string.", field.replace('_', " ")),
            Some(field),
        )),
    }
}

/// `amount`: an integer of at least 100 (INR 1.00), as Razorpay requires.
fn amount(body: &Map<String, Value>) -> Result<u64, Reply> {
    match body.get("amount") {
        None | Some(Value::Null) => Err(refusal("The amount field is required.", Some("amount"))),
        Some(value) => match value.as_u64() {
            Some(amount) if amount >= 100 => Ok(amount),
            Some(_) => Err(refusal(
                "The amount must be atleast INR 1.00",
                Some("amount"),
            )),
            None => Err(refusal("The amount must be an integer.", Some("amount"))),
        },
    }
}

/// `currency`: three capital letters.
fn currency(body: &Map<String, Value>) -> Result<String, Reply> {
    let currency = required_str(body, "currency")?;
    if currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(currency.to_owned())
    } else {
        Err(refusal("Currency is not supported", Some("currency")))
    }
}

/// `notes` as given (an object of at most 15 keys with short values); `[]` when absent or
/// empty, as Razorpay writes it.
fn notes(body: &Map<String, Value>) -> Result<Value, Reply> {
    let notes = match body.get("notes") {
        None | Some(Value::Null) => return Ok(json!([])),
        Some(Value::Array(items)) if items.is_empty() => return Ok(json!([])),
        Some(Value::Object(notes)) => notes,
        Some(_) => return Err(refusal("The notes must be an object.", Some("notes"))),
    };
    if notes.len() > 15 {
        return Err(refusal(
            "Number of notes cannot be more than 15.",
            Some("notes"),
        ));
    }
    for value in notes.values() {
        let fits = match value {
            Value::String(text) => text.chars().count() <= 256,
            Value::Number(_) | Value::Bool(_) | Value::Null => true,
            _ => false,
        };
        if !fits {
            return Err(refusal(
                "Each note may be a string of at most 256 characters.",
                Some("notes"),
            ));
        }
    }
    if notes.is_empty() {
        Ok(json!([]))
    } else {
        Ok(Value::Object(notes.clone()))
    }
}

// ---- ids, time, auth ----

/// `prefix` and 14 random alphanumerics, as Razorpay's ids.
fn fresh_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = prefix.to_owned();
    for half in 0..2u64 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(count);
        hasher.write_u64(half);
        hasher.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos()),
        );
        let mut bits = hasher.finish();
        for _ in 0..7 {
            id.push(char::from(ALPHABET[(bits % 62) as usize]));
            bits /= 62;
        }
    }
    id
}

fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64)
}

fn to_i64(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// `Basic` and the base64 of `id:secret`.
fn basic_authorization(id: &str, secret: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{id}:{secret}").into_bytes();
    let mut out = String::from("Basic ");
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let group = (u32::from(bytes[0]) << 16) | (u32::from(bytes[1]) << 8) | u32::from(bytes[2]);
        for index in 0..4 {
            if index <= chunk.len() {
                out.push(char::from(
                    ALPHABET[((group >> (18 - 6 * index)) & 63) as usize],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A yes/no field as Razorpay takes it: `true`/`false` or `1`/`0`; `default` when absent.
fn flag(
    body: &Map<String, Value>,
    field: &'static str,
    default: bool,
    refused: &'static str,
) -> Result<bool, Reply> {
    match body.get(field) {
        None => Ok(default),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(value) => match value.as_u64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(refusal(refused, Some(field))),
        },
    }
}
